// The stopped-tasks chore against a real store: expired STOPPED tasks go in every scope that holds
// tasks, with their tags and any ENI still recorded; everything else stays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Task } from '@aws-sdk/client-ecs';
import { putNetworkInterface } from '../../services/ec2/records.ts';
import { readTags, writeTags } from '../../services/ecs/tags.ts';
import { putTaskRecord, type TaskRecord } from '../../services/ecs/task-records.ts';
import { STOPPED_TASK_RETENTION_MS } from '../../services/ecs/task-retention.ts';
import { taskScopes } from '../../services/ecs/task-scopes.ts';
import type { Scope, Store } from '../../store/store.ts';
import { expireStoppedTasks, stoppedTasksChore } from './stopped-tasks.ts';
import { withStore } from './test-store.ts';

const EAST: Scope = { account: '123456789012', region: 'us-east-1' };
const WEST: Scope = { account: '210987654321', region: 'eu-west-1' };
const now = new Date('2026-03-01T12:00:00Z');
const ago = (ms: number): Date => new Date(now.getTime() - ms);
const LONG_AGO = ago(STOPPED_TASK_RETENTION_MS + 1);

let serial = 0;

/** Writes a task as RunTask and the runner would (putTaskRecord: scope row, indexed desiredStatus); answers its id. */
async function writeTask(store: Store, scope: Scope, task: Partial<Task>, eni = ''): Promise<string> {
  const taskId = (serial += 1).toString(16).padStart(32, '0');
  const clusterArn = `arn:aws:ecs:${scope.region}:${scope.account}:cluster/default`;
  const record = {
    task: { taskArn: `arn:aws:ecs:${scope.region}:${scope.account}:task/default/${taskId}`, clusterArn, desiredStatus: 'STOPPED', ...task },
    taskDefinition: { family: 'web', revision: 1 },
    overrides: {},
    network: { networkInterfaceId: eni },
  } as TaskRecord;
  await store.write(async (tx) => {
    await putTaskRecord(tx, scope, record);
    await writeTags(tx, scope, record.task.taskArn ?? '', [{ key: 'team', value: 'web' }]);
  });
  return taskId;
}

const stopped = { lastStatus: 'STOPPED', stoppedAt: LONG_AGO };
const ids = (store: Store, scope: Scope) => store.read(async (tx) => (await tx.list('ecs.task', scope)).map((row) => row.id));

test('expired STOPPED tasks go in every scope; recent, stopping and running ones stay', async () => {
  await withStore(async (store) => {
    await writeTask(store, EAST, stopped);
    await writeTask(store, WEST, stopped);
    const recent = await writeTask(store, EAST, { lastStatus: 'STOPPED', stoppedAt: ago(STOPPED_TASK_RETENTION_MS) });
    const stopping = await writeTask(store, EAST, { lastStatus: 'DEPROVISIONING', stoppingAt: ago(10 * STOPPED_TASK_RETENTION_MS) });
    const running = await writeTask(store, WEST, { lastStatus: 'RUNNING', desiredStatus: 'RUNNING', createdAt: ago(10 * STOPPED_TASK_RETENTION_MS) });
    const chore = stoppedTasksChore({ store, scopes: () => taskScopes(store, EAST), intervalMs: 60_000 });

    assert.equal(await chore.run(now), 2);
    assert.deepEqual(await ids(store, EAST), [recent, stopping]);
    assert.deepEqual(await ids(store, WEST), [running]);
    assert.equal(await chore.run(now), 0, 'a second run finds nothing');
    assert.equal(await chore.run(new Date(now.getTime() + 1)), 1, 'the recent one goes once its hour is over');
  });
});

test('a deleted task takes its tags and a leftover ENI with it; other tasks keep theirs', async () => {
  await withStore(async (store) => {
    const eni = { NetworkInterfaceId: 'eni-0123456789abcdef0', SubnetId: 'subnet-1', VpcId: 'vpc-1', PrivateIpAddress: '10.0.1.9', OwnerId: EAST.account };
    await store.write((tx) => putNetworkInterface(tx, EAST, eni));
    const old = await writeTask(store, EAST, stopped, eni.NetworkInterfaceId);
    const kept = await writeTask(store, EAST, { lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
    const arnOf = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/default/${id}`;

    assert.equal(await expireStoppedTasks(store, EAST, now), 1);
    await store.read(async (tx) => {
      assert.equal(await tx.get('ecs.task', EAST, old), undefined);
      assert.deepEqual(await readTags(tx, EAST, arnOf(old)), []);
      assert.equal(await tx.get('ec2.network-interface', EAST, eni.NetworkInterfaceId), undefined);
      assert.deepEqual(await readTags(tx, EAST, arnOf(kept)), [{ key: 'team', value: 'web' }]);
    });
  });
});

test('more expired tasks than a batch: every page is read and each batch deleted', async () => {
  await withStore(async (store) => {
    for (let i = 0; i < 7; i++) await writeTask(store, EAST, stopped);
    const recent = await writeTask(store, EAST, { lastStatus: 'STOPPED', stoppedAt: now });
    for (let i = 0; i < 2; i++) await writeTask(store, EAST, stopped);
    assert.equal(await expireStoppedTasks(store, EAST, now, 3), 9);
    assert.deepEqual(await ids(store, EAST), [recent]);
  });
});

test('the write checks again: a task deleted between the listing and the transaction is not counted', async () => {
  await withStore(async (store) => {
    const first = await writeTask(store, EAST, stopped);
    await writeTask(store, EAST, stopped);
    // Another replica deletes `first` right after this chore read the page.
    const racing: Store = {
      describe: () => store.describe(),
      close: () => store.close(),
      read: async (fn) => {
        const result = await store.read(fn);
        await store.write((tx) => tx.delete('ecs.task', EAST, first));
        return result;
      },
      write: (fn) => store.write(fn),
    };
    assert.equal(await expireStoppedTasks(racing, EAST, now), 1);
    assert.deepEqual(await ids(store, EAST), []);
  });
});
