// The task runner's applier and loop with in-memory fakes for the host and a real SQLite store in a
// temporary directory: records move through the lifecycle in the store, output reaches the log
// destination, exits and pull failures stop tasks, and an unavailable host fails tasks at once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { systemClock } from '../../platform/clock.ts';
import type { ContainerExit, ContainerLaunch, TaskContainer } from '../../runtime/drivers/driver.ts';
import type { PulledImage } from '../../runtime/images/image-store.ts';
import { CannotPullContainerError } from '../../runtime/images/registry-source.ts';
import type { TaskRecord } from '../../services/ecs/task-records.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';
import type { NewLogEvent } from '../../store/log-events.ts';
import type { RunnerHost } from './ports.ts';
import { TaskRunner } from './task-runner.ts';

const SCOPE = { account: '123456789012', region: 'us-east-1' };
let dir = '';
let store: Store;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bth-runner-unit-'));
  store = await openSqliteStore(dir);
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

class FakeContainer implements TaskContainer {
  readonly id: string;
  readonly #exit: Promise<ContainerExit>;
  exit!: (exit: ContainerExit) => void;
  removed = false;
  constructor(id: string) {
    this.id = id;
    this.#exit = new Promise((resolve) => { this.exit = resolve; });
  }
  waitExit(): Promise<ContainerExit> {
    return this.#exit;
  }
  async stop(): Promise<ContainerExit> {
    this.exit({ exitCode: 143, oomKilled: false });
    return this.#exit;
  }
  async remove(): Promise<void> {
    this.removed = true;
  }
  acknowledge(): void {
    // Nothing to resume after: fake containers never outlive the test.
  }
  async release(): Promise<void> {
    // As above.
  }
}

function fakeHost() {
  const started = new Map<string, FakeContainer>();
  const appended: NewLogEvent[] = [];
  const calls: string[] = [];
  const image: PulledImage = { manifestDigest: `sha256:${'a'.repeat(64)}`, config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }, layerDirs: [] };
  const host: RunnerHost = {
    network: {
      attachTask: async (spec) => { calls.push(`attach ${spec.privateIp}`); return { join: { kind: 'netns', path: '/fake/netns' } }; },
      detachTask: async () => { calls.push('detach'); },
      removeVpc: async (vpcId) => { calls.push(`remove ${vpcId}`); },
      attached: async () => new Map(),
    },
    images: {
      pull: async (ref) => {
        if (ref === 'nowhere/app') throw new CannotPullContainerError('docker.io/nowhere/app:latest', 'unreachable');
        return image;
      },
    },
    containers: {
      createTask: async () => { calls.push('cgroup'); },
      start: async (launch: ContainerLaunch) => {
        const container = new FakeContainer(launch.containerId);
        started.set(launch.definition.command?.[0] ?? launch.containerId, container);
        launch.onOutput?.({ stream: 'stdout', text: `hello from ${launch.containerId}`, timestamp: new Date(), cursor: '1:1' });
        return container;
      },
      name: 'fake',
      reattach: async () => undefined,
      cleanupTask: async () => { calls.push('cleanup'); },
      list: async () => [],
    },
    logs: {
      ensureStream: async (target) => {
        if (target.group === '/missing') throw Object.assign(new Error('The specified log group does not exist.'), { name: 'ResourceNotFoundException' });
      },
      append: async (_target, events) => { appended.push(...events); },
    },
  };
  return { host, started, appended, calls };
}

async function writeTask(containers: ContainerDefinition[]): Promise<string> {
  const taskId = randomBytes(16).toString('hex');
  const record: TaskRecord = {
    task: { taskArn: `arn:aws:ecs:us-east-1:123456789012:task/c/${taskId}`, clusterArn: 'c', lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING', version: 1 },
    taskDefinition: { family: 'f', revision: 1, containerDefinitions: containers },
    overrides: {},
    network: { networkInterfaceId: 'eni-1', subnetId: 's', vpcId: 'vpc-1', subnetCidr: '10.0.1.0/24', vpcCidrBlocks: ['10.0.0.0/16'], gatewayIp: '10.0.1.1', privateIpv4Address: '10.0.1.5', macAddress: '02:00:00:00:00:01', securityGroupIds: [], assignPublicIp: false },
  };
  await store.write((tx) => tx.put('ecs.task', SCOPE, { id: taskId, parent: 'c', name: 'f:1', state: 'RUNNING', body: record }));
  return taskId;
}

async function waitFor(taskId: string, done: (r: TaskRecord) => boolean): Promise<TaskRecord> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const record = await store.read((tx) => tx.get('ecs.task', SCOPE, taskId));
    if (record && done(record)) return record;
    if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(record?.task)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function runner(host?: RunnerHost): TaskRunner {
  return new TaskRunner({ store, clock: systemClock, log: () => undefined, scopes: async () => [SCOPE], intervalMs: 10,
    ...(host ? { host } : { unavailable: 'the runc driver cannot run on this host: not root' }) });
}

test('a task runs, its output reaches its awslogs stream, and a stop request takes it to STOPPED', async () => {
  const fake = fakeHost();
  const r = runner(fake.host);
  await r.start();
  try {
    const taskId = await writeTask([{ name: 'app', image: 'img', command: ['app'], logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/g', 'awslogs-stream-prefix': 'p' } } }]);
    const running = await waitFor(taskId, (rec) => rec.task.lastStatus === 'RUNNING');
    assert.equal(running.task.containers?.[0]?.runtimeId, `bth-${taskId}-0`);
    await store.write(async (tx) => {
      const rec = await tx.get('ecs.task', SCOPE, taskId);
      if (rec) await tx.put('ecs.task', SCOPE, { id: taskId, parent: 'c', name: 'f:1', state: 'STOPPED', body: { ...rec, task: { ...rec.task, desiredStatus: 'STOPPED', stopCode: 'UserInitiated' } } });
    });
    const stopped = await waitFor(taskId, (rec) => rec.task.lastStatus === 'STOPPED');
    assert.equal(stopped.task.containers?.[0]?.exitCode, 143);
    assert.equal(stopped.task.stopCode, 'UserInitiated');
    assert.deepEqual(fake.appended.map((e) => e.message), [`hello from bth-${taskId}-0`]);
    assert.deepEqual(fake.calls, ['attach 10.0.1.5', 'cgroup', 'cleanup', 'detach', 'remove vpc-1']);
    assert.equal(fake.started.get('app')?.removed, true);
  } finally {
    await r.stop();
  }
});

test('an essential exit, a pull failure and a missing log group each stop their task', async () => {
  const fake = fakeHost();
  const r = runner(fake.host);
  await r.start();
  try {
    const exiting = await writeTask([{ name: 'job', image: 'img', command: ['job'] }, { name: 'side', image: 'img', command: ['side'], essential: false }]);
    const unpullable = await writeTask([{ name: 'app', image: 'nowhere/app' }]);
    const unlogged = await writeTask([{ name: 'app', image: 'img', logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/missing' } } }]);
    await waitFor(exiting, (rec) => rec.task.lastStatus === 'RUNNING');
    fake.started.get('job')?.exit({ exitCode: 3, oomKilled: false });
    const a = await waitFor(exiting, (rec) => rec.task.lastStatus === 'STOPPED');
    assert.equal(a.task.stopCode, 'EssentialContainerExited');
    assert.deepEqual(a.task.containers?.map((c) => [c.name, c.exitCode]), [['job', 3], ['side', 143]]);
    const b = await waitFor(unpullable, (rec) => rec.task.lastStatus === 'STOPPED');
    assert.equal(b.task.stopCode, 'TaskFailedToStart');
    assert.match(b.task.stoppedReason ?? '', /^CannotPullContainerError: .*docker\.io\/nowhere\/app:latest: unreachable$/);
    const c = await waitFor(unlogged, (rec) => rec.task.lastStatus === 'STOPPED');
    assert.match(c.task.stoppedReason ?? '', /^ResourceInitializationError: failed to validate logger args: .*The specified log group does not exist\.$/);
  } finally {
    await r.stop();
  }
});

test('without a host every task stops at once with the reason, instead of hanging in PROVISIONING', async () => {
  const r = runner();
  await r.start();
  try {
    const taskId = await writeTask([{ name: 'app', image: 'img' }]);
    const stopped = await waitFor(taskId, (rec) => rec.task.lastStatus === 'STOPPED');
    assert.equal(stopped.task.stopCode, 'TaskFailedToStart');
    assert.equal(stopped.task.stoppedReason, 'ResourceInitializationError: the runc driver cannot run on this host: not root');
  } finally {
    await r.stop();
  }
});
