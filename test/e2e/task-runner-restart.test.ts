// Restart safety of the task runner with the real kernel, runc and conmon: tasks outlive the server.
// After a graceful stop and after kill -9, a restart on the same data directory re-attaches running
// tasks with their awslogs streams still flowing, records tasks whose essential container exited
// meanwhile as stopped with its exit code, records tasks whose containers vanished as lost, and
// leaves nothing behind once they stop. Needs root, runc, conmon, iproute2 and busybox-static (see
// task-runner-support.ts); skips with the reason, except under CI=true.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { DEFAULT_SETTINGS } from '../../src/config/settings.ts';
import { startBerth } from '../../src/main.ts';
import { LOST_TASK_REASON } from '../../src/controllers/task-runner/planner.ts';
import { Cgroups } from '../../src/runtime/drivers/runc/cgroups.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { BerthProcess } from '../support/berth-process.ts';
import { createSubnet, pushTestImages, stopTask, taskHostSkipReason, waitForTask, writeTask, type TestSubnet } from './task-runner-support.ts';

const reason = await taskHostSkipReason('task runner restart test');
const IMAGE = (tag: string) => `123456789012.dkr.ecr.us-east-1.amazonaws.com/restart:${tag}`;

function clientConfig(url: string) {
  return { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
}

function logged(name: string, tag: string, command?: string[]): ContainerDefinition {
  return {
    name, image: IMAGE(tag), ...(command ? { command } : {}), stopTimeout: 2,
    logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/restart', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'r', 'awslogs-create-group': 'true' } },
  };
}

async function prepare(url: string, dataDir: string, vpcCidr: string): Promise<TestSubnet> {
  const ecr = new ECRClient(clientConfig(url));
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'restart' }));
  ecr.destroy();
  await pushTestImages(url, 'restart', join(dataDir, 'layout'));
  const ec2 = new EC2Client(clientConfig(url));
  const subnet = await createSubnet(ec2, vpcCidr, vpcCidr.replace(/\.0\.0\/16$/, '.1.0/24'));
  ec2.destroy();
  return subnet;
}

/** The loop's `tick N` numbers in its awslogs stream, in stream order. */
async function ticks(url: string, name: string, taskId: string): Promise<number[]> {
  const logs = new CloudWatchLogsClient(clientConfig(url));
  try {
    const page = await logs.send(new GetLogEventsCommand({ logGroupName: '/restart', logStreamName: `r/${name}/${taskId}`, startFromHead: true, limit: 10_000 }));
    return (page.events ?? []).map((e) => Number(/^tick (\d+)$/.exec(e.message ?? '')?.[1] ?? NaN));
  } finally {
    logs.destroy();
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function assertNothingLeft(taskId: string, dataDir: string): Promise<void> {
  assert.ok(!execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).includes(`bth-${taskId}`), `namespace of ${taskId} left`);
  assert.ok(!execFileSync('runc', ['list', '-q'], { encoding: 'utf8' }).includes(`bth-${taskId}`), `container of ${taskId} left`);
  assert.deepEqual(execFileSync('mount', [], { encoding: 'utf8' }).split('\n').filter((m) => m.includes(dataDir) && m.includes(taskId)), []);
  return new Cgroups().taskExists(taskId).then((exists) => assert.equal(exists, false, `cgroup of ${taskId} left`));
}

function runcStatus(taskId: string): string {
  try {
    return (JSON.parse(execFileSync('runc', ['state', `bth-${taskId}-0`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { status: string }).status;
  } catch {
    return 'missing';
  }
}

test('a task running when Berth stops runs on, and the restarted Berth re-attaches it with its logs', { skip: reason ?? false, timeout: 120_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bth-restart-'));
  const logs: string[] = [];
  const settings = { ...DEFAULT_SETTINGS, port: 0, dataDir, remotePulls: false };
  const options = { log: (m: string) => logs.push(m), taskRunnerIntervalMs: 100 };
  let berth = await startBerth(settings, options);
  const store = await openSqliteStore(dataDir);
  let taskId = '';
  try {
    const subnet = await prepare(berth.url, dataDir, '10.242.0.0/16');
    taskId = await writeTask(store, subnet, 'loop', [logged('loop', 'loop')]);
    const running = await waitForTask(store, taskId, (r) => r.task.lastStatus === 'RUNNING' || r.task.lastStatus === 'STOPPED');
    assert.equal(running.task.lastStatus, 'RUNNING', running.task.stoppedReason);
    await until('a few ticks', async () => ((await ticks(berth.url, 'loop', taskId)).length >= 3 ? true : undefined));

    await berth.stop();
    assert.equal(runcStatus(taskId), 'running', 'the container outlives the server');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    berth = await startBerth(settings, options);
    assert.ok(logs.some((l) => /re-attached 1 task/.test(l)), logs.join('\n'));

    // Ticks written while no server ran arrive too: one unbroken, unrepeated sequence.
    const seen = await until('ticks after the restart', async () => {
      const all = await ticks(berth.url, 'loop', taskId);
      return all.length >= 15 ? all : undefined;
    });
    assert.deepEqual(seen, seen.map((_n, i) => i), `ticks: ${seen.join(',')}`);
    const record = await store.read((tx) => tx.get('ecs.task', { account: '123456789012', region: 'us-east-1' }, taskId));
    assert.equal(record?.task.lastStatus, 'RUNNING');

    await stopTask(store, taskId);
    const stopped = await waitForTask(store, taskId, (r) => r.task.lastStatus === 'STOPPED');
    assert.equal(stopped.task.stoppedReason, 'Task stopped by user');
    assert.equal(stopped.task.containers?.[0]?.exitCode, 137);
    await assertNothingLeft(taskId, dataDir);
  } finally {
    await store.close();
    await berth.stop({ removeTasks: true });
    await rm(dataDir, { recursive: true, force: true });
  }
  assert.deepEqual(logs.filter((l) => l.startsWith('internal error')), []);
});

test('after kill -9: running tasks are re-attached, an exit meanwhile stops its task, a vanished container is lost', { skip: reason ?? false, timeout: 150_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bth-restart9-'));
  let server = await BerthProcess.start(dataDir);
  let store: Store | undefined;
  const taskIds: string[] = [];
  try {
    store = await openSqliteStore(dataDir);
    const subnet = await prepare(server.url, dataDir, '10.246.0.0/16');
    const looping = await writeTask(store, subnet, 'loop', [logged('loop', 'loop')]);
    const exiting = await writeTask(store, subnet, 'exits', [logged('app', 'shell', ['sleep 2; echo leaving; exit 3'])]);
    const vanishing = await writeTask(store, subnet, 'vanish', [logged('loop', 'loop')]);
    taskIds.push(looping, exiting, vanishing);
    for (const id of taskIds) {
      const running = await waitForTask(store, id, (r) => r.task.lastStatus === 'RUNNING' || r.task.lastStatus === 'STOPPED');
      assert.equal(running.task.lastStatus, 'RUNNING', running.task.stoppedReason);
    }
    await until('a few ticks', async () => ((await ticks(server.url, 'loop', looping)).length >= 3 ? true : undefined));

    await server.kill();
    // As after a reboot: the monitor is gone without writing an exit status, and so is the container.
    const monitor = Number(readFileSync(join(dataDir, 'runtime', 'containers', `bth-${vanishing}-0`, 'conmon.pid'), 'utf8'));
    process.kill(monitor, 'SIGKILL');
    execFileSync('runc', ['delete', '--force', `bth-${vanishing}-0`]);
    await until('the exiting task to exit', async () => (runcStatus(exiting) === 'stopped' ? true : undefined));
    server = await BerthProcess.start(dataDir);

    const exited = await waitForTask(store, exiting, (r) => r.task.lastStatus === 'STOPPED');
    assert.equal(exited.task.stoppedReason, 'Essential container in task exited');
    assert.equal(exited.task.stopCode, 'EssentialContainerExited');
    assert.equal(exited.task.containers?.[0]?.exitCode, 3);
    const lost = await waitForTask(store, vanishing, (r) => r.task.lastStatus === 'STOPPED');
    assert.equal(lost.task.stoppedReason, LOST_TASK_REASON);

    // The loop's stream goes on; after kill -9 a line may come twice (the cursor is written every second), none is missing.
    const seen = await until('ticks after the restart', async () => {
      const all = await ticks(server.url, 'loop', looping);
      return all.length >= 25 ? all : undefined;
    });
    const distinct = [...new Set(seen)];
    assert.deepEqual(distinct, distinct.map((_n, i) => i), `ticks: ${seen.join(',')}`);
    assert.ok(seen.length - distinct.length <= 10, `${seen.length - distinct.length} repeated lines`);

    await stopTask(store, looping);
    await waitForTask(store, looping, (r) => r.task.lastStatus === 'STOPPED');
    for (const id of taskIds) await assertNothingLeft(id, dataDir);
  } finally {
    await server.stop();
    await store?.close();
    // Whatever a failed assertion left running: a server started only to remove it.
    const cleanup = await startBerth({ ...DEFAULT_SETTINGS, port: 0, dataDir, remotePulls: false }, { log: () => undefined });
    for (const id of taskIds) if (runcStatus(id) !== 'missing') execFileSync('runc', ['delete', '--force', `bth-${id}-0`]);
    await cleanup.stop({ removeTasks: true });
    await rm(dataDir, { recursive: true, force: true });
  }
});
