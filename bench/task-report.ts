// Prints the tasks benchmark: RunTask→RUNNING p50/p99 of Berth beside bare runc and docker with
// the Berth/peer ratios, the failures (loudly), the memory figure, and what was not measured and why.
import { ms, table, times } from './report.ts';
import { ratio, summarize } from './stats.ts';
import type { Sample } from './task-runtimes.ts';

/** A runtime's outcome in one scenario: measured, or why it was not. */
export type TaskCell = { kind: 'measured'; sample: Sample } | { kind: 'missing'; why: string };

export interface TaskRow {
  scenario: string;
  cells: { berth: TaskCell; runc: TaskCell; docker: TaskCell };
}

export interface MemoryFigure {
  tasks: number;
  running: number;
  serverBeforeKiB: number;
  serverAtKiB: number;
  /** The conmon monitors of Berth's containers (one per container) at `running` tasks: RSS and PSS. */
  childrenRssKiB: number;
  childrenPssKiB: number;
  children: number;
}

export interface TaskReportInput {
  header: string[];
  rows: TaskRow[];
  memory: MemoryFigure | { missing: string };
  /** Problems outside the measured units: setup, cleanup, the server's log. */
  problems: string[];
  notes: string[];
}

const RUNTIMES = ['berth', 'runc', 'docker'] as const;

function latencies(cell: TaskCell): { p50?: number; p99?: number } {
  if (cell.kind !== 'measured') return {};
  const s = summarize(cell.sample.latenciesMs);
  return { p50: s?.p50, p99: s?.p99 };
}

function failureCount(cell: TaskCell): string {
  return cell.kind === 'measured' ? String(cell.sample.failures.length) : '—';
}

function comparison(rows: TaskRow[]): string {
  const head = ['scenario', 'n', 'Berth p50', 'Berth p99', 'runc p50', 'runc p99', 'docker p50', 'docker p99',
    'Berth/runc p50', 'Berth/runc p99', 'Berth/docker p50', 'Berth/docker p99', 'failed B/r/d'];
  const body = rows.map((row) => {
    const [b, r, d] = RUNTIMES.map((name) => latencies(row.cells[name])) as [ReturnType<typeof latencies>, ReturnType<typeof latencies>, ReturnType<typeof latencies>];
    const n = row.cells.berth.kind === 'measured' ? row.cells.berth.sample.latenciesMs.length + row.cells.berth.sample.failures.length : 0;
    return [row.scenario, String(n), ms(b.p50), ms(b.p99), ms(r.p50), ms(r.p99), ms(d.p50), ms(d.p99),
      times(ratio(b.p50, r.p50)), times(ratio(b.p99, r.p99)), times(ratio(b.p50, d.p50)), times(ratio(b.p99, d.p99)),
      RUNTIMES.map((name) => failureCount(row.cells[name])).join('/')];
  });
  return table(head, body, 1);
}

const mib = (kib: number): string => (kib / 1024).toFixed(1);

function memoryLines(memory: TaskReportInput['memory']): string[] {
  if ('missing' in memory) return [`Memory per running task: not measured: ${memory.missing}`];
  const perTask = (memory.serverAtKiB - memory.serverBeforeKiB) / Math.max(1, memory.running);
  return [
    `Memory at ${memory.running} of ${memory.tasks} tasks RUNNING (VmRSS from /proc/<pid>/status):`,
    `  Berth server process: ${mib(memory.serverBeforeKiB)} MiB before, ${mib(memory.serverAtKiB)} MiB at ${memory.running} → ${perTask.toFixed(0)} KiB per running task`,
    `  its ${memory.children} container monitors (a conmon per container): RSS ${mib(memory.childrenRssKiB)} MiB → `
      + `${(memory.childrenRssKiB / Math.max(1, memory.running)).toFixed(0)} KiB per running task; PSS ${mib(memory.childrenPssKiB)} MiB → `
      + `${(memory.childrenPssKiB / Math.max(1, memory.running)).toFixed(0)} KiB per running task`,
  ];
}

/** Every failure and problem, one line each; empty when there were none. */
export function taskErrorLines(input: TaskReportInput): string[] {
  const lines: string[] = [];
  for (const row of input.rows) {
    for (const name of RUNTIMES) {
      const cell = row.cells[name];
      if (cell.kind === 'measured') for (const f of cell.sample.failures) lines.push(`  ${name} ${row.scenario}: ${f}`);
    }
  }
  if ('missing' in input.memory) lines.push(`  memory: ${input.memory.missing}`);
  else if (input.memory.running < input.memory.tasks) lines.push(`  memory: only ${input.memory.running} of ${input.memory.tasks} tasks got to RUNNING`);
  return [...lines, ...input.problems.map((p) => `  ${p}`)];
}

export function formatTaskReport(input: TaskReportInput): string {
  const out = [...input.header, '', comparison(input.rows), ''];
  const missing = input.rows.flatMap((row) => RUNTIMES.map((name) => [name, row.cells[name]] as const))
    .filter(([, cell]) => cell.kind === 'missing')
    .map(([name, cell]) => `${name}: ${cell.kind === 'missing' ? cell.why : ''}`)
    .filter((line, i, all) => all.indexOf(line) === i);
  for (const line of missing) out.push(`!!! ${line.split(':')[0] ?? ''}'s columns are missing — ${line}`);
  if (missing.length > 0) out.push('');
  out.push(...memoryLines(input.memory), '');
  const errors = taskErrorLines(input);
  if (errors.length > 0) {
    const bar = '!'.repeat(100);
    out.push(bar, '!!! THE TASKS BENCHMARK HAD FAILURES: the percentiles above count only units that got to running.', bar, ...errors, bar, '');
  } else {
    out.push('No failures: every task and container got to running and was removed.', '');
  }
  if (input.notes.length > 0) out.push('Notes:', ...input.notes.map((n) => `  - ${n}`), '');
  return out.join('\n');
}
