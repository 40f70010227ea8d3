import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReconcileLoop } from './reconcile-loop.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('passes never overlap, nudges during a pass coalesce into one more, a failing pass is logged and the loop goes on', async () => {
  let active = 0;
  let passes = 0;
  let release: (() => void) | undefined;
  const logs: string[] = [];
  const loop = new ReconcileLoop({
    name: 'test', intervalMs: 60_000, log: (m) => logs.push(m),
    pass: async () => {
      active++;
      assert.equal(active, 1, 'overlapping passes');
      passes++;
      if (passes === 1) await new Promise<void>((resolve) => { release = resolve; });
      active--;
      if (passes === 2) throw new Error('boom');
    },
  });
  loop.nudge();
  assert.equal(passes, 0, 'nothing runs before start()');
  loop.start();
  await tick();
  assert.equal(passes, 1);
  loop.nudge();
  loop.nudge();
  loop.nudge();
  release?.();
  await loop.settled();
  assert.equal(passes, 2, 'three nudges during the first pass made one more pass');
  assert.match(logs[0] ?? '', /^test: pass failed, will try again: Error: boom/);
  loop.nudge();
  await loop.settled();
  assert.equal(passes, 3, 'the loop went on after a failed pass');
  await loop.stop();
  loop.nudge();
  await tick();
  assert.equal(passes, 3, 'nothing runs after stop()');
});
