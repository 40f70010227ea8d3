// The deploy report: per-run times, p50/max over the completed runs, requests and failures, and what fails the run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completedSummary, deployErrorLines, formatDeployReport, type DeployReportInput, type DeployRun } from './deploy-report.ts';

const run = (n: number, completedMs: number | undefined, failures = 0): DeployRun => ({
  run: n, taskDefinition: `bench-deploy:${n + 1}`, completedMs, steadyMs: completedMs === undefined ? undefined : completedMs + 500,
  outcome: completedMs === undefined ? 'FAILED: ECS deployment circuit breaker: tasks failed to start.' : 'COMPLETED',
  requests: 1000, failures, failureKinds: new Map(failures > 0 ? [['UnexpectedAnswer: HTTP 502: Bad Gateway', failures]] : []),
  failureTimesS: Array.from({ length: failures }, (_, i) => 3 + i),
});

const input = (runs: DeployRun[], problems: string[] = []): DeployReportInput => ({ header: ['head'], runs, settings: ['interval 5 s'], problems, notes: [] });

test('p50 and max are over the completed runs only', () => {
  assert.deepEqual(completedSummary([run(1, 30_000), run(2, 10_000), run(3, 20_000)]), { p50: 20_000, max: 30_000, n: 3 });
  assert.deepEqual(completedSummary([run(1, 30_000), run(2, undefined)]), { p50: 30_000, max: 30_000, n: 1 });
  assert.equal(completedSummary([run(1, undefined)]), undefined);
});

test('a clean report: the runs\' table, p50/max, requests, no peer, no failures', () => {
  const text = formatDeployReport(input([run(1, 12_300), run(2, 14_000), run(3, 13_000)]));
  const row = text.split('\n').find((l) => l.startsWith('2 ')) ?? '';
  assert.deepEqual(row.split(/\s{2,}/), ['2', 'bench-deploy:3', '14.0', '14.5', '1000', '0']);
  assert.match(text, /UpdateService→COMPLETED over 3 of 3 run\(s\): p50 13\.0 s, max 14\.0 s\./);
  assert.match(text, /during the deployments: 3000, failed: 0 \(none lost\)/);
  assert.match(text, /no peer/);
  assert.match(text, /Settings:\n {2}- interval 5 s/);
  assert.deepEqual(deployErrorLines(input([run(1, 12_300)])), []);
});

test('a lost request, an unfinished deployment and a problem each fail the run', () => {
  const broken = input([run(1, 12_000, 2), run(2, undefined)], ['cleanup failed: DeleteService: boom']);
  assert.deepEqual(deployErrorLines(broken), [
    '  run 1: 2 request(s) failed: UnexpectedAnswer: HTTP 502: Bad Gateway',
    '  run 1: failures at 3.0 s, 4.0 s after UpdateService',
    '  run 2: the deployment did not complete: FAILED: ECS deployment circuit breaker: tasks failed to start.',
    '  cleanup failed: DeleteService: boom',
  ]);
  const text = formatDeployReport(broken);
  assert.match(text, /THE DEPLOY BENCHMARK HAD FAILURES/);
  assert.match(text, /failed: 2 — REQUESTS WERE LOST/);
  const completedNotSteady = { ...run(3, 10_000), steadyMs: undefined, outcome: 'COMPLETED, but the old deployment was still listed at the timeout' };
  assert.deepEqual(deployErrorLines(input([completedNotSteady])), ['  run 3: COMPLETED, but the old deployment was still listed at the timeout']);
});
