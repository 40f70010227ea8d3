// A target group's Matcher HttpCode ("200", "200,202", "200-299", or a mix): which health-check response codes pass.

/** A predicate over status codes; entries that are neither a code nor a range are ignored. */
export function httpCodeMatcher(httpCodes: string): (status: number) => boolean {
  const ranges: [number, number][] = [];
  for (const part of httpCodes.split(',').map((p) => p.trim()).filter(Boolean)) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) ranges.push([Number(range[1]), Number(range[2])]);
    else if (/^\d+$/.test(part)) ranges.push([Number(part), Number(part)]);
  }
  if (ranges.length === 0) ranges.push([200, 200]);
  return (status) => ranges.some(([low, high]) => status >= low && status <= high);
}
