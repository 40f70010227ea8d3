// createHousekeeping as main.ts uses it: Berth's four chores plus the extra ones, against one real
// store and blob store, each removing what is due when run.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import { cryptoIds } from '../../platform/ids.ts';
import { BlobStore } from '../../registry/blob-store.ts';
import { putTaskRecord, type TaskRecord } from '../../services/ecs/task-records.ts';
import { issueTemporaryCredentials } from '../../services/sts/credentials.ts';
import type { Chore } from './chore.ts';
import { createHousekeeping, EXPIRED_CREDENTIALS_CHORE, LOG_RETENTION_CHORE, REGISTRY_GC_CHORE, STOPPED_TASKS_CHORE } from './index.ts';
import { withStore } from './test-store.ts';

const scope = { account: '123456789012', region: 'us-east-1' };
const start = new Date('2026-03-01T00:00:00Z');

test('createHousekeeping runs Berth\'s chores and the extra ones; names must not clash', async () => {
  await withStore(async (store, dir) => {
    const clock = new ManualClock(start);
    const blobs = new BlobStore(join(dir, 'registry'));
    let lifecycleAt: Date | undefined;
    const lifecycle: Chore = { name: 'ecr-lifecycle-policies', intervalMs: 600_000, run: (now) => { lifecycleAt = now; return Promise.resolve(2); } };
    const housekeeping = createHousekeeping({ store, clock, log: () => undefined, blobs, defaultScope: scope, intervals: { registryGc: 5_000 }, extraChores: [lifecycle] });
    assert.deepEqual(housekeeping.schedule, [
      { name: STOPPED_TASKS_CHORE, intervalMs: 60_000 }, { name: EXPIRED_CREDENTIALS_CHORE, intervalMs: 60_000 },
      { name: LOG_RETENTION_CHORE, intervalMs: 600_000 }, { name: REGISTRY_GC_CHORE, intervalMs: 5_000 },
      { name: 'ecr-lifecycle-policies', intervalMs: 600_000 },
    ]);

    // A task stopped now and STS credentials for 15 minutes: both due two hours on.
    const taskArn = 'arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef';
    await store.write(async (tx) => {
      await putTaskRecord(tx, scope, {
        task: { taskArn, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: start }, taskDefinition: { family: 'web', revision: 1 },
        overrides: {}, network: { networkInterfaceId: '' },
      } as TaskRecord);
      await issueTemporaryCredentials(tx, cryptoIds, (accessKeyId) => ({
        accountId: scope.account, arn: 'arn:aws:iam::123456789012:root', userId: scope.account, accessKeyId, kind: 'root',
      }), start, 900);
    });
    assert.deepEqual(await housekeeping.runOnce(), {
      [STOPPED_TASKS_CHORE]: 0, [EXPIRED_CREDENTIALS_CHORE]: 0, [LOG_RETENTION_CHORE]: 0, [REGISTRY_GC_CHORE]: 0, 'ecr-lifecycle-policies': 2,
    });
    clock.advance(2 * 3_600_000);
    assert.deepEqual(await housekeeping.runOnce(STOPPED_TASKS_CHORE), { [STOPPED_TASKS_CHORE]: 1 });
    assert.deepEqual(await housekeeping.runOnce(EXPIRED_CREDENTIALS_CHORE), { [EXPIRED_CREDENTIALS_CHORE]: 1 });
    await housekeeping.runOnce('ecr-lifecycle-policies');
    assert.deepEqual(lifecycleAt, clock.now());

    const clash = { ...lifecycle, name: REGISTRY_GC_CHORE };
    assert.throws(() => createHousekeeping({ store, clock, log: () => undefined, blobs, defaultScope: scope, extraChores: [clash] }), /two chores are named registry-gc/);
  });
});
