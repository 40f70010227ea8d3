// Prints the load balancer benchmark: requests/s and p50/p99 through Berth's ALB beside the same requests
// sent directly to one backend and through nginx (with the ratios), the ALB with and without a load of
// control-plane writes, Berth's memory, and every error loudly.
import type { HammerSummary } from './lb-hammer-child.ts';
import type { LoadResult } from './load.ts';
import { ms, table, times } from './report.ts';
import { ratio, summarize } from './stats.ts';

export const PATHS = ['alb', 'direct', 'nginx'] as const;
export type PathName = (typeof PATHS)[number];
export const PATH_LABELS: Record<PathName, string> = { alb: 'Berth ALB', direct: 'direct', nginx: 'nginx' };

/** One path at one concurrency: measured, or why not. */
export type LbCell = { kind: 'measured'; result: LoadResult } | { kind: 'missing'; why: string };
export type LbCells = Record<PathName, LbCell>;

export interface LbRow {
  concurrency: number;
  cells: LbCells;
}

export interface ControlPlaneComparison {
  concurrency: number;
  idle: LbCells;
  loaded: LbCells;
  /** The writes sent meanwhile, or why there were none. */
  hammer: HammerSummary | { failed: string };
  hammerClients: number;
}

export interface MemoryReadings {
  pid: number;
  /** VmRSS in KiB at each moment, in order. */
  readings: { when: string; kib: number }[];
}

export interface LbReportInput {
  header: string[];
  rows: LbRow[];
  controlPlane: ControlPlaneComparison | { missing: string };
  memory: MemoryReadings | { missing: string };
  /** Problems outside the measured requests: setup, cleanup, the servers' logs, leftovers. */
  problems: string[];
  notes: string[];
}

interface Figures {
  rps?: number;
  p50?: number;
  p99?: number;
}

function figures(cell: LbCell | undefined): Figures {
  if (cell?.kind !== 'measured') return {};
  const r = cell.result;
  const s = summarize(r.latenciesMs);
  return { rps: r.elapsedMs > 0 ? (r.latenciesMs.length / r.elapsedMs) * 1000 : undefined, p50: s?.p50, p99: s?.p99 };
}

const rate = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(0));
const errorsOf = (cell: LbCell): string => (cell.kind === 'measured' ? String(cell.result.errors) : '—');

function throughput(rows: LbRow[]): string {
  const head = ['clients', 'Berth ALB req/s', 'direct req/s', 'nginx req/s', 'Berth/direct', 'Berth/nginx', 'errors B/d/n'];
  return table(head, rows.map((row) => {
    const [a, d, n] = PATHS.map((p) => figures(row.cells[p])) as [Figures, Figures, Figures];
    return [String(row.concurrency), rate(a.rps), rate(d.rps), rate(n.rps), times(ratio(a.rps, d.rps)), times(ratio(a.rps, n.rps)),
      PATHS.map((p) => errorsOf(row.cells[p])).join('/')];
  }), 1);
}

function latency(rows: LbRow[]): string {
  const head = ['clients', 'Berth p50', 'Berth p99', 'direct p50', 'direct p99', 'nginx p50', 'nginx p99',
    'Berth/direct p50', 'Berth/direct p99', 'Berth/nginx p50', 'Berth/nginx p99'];
  return table(head, rows.map((row) => {
    const [a, d, n] = PATHS.map((p) => figures(row.cells[p])) as [Figures, Figures, Figures];
    return [String(row.concurrency), ms(a.p50), ms(a.p99), ms(d.p50), ms(d.p99), ms(n.p50), ms(n.p99),
      times(ratio(a.p50, d.p50)), times(ratio(a.p99, d.p99)), times(ratio(a.p50, n.p50)), times(ratio(a.p99, n.p99))];
  }), 1);
}

function controlPlaneLines(cp: LbReportInput['controlPlane']): string[] {
  if ('missing' in cp) return [`Proxying under control-plane load: not measured: ${cp.missing}`];
  const head = ['path', 'req/s idle', 'req/s loaded', 'p50 idle', 'p50 loaded', 'p99 idle', 'p99 loaded', 'loaded/idle p50', 'loaded/idle p99', 'errors idle/loaded'];
  const body = PATHS.map((p) => {
    const i = figures(cp.idle[p]);
    const l = figures(cp.loaded[p]);
    return [PATH_LABELS[p], rate(i.rps), rate(l.rps), ms(i.p50), ms(l.p50), ms(i.p99), ms(l.p99),
      times(ratio(l.p50, i.p50)), times(ratio(l.p99, i.p99)), `${errorsOf(cp.idle[p])}/${errorsOf(cp.loaded[p])}`];
  });
  const h = cp.hammer;
  const load = 'failed' in h
    ? `the control-plane load failed: ${h.failed}`
    : `${h.writes} writes in ${(h.elapsedMs / 1000).toFixed(1)} s (${((h.writes / Math.max(1, h.elapsedMs)) * 1000).toFixed(0)} writes/s), ${h.errors} errors`;
  return [
    `Proxying under control-plane load (${cp.concurrency} HTTP clients; "loaded" = while ${cp.hammerClients} clients send RegisterTaskDefinition and TagResource to Berth's API: ${load}):`,
    table(head, body, 1),
  ];
}

function memoryLines(memory: LbReportInput['memory']): string[] {
  if ('missing' in memory) return [`Berth's memory: not measured: ${memory.missing}`];
  const first = memory.readings[0]?.kib;
  return [`Berth's memory (VmRSS of PID ${memory.pid}, least of 5 readings): `
    + memory.readings.map((r) => `${r.when} ${(r.kib / 1024).toFixed(1)} MiB${first === undefined || r.kib === first ? '' : ` (${r.kib >= first ? '+' : ''}${((r.kib - first) / 1024).toFixed(1)})`}`).join(', ')];
}

/** Every error and problem, one line each; empty when there were none. */
export function lbErrorLines(input: LbReportInput): string[] {
  const lines: string[] = [];
  const cellErrors = (where: string, cells: LbCells): void => {
    for (const p of PATHS) {
      const cell = cells[p];
      if (cell.kind === 'missing') {
        lines.push(`  ${PATH_LABELS[p]}: not measured: ${cell.why}`);
        continue;
      }
      for (const [kind, count] of cell.result.errorKinds) lines.push(`  ${PATH_LABELS[p]} ${where}: ${count} × ${kind}`);
    }
  };
  for (const row of input.rows) cellErrors(`×${row.concurrency}`, row.cells);
  const cp = input.controlPlane;
  if (!('missing' in cp)) {
    cellErrors(`×${cp.concurrency} (idle)`, cp.idle);
    cellErrors(`×${cp.concurrency} (under control-plane load)`, cp.loaded);
    if ('failed' in cp.hammer) lines.push(`  control-plane load: ${cp.hammer.failed}`);
    else for (const [kind, count] of Object.entries(cp.hammer.errorKinds)) lines.push(`  control-plane load: ${count} × ${kind}`);
  }
  // A path missing at every level is said once.
  return [...lines, ...input.problems.map((p) => `  ${p}`)].filter((line, i, all) => all.indexOf(line) === i);
}

export function formatLbReport(input: LbReportInput): string {
  const out = [...input.header, '', 'Requests/s:', throughput(input.rows), '', 'Latency (ms):', latency(input.rows), ''];
  const missing = input.rows.flatMap((row) => PATHS.map((p) => [p, row.cells[p]] as const))
    .flatMap(([p, cell]) => (cell.kind === 'missing' ? [`${PATH_LABELS[p]}: ${cell.why}`] : []))
    .filter((line, i, all) => all.indexOf(line) === i);
  for (const line of missing) out.push(`!!! a column is missing — ${line}`);
  if (missing.length > 0) out.push('');
  out.push(...controlPlaneLines(input.controlPlane), '', ...memoryLines(input.memory), '');
  const errors = lbErrorLines(input);
  if (errors.length > 0) {
    const bar = '!'.repeat(100);
    out.push(bar, '!!! THE LOAD BALANCER BENCHMARK HAD ERRORS: the figures above count only requests answered correctly.', bar, ...errors, bar, '');
  } else {
    out.push('No errors: every request was answered 200 with the expected body.', '');
  }
  if (input.notes.length > 0) out.push('Notes:', ...input.notes.map((n) => `  - ${n}`), '');
  return out.join('\n');
}
