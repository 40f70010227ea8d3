// Stopped tasks expire through the real API: a task RunTask started and the runner stopped (its
// image cannot be pulled: remote pulls are off in tests) is still described an hour after it
// stopped, and once the housekeeping controller has run past that hour DescribeTasks answers it
// MISSING, ListTasks no longer lists it and its tags are gone. Time is a ManualClock shared by the
// server and the controller, which runs on the server's data directory through a second store
// connection (SQLite in WAL mode allows it), as registry-protocol.test.ts does for GC.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeClustersCommand, DescribeTasksCommand, ECSClient, ListTagsForResourceCommand, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { DEFAULT_SETTINGS } from '../../src/config/settings.ts';
import { createHousekeeping, STOPPED_TASKS_CHORE, type Housekeeping } from '../../src/controllers/housekeeping/index.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { BlobStore } from '../../src/registry/blob-store.ts';
import { STOPPED_TASK_RETENTION_MS } from '../../src/services/ecs/task-retention.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { rejectsWith } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

const clock = new ManualClock(new Date());
let server: TestServer;
let ecs: ECSClient;
let store: Store;
let housekeeping: Housekeeping;

before(async () => {
  server = await startTestServer({}, { clock });
  ecs = new ECSClient(server.clientConfig);
  store = await openSqliteStore(server.dataDir, clock);
  housekeeping = createHousekeeping({
    store, clock, log: () => undefined, blobs: new BlobStore(join(server.dataDir, 'registry')),
    defaultScope: { account: DEFAULT_SETTINGS.defaultAccountId, region: DEFAULT_SETTINGS.defaultRegion },
  });
});
after(async () => {
  await housekeeping.stop();
  await store.close();
  ecs.destroy();
  await server.stop();
});

/** Describes the task until the runner has stopped it; the clock moves a second per look so the runner's retries come due. */
async function stoppedTask(taskArn: string): Promise<Task> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { tasks } = await ecs.send(new DescribeTasksCommand({ tasks: [taskArn], include: ['TAGS'] }));
    const task = tasks?.[0];
    if (task?.lastStatus === 'STOPPED') return task;
    if (Date.now() > deadline) assert.fail(`the task did not stop: ${JSON.stringify(task)}`);
    clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a stopped task is described for an hour after stoppedAt, then answered MISSING', async () => {
  const ec2 = new EC2Client(server.clientConfig);
  const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
  ec2.destroy();
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'expiring', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
    containerDefinitions: [{ name: 'app', image: 'busybox:latest', essential: true }],
  }));
  const run = await ecs.send(new RunTaskCommand({
    taskDefinition: 'expiring', launchType: 'FARGATE', tags: [{ key: 'team', value: 'blue' }],
    networkConfiguration: { awsvpcConfiguration: { subnets: [subnets.Subnets?.[0]?.SubnetId ?? ''] } },
  }));
  const taskArn = run.tasks?.[0]?.taskArn ?? '';
  const task = await stoppedTask(taskArn);
  assert.equal(task.stopCode, 'TaskFailedToStart');
  assert.deepEqual(task.tags, [{ key: 'team', value: 'blue' }]);
  const stoppedAt = task.stoppedAt?.getTime() ?? 0;

  // Exactly an hour after stoppedAt the task is still ECS's to describe.
  clock.advance(stoppedAt + STOPPED_TASK_RETENTION_MS - clock.now().getTime());
  assert.deepEqual(await housekeeping.runOnce(STOPPED_TASKS_CHORE), { [STOPPED_TASKS_CHORE]: 0 });
  const kept = await ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }));
  assert.equal(kept.tasks?.[0]?.lastStatus, 'STOPPED');

  clock.advance(1_000);
  assert.deepEqual(await housekeeping.runOnce(STOPPED_TASKS_CHORE), { [STOPPED_TASKS_CHORE]: 1 });
  const gone = await ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }));
  assert.equal(gone.$metadata.httpStatusCode, 200);
  assert.deepEqual(gone.tasks, []);
  assert.deepEqual(gone.failures, [{ arn: taskArn, reason: 'MISSING' }]);
  const listed = await ecs.send(new ListTasksCommand({ desiredStatus: 'STOPPED' }));
  assert.deepEqual(listed.taskArns, []);
  await rejectsWith(ecs.send(new ListTagsForResourceCommand({ resourceArn: taskArn })), 'ResourceNotFoundException');
  const { clusters } = await ecs.send(new DescribeClustersCommand({ clusters: ['default'] }));
  assert.equal(clusters?.[0]?.runningTasksCount, 0);
  assert.equal(clusters?.[0]?.pendingTasksCount, 0);
});
