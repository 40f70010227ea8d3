// What AWS would make the CLI print: exit codes, the error line, id and ARN formats, timestamps.
// Every failure message carries the full transcript (command, exit status, stdout, stderr), so a
// red test says exactly what Berth answered.
import assert from 'node:assert/strict';
import type { CliResult } from './aws-cli.ts';

/** Berth's default account (src/config/settings.ts): what STS reports for keys Berth did not issue. */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** EC2 ids: a prefix and 17 lowercase hex digits (the long id format, the only one since 2018). */
export const ID = {
  vpc: /^vpc-[0-9a-f]{17}$/,
  subnet: /^subnet-[0-9a-f]{17}$/,
  sg: /^sg-[0-9a-f]{17}$/,
  sgr: /^sgr-[0-9a-f]{17}$/,
  /** IAM role ids: AROA + 17 upper-case letters and digits (IAM's "unique identifiers"). */
  role: /^AROA[A-Z0-9]{17}$/,
};

export function transcript(r: CliResult): string {
  return `$ ${r.command}\n[exit ${r.code}]\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

/** Exit 0. */
export function ok(r: CliResult): CliResult {
  assert.equal(r.code, 0, `expected success\n${transcript(r)}`);
  return r;
}

/** Exit 0 and nothing on stdout: what AWS prints for operations without output (AttachRolePolicy, PutRolePolicy…). */
export function silent(r: CliResult): void {
  ok(r);
  assert.equal(r.stdout, '', `expected no output\n${transcript(r)}`);
}

/** Exit 0 and the JSON the CLI printed (the caller states the shape it asserts on). */
export function json<T>(r: CliResult): T {
  ok(r);
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    return assert.fail(`expected JSON on stdout\n${transcript(r)}`);
  }
}

/** `VAR=$(…)`: exit 0 and stdout without its trailing newlines, as the shell captures it. */
export function captured(r: CliResult): string {
  ok(r);
  return r.stdout.replace(/\n+$/, '');
}

/**
 * A service error as the CLI reports it: exit 255 (CLI v1; v2 uses 254), nothing on stdout, and on
 * stderr the single line `An error occurred (Code) when calling the Op operation: message`.
 */
export function awsError(r: CliResult, code: string, operation: string, message: string | RegExp): void {
  const line = r.stderr.trim();
  const prefix = `An error occurred (${code}) when calling the ${operation} operation: `;
  assert.ok(line.startsWith(prefix), `expected "${prefix}…"\n${transcript(r)}`);
  const said = line.slice(prefix.length);
  if (typeof message === 'string') assert.equal(said, message, `wrong error message\n${transcript(r)}`);
  else assert.match(said, message, `wrong error message\n${transcript(r)}`);
  assert.ok(r.code === 255 || r.code === 254, `expected exit 255 (v1) or 254 (v2)\n${transcript(r)}`);
  assert.equal(r.stdout, '', `expected nothing on stdout\n${transcript(r)}`);
}

/**
 * A timestamp taken in this run. CLI v1 prints timestamps as received (cli_timestamp_format
 * `none`): epoch seconds for JSON protocols (ECS), ISO 8601 text for Query/XML ones (IAM); v2
 * prints ISO 8601. Seconds, not milliseconds: a millisecond epoch is 1000 times too large.
 */
export function assertRecent(value: unknown, what: string, r: CliResult): void {
  let ms: number;
  if (typeof value === 'number') ms = value * 1000;
  else if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)) ms = Date.parse(value);
  else return assert.fail(`${what}: expected epoch seconds or ISO 8601, got ${JSON.stringify(value)}\n${transcript(r)}`);
  const skew = Math.abs(Date.now() - ms);
  assert.ok(skew < 10 * 60_000, `${what} = ${JSON.stringify(value)} is not within 10 minutes of now\n${transcript(r)}`);
}

/** Asserts every member of `expected` deep-equals the same member of `actual` (extra members allowed). */
export function assertHas(actual: unknown, expected: Record<string, unknown>, what: string, r: CliResult): void {
  assert.ok(typeof actual === 'object' && actual !== null, `${what}: expected an object\n${transcript(r)}`);
  const record = actual as Record<string, unknown>;
  for (const [key, value] of Object.entries(expected)) {
    assert.deepEqual(record[key], value, `${what}.${key}\n${transcript(r)}`);
  }
}

/** The rows of `--output table` (the CLI's box drawing): title, header, then one array per row. */
export function parseTable(stdout: string): { title: string; header: string[]; rows: string[][] } {
  const lines = stdout.split('\n').filter((l) => l.startsWith('|'));
  const cells = lines.map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const [title = [], header = [], ...rows] = cells;
  return { title: title.join(' '), header, rows };
}
