// The housekeeping controller's scheduling with chores that record their calls: own intervals,
// one run of a chore at a time, failures logged and retried, stop() waiting, timers unref'd.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import type { Chore } from './chore.ts';
import { Housekeeping } from './housekeeping.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const start = new Date('2026-03-01T00:00:00Z');

/** A chore that counts its runs and the most of them at once; each run takes `runMs` and removes 1. */
function countingChore(name: string, intervalMs: number, runMs = 0) {
  const state = { runs: [] as Date[], active: 0, maxActive: 0 };
  const chore: Chore = {
    name,
    intervalMs,
    async run(now) {
      state.active += 1;
      state.maxActive = Math.max(state.maxActive, state.active);
      state.runs.push(now);
      await sleep(runMs);
      state.active -= 1;
      return 1;
    },
  };
  return { chore, state };
}

/** Polls until `done` holds (bounded), so timing tests wait only as long as they must. */
async function until(done: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
}

test('each chore runs on its own interval, the first run soon after start', async () => {
  const fast = countingChore('fast', 10);
  const slow = countingChore('slow', 3_600_000);
  const logs: string[] = [];
  const housekeeping = new Housekeeping({ clock: new ManualClock(start), log: (m) => logs.push(m), chores: [fast.chore, slow.chore], firstRunDelayMs: 20 });
  housekeeping.start();
  housekeeping.start();
  try {
    await until(() => fast.state.runs.length >= 4 && slow.state.runs.length >= 1);
    await sleep(30);
    assert.equal(slow.state.runs.length, 1, 'the hourly chore ran once, at the first-run delay');
    assert.equal(fast.state.maxActive, 1, 'start() twice did not start a second chain of timers');
    assert.ok(logs.includes('housekeeping: fast removed 1'));
  } finally {
    await housekeeping.stop();
  }
});

test('never two runs of one chore at once: runOnce waits for the run in flight', async () => {
  const slow = countingChore('slow', 1, 20);
  const housekeeping = new Housekeeping({ clock: new ManualClock(start), log: () => undefined, chores: [slow.chore], firstRunDelayMs: 0 });
  housekeeping.start();
  try {
    const results = await Promise.all([housekeeping.runOnce('slow'), housekeeping.runOnce('slow'), housekeeping.runOnce()]);
    assert.deepEqual(results, [{ slow: 1 }, { slow: 1 }, { slow: 1 }]);
    await until(() => slow.state.runs.length >= 6);
    assert.equal(slow.state.maxActive, 1);
  } finally {
    await housekeeping.stop();
  }
});

test('a failing chore is logged and tried again next interval; the others go on', async () => {
  let attempts = 0;
  const flaky: Chore = {
    name: 'flaky',
    intervalMs: 5,
    run() {
      attempts += 1;
      return attempts === 1 ? Promise.reject(new Error('database is locked')) : Promise.resolve(0);
    },
  };
  const steady = countingChore('steady', 5);
  const logs: string[] = [];
  const housekeeping = new Housekeeping({ clock: new ManualClock(start), log: (m) => logs.push(m), chores: [flaky, steady.chore], firstRunDelayMs: 0 });
  housekeeping.start();
  try {
    await until(() => attempts >= 3 && steady.state.runs.length >= 3);
    assert.deepEqual(logs.filter((l) => l.includes('flaky')), ['housekeeping: flaky failed, will try again in 5 ms: database is locked']);
    await assert.rejects(housekeeping.runOnce('nope'), /no chore is named nope/);
  } finally {
    await housekeeping.stop();
  }
});

test('runOnce runs now, reads the clock when the run starts, and rejects with the chore\'s error', async () => {
  const clock = new ManualClock(start);
  const first = countingChore('first', 60_000);
  const failing: Chore = { name: 'failing', intervalMs: 60_000, run: () => Promise.reject(new Error('boom')) };
  const housekeeping = new Housekeeping({ clock, log: () => undefined, chores: [first.chore, failing] });
  assert.deepEqual(await housekeeping.runOnce('first'), { first: 1 });
  clock.advance(3_600_000);
  await housekeeping.runOnce('first');
  assert.deepEqual(first.state.runs, [start, new Date(start.getTime() + 3_600_000)]);
  await assert.rejects(housekeeping.runOnce(), /boom/);
  assert.deepEqual(housekeeping.schedule, [{ name: 'first', intervalMs: 60_000 }, { name: 'failing', intervalMs: 60_000 }]);
});

test('stop() waits for the run in flight and nothing runs after it', async () => {
  const slow = countingChore('slow', 1, 50);
  const housekeeping = new Housekeeping({ clock: new ManualClock(start), log: () => undefined, chores: [slow.chore], firstRunDelayMs: 0 });
  housekeeping.start();
  await until(() => slow.state.active === 1);
  await housekeeping.stop();
  assert.equal(slow.state.active, 0, 'the run finished before stop() resolved');
  const runs = slow.state.runs.length;
  await sleep(30);
  assert.equal(slow.state.runs.length, runs);
});

test('the constructor refuses two chores of one name and intervals setTimeout cannot keep', () => {
  const chore = (name: string, intervalMs: number): Chore => ({ name, intervalMs, run: () => Promise.resolve(0) });
  const make = (chores: Chore[]) => new Housekeeping({ clock: new ManualClock(start), log: () => undefined, chores });
  assert.throws(() => make([chore('a', 10), chore('a', 20)]), /two chores are named a/);
  for (const bad of [0, 1.5, 2 ** 31, Number.NaN]) assert.throws(() => make([chore('b', bad)]), /interval must be/);
});

test('started timers do not keep the process alive', async () => {
  // A process whose only work is a started controller with hourly chores must exit by itself.
  const script = `
    import { Housekeeping } from ${JSON.stringify(fileURLToPath(new URL('./housekeeping.ts', import.meta.url)))};
    const housekeeping = new Housekeeping({ clock: { now: () => new Date() }, log: console.log, chores: [{ name: 'hourly', intervalMs: 3600000, run: async () => 0 }] });
    housekeeping.start();
    console.log('started ' + housekeeping.schedule.map((c) => c.name).join());
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 });
  assert.equal(stdout, 'started hourly\n');
});
