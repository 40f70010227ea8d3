// Prints the benchmark's results: the Berth-versus-moto table, the per-server percentiles, the
// errors (loudly), and the notes that say what a measured call was.
import type { LoadResult } from './load.ts';
import { ratio, summarize, type LatencySummary } from './stats.ts';

/** Berth is the subject, moto the baseline; ratios are subject / baseline. */
export type Role = 'subject' | 'baseline';

/** One server's outcome for one call at one concurrency. */
export type Cell =
  | { kind: 'measured'; result: LoadResult }
  | { kind: 'setup-failed'; error: string };

export interface Row {
  call: string;
  concurrency: number;
  cells: Partial<Record<Role, Cell>>;
}

export interface ReportInput {
  names: Record<Role, string>;
  header: string[];
  rows: Row[];
  notes: string[];
  /** Server-side problems seen in the servers' logs, per server name. */
  serverProblems: { server: string; count: number; samples: string[] }[];
}

interface CellFigures {
  ok: number;
  errors: number;
  rps?: number;
  latency?: LatencySummary;
}

function figures(cell: Cell | undefined): CellFigures | undefined {
  if (cell?.kind !== 'measured') return undefined;
  const r = cell.result;
  return {
    ok: r.latenciesMs.length,
    errors: r.errors,
    rps: r.elapsedMs > 0 ? (r.latenciesMs.length / r.elapsedMs) * 1000 : undefined,
    latency: summarize(r.latenciesMs),
  };
}

const num = (v: number | undefined, digits: number): string => (v === undefined ? '—' : v.toFixed(digits));
export const ms = (v: number | undefined): string => (v === undefined ? '—' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
export const times = (v: number | undefined): string => (v === undefined ? '—' : `${v.toFixed(2)}×`);

/** Columns padded to their widest cell; the first `leftColumns` left-aligned, the rest right-aligned. */
export function table(head: string[], body: string[][], leftColumns = 1): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells
    .map((c, i) => (i < leftColumns ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
    .join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function cellErrorCount(cell: Cell | undefined): string {
  if (cell === undefined) return '—';
  return cell.kind === 'setup-failed' ? 'setup' : String(cell.result.errors);
}

function comparison(input: ReportInput): string {
  const { subject: s, baseline: b } = input.names;
  const head = ['call', 'conc', `${s} req/s`, `${b} req/s`, `${s}/${b} req/s`, `${s} p50`, `${s} p99`, `${b} p50`, `${b} p99`,
    `${s}/${b} p50`, `${s}/${b} p99`, `errors ${s}/${b}`];
  const body = input.rows.map((row) => {
    const fs = figures(row.cells.subject);
    const fb = figures(row.cells.baseline);
    return [row.call, String(row.concurrency), num(fs?.rps, 0), num(fb?.rps, 0), times(ratio(fs?.rps, fb?.rps)),
      ms(fs?.latency?.p50), ms(fs?.latency?.p99), ms(fb?.latency?.p50), ms(fb?.latency?.p99),
      times(ratio(fs?.latency?.p50, fb?.latency?.p50)), times(ratio(fs?.latency?.p99, fb?.latency?.p99)),
      `${cellErrorCount(row.cells.subject)}/${cellErrorCount(row.cells.baseline)}`];
  });
  return table(head, body, 2);
}

function details(input: ReportInput): string {
  const head = ['server', 'call', 'conc', 'ok', 'errors', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'mean ms', 'seconds', 'stopped by'];
  const body: string[][] = [];
  for (const role of ['subject', 'baseline'] as const) {
    for (const row of input.rows) {
      const cell = row.cells[role];
      if (cell === undefined) continue;
      if (cell.kind === 'setup-failed') {
        body.push([input.names[role], row.call, String(row.concurrency), '—', 'setup failed', '—', '—', '—', '—', '—', '—', '—', '—']);
        continue;
      }
      const f = figures(cell);
      body.push([input.names[role], row.call, String(row.concurrency), String(f?.ok ?? 0), String(f?.errors ?? 0), num(f?.rps, 0),
        ms(f?.latency?.p50), ms(f?.latency?.p90), ms(f?.latency?.p99), ms(f?.latency?.max), ms(f?.latency?.mean),
        (cell.result.elapsedMs / 1000).toFixed(1), cell.result.stoppedBy]);
    }
  }
  return table(head, body, 3);
}

/** Every error kind with its count, per server, call and concurrency; empty when there were none. */
function errorLines(input: ReportInput): string[] {
  const lines: string[] = [];
  for (const row of input.rows) {
    for (const role of ['subject', 'baseline'] as const) {
      const cell = row.cells[role];
      const where = `${input.names[role]} ${row.call} ×${row.concurrency}`;
      if (cell?.kind === 'setup-failed') lines.push(`  ${where}: setup failed: ${cell.error}`);
      if (cell?.kind === 'measured') {
        for (const [kind, count] of cell.result.errorKinds) lines.push(`  ${where}: ${count} × ${kind}`);
      }
    }
  }
  for (const p of input.serverProblems) {
    if (p.count === 0) continue;
    lines.push(`  ${p.server}: ${p.count} server-side problem(s) (internal errors logged, or an unexpected exit), e.g.:`);
    for (const sample of p.samples) lines.push(`      ${sample}`);
  }
  return lines;
}

/** True when any call errored, any setup failed, or a server logged an internal error. */
export function hasErrors(input: ReportInput): boolean {
  return errorLines(input).length > 0;
}

export function formatReport(input: ReportInput): string {
  const out: string[] = [...input.header, '', comparison(input), '', 'Per server:', details(input), ''];
  const errors = errorLines(input);
  if (errors.length > 0) {
    const bar = '!'.repeat(100);
    out.push(bar, '!!! THIS BENCHMARK HAD ERRORS: the figures above count only successful calls and are not a fair comparison.', bar, ...errors, bar, '');
  } else {
    out.push('No errors: every measured call answered correctly.', '');
  }
  if (input.notes.length > 0) out.push('Notes:', ...input.notes.map((n) => `  - ${n}`), '');
  return out.join('\n');
}
