// The load generator's bounds (count, time, concurrency) and its error counting, with a fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorKind, runClosedLoop } from './load.ts';

test('stops at the request count, with every request answered', async () => {
  let calls = 0;
  const result = await runClosedLoop({ concurrency: 4, maxRequests: 100, maxDurationMs: 60_000 }, async () => {
    calls++;
  });
  assert.equal(calls, 100);
  assert.equal(result.latenciesMs.length, 100);
  assert.equal(result.errors, 0);
  assert.equal(result.stoppedBy, 'count');
});

test('stops starting requests at the deadline', async () => {
  let clock = 0;
  const result = await runClosedLoop({ concurrency: 1, maxRequests: 1_000_000, maxDurationMs: 100 }, async () => {
    clock += 10;
  }, () => clock);
  assert.equal(result.stoppedBy, 'time');
  assert.equal(result.latenciesMs.length, 10);
  assert.ok(result.latenciesMs.every((ms) => ms === 10));
  assert.equal(result.elapsedMs, 100);
});

test('keeps exactly `concurrency` calls in flight', async () => {
  let inFlight = 0;
  let most = 0;
  await runClosedLoop({ concurrency: 8, maxRequests: 200, maxDurationMs: 60_000 }, async () => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight--;
  });
  assert.equal(most, 8);
});

test('a rejected call is an error, not throughput, and errors are grouped by kind', async () => {
  let n = 0;
  const result = await runClosedLoop({ concurrency: 1, maxRequests: 10, maxDurationMs: 60_000 }, async () => {
    n++;
    if (n % 2 === 0) throw Object.assign(new Error('no such family'), { name: 'ClientException', $metadata: { httpStatusCode: 400 } });
  });
  assert.equal(result.latenciesMs.length, 5);
  assert.equal(result.errors, 5);
  assert.deepEqual([...result.errorKinds], [['ClientException (HTTP 400): no such family', 5]]);
});

test('past a few kinds, further error kinds are counted as "other"', async () => {
  let n = 0;
  const result = await runClosedLoop({ concurrency: 1, maxRequests: 20, maxDurationMs: 60_000 }, async () => {
    throw new Error(`failure ${n++}`);
  });
  assert.equal(result.errors, 20);
  assert.equal([...result.errorKinds.values()].reduce((a, b) => a + b, 0), 20);
  assert.ok(result.errorKinds.has('other'));
});

test('errorKind describes non-Error throws too', () => {
  assert.equal(errorKind('boom'), 'non-error thrown: boom');
  assert.equal(errorKind(new TypeError('x')), 'TypeError: x');
});

test('rejects a concurrency that is not a positive integer', async () => {
  await assert.rejects(runClosedLoop({ concurrency: 0, maxRequests: 1, maxDurationMs: 1 }, async () => {}), RangeError);
});
