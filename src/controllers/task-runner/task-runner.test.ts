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
import type { ContainerExit, ContainerLaunch, ExecResult, TaskContainer } from '../../runtime/drivers/driver.ts';
import type { PulledImage } from '../../runtime/images/image-store.ts';
import { CannotPullContainerError } from '../../runtime/images/registry-source.ts';
import type { TaskRecord } from '../../services/ecs/task-records.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';
import type { NewLogEvent } from '../../store/log-events.ts';
import type { RunnerHost } from './ports.ts';
import { TaskRunner } from './task-runner.ts';
import type { HealthTimers } from '../../runtime/health/health-monitor.ts';

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
  /** What its health check's command exits with. */
  execExit = 0;
  execs = 0;
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
  async exec(): Promise<ExecResult> {
    this.execs++;
    return { exitCode: this.execExit, timedOut: false, output: this.execExit === 0 ? 'ok' : 'not ok' };
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

async function writeTask(containers: ContainerDefinition[], extra: Partial<TaskRecord> = {}): Promise<string> {
  const taskId = randomBytes(16).toString('hex');
  const record: TaskRecord = {
    task: { taskArn: `arn:aws:ecs:us-east-1:123456789012:task/c/${taskId}`, clusterArn: 'c', lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING', version: 1 },
    taskDefinition: { family: 'f', revision: 1, containerDefinitions: containers },
    overrides: {},
    network: { networkInterfaceId: 'eni-1', subnetId: 's', vpcId: 'vpc-1', subnetCidr: '10.0.1.0/24', vpcCidrBlocks: ['10.0.0.0/16'], gatewayIp: '10.0.1.1', privateIpv4Address: '10.0.1.5', macAddress: '02:00:00:00:00:01', securityGroupIds: [], assignPublicIp: false },
    ...extra,
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

/** Health check timers a hundred times faster: an interval of 1 s fires after 10 ms. */
const fastTimers: HealthTimers = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms / 100);
    return () => clearTimeout(timer);
  },
};

function runner(host?: RunnerHost): TaskRunner {
  return new TaskRunner({ store, clock: systemClock, log: () => undefined, scopes: async () => [SCOPE], intervalMs: 10, timers: fastTimers,
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

test('health checks: container and task healthStatus follow the probes, and a HEALTHY dependency lets its dependent start', async () => {
  const fake = fakeHost();
  const r = runner(fake.host);
  await r.start();
  try {
    const taskId = await writeTask([
      { name: 'db', image: 'img', command: ['db'], healthCheck: { command: ['CMD-SHELL', 'ready'], interval: 1, retries: 2 } },
      { name: 'web', image: 'img', command: ['web'], dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] },
      { name: 'side', image: 'img', command: ['side'], essential: false },
    ]);
    await waitFor(taskId, (rec) => rec.task.lastStatus === 'ACTIVATING' && fake.started.has('db'));
    const db = fake.started.get('db');
    assert.ok(db);
    db.execExit = 1;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(fake.started.has('web'), false, 'web waits while db is not HEALTHY');
    const unhealthyDb = await waitFor(taskId, (rec) => rec.task.containers?.find((c) => c.name === 'db')?.healthStatus === 'UNHEALTHY');
    assert.equal(unhealthyDb.task.lastStatus, 'ACTIVATING');
    db.execExit = 0;
    const running = await waitFor(taskId, (rec) => rec.task.lastStatus === 'RUNNING');
    assert.ok(fake.started.has('web'));
    assert.equal(running.task.healthStatus, 'HEALTHY', 'db is the only essential container with a check');
    assert.equal(running.task.containers?.find((c) => c.name === 'db')?.healthStatus, 'HEALTHY');
    const version = running.task.version ?? 0;
    const execs = db.execs;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(db.execs > execs, 'probes go on');
    assert.equal((await waitFor(taskId, () => true)).task.version, version, 'no write while nothing changes');
    db.execExit = 1;
    const unhealthy = await waitFor(taskId, (rec) => rec.task.healthStatus === 'UNHEALTHY');
    assert.equal(unhealthy.task.lastStatus, 'RUNNING', 'a standalone task only reports its health');
    await store.write(async (tx) => {
      const rec = await tx.get('ecs.task', SCOPE, taskId);
      if (rec) await tx.put('ecs.task', SCOPE, { id: taskId, parent: 'c', name: 'f:1', state: 'STOPPED', body: { ...rec, task: { ...rec.task, desiredStatus: 'STOPPED' } } });
    });
    await waitFor(taskId, (rec) => rec.task.lastStatus === 'STOPPED');
    const after = db.execs;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(db.execs, after, 'health checks stop with the task');
  } finally {
    await r.stop();
  }
});

test('a service task registers its targets with the move to RUNNING, drains them in DEACTIVATING, and stops once they are gone', async () => {
  const fake = fakeHost();
  const r = runner(fake.host);
  const tgArn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/0123456789abcdef';
  const goneArn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gone/fedcba9876543210';
  const serviceArn = 'arn:aws:ecs:us-east-1:123456789012:service/c/api';
  await store.write((tx) => tx.put('elbv2.target-group', SCOPE, {
    id: '0123456789abcdef', name: 'api', body: { targetGroup: { TargetGroupArn: tgArn, TargetGroupName: 'api' }, attributes: { 'deregistration_delay.timeout_seconds': '300' } },
  }));
  const service = {
    serviceArn, serviceName: 'api', deploymentId: 'ecs-svc/1234567890123456789', healthCheckGracePeriodSeconds: 0,
    loadBalancers: [{ targetGroupArn: tgArn, containerName: 'app', containerPort: 8080 }, { targetGroupArn: goneArn, containerName: 'app', containerPort: 8080 }],
  };
  await r.start();
  try {
    const taskId = await writeTask([{ name: 'app', image: 'img', command: ['app'] }], { service });
    const taskArn = `arn:aws:ecs:us-east-1:123456789012:task/c/${taskId}`;
    await waitFor(taskId, (rec) => rec.task.lastStatus === 'RUNNING');
    const targets = () => store.read((tx) => tx.list('elbv2.target', SCOPE, { name: taskArn }));
    const [registered, ...others] = await targets();
    assert.deepEqual(others, [], 'the missing target group is skipped');
    assert.equal(registered?.body.state, 'registered');
    assert.deepEqual({ ...registered?.body, registeredAt: undefined }, {
      targetGroupArn: tgArn, id: '10.0.1.5', port: 8080, address: '10.0.1.5', registeredAt: undefined, state: 'registered', taskArn,
    });
    await store.write(async (tx) => {
      const rec = await tx.get('ecs.task', SCOPE, taskId);
      if (rec) await tx.put('ecs.task', SCOPE, { id: taskId, parent: 'c', name: 'f:1', state: 'STOPPED', body: { ...rec, task: { ...rec.task, desiredStatus: 'STOPPED' } } });
    });
    const deactivating = await waitFor(taskId, (rec) => rec.task.lastStatus === 'DEACTIVATING');
    const [draining] = await targets();
    assert.equal(draining?.body.state, 'draining');
    assert.equal(draining?.body.drainUntil?.getTime(), (draining?.body.drainingSince?.getTime() ?? 0) + 300_000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal((await waitFor(taskId, () => true)).task.lastStatus, 'DEACTIVATING', 'it waits while its target drains');
    assert.equal(fake.started.get('app')?.removed, false, 'its container still serves');
    assert.ok(deactivating.task.stoppingAt instanceof Date);
    // The load-balancer controller deletes a target once its draining completes.
    await store.write(async (tx) => { await tx.delete('elbv2.target', SCOPE, draining?.id ?? ''); });
    await waitFor(taskId, (rec) => rec.task.lastStatus === 'STOPPED');
    const events = await store.read((tx) => tx.list('ecs.service-event', SCOPE, { parent: serviceArn }));
    assert.deepEqual(events.map((e) => e.body.event.message), [
      `(service api) registered 1 targets in (target-group ${tgArn})`,
      `(service api) deregistered 1 targets in (target-group ${tgArn})`,
    ]);

    // An essential container that exits: its targets are deregistered, and the task stops without waiting.
    const crashing = await writeTask([{ name: 'app', image: 'img', command: ['app'] }], { service: { ...service, loadBalancers: [service.loadBalancers[0] ?? assert.fail()] } });
    await waitFor(crashing, (rec) => rec.task.lastStatus === 'RUNNING');
    fake.started.get('app')?.exit({ exitCode: 1, oomKilled: false });
    const crashed = await waitFor(crashing, (rec) => rec.task.lastStatus === 'STOPPED');
    assert.equal(crashed.task.stopCode, 'EssentialContainerExited');
    const left = await store.read((tx) => tx.list('elbv2.target', SCOPE, { name: `arn:aws:ecs:us-east-1:123456789012:task/c/${crashing}` }));
    assert.deepEqual(left.map((t) => t.body.state), ['draining'], 'draining is left to the load balancer');
  } finally {
    await r.stop();
    await store.write(async (tx) => {
      for (const row of await tx.list('elbv2.target', SCOPE)) await tx.delete('elbv2.target', SCOPE, row.id);
    });
  }
});
