import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CreateSubnetResult, CreateVpcResult } from '@aws-sdk/client-ec2';
import type { RunTaskResponse, StopTaskResponse, Task, TaskDefinition } from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { AwsService } from '../../aws/service.ts';
import { cryptoIds } from '../../platform/ids.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import { regionalScope } from '../common/scope.ts';
import { createEc2Service } from '../ec2/index.ts';
import { createEcsService } from './index.ts';
import { putTaskRecord, taskIdOf, type TaskRecord } from './task-records.ts';
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

test('RunTask and StopTask tell taskEvents once their write has committed, and only when they changed something', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-task-events-'));
  const store = await openSqliteStore(dir);
  const ctx: RequestContext = {
    requestId: 'test', region: 'us-east-1', now: new Date('2025-01-01T00:00:00Z'),
    principal: { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root', userId: '123456789012', accessKeyId: 'test', kind: 'root' },
  };
  // What a read issued at each call sees: the desiredStatus of every task in the store.
  const seen: Promise<string[]>[] = [];
  const taskEvents = {
    changed: () => { seen.push(store.read(async (tx) => (await tx.list('ecs.task', regionalScope(ctx))).map((row) => row.body.task.desiredStatus ?? ''))); },
  };
  const deps = { store, ids: cryptoIds, defaultAccountId: '123456789012', taskEvents };
  const call = async <T>(service: AwsService, operation: string, input: object): Promise<T> => {
    const handler = service.operations[operation] ?? assert.fail(`no operation ${operation}`);
    return (await handler(input as never, ctx)) as T;
  };
  try {
    const ec2 = createEc2Service(deps);
    const ecs = createEcsService(deps);
    const vpcId = (await call<CreateVpcResult>(ec2, 'CreateVpc', { CidrBlock: '10.0.0.0/16' })).Vpc?.VpcId ?? '';
    const subnetId = (await call<CreateSubnetResult>(ec2, 'CreateSubnet', { VpcId: vpcId, CidrBlock: '10.0.1.0/24' })).Subnet?.SubnetId ?? '';
    await call(ecs, 'RegisterTaskDefinition', {
      family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      containerDefinitions: [{ name: 'app', image: 'busybox:latest' }],
    });
    assert.equal(seen.length, 0, 'other writes tell nothing');
    const run = { taskDefinition: 'web', launchType: 'FARGATE', count: 2, clientToken: 'once', networkConfiguration: { awsvpcConfiguration: { subnets: [subnetId] } } };
    const ran = await call<RunTaskResponse>(ecs, 'RunTask', run);
    assert.equal(seen.length, 1);
    assert.deepEqual(await seen[0], ['RUNNING', 'RUNNING'], 'the tasks are readable when the runner is told');
    await call(ecs, 'RunTask', run);
    assert.equal(seen.length, 1, 'a replayed clientToken starts nothing');
    await assert.rejects(call(ecs, 'RunTask', { ...run, clientToken: 'bad', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'] } } }));
    assert.equal(seen.length, 1, 'a refused RunTask tells nothing');

    const taskArn = ran.tasks?.[0]?.taskArn ?? '';
    const stopped = await call<StopTaskResponse>(ecs, 'StopTask', { task: taskIdOf(taskArn) });
    assert.equal(stopped.task?.desiredStatus, 'STOPPED');
    assert.equal(seen.length, 2);
    assert.deepEqual((await seen[1])?.sort(), ['RUNNING', 'STOPPED'], 'the stop is readable when the runner is told');
    await call(ecs, 'StopTask', { task: taskArn });
    assert.equal(seen.length, 2, 'stopping a task already desired STOPPED changes nothing');
  } finally {
    await Promise.allSettled(seen);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
