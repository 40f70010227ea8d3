// Latency statistics for the benchmark: nearest-rank percentiles and the summary each row prints.

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * The nearest-rank percentile of values sorted ascending: the smallest value such that at least
 * p% of the values are <= it (p = 0 gives the minimum, p = 100 the maximum). It is always one of
 * the measured values, never an interpolation. Throws RangeError on an empty list or p outside
 * [0, 100].
 */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) throw new RangeError('percentile of an empty list');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be from 0 to 100, got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAscending.length));
  return sortedAscending[rank - 1] as number;
}

/** p50/p90/p99/max/mean of the samples (in any order; not modified), or undefined for none. */
export function summarize(samples: readonly number[]): LatencySummary | undefined {
  if (samples.length === 0) return undefined;
  const sorted = Float64Array.from(samples).sort();
  const values = Array.from(sorted);
  let total = 0;
  for (const v of values) total += v;
  return {
    count: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: values[values.length - 1] as number,
    mean: total / values.length,
  };
}

/** a / b, or undefined when either side is missing or b is 0 (a ratio that means nothing). */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return undefined;
  return a / b;
}
