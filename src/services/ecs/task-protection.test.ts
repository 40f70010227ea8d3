import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidParameterException } from './errors.ts';
import { isProtectedAt, protectedTaskView, protectionFor, validateUpdate } from './task-protection.ts';
import type { TaskRecord } from './task-records.ts';

const NOW = new Date('2025-01-01T00:00:00Z');
const ARN = 'arn:aws:ecs:us-east-1:123456789012:task/c/0123456789abcdef0123456789abcdef';
const record = (protection?: TaskRecord['protection']): TaskRecord => ({ task: { taskArn: ARN }, ...(protection ? { protection } : {}) }) as TaskRecord;

describe('task protection', () => {
  test('enabling without expiresInMinutes protects for 120 minutes; with it, for that long; disabling clears it', () => {
    assert.deepEqual(protectionFor(true, undefined, NOW), { enabled: true, expiresAt: new Date(NOW.getTime() + 120 * 60_000) });
    assert.deepEqual(protectionFor(true, 1, NOW), { enabled: true, expiresAt: new Date(NOW.getTime() + 60_000) });
    assert.equal(protectionFor(false, 30, NOW), undefined);
  });

  test('protection holds until its expiry, exclusive', () => {
    const protection = { enabled: true, expiresAt: new Date(NOW.getTime() + 60_000) };
    assert.equal(isProtectedAt(protection, NOW), true);
    assert.equal(isProtectedAt(protection, new Date(NOW.getTime() + 59_999)), true);
    assert.equal(isProtectedAt(protection, new Date(NOW.getTime() + 60_000)), false);
    assert.equal(isProtectedAt({ enabled: false }, NOW), false);
    assert.equal(isProtectedAt(undefined, NOW), false);
  });

  test('the view: expirationDate while protected; protectionEnabled false once expired or never set', () => {
    const expiresAt = new Date(NOW.getTime() + 60_000);
    assert.deepEqual(protectedTaskView(record({ enabled: true, expiresAt }), NOW), { taskArn: ARN, protectionEnabled: true, expirationDate: expiresAt });
    assert.deepEqual(protectedTaskView(record({ enabled: true, expiresAt }), expiresAt), { taskArn: ARN, protectionEnabled: false });
    assert.deepEqual(protectedTaskView(record(), NOW), { taskArn: ARN, protectionEnabled: false });
  });

  test('requests: 1–10 tasks, expiresInMinutes an integer in 1–2880', () => {
    const ok = { cluster: 'c', protectionEnabled: true, tasks: ['a'] };
    assert.doesNotThrow(() => validateUpdate(ok));
    assert.doesNotThrow(() => validateUpdate({ ...ok, expiresInMinutes: 1 }));
    assert.doesNotThrow(() => validateUpdate({ ...ok, expiresInMinutes: 2880, tasks: Array.from({ length: 10 }, (_, i) => `t${i}`) }));
    for (const bad of [{ ...ok, tasks: [] }, { ...ok, tasks: Array.from({ length: 11 }, (_, i) => `t${i}`) }, { ...ok, expiresInMinutes: 0 },
      { ...ok, expiresInMinutes: 2881 }, { ...ok, expiresInMinutes: 1.5 }]) {
      assert.throws(() => validateUpdate(bad), InvalidParameterException);
    }
  });
});
