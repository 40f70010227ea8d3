// Container health checks and a service task's load balancer targets, against the real kernel, runc and
// busybox images: CMD and CMD-SHELL checks exec'd in the containers report HEALTHY / UNHEALTHY through
// DescribeTasks, startPeriod spares a slow starter, dependsOn HEALTHY holds a container back until its
// dependency is healthy, checks resume after a Berth restart, and a task carrying a service link registers
// its target on RUNNING, drains it in DEACTIVATING on StopTask and stops once the drain is over.
// Needs root, runc, iproute2, conmon and busybox-static; skips with the reason, except under CI=true.
// Traffic: none leaves the containers (their checks run inside them); requests go to loopback only.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand, DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand,
  type ContainerDefinition, type Task,
} from '@aws-sdk/client-ecs';
import { DEFAULT_SETTINGS } from '../../src/config/settings.ts';
import { startBerth } from '../../src/main.ts';
import { cryptoIds } from '../../src/platform/ids.ts';
import { runcExec } from '../../src/runtime/drivers/runc/runc-exec.ts';
import { createNetworkInterface } from '../../src/services/ec2/network-interfaces.ts';
import { putTaskRecord, type TaskRecord, type TaskServiceLink } from '../../src/services/ecs/task-records.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { createExecutionRole } from './task-roles.ts';
import {
  CLUSTER_ARN, createSubnet, pushTestImages, SCOPE, stopTask, taskHostSkipReason, waitForTask, writeTask, type TestSubnet,
} from './task-runner-support.ts';

const reason = await taskHostSkipReason('task runner health tests');

const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/health-images';
const image = (tag: string) => `${REPO}:${tag}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A script run by the loop image's /bin/sh entrypoint, as root (the test images' /tmp is not writable for others). */
const shell = (name: string, script: string, extra: Partial<ContainerDefinition> = {}): ContainerDefinition => ({ name, image: image('loop'), command: ['-c', script], ...extra });

interface Sample {
  at: number;
  lastStatus: string | undefined;
  health: string | undefined;
  containers: Record<string, string | undefined>;
}

describe('task runner: container health checks and load balancer targets', { skip: reason ?? false, timeout: 240_000 }, () => {
  let server: TestServer;
  let store: Store;
  let ecs: ECSClient;
  let subnet: TestSubnet;
  let layoutDir = '';

  before(async () => {
    server = await startTestServer({}, { taskRunnerIntervalMs: 100 });
    store = await openSqliteStore(server.dataDir);
    const ecr = new ECRClient(server.clientConfig);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'health-images' }));
    ecr.destroy();
    layoutDir = await mkdtemp(join(tmpdir(), 'bth-health-layout-'));
    await pushTestImages(server.url, 'health-images', layoutDir);
    const ec2 = new EC2Client(server.clientConfig);
    subnet = await createSubnet(ec2, '10.74.0.0/18', '10.74.1.0/24');
    ec2.destroy();
    ecs = new ECSClient(server.clientConfig);
    await createExecutionRole(server.clientConfig);
    await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
  });

  after(async () => {
    ecs?.destroy();
    await store?.close();
    await server?.stop();
    await rm(layoutDir, { recursive: true, force: true });
  });

  async function runTask(family: string, containers: ContainerDefinition[]): Promise<string> {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', containerDefinitions: containers,
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    }));
    const ran = await ecs.send(new RunTaskCommand({
      cluster: 'default', taskDefinition: family, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnet.subnetId], securityGroups: [subnet.hostAccessGroupId] } },
    }));
    const arn = ran.tasks?.[0]?.taskArn ?? assert.fail(`RunTask ${family}: ${JSON.stringify(ran.failures)}`);
    return arn.slice(arn.lastIndexOf('/') + 1);
  }

  async function describe1(taskId: string): Promise<Task> {
    const answer = await ecs.send(new DescribeTasksCommand({ cluster: 'default', tasks: [taskId] }));
    return answer.tasks?.[0] ?? assert.fail(`no task ${taskId}`);
  }

  /** Samples the task's record every 100 ms until `done` holds for the newest sample (bounded). */
  async function timeline(taskId: string, done: (s: Sample) => boolean, ms = 60_000): Promise<Sample[]> {
    const samples: Sample[] = [];
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const record = await store.read((tx) => tx.get('ecs.task', SCOPE, taskId));
      const sample: Sample = {
        at: Date.now(), lastStatus: record?.task.lastStatus, health: record?.task.healthStatus,
        containers: Object.fromEntries((record?.task.containers ?? []).map((c) => [c.name ?? '', c.healthStatus])),
      };
      samples.push(sample);
      if (done(sample)) return samples;
      if (sample.lastStatus === 'STOPPED') assert.fail(`task ${taskId} stopped: ${record?.task.stoppedReason}`);
      await sleep(100);
    }
    throw new Error(`task ${taskId}: timed out; last ${JSON.stringify(samples.at(-1))}`);
  }

  test('CMD-SHELL and CMD checks: HEALTHY after a pass, UNHEALTHY after retries failures, startPeriod spares a slow starter', async (t) => {
    const [passing, failing, slow] = await Promise.all([
      runTask('hc-pass', [{ name: 'app', image: image('loop'), stopTimeout: 2, healthCheck: { command: ['CMD-SHELL', 'test -x /app/loop.sh && echo fine'], interval: 5, retries: 3 } }]),
      runTask('hc-fail', [{ name: 'app', image: image('loop'), stopTimeout: 2, healthCheck: { command: ['CMD', '/bin/false'], interval: 5, timeout: 2, retries: 2 } }]),
      // Ready after 12 s; checks at 5 s and 10 s fail inside the 15 s start period and do not count, though retries is 1.
      runTask('hc-slow', [shell('app', 'sleep 12; echo ok > /tmp/ready; exec sleep 600', {
        stopTimeout: 2,
        healthCheck: { command: ['CMD-SHELL', 'test -f /tmp/ready'], interval: 5, retries: 1, startPeriod: 15 },
      })]),
    ]);
    const [a, b, c] = await Promise.all([
      timeline(passing, (s) => s.health === 'HEALTHY'),
      timeline(failing, (s) => s.health === 'UNHEALTHY'),
      timeline(slow, (s) => s.health === 'HEALTHY'),
    ]);
    const firstRunning = (samples: Sample[]) => samples.find((s) => s.lastStatus === 'RUNNING') ?? assert.fail('never RUNNING');
    const runningAt = (samples: Sample[]) => firstRunning(samples).at;
    assert.equal(firstRunning(a).health, 'UNKNOWN', 'no result before the first interval');
    assert.ok(a.at(-1)!.at - runningAt(a) >= 4_000, 'the first probe comes one interval after the start');
    assert.ok(b.at(-1)!.at - runningAt(b) >= 9_000, 'two failures, an interval apart, before UNHEALTHY');
    assert.ok(c.every((s) => s.health !== 'UNHEALTHY' && s.containers['app'] !== 'UNHEALTHY'), 'failures inside the start period do not count');
    assert.ok(c.at(-1)!.at - runningAt(c) >= 11_000, 'healthy only once ready');

    const [ta, tb, tc] = await Promise.all([describe1(passing), describe1(failing), describe1(slow)]);
    assert.equal(ta.healthStatus, 'HEALTHY');
    assert.equal(ta.containers?.[0]?.healthStatus, 'HEALTHY');
    assert.equal(tb.healthStatus, 'UNHEALTHY');
    assert.equal(tb.containers?.[0]?.healthStatus, 'UNHEALTHY');
    assert.equal(tb.lastStatus, 'RUNNING', 'a standalone task only reports its health');
    assert.equal(tc.healthStatus, 'HEALTHY');
    await measureExecCost(passing, (message) => t.diagnostic(message));
    // A probe past its timeout is killed inside the container, not left behind.
    const began = Date.now();
    const hung = await runcExec({ runc: 'runc', containerId: `bth-${passing}-0`, pidFile: join(tmpdir(), `bth-hc-hang-${passing}.pid`), argv: ['/bin/sleep', '38'] }, { timeoutMs: 1_000 });
    assert.equal(hung.timedOut, true);
    assert.ok(Date.now() - began < 3_000, 'the timeout ends the exec');
    const sleeping = execFileSync('runc', ['exec', `bth-${passing}-0`, '/bin/ps'], { encoding: 'utf8' });
    assert.ok(!sleeping.includes('sleep 38'), sleeping);
    // The failing check's processes are gone: every exec ended (runc exec's pid files are removed).
    assert.ok(!execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').some((l) => l.startsWith('runc exec') && l.includes(failing)));
    for (const taskId of [passing, failing, slow]) await ecs.send(new StopTaskCommand({ cluster: 'default', task: taskId }));
    await Promise.all([passing, failing, slow].map((taskId) => waitForTask(store, taskId, (r) => r.task.lastStatus === 'STOPPED')));
  });

  test('dependsOn HEALTHY: the dependent starts only once its dependency is healthy', async () => {
    const taskId = await runTask('hc-depends', [
      shell('db', 'sleep 2; echo ok > /tmp/ok; exec sleep 600', { stopTimeout: 2, healthCheck: { command: ['CMD-SHELL', 'test -f /tmp/ok'], interval: 5 } }),
      { name: 'app', image: image('loop'), stopTimeout: 2, dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] },
    ]);
    const samples = await timeline(taskId, (s) => s.lastStatus === 'RUNNING');
    assert.ok(samples.some((s) => s.lastStatus === 'ACTIVATING' && s.containers['db'] !== 'HEALTHY'), 'the task waited in ACTIVATING');
    // runc records when it created each container: app only after db's first passing probe (one 5 s interval in).
    const created = (n: number) => Date.parse((JSON.parse(execFileSync('runc', ['state', `bth-${taskId}-${n}`], { encoding: 'utf8' })) as { created: string }).created);
    const waited = created(1) - created(0);
    assert.ok(waited >= 4_500, `app was created ${waited} ms after db`);
    const running = await describe1(taskId);
    assert.equal(running.containers?.find((c) => c.name === 'db')?.healthStatus, 'HEALTHY');
    assert.equal(running.containers?.find((c) => c.name === 'app')?.lastStatus, 'RUNNING');
    assert.equal(running.healthStatus, 'HEALTHY');
    await ecs.send(new StopTaskCommand({ cluster: 'default', task: taskId }));
    await waitForTask(store, taskId, (r) => r.task.lastStatus === 'STOPPED');
  });

  test('a service task: its target registered on RUNNING, drained in DEACTIVATING on StopTask, then STOPPED', async () => {
    const tgId = cryptoIds.bytes(8).toString('hex');
    const tgArn = `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/health-tg/${tgId}`;
    // The target group as the ELBv2 API stores it, with a short deregistration delay.
    await store.write((tx) => tx.put('elbv2.target-group', SCOPE, {
      id: tgId, name: 'health-tg', body: { targetGroup: { TargetGroupArn: tgArn, TargetGroupName: 'health-tg', TargetType: 'ip', Port: 8080, Protocol: 'HTTP' }, attributes: { 'deregistration_delay.timeout_seconds': '4' } },
    }));
    const service: TaskServiceLink = {
      serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/default/health-svc', serviceName: 'health-svc', deploymentId: 'ecs-svc/4242424242424242424',
      loadBalancers: [{ targetGroupArn: tgArn, containerName: 'web', containerPort: 8080 }], healthCheckGracePeriodSeconds: 0,
    };
    const taskId = await writeServiceTask(store, subnet, service, [{ name: 'web', image: image('httpd'), stopTimeout: 2 }]);
    const taskArn = `arn:aws:ecs:us-east-1:123456789012:task/default/${taskId}`;
    const targets = () => store.read((tx) => tx.list('elbv2.target', SCOPE, { name: taskArn }));
    const running = await waitForTask(store, taskId, (r) => r.task.lastStatus === 'RUNNING' || r.task.lastStatus === 'STOPPED');
    assert.equal(running.task.lastStatus, 'RUNNING', running.task.stoppedReason);
    const [registered] = await targets();
    assert.equal(registered?.body.state, 'registered');
    assert.equal(registered?.body.id, running.network.privateIpv4Address);
    assert.equal(registered?.body.address, running.network.privateIpv4Address);
    assert.equal(registered?.body.port, 8080);
    assert.equal(registered?.body.availabilityZone, 'us-east-1a');
    assert.equal(registered?.body.targetGroupArn, tgArn);

    await ecs.send(new StopTaskCommand({ cluster: 'default', task: taskId }));
    // Sampled until STOPPED: never past DEACTIVATING while the target exists and its drain has time left.
    const samples: { at: number; lastStatus: string | undefined; target: { state: string; drainUntil?: Date } | undefined }[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const [record, [target]] = await Promise.all([store.read((tx) => tx.get('ecs.task', SCOPE, taskId)), targets()]);
      samples.push({ at: Date.now(), lastStatus: record?.task.lastStatus, target: target?.body });
      if (record?.task.lastStatus === 'STOPPED') break;
      await sleep(50);
    }
    assert.equal(samples.at(-1)?.lastStatus, 'STOPPED', JSON.stringify(samples.at(-1)));
    assert.ok(samples.some((s) => s.lastStatus === 'DEACTIVATING'), 'it went through DEACTIVATING');
    for (const s of samples) {
      const stillDraining = s.target !== undefined && (s.target.drainUntil?.getTime() ?? Infinity) > s.at + 200;
      if (stillDraining) assert.ok(['RUNNING', 'DEACTIVATING'].includes(s.lastStatus ?? ''), `${s.lastStatus} while the target drains`);
    }
    const draining = samples.find((s) => s.target?.state === 'draining')?.target;
    if (draining) {
      assert.ok(draining.drainUntil instanceof Date);
      // The load-balancer controller may end a drain early (no request in flight); else the runner waits its 4 s.
      const stopping = samples.find((s) => s.lastStatus === 'STOPPING' || s.lastStatus === 'DEPROVISIONING' || s.lastStatus === 'STOPPED');
      const gone = samples.find((s) => s.target === undefined && s.at > (samples.find((x) => x.lastStatus === 'DEACTIVATING')?.at ?? 0));
      assert.ok((stopping?.at ?? 0) >= Math.min(draining.drainUntil.getTime() - 200, gone?.at ?? Infinity), 'left DEACTIVATING before the drain ended');
    }
    const events = await store.read((tx) => tx.list('ecs.service-event', SCOPE, { parent: service.serviceArn }));
    assert.deepEqual(events.map((e) => e.body.event.message), [
      `(service health-svc) registered 1 targets in (target-group ${tgArn})`,
      `(service health-svc) deregistered 1 targets in (target-group ${tgArn})`,
    ]);
    const stopped = await describe1(taskId);
    assert.equal(stopped.stopCode, 'UserInitiated');
  });
});

test('health checks resume after a Berth restart, from the recorded status', { skip: reason ?? false, timeout: 120_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bth-health-restart-'));
  const layoutDir = await mkdtemp(join(tmpdir(), 'bth-health-restart-layout-'));
  const settings = { ...DEFAULT_SETTINGS, port: 0, dataDir, remotePulls: false, loadBalancerHost: '127.0.74.74' };
  const options = { log: () => undefined, taskRunnerIntervalMs: 100 };
  let berth = await startBerth(settings, options);
  const store = await openSqliteStore(dataDir);
  try {
    const config = { endpoint: berth.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
    const ecr = new ECRClient(config);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'health-images' }));
    ecr.destroy();
    await pushTestImages(berth.url, 'health-images', layoutDir);
    const ec2 = new EC2Client(config);
    const subnet = await createSubnet(ec2, '10.74.64.0/18', '10.74.65.0/24');
    ec2.destroy();
    const taskId = await writeTask(store, subnet, 'hc-restart', [{
      name: 'app', image: image('loop'), stopTimeout: 2, healthCheck: { command: ['CMD-SHELL', 'test ! -f /tmp/bad'], interval: 5, retries: 1 },
    }]);
    await waitForTask(store, taskId, (r) => r.task.healthStatus === 'HEALTHY');
    await berth.stop();
    // While no Berth runs, the container turns bad.
    execFileSync('runc', ['exec', `bth-${taskId}-0`, '/bin/sh', '-c', 'echo > /tmp/bad']);
    berth = await startBerth(settings, options);
    const resumed = await store.read((tx) => tx.get('ecs.task', SCOPE, taskId));
    assert.equal(resumed?.task.healthStatus, 'HEALTHY', 'the status survives the restart');
    const unhealthy = await waitForTask(store, taskId, (r) => r.task.healthStatus === 'UNHEALTHY', 20_000);
    assert.equal(unhealthy.task.lastStatus, 'RUNNING');
    assert.equal(unhealthy.task.containers?.[0]?.healthStatus, 'UNHEALTHY');
    await stopTask(store, taskId);
    await waitForTask(store, taskId, (r) => r.task.lastStatus === 'STOPPED');
  } finally {
    await store.close();
    await berth.stop({ removeTasks: true });
    await rm(dataDir, { recursive: true, force: true });
    await rm(layoutDir, { recursive: true, force: true });
  }
});

/**
 * The CPU one health check probe costs: runc exec of /bin/true in the task's container, 20 times. Children's
 * CPU (runc, its init and the command) from /proc/self/stat's cutime and cstime; Berth's own from cpuUsage().
 * Berth's side must cost less than the exec it runs.
 */
async function measureExecCost(taskId: string, report: (message: string) => void): Promise<void> {
  const childTicks = async () => {
    const stat = await readFile('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5) (cutime, cstime), counted from field 3 here.
    return Number(fields[13]) + Number(fields[14]);
  };
  const runs = 20;
  const own = process.cpuUsage();
  const children = await childTicks();
  const started = Date.now();
  for (let i = 0; i < runs; i++) {
    const result = await runcExec({ runc: 'runc', containerId: `bth-${taskId}-0`, pidFile: join(tmpdir(), `bth-hc-cost-${taskId}-${i}.pid`), argv: ['/bin/true'] }, { timeoutMs: 5_000 });
    assert.equal(result.exitCode, 0, result.output);
  }
  const wall = (Date.now() - started) / runs;
  const used = process.cpuUsage(own);
  const ownMs = (used.user + used.system) / 1000 / runs;
  // Clock ticks of 10 ms (USER_HZ is 100 on Linux).
  const childMs = ((await childTicks()) - children) * 10 / runs;
  report(`one runc exec round trip: ${wall.toFixed(1)} ms wall, ${childMs.toFixed(1)} ms CPU in runc and the command, ${ownMs.toFixed(1)} ms CPU in Berth`);
  assert.ok(ownMs < childMs, `Berth's side of a probe (${ownMs.toFixed(1)} ms) costs less than the exec (${childMs.toFixed(1)} ms)`);
}

/** Writes a PROVISIONING task with its ENI and a service link, as the service scheduler launches one; returns its id. */
async function writeServiceTask(store: Store, subnet: TestSubnet, service: TaskServiceLink, containers: ContainerDefinition[]): Promise<string> {
  const taskId = cryptoIds.bytes(16).toString('hex');
  const taskArn = `arn:aws:ecs:us-east-1:123456789012:task/default/${taskId}`;
  await store.write(async (tx) => {
    const eni = await createNetworkInterface(tx, SCOPE, {
      subnetId: subnet.subnetId, groupIds: [subnet.hostAccessGroupId], requesterId: 'ecs', description: `task ${taskId}`,
    }, cryptoIds);
    const record: TaskRecord = {
      task: {
        taskArn, clusterArn: CLUSTER_ARN, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING', createdAt: new Date(), version: 1, availabilityZone: 'us-east-1a',
        launchType: 'FARGATE', cpu: '256', memory: '512', taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/health-svc:1',
        startedBy: service.deploymentId, group: `service:${service.serviceName}`,
        containers: containers.map((c) => ({ name: c.name, image: c.image, lastStatus: 'PENDING', taskArn, healthStatus: 'UNKNOWN' })),
        attachments: [{ id: cryptoIds.uuid(), type: 'ElasticNetworkInterface', status: 'PRECREATED', details: [
          { name: 'networkInterfaceId', value: eni.NetworkInterfaceId }, { name: 'privateIPv4Address', value: eni.PrivateIpAddress },
        ] }],
      },
      taskDefinition: { family: 'health-svc', revision: 1, cpu: '256', memory: '512', networkMode: 'awsvpc', containerDefinitions: containers },
      overrides: {},
      network: {
        networkInterfaceId: eni.NetworkInterfaceId ?? '', subnetId: subnet.subnetId, vpcId: subnet.vpcId, subnetCidr: subnet.subnetCidr,
        vpcCidrBlocks: [subnet.vpcCidr], gatewayIp: subnet.gatewayIp, privateIpv4Address: eni.PrivateIpAddress ?? '',
        macAddress: eni.MacAddress ?? '', securityGroupIds: [subnet.hostAccessGroupId], assignPublicIp: false,
      },
      service,
    };
    await putTaskRecord(tx, SCOPE, record);
  });
  return taskId;
}
