import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canMove, InvalidTaskTransition, moveTask, TASK_STATES, type TaskState } from './task-lifecycle.ts';

test('the happy path stamps each timestamp once and counts versions', () => {
  let task = moveTask({ lastStatus: 'PROVISIONING', version: 1 }, 'PENDING', new Date(1000));
  for (const [to, at] of [['ACTIVATING', 2000], ['RUNNING', 3000], ['DEACTIVATING', 4000], ['STOPPING', 5000], ['DEPROVISIONING', 6000], ['STOPPED', 7000]] as const) {
    task = moveTask(task, to, new Date(at));
  }
  assert.equal(task.lastStatus, 'STOPPED');
  assert.equal(task.version, 8);
  assert.deepEqual([task.startedAt, task.stoppingAt, task.executionStoppedAt, task.stoppedAt].map((d) => d?.getTime()), [3000, 4000, 6000, 7000]);
});

test('any move the table does not list throws "invalid state transition from X to Y"', () => {
  fc.assert(fc.property(fc.constantFrom(...TASK_STATES), fc.constantFrom(...TASK_STATES), (from: TaskState, to: TaskState) => {
    if (canMove(from, to)) return;
    assert.throws(() => moveTask({ lastStatus: from }, to, new Date(0)), InvalidTaskTransition);
  }));
});

test('STOPPED is final, and every state can reach STOPPED', () => {
  for (const state of TASK_STATES) assert.equal(canMove('STOPPED', state), false);
  for (const start of TASK_STATES.filter((s) => s !== 'STOPPED')) {
    const seen = new Set<TaskState>([start]);
    const queue: TaskState[] = [start];
    while (queue.length > 0) {
      const state = queue.shift() as TaskState;
      for (const next of TASK_STATES) if (canMove(state, next) && !seen.has(next)) { seen.add(next); queue.push(next); }
    }
    assert.ok(seen.has('STOPPED'), `${start} can reach STOPPED`);
  }
});
