import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertHealthTransition, healthChanged, INITIAL_HEALTH, InvalidHealthTransitionError, nextHealth, type ProbeResult, type TargetHealth } from './target-health.ts';

const thresholds = { healthyThreshold: 3, unhealthyThreshold: 2 };
const pass: ProbeResult = { ok: true };
const mismatch = (status: number): ProbeResult => ({ ok: false, failure: 'code-mismatch', status });
const run = (results: ProbeResult[], start: TargetHealth = INITIAL_HEALTH) => results.reduce((h, r) => nextHealth(h, r, thresholds), start);

test('a new target is initial with AWS\'s reason and turns healthy after one passing check', () => {
  assert.deepEqual(INITIAL_HEALTH, { state: 'initial', reasonCode: 'Elb.InitialHealthChecking', description: 'Initial health checks in progress', passes: 0, failures: 0 });
  assert.equal(run([pass]).state, 'healthy');
  assert.equal(run([pass]).reasonCode, undefined);
});

test('healthy → unhealthy after UnhealthyThresholdCount failures, with the failure\'s reason', () => {
  const healthy = run([pass]);
  const once = run([mismatch(404)], healthy);
  assert.equal(once.state, 'healthy');
  const twice = run([mismatch(404), mismatch(404)], healthy);
  assert.deepEqual({ ...twice }, { state: 'unhealthy', reasonCode: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [404]', passes: 0, failures: 2 });
});

test('unhealthy → healthy only after HealthyThresholdCount consecutive passes', () => {
  const unhealthy = run([mismatch(500), mismatch(500)]);
  assert.equal(unhealthy.state, 'unhealthy');
  assert.equal(run([pass, pass], unhealthy).state, 'unhealthy');
  assert.equal(run([pass, pass, mismatch(500), pass, pass], unhealthy).state, 'unhealthy');
  assert.equal(run([pass, pass, pass], unhealthy).state, 'healthy');
});

test('reasons: timeout and connection failures; an unhealthy target\'s reason follows its latest failure', () => {
  const timedOut = run([{ ok: false, failure: 'timeout' }, { ok: false, failure: 'timeout' }]);
  assert.deepEqual([timedOut.reasonCode, timedOut.description], ['Target.Timeout', 'Request timed out']);
  const refused = run([{ ok: false, failure: 'connection' }], timedOut);
  assert.deepEqual([refused.reasonCode, refused.description], ['Target.FailedHealthChecks', 'Health checks failed']);
  assert.equal(healthChanged(timedOut, refused), true);
  assert.equal(healthChanged(refused, run([{ ok: false, failure: 'connection' }], refused)), false);
});

test('the table refuses moves it does not list', () => {
  assert.throws(() => assertHealthTransition('healthy', 'initial'), InvalidHealthTransitionError);
  assert.throws(() => assertHealthTransition('unhealthy', 'initial'), /invalid target health transition from unhealthy to initial/);
  assertHealthTransition('initial', 'unhealthy');
});

test('property: never back to initial; a state change needs the threshold of consecutive results', () => {
  const result = fc.oneof(fc.constant(pass), fc.constant(mismatch(503)), fc.constant<ProbeResult>({ ok: false, failure: 'timeout' }));
  fc.assert(fc.property(fc.array(result, { maxLength: 40 }), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 5 }), (results, healthyThreshold, unhealthyThreshold) => {
    let health = INITIAL_HEALTH;
    let left = false;
    for (const r of results) {
      const next = nextHealth(health, r, { healthyThreshold, unhealthyThreshold });
      if (left) assert.notEqual(next.state, 'initial');
      if (health.state === 'healthy' && next.state === 'unhealthy') assert.equal(next.failures, unhealthyThreshold);
      if (health.state === 'unhealthy' && next.state === 'healthy') assert.equal(next.passes, healthyThreshold);
      if (next.state !== 'initial') left = true;
      health = next;
    }
  }));
});
