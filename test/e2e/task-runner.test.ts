// The task runner against the real kernel, runc and Berth's registry: test images pushed through
// /v2/, 'ecs.task' records written as RunTask writes them, and the tasks run, log to CloudWatch
// Logs, answer HTTP from the host, stop with ECS's codes and reasons, and leave nothing behind.
// Needs root, runc, iproute2 and busybox-static; skips with the reason, except under CI=true.
// Traffic goes only to loopback and the namespaces this file creates.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CloudWatchLogsClient, CreateLogGroupCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { bridgeName } from '../../src/network/names.ts';
import { Cgroups } from '../../src/runtime/drivers/runc/cgroups.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { startTestServer, type TestServer } from './harness.ts';
import {
  createSubnet, pushTestImages, SCOPE, stopTask, taskHostSkipReason, tiniInstalled, waitForTask, writeTask, type TestSubnet,
} from './task-runner-support.ts';


const reason = await taskHostSkipReason('task runner tests');

const TINI = tiniInstalled();
const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/runner-images';
const image = (tag: string) => `${REPO}:${tag}`;
const terminal = (record: { task: { lastStatus?: string } }) => record.task.lastStatus === 'STOPPED';

describe('task runner', { skip: reason ?? false }, () => {
  let server: TestServer;
  let store: Store;
  let subnet: TestSubnet;
  let layoutDir = '';
  const taskIds: string[] = [];

  before(async () => {
    server = await startTestServer({}, { taskRunnerIntervalMs: 100 });
    store = await openSqliteStore(server.dataDir);
    const ecr = new ECRClient(server.clientConfig);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'runner-images' }));
    ecr.destroy();
    layoutDir = await mkdtemp(join(tmpdir(), 'bth-runner-layout-'));
    await pushTestImages(server.url, 'runner-images', layoutDir);
    const ec2 = new EC2Client(server.clientConfig);
    subnet = await createSubnet(ec2, '10.241.0.0/16', '10.241.1.0/24');
    ec2.destroy();
  });

  after(async () => {
    await store?.close();
    await server?.stop();
    await rm(layoutDir, { recursive: true, force: true });
  });

  async function run(family: string, containers: ContainerDefinition[]): Promise<string> {
    const taskId = await writeTask(store, subnet, family, containers);
    taskIds.push(taskId);
    return taskId;
  }

  test('a web task runs: RUNNING, its stdout in CloudWatch Logs, HTTP from the host, then stopped by the user', async () => {
    const logs = new CloudWatchLogsClient(server.clientConfig);
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/web' }));
    const taskId = await run('web', [
      { name: 'web', image: image('httpd'), essential: true, stopTimeout: 5, ...(TINI ? { linuxParameters: { initProcessEnabled: true } } : {}) },
      {
        name: 'ticker', image: image('loop'), essential: false, stopTimeout: 2,
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'web' } },
      },
    ]);
    const running = await waitForTask(store, taskId, (r) => r.task.lastStatus === 'RUNNING' || terminal(r));
    assert.equal(running.task.lastStatus, 'RUNNING', running.task.stoppedReason);
    for (const c of running.task.containers ?? []) {
      assert.equal(c.lastStatus, 'RUNNING');
      assert.match(c.runtimeId ?? '', new RegExp(`^bth-${taskId}-\\d$`));
      assert.match(c.imageDigest ?? '', /^sha256:[0-9a-f]{64}$/);
    }
    assert.equal(running.task.attachments?.[0]?.status, 'ATTACHED');

    const page = await fetch(`http://${running.network.privateIpv4Address}:8080/`);
    assert.equal(await page.text(), 'hello from bth httpd\n');

    let messages: string[] = [];
    const deadline = Date.now() + 10_000;
    while (messages.length < 2 && Date.now() < deadline) {
      const events = await logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: `web/ticker/${taskId}`, startFromHead: true }))
        .catch(() => ({ events: [] }));
      messages = (events.events ?? []).map((e) => e.message ?? '');
      if (messages.length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(messages.slice(0, 2), ['tick 0', 'tick 1']);
    logs.destroy();

    await stopTask(store, taskId);
    const stopped = await waitForTask(store, taskId, terminal);
    assert.equal(stopped.task.stopCode, 'UserInitiated');
    assert.equal(stopped.task.stoppedReason, 'Task stopped by user');
    const exits = Object.fromEntries((stopped.task.containers ?? []).map((c): [string, number | undefined] => [c.name ?? '', c.exitCode]));
    // sh as PID 1 has no default action for SIGTERM: it is killed after its 2 s stopTimeout. tini forwards SIGTERM to httpd.
    assert.deepEqual(exits, { web: TINI ? 143 : 137, ticker: 137 });
    const t = stopped.task;
    const order = [t.createdAt, t.pullStartedAt, t.pullStoppedAt, t.startedAt, t.stoppingAt, t.executionStoppedAt, t.stoppedAt];
    for (const [i, at] of order.entries()) assert.ok(at instanceof Date, `timestamp ${i} is set`);
    for (let i = 1; i < order.length; i++) assert.ok((order[i]?.getTime() ?? 0) >= (order[i - 1]?.getTime() ?? 0), `timestamp ${i} is in order`);
    assert.ok((t.version ?? 0) >= 8, `version ${t.version} counts every move (7 after PROVISIONING)`);
    assert.equal(t.attachments?.[0]?.status, 'DELETED');
    const eni = await store.read((tx) => tx.get('ec2.network-interface', SCOPE, stopped.network.networkInterfaceId));
    assert.equal(eni, undefined, 'the ENI record is deleted');
  });

  test('an essential container that exits 3 stops the task with EssentialContainerExited', async () => {
    const taskId = await run('exit3', [{ name: 'job', image: image('shell'), command: ['echo bye; exit 3'] }]);
    const stopped = await waitForTask(store, taskId, terminal);
    assert.equal(stopped.task.stopCode, 'EssentialContainerExited');
    assert.equal(stopped.task.stoppedReason, 'Essential container in task exited');
    assert.equal(stopped.task.containers?.[0]?.exitCode, 3);
    assert.equal(stopped.task.containers?.[0]?.lastStatus, 'STOPPED');
  });

  test('a container killed for memory: exit 137 with OutOfMemoryError', async () => {
    const taskId = await run('oom', [{ name: 'hog', image: image('alloc'), memory: 16 }]);
    const stopped = await waitForTask(store, taskId, terminal);
    assert.equal(stopped.task.stopCode, 'EssentialContainerExited');
    assert.equal(stopped.task.containers?.[0]?.exitCode, 137);
    assert.equal(stopped.task.containers?.[0]?.reason, 'OutOfMemoryError: Container killed due to memory usage');
  });

  test('images Berth cannot pull stop the task with TaskFailedToStart and CannotPullContainerError', async () => {
    const remote = await run('remote', [{ name: 'app', image: 'httpd:2.4' }]);
    const missing = await run('missing', [{ name: 'app', image: image('no-such-tag') }]);
    const a = await waitForTask(store, remote, terminal);
    assert.equal(a.task.stopCode, 'TaskFailedToStart');
    assert.match(a.task.stoppedReason ?? '', /^CannotPullContainerError: pull image manifest has been retried 5 time\(s\): failed to resolve ref docker\.io\/library\/httpd:2\.4: /);
    assert.equal(a.task.containers?.[0]?.reason, a.task.stoppedReason);
    const b = await waitForTask(store, missing, terminal);
    assert.equal(b.task.stoppedReason, `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${image('no-such-tag')}: ${image('no-such-tag')}: not found`);
  });

  test('a missing log group without awslogs-create-group fails the task; with it the group is created', async () => {
    const awslogs = (group: string, create: boolean) => ({
      logDriver: 'awslogs' as const,
      options: { 'awslogs-group': group, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'p', ...(create ? { 'awslogs-create-group': 'true' } : {}) },
    });
    const failing = await run('nolog', [{ name: 'app', image: image('shell'), command: ['echo hi'], logConfiguration: awslogs('/ecs/absent', false) }]);
    const creating = await run('mklog', [{ name: 'app', image: image('shell'), command: ['echo created'], logConfiguration: awslogs('/ecs/created', true) }]);
    const a = await waitForTask(store, failing, terminal);
    assert.equal(a.task.stopCode, 'TaskFailedToStart');
    assert.equal(a.task.stoppedReason, 'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: '
      + 'failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.');
    const b = await waitForTask(store, creating, terminal);
    assert.equal(b.task.containers?.[0]?.exitCode, 0);
    const logs = new CloudWatchLogsClient(server.clientConfig);
    const events = await logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/created', logStreamName: `p/app/${creating}`, startFromHead: true }));
    logs.destroy();
    assert.deepEqual(events.events?.map((e) => e.message), ['created']);
  });

  test('dependsOn: the app starts after its migration succeeded; a failed migration keeps it from starting and stops the task', async () => {
    const logs = new CloudWatchLogsClient(server.clientConfig);
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/deps' }));
    const logged = { logDriver: 'awslogs' as const, options: { 'awslogs-group': '/ecs/deps', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'd' } };
    const task = (migration: string): ContainerDefinition[] => [
      { name: 'app', image: image('shell'), command: ['echo app started; sleep 30'], stopTimeout: 2, logConfiguration: logged,
        dependsOn: [{ containerName: 'migrate', condition: 'SUCCESS' }, { containerName: 'sidecar', condition: 'START' }] },
      { name: 'migrate', image: image('shell'), essential: false, command: [migration], logConfiguration: logged },
      { name: 'sidecar', image: image('loop'), essential: false, stopTimeout: 2 },
    ];
    const good = await run('deps-ok', task('sleep 1; echo migrated; exit 0'));
    const bad = await run('deps-bad', task('echo migration failed; exit 1'));

    const running = await waitForTask(store, good, (r) => r.task.lastStatus === 'RUNNING' || terminal(r));
    assert.equal(running.task.lastStatus, 'RUNNING', running.task.stoppedReason);
    const states = Object.fromEntries((running.task.containers ?? []).map((c): [string, [string | undefined, number | undefined]] => [c.name ?? '', [c.lastStatus, c.exitCode]]));
    assert.deepEqual(states, { app: ['RUNNING', undefined], migrate: ['STOPPED', 0], sidecar: ['RUNNING', undefined] });
    const firstEvent = async (stream: string) => {
      for (let i = 0; i < 50; i++) {
        const page = await logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/deps', logStreamName: stream, startFromHead: true })).catch(() => ({ events: [] }));
        const event = page.events?.[0];
        if (event) return event;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`nothing in ${stream}`);
    };
    const migrated = await firstEvent(`d/migrate/${good}`);
    const started = await firstEvent(`d/app/${good}`);
    assert.equal(migrated.message, 'migrated');
    assert.ok((started.timestamp ?? 0) >= (migrated.timestamp ?? 0), 'the app writes only after the migration');

    const failed = await waitForTask(store, bad, terminal);
    assert.equal(failed.task.stopCode, 'EssentialContainerExited');
    assert.equal(failed.task.stoppedReason, 'Essential container in task exited');
    const app = failed.task.containers?.find((c) => c.name === 'app');
    assert.equal(app?.lastStatus, 'STOPPED');
    assert.equal(app?.exitCode, undefined);
    assert.match(app?.reason ?? '', /^CannotStartContainerError: dependency graph: failed to resolve container ordering dependency \[migrate\(.*\) \(STOPPED->RUNNING\) - Exit: 1\]/);
    assert.equal(failed.task.containers?.find((c) => c.name === 'migrate')?.exitCode, 1);

    await stopTask(store, good);
    const stopped = await waitForTask(store, good, terminal);
    assert.deepEqual(Object.fromEntries((stopped.task.containers ?? []).map((c) => [c.name, c.exitCode])), { app: 137, migrate: 0, sidecar: 137 });
    logs.destroy();
  });

  test('afterwards no namespace, link, mount, runc container or cgroup of these tasks remains', async () => {
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    const links = execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' });
    const containers = execFileSync('runc', ['list', '-q'], { encoding: 'utf8' });
    const mounts = execFileSync('mount', [], { encoding: 'utf8' });
    const cgroups = new Cgroups();
    for (const taskId of taskIds) {
      assert.ok(!namespaces.includes(`bth-${taskId}`), `namespace of ${taskId}`);
      assert.ok(!links.includes(`bthv${taskId.slice(0, 11)}`), `veth of ${taskId}`);
      assert.ok(!containers.includes(`bth-${taskId}`), `runc container of ${taskId}`);
      assert.equal(await cgroups.taskExists(taskId), false, `cgroup of ${taskId}`);
    }
    assert.deepEqual(mounts.split('\n').filter((m) => m.includes(server.dataDir)), []);
    assert.ok(!links.includes(bridgeName(subnet.vpcId)), 'the VPC bridge goes with its last task');
  });
});
