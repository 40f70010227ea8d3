// Prints the deploy benchmark: per rolling deployment the time from UpdateService to the PRIMARY
// deployment's rolloutState COMPLETED (and to one deployment left), the requests sent through the ALB
// meanwhile and how many failed (must be 0), p50/max over the runs, and every problem loudly.
import { table } from './report.ts';
import { percentile } from './stats.ts';

export interface DeployRun {
  run: number;
  taskDefinition: string;
  /** UpdateService → PRIMARY rolloutState COMPLETED, or undefined when it never got there. */
  completedMs?: number;
  /** UpdateService → the old deployment gone (only the PRIMARY left). */
  steadyMs?: number;
  /** Where the deployment ended when not COMPLETED: FAILED with its reason, or a timeout. */
  outcome: string;
  requests: number;
  failures: number;
  failureKinds: Map<string, number>;
  /** When failures happened, s after UpdateService (negative: before it). */
  failureTimesS: number[];
}

export interface DeployReportInput {
  header: string[];
  runs: DeployRun[];
  /** What the health checks were set to, and what Berth refused. */
  settings: string[];
  problems: string[];
  notes: string[];
}

const seconds = (value: number | undefined): string => (value === undefined ? '—' : (value / 1000).toFixed(1));

/** p50 and max of the COMPLETED runs' times, in ms; undefined when none completed. */
export function completedSummary(runs: readonly DeployRun[]): { p50: number; max: number; n: number } | undefined {
  const done = runs.flatMap((r) => (r.completedMs === undefined ? [] : [r.completedMs])).sort((a, b) => a - b);
  if (done.length === 0) return undefined;
  return { p50: percentile(done, 50), max: done[done.length - 1] as number, n: done.length };
}

/** Every failed request, unfinished deployment and problem, one line each; empty when there were none. */
export function deployErrorLines(input: DeployReportInput): string[] {
  const lines: string[] = [];
  for (const run of input.runs) {
    if (run.completedMs === undefined) lines.push(`  run ${run.run}: the deployment did not complete: ${run.outcome}`);
    else if (run.steadyMs === undefined) lines.push(`  run ${run.run}: ${run.outcome}`);
    for (const [kind, count] of run.failureKinds) lines.push(`  run ${run.run}: ${count} request(s) failed: ${kind}`);
    if (run.failures > 0) lines.push(`  run ${run.run}: failures at ${run.failureTimesS.map((t) => `${t.toFixed(1)} s`).join(', ')} after UpdateService`);
  }
  return [...lines, ...input.problems.map((p) => `  ${p}`)];
}

export function formatDeployReport(input: DeployReportInput): string {
  const head = ['run', 'task definition', 'UpdateService→COMPLETED s', 'UpdateService→one deployment s', 'requests via ALB', 'failed'];
  const body = input.runs.map((r) => [String(r.run), r.taskDefinition, seconds(r.completedMs), seconds(r.steadyMs), String(r.requests), String(r.failures)]);
  const out = [...input.header, '', table(head, body, 2), ''];
  const summary = completedSummary(input.runs);
  const requests = input.runs.reduce((n, r) => n + r.requests, 0);
  const failures = input.runs.reduce((n, r) => n + r.failures, 0);
  out.push(summary === undefined
    ? 'UpdateService→COMPLETED: no deployment completed.'
    : `UpdateService→COMPLETED over ${summary.n} of ${input.runs.length} run(s): p50 ${seconds(summary.p50)} s, max ${seconds(summary.max)} s.`);
  out.push(`Requests through the ALB during the deployments: ${requests}, failed: ${failures}${failures === 0 ? ' (none lost)' : ' — REQUESTS WERE LOST'}.`);
  out.push('There is no peer for this on this machine: the times are Berth\'s alone.', '');
  if (input.settings.length > 0) out.push('Settings:', ...input.settings.map((s) => `  - ${s}`), '');
  const errors = deployErrorLines(input);
  if (errors.length > 0) {
    const bar = '!'.repeat(100);
    out.push(bar, '!!! THE DEPLOY BENCHMARK HAD FAILURES:', bar, ...errors, bar, '');
  } else {
    out.push('No failures: every deployment completed and every request was answered 200 with the expected body.', '');
  }
  if (input.notes.length > 0) out.push('Notes:', ...input.notes.map((n) => `  - ${n}`), '');
  return out.join('\n');
}
