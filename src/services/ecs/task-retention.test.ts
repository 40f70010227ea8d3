import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Task } from '@aws-sdk/client-ecs';
import { expiredStoppedTasks, STOPPED_TASK_RETENTION_MS, stoppedTaskExpired } from './task-retention.ts';

const now = new Date('2025-06-01T12:00:00Z');
const ago = (ms: number): Date => new Date(now.getTime() - ms);
const record = (task: Task) => ({ task });

test('a stopped task goes only once more than an hour has passed since stoppedAt', () => {
  const old = record({ taskArn: 'old', lastStatus: 'STOPPED', stoppedAt: ago(STOPPED_TASK_RETENTION_MS + 1) });
  const exactlyAnHour = record({ taskArn: 'hour', lastStatus: 'STOPPED', stoppedAt: ago(STOPPED_TASK_RETENTION_MS) });
  const recent = record({ taskArn: 'recent', lastStatus: 'STOPPED', stoppedAt: ago(60_000) });
  assert.deepEqual(expiredStoppedTasks([old, exactlyAnHour, recent], now), [old]);
});

test('tasks not yet STOPPED, or without stoppedAt, are kept however old', () => {
  const stopping = record({ taskArn: 'stopping', lastStatus: 'DEPROVISIONING', desiredStatus: 'STOPPED', stoppingAt: ago(10 * STOPPED_TASK_RETENTION_MS) });
  const running = record({ taskArn: 'running', lastStatus: 'RUNNING', createdAt: ago(10 * STOPPED_TASK_RETENTION_MS) });
  const noTime = record({ taskArn: 'odd', lastStatus: 'STOPPED' });
  assert.deepEqual(expiredStoppedTasks([stopping, running, noTime], now), []);
});

test('stoppedAt read back from JSON as a string still counts', () => {
  const task = { taskArn: 'json', lastStatus: 'STOPPED', stoppedAt: ago(2 * STOPPED_TASK_RETENTION_MS).toISOString() } as unknown as Task;
  assert.equal(expiredStoppedTasks([record(task)], now).length, 1);
});

test('stoppedTaskExpired answers for one task what expiredStoppedTasks answers for a list', () => {
  const tasks: Task[] = [
    { lastStatus: 'STOPPED', stoppedAt: ago(STOPPED_TASK_RETENTION_MS + 1) },
    { lastStatus: 'STOPPED', stoppedAt: ago(STOPPED_TASK_RETENTION_MS) },
    { lastStatus: 'STOPPING', stoppedAt: ago(2 * STOPPED_TASK_RETENTION_MS) },
  ];
  assert.deepEqual(tasks.map((task) => stoppedTaskExpired(task, now)), [true, false, false]);
  assert.deepEqual(expiredStoppedTasks(tasks.map(record), now).map((r) => r.task), tasks.filter((task) => stoppedTaskExpired(task, now)));
});
