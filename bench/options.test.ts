// The benchmark's command line: defaults, suite lists, ranges, and unknown flags.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readOptions, SUITES } from './options.ts';

test('defaults: every suite, 5 s or 50000 requests per level, 1/16/64 clients, 3 deployments', () => {
  const o = readOptions([]);
  assert.deepEqual(o.suites, [...SUITES]);
  assert.deepEqual(o.suites, ['api', 'tasks', 'lb', 'deploy']);
  assert.equal(o.durationMs, 5_000);
  assert.equal(o.maxRequests, 50_000);
  assert.deepEqual(o.concurrencies, [1, 16, 64]);
  assert.deepEqual([...o.servers], ['berth', 'moto']);
  assert.equal(o.deployRuns, 3);
  assert.equal(o.help, false);
});

test('one suite, or a list run in the suites\' own order, each once', () => {
  assert.deepEqual(readOptions(['--suite', 'lb']).suites, ['lb']);
  assert.deepEqual(readOptions(['--suite', 'deploy,lb,deploy']).suites, ['lb', 'deploy']);
  assert.deepEqual(readOptions(['--suite', 'api,all']).suites, ['api', 'tasks', 'lb', 'deploy']);
  assert.throws(() => readOptions(['--suite', 'lbs']), /--suite takes api, tasks, lb, deploy or all, got 'lbs'/);
});

test('numbers are range-checked with the flag named', () => {
  const o = readOptions(['--duration', '0.5', '--concurrency', '2,8', '--deploy-runs', '5', '--max-requests', '10.9']);
  assert.equal(o.durationMs, 500);
  assert.deepEqual(o.concurrencies, [2, 8]);
  assert.equal(o.deployRuns, 5);
  assert.equal(o.maxRequests, 10);
  assert.throws(() => readOptions(['--concurrency', '1,65']), /--concurrency must be a number from 1 to 64, got '65'/);
  assert.throws(() => readOptions(['--deploy-runs', '0']), /--deploy-runs must be a number from 1 to 20/);
  assert.throws(() => readOptions(['--deploy-runs', '']), /--deploy-runs/);
  assert.throws(() => readOptions(['--duration', 'soon']), /--duration must be a number/);
  assert.throws(() => readOptions(['--servers', 'localstack']), /--servers takes berth and\/or moto/);
});

test('an unknown flag is refused, --help is reported', () => {
  assert.throws(() => readOptions(['--suites', 'lb']), /Unknown option '--suites'/);
  assert.equal(readOptions(['--help']).help, true);
});
