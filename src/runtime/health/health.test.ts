// Container health: the transition table, the command and defaults a healthCheck resolves to, the task's
// aggregate, and the monitor's loop under a fake clock, fake timers and a scripted prober — with properties
// (fast-check) that hold for any timings and any sequence of results.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../../platform/clock.ts';
import { applyHealthEvent, classifyResult, HEALTH_STATUSES, InvalidHealthTransition, type HealthStatus } from './container-health.ts';
import { resolveHealthCheck, type HealthCheckSpec } from './health-check-spec.ts';
import { HealthMonitor, type HealthProber, type HealthTimers, type ProbeResult } from './health-monitor.ts';
import { taskHealthStatus } from './task-health.ts';

const T0 = new Date('2026-01-01T00:00:00Z');

test('the transition table: a pass heals, retries failures in a row make UNHEALTHY, startPeriod only spares a container that never passed', () => {
  let h = { status: 'UNKNOWN' as HealthStatus, failingStreak: 0 };
  h = applyHealthEvent(h, 'fail-ignored');
  assert.deepEqual(h, { status: 'UNKNOWN', failingStreak: 0 });
  h = applyHealthEvent(h, 'fail-counted');
  assert.deepEqual(h, { status: 'UNKNOWN', failingStreak: 1 });
  h = applyHealthEvent(h, 'pass');
  assert.deepEqual(h, { status: 'HEALTHY', failingStreak: 0 });
  h = applyHealthEvent(applyHealthEvent(h, 'fail-counted'), 'fail-threshold');
  assert.deepEqual(h, { status: 'UNHEALTHY', failingStreak: 2 });
  assert.throws(() => applyHealthEvent(h, 'fail-ignored'), InvalidHealthTransition);
  assert.throws(() => applyHealthEvent({ status: 'HEALTHY', failingStreak: 0 }, 'fail-ignored'), /invalid health transition from HEALTHY on fail-ignored/);
});

test('classifying a result: inside the start period a failure is ignored only until the first pass', () => {
  const rules = { retries: 2, startPeriodMs: 10_000 };
  const at = (s: number) => new Date(T0.getTime() + s * 1000);
  assert.equal(classifyResult({ status: 'UNKNOWN', failingStreak: 0 }, { passed: false, startedAt: at(9) }, rules, T0), 'fail-ignored');
  assert.equal(classifyResult({ status: 'UNKNOWN', failingStreak: 0 }, { passed: false, startedAt: at(10) }, rules, T0), 'fail-counted');
  assert.equal(classifyResult({ status: 'UNKNOWN', failingStreak: 1 }, { passed: false, startedAt: at(11) }, rules, T0), 'fail-threshold');
  assert.equal(classifyResult({ status: 'HEALTHY', failingStreak: 0 }, { passed: false, startedAt: at(1) }, rules, T0), 'fail-counted');
  assert.equal(classifyResult({ status: 'UNHEALTHY', failingStreak: 5 }, { passed: true, startedAt: at(1) }, rules, T0), 'pass');
});

test('a healthCheck resolves to argv and milliseconds with the API reference defaults', () => {
  assert.deepEqual(resolveHealthCheck({ command: ['CMD-SHELL', 'wget -q -O- localhost:8080 || exit 1'] }), {
    argv: ['/bin/sh', '-c', 'wget -q -O- localhost:8080 || exit 1'], intervalMs: 30_000, timeoutMs: 5_000, retries: 3, startPeriodMs: 0,
  });
  assert.deepEqual(resolveHealthCheck({ command: ['CMD', '/bin/test', '-f', '/tmp/ok'], interval: 5, timeout: 2, retries: 1, startPeriod: 60 }), {
    argv: ['/bin/test', '-f', '/tmp/ok'], intervalMs: 5_000, timeoutMs: 2_000, retries: 1, startPeriodMs: 60_000,
  });
  assert.equal(resolveHealthCheck(undefined), undefined);
  assert.equal(resolveHealthCheck({ command: ['CMD'] }), undefined);
  assert.equal(resolveHealthCheck({ command: ['curl', 'localhost'] }), undefined, 'an unknown type gets no probe, as in Docker');
});

test('task health: essential, checked containers only; UNHEALTHY over UNKNOWN over HEALTHY; none checked is UNKNOWN', () => {
  const c = (status: HealthStatus, essential = true, checked = true) => ({ status, essential, checked });
  assert.equal(taskHealthStatus([c('HEALTHY'), c('UNKNOWN')]), 'UNKNOWN');
  assert.equal(taskHealthStatus([c('HEALTHY'), c('UNHEALTHY'), c('UNKNOWN')]), 'UNHEALTHY');
  assert.equal(taskHealthStatus([c('HEALTHY'), c('HEALTHY')]), 'HEALTHY');
  assert.equal(taskHealthStatus([c('HEALTHY'), c('UNHEALTHY', false)]), 'HEALTHY', 'a non-essential container does not count');
  assert.equal(taskHealthStatus([c('HEALTHY'), c('UNKNOWN', true, false)]), 'HEALTHY', 'a container without a check does not count');
  assert.equal(taskHealthStatus([c('UNKNOWN', true, false)]), 'UNKNOWN');
  assert.equal(taskHealthStatus([c('HEALTHY', false)]), 'UNKNOWN');
  assert.equal(taskHealthStatus([]), 'UNKNOWN');
});

/** Timers on a ManualClock: run() fires them in time order, letting promise chains settle between. */
class FakeTimers implements HealthTimers {
  readonly clock = new ManualClock(T0);
  #queue: { at: number; seq: number; fn: () => void; cancelled: boolean }[] = [];
  #seq = 0;
  after(ms: number, fn: () => void): () => void {
    const entry = { at: this.clock.now().getTime() + ms, seq: this.#seq++, fn, cancelled: false };
    this.#queue.push(entry);
    return () => { entry.cancelled = true; };
  }
  pending(): number {
    return this.#queue.filter((e) => !e.cancelled).length;
  }
  /** Fires every timer due up to `until` (ms since T0). */
  async run(until: number): Promise<void> {
    for (;;) {
      await settle();
      this.#queue = this.#queue.filter((e) => !e.cancelled).sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#queue[0];
      if (!next || next.at > T0.getTime() + until) break;
      this.#queue.shift();
      this.clock.advance(next.at - this.clock.now().getTime());
      next.fn();
    }
    this.clock.advance(T0.getTime() + until - this.clock.now().getTime());
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

type Outcome = { kind: 'pass' | 'fail' | 'timeout'; ms: number };

/** A prober that plays `outcomes` in order (then passes), each taking its time on the fake timers. */
function scriptedProber(timers: FakeTimers, outcomes: readonly Outcome[]) {
  const calls: { start: number; end?: number }[] = [];
  let aborted = 0;
  const prober: HealthProber = {
    probe: (_argv, { timeoutMs, signal }) => new Promise<ProbeResult>((resolve) => {
      const outcome = outcomes[calls.length] ?? { kind: 'pass', ms: 1 };
      const call: { start: number; end?: number } = { start: timers.clock.now().getTime() - T0.getTime() };
      calls.push(call);
      const ms = outcome.kind === 'timeout' ? timeoutMs : Math.min(outcome.ms, timeoutMs - 1);
      const onAbort = () => {
        aborted++;
        cancel();
        resolve({ timedOut: false, output: 'killed' });
      };
      const cancel = timers.after(ms, () => {
        signal.removeEventListener('abort', onAbort);
        call.end = timers.clock.now().getTime() - T0.getTime();
        resolve(outcome.kind === 'timeout' ? { timedOut: true, output: '' } : { exitCode: outcome.kind === 'pass' ? 0 : 1, timedOut: false, output: '' });
      });
      signal.addEventListener('abort', onAbort, { once: true });
    }),
  };
  return { prober, calls, aborted: () => aborted };
}

function monitor(spec: HealthCheckSpec, outcomes: Outcome[]) {
  const timers = new FakeTimers();
  const scripted = scriptedProber(timers, outcomes);
  const changes: { at: number; status: HealthStatus }[] = [];
  const m = new HealthMonitor({
    spec, prober: scripted.prober, clock: timers.clock, timers, containerStartedAt: T0,
    onChange: (status) => changes.push({ at: timers.clock.now().getTime() - T0.getTime(), status }),
  });
  return { m, timers, changes, ...scripted };
}

const SPEC: HealthCheckSpec = { argv: ['/bin/true'], intervalMs: 5_000, timeoutMs: 2_000, retries: 3, startPeriodMs: 0 };

test('the monitor: the first probe one interval after start, HEALTHY on a pass, UNHEALTHY after retries failures, a timeout fails', async () => {
  const { m, timers, changes, calls } = monitor(SPEC, [{ kind: 'pass', ms: 100 }, { kind: 'fail', ms: 100 }, { kind: 'timeout', ms: 0 }, { kind: 'fail', ms: 100 }]);
  m.start();
  await timers.run(4_999);
  assert.equal(calls.length, 0);
  assert.equal(m.status, 'UNKNOWN');
  await timers.run(5_100);
  assert.deepEqual(changes, [{ at: 5_100, status: 'HEALTHY' }]);
  await timers.run(30_000);
  assert.deepEqual(calls.slice(0, 4).map((c) => c.start), [5_000, 10_100, 15_200, 22_200], 'each probe an interval after the previous ended');
  assert.deepEqual(changes[1], { at: 22_300, status: 'UNHEALTHY' });
  m.stop();
  const probes = m.probes;
  await timers.run(120_000);
  assert.equal(m.probes, probes, 'nothing runs after stop');
  assert.equal(timers.pending(), 0);
});

test('the monitor: failures inside startPeriod do not count; one pass ends the start period', async () => {
  const spec = { ...SPEC, retries: 1, startPeriodMs: 12_000 };
  const fails = Array.from({ length: 2 }, (): Outcome => ({ kind: 'fail', ms: 10 }));
  const early = monitor(spec, [...fails, { kind: 'fail', ms: 10 }]);
  early.m.start();
  await early.timers.run(10_100);
  assert.equal(early.m.status, 'UNKNOWN', 'two failures inside the start period');
  await early.timers.run(16_000);
  assert.equal(early.m.status, 'UNHEALTHY', 'the first failure after it counts');
  const healed = monitor(spec, [{ kind: 'pass', ms: 10 }, { kind: 'fail', ms: 10 }]);
  healed.m.start();
  await healed.timers.run(10_100);
  assert.deepEqual(healed.changes.map((c) => c.status), ['HEALTHY', 'UNHEALTHY'], 'after a pass, a failure inside the start period counts');
});

test('the monitor: stop() kills the probe in flight and drops its result; a restart resumes from the recorded status', async () => {
  const { m, timers, changes, aborted } = monitor(SPEC, [{ kind: 'timeout', ms: 0 }]);
  m.start();
  await timers.run(5_500);
  m.stop();
  await m.settled();
  assert.equal(aborted(), 1);
  assert.deepEqual(changes, []);
  const timers2 = new FakeTimers();
  timers2.clock.advance(3_600_000);
  const resumed = new HealthMonitor({
    spec: { ...SPEC, retries: 1 }, prober: scriptedProber(timers2, [{ kind: 'fail', ms: 1 }]).prober, clock: timers2.clock, timers: timers2,
    containerStartedAt: T0, initial: 'HEALTHY', onChange: () => undefined,
  });
  assert.equal(resumed.status, 'HEALTHY');
  resumed.start();
  await timers2.run(3_600_010);
  assert.equal(resumed.status, 'UNHEALTHY', 'an interval has long passed: it probes at once');
  resumed.stop();
});

const outcomeArb: fc.Arbitrary<Outcome> = fc.record({ kind: fc.constantFrom('pass' as const, 'fail' as const, 'timeout' as const), ms: fc.integer({ min: 1, max: 3_000 }) });

test('property: probes never overlap and follow the interval; the status is what the results say; changes are reported once', async () => {
  await fc.assert(fc.asyncProperty(
    fc.record({
      intervalMs: fc.integer({ min: 1, max: 60 }).map((s) => s * 1000),
      timeoutMs: fc.integer({ min: 2, max: 10 }).map((s) => s * 1000),
      retries: fc.integer({ min: 1, max: 10 }),
      startPeriodMs: fc.integer({ min: 0, max: 60 }).map((s) => s * 1000),
    }),
    fc.array(outcomeArb, { maxLength: 25 }),
    async (timing, outcomes) => {
      const spec: HealthCheckSpec = { argv: ['x'], ...timing };
      const { m, timers, changes, calls } = monitor(spec, outcomes);
      m.start();
      const horizon = (outcomes.length + 2) * (spec.intervalMs + spec.timeoutMs);
      await timers.run(horizon);
      m.stop();
      // Timing: Docker's loop, one probe at a time.
      assert.equal(calls[0]?.start, spec.intervalMs);
      for (let i = 1; i < calls.length; i++) assert.equal(calls[i]?.start, (calls[i - 1]?.end ?? NaN) + spec.intervalMs);
      // An independent reading of the rules: the status after each result.
      let passedOnce = false;
      let streak = 0;
      let expected: HealthStatus = 'UNKNOWN';
      const expectedChanges: HealthStatus[] = [];
      for (const [i, call] of calls.entries()) {
        if (call.end === undefined) break;
        const outcome = outcomes[i] ?? { kind: 'pass' };
        let next: HealthStatus;
        if (outcome.kind === 'pass') {
          passedOnce = true;
          streak = 0;
          next = 'HEALTHY';
        } else {
          const spared = expected === 'UNKNOWN' && !passedOnce && call.start < spec.startPeriodMs;
          if (!spared) streak++;
          next = streak >= spec.retries ? 'UNHEALTHY' : passedOnce ? 'HEALTHY' : expected;
        }
        if (next !== expected) expectedChanges.push(next);
        expected = next;
      }
      assert.equal(m.status, expected);
      assert.deepEqual(changes.map((c) => c.status), expectedChanges);
      assert.ok(HEALTH_STATUSES.includes(m.status));
    },
  ), { numRuns: 150 });
});
