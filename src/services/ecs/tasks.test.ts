import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Task, TaskDefinition } from '@aws-sdk/client-ecs';
import { openSqliteStore } from '../../store/sqlite.ts';
import { putTaskRecord, type TaskRecord } from './task-records.ts';
import { requestStop, taskWorkload } from './tasks.ts';

test('StopTask asks for STOPPED, keeps lastStatus, and never overwrites an earlier stop', () => {
  const running: Task = { taskArn: 't', lastStatus: 'RUNNING', desiredStatus: 'RUNNING', version: 3 };
  assert.deepEqual(requestStop(running, undefined), {
    ...running, desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user', version: 4,
  });
  assert.equal(requestStop(running, 'done').stoppedReason, 'done');
  assert.equal(requestStop(running, '').stoppedReason, 'Task stopped by user');
  const failed: Task = { ...running, desiredStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: x' };
  assert.equal(requestStop(failed, 'late'), failed);
});

test('cluster counts: RUNNING is running; PROVISIONING, PENDING and ACTIVATING are pending; other clusters apart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-task-counts-'));
  const store = await openSqliteStore(dir);
  try {
    const scope = { account: '123456789012', region: 'us-east-1' };
    const cluster = 'arn:aws:ecs:us-east-1:123456789012:cluster/c';
    const definition: TaskDefinition = { family: 'web', revision: 1 };
    const statuses = ['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'];
    await store.write(async (tx) => {
      for (const [i, lastStatus] of statuses.entries()) {
        const record = { task: { taskArn: `${cluster.replace(':cluster/', ':task/')}/${String(i).padStart(32, '0')}`, clusterArn: cluster, lastStatus, desiredStatus: 'RUNNING' },
          taskDefinition: definition, overrides: {}, network: {} } as unknown as TaskRecord;
        await putTaskRecord(tx, scope, record);
      }
      const elsewhere = { task: { taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/d/'.padEnd(75, 'f'), clusterArn: cluster.replace('/c', '/d'), lastStatus: 'RUNNING' },
        taskDefinition: definition, overrides: {}, network: {} } as unknown as TaskRecord;
      await putTaskRecord(tx, scope, elsewhere);
    });
    const counts = await store.read((tx) => taskWorkload.countsOf(tx, scope, cluster));
    assert.equal(counts.runningFargateTasks, 2);
    assert.equal(counts.pendingFargateTasks, 3);
    assert.equal(counts.runningEC2Tasks + counts.pendingEC2Tasks + counts.activeFargateServices, 0);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
