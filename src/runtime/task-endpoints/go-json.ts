// JSON as the ECS agent (a Go program) writes it: timestamps in Go's RFC 3339 with trimmed fractional
// seconds, and integers beyond 2^53 (cgroup counters, "unlimited" memory) written exactly, as bigint.

/** A JSON value the endpoint writes: like JSON, plus bigint for exact 64-bit counters. */
export type JsonValue = string | number | bigint | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

/**
 * Go's time.RFC3339Nano for a UTC time, as encoding/json writes time.Time: the fraction without trailing
 * zeros and without the dot when it is zero (`2020-10-08T20:09:11.44527186Z`, `2022-05-10T19:33:11Z`).
 */
export function goTime(date: Date): string {
  const iso = date.toISOString(); // 2020-10-08T20:09:11.445Z
  const [seconds = iso, fraction = ''] = iso.slice(0, -1).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed === '' ? `${seconds}Z` : `${seconds}.${trimmed}Z`;
}

/** Go's zero time.Time as JSON: what Docker writes for `preread` before a previous sample exists. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** Serializes like JSON.stringify (undefined members left out), writing bigint values as exact integers. */
export function jsonText(value: JsonValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map((item) => jsonText(item)).join(',')}]`;
  const members: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${jsonText(member)}`);
  }
  return `{${members.join(',')}}`;
}
