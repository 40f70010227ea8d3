// The user story under the Docker driver (`driver: 'docker'`), through the official AWS SDK: images pushed to
// Berth's registry, RunTask → RUNNING, HTTP from the host to the task's address, the container's lines in
// CloudWatch Logs, StopTask → STOPPED with ECS's exit codes, nothing left in the engine; then a restart: the
// server stops, a new one on the same data directory re-adopts the running task and its logs keep flowing.
// Runs against Debian's docker.io engine that this file starts (test/support/dockerd.ts). Needs root,
// dockerd and busybox-static; skips with the reason, except under CI=true.
// Traffic goes only to loopback and to the 10.252.0.0/16 and 10.253.0.0/16 networks this file creates.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CloudWatchLogsClient, CreateLogGroupCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand, DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type Task,
} from '@aws-sdk/client-ecs';
import { DEFAULT_SETTINGS, type Settings } from '../../src/config/settings.ts';
import { startBerth, type RunningBerth } from '../../src/main.ts';
import { busyboxAvailable } from '../images/test-images.ts';
import { dockerdSkipReason, TestDockerd } from '../support/dockerd.ts';
import { pushTestImages } from './task-runner-support.ts';
import { createExecutionRole } from './task-roles.ts';

const reason = dockerdSkipReason('Docker driver RunTask tests') ?? (await busyboxAvailable() ? undefined : 'busybox-static is not installed');
if (reason === 'busybox-static is not installed' && process.env['CI'] === 'true') throw new Error(`Docker driver RunTask tests cannot run in CI: ${reason}`);

const ACCOUNT = '123456789012';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const detail = (task: Task, name: string) => task.attachments?.[0]?.details?.find((d) => d.name === name)?.value ?? '';
const idOf = (task: Task) => (task.taskArn ?? '').split('/').pop() ?? '';

function clientConfig(url: string) {
  return { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
}

const BIN = new URL('../../bin/berth.mjs', import.meta.url).pathname;

/**
 * A Berth server on `dataDir` that runs tasks with the Docker driver against the test engine: in this
 * process (start) or as `berth server` in a child process (spawn), to be killed with SIGKILL.
 */
class DockerBerth {
  readonly logs: string[] = [];
  url = '';
  ecs!: ECSClient;
  cwl!: CloudWatchLogsClient;
  #berth: RunningBerth | undefined;
  #child: ChildProcess | undefined;

  constructor(readonly dataDir: string, readonly dockerHost: string) {}

  async start(): Promise<this> {
    const settings: Settings = { ...DEFAULT_SETTINGS, port: 0, dataDir: this.dataDir, remotePulls: false, driver: 'docker', dockerHost: this.dockerHost };
    this.#berth = await startBerth(settings, { log: (m) => this.logs.push(m), taskRunnerIntervalMs: 100 });
    return this.#connect(this.#berth.url);
  }

  async spawn(): Promise<this> {
    // The caller's BERTH_* variables are not passed on: only these flags set the server up.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('BERTH_')));
    const child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--data-dir', this.dataDir, '--remote-pulls', 'false',
      '--driver', 'docker', '--docker-host', this.dockerHost], { stdio: ['ignore', 'ignore', 'pipe'], env });
    this.#child = child;
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`berth did not start within 30 s: ${seen}`)), 30_000);
      child.stderr?.on('data', (chunk: Buffer) => {
        seen += chunk.toString('utf8');
        this.logs.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
        const match = /listening on (http:\/\/\S+)/.exec(seen);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`berth exited with ${String(code)}: ${seen}`)));
    });
    return this.#connect(url);
  }

  #connect(url: string): this {
    this.url = url;
    this.ecs = new ECSClient(clientConfig(url));
    this.cwl = new CloudWatchLogsClient(clientConfig(url));
    return this;
  }

  /** Stops the server; by default its tasks run on (as `berth server` does on SIGTERM). */
  async stop(options: { removeTasks?: boolean } = {}): Promise<void> {
    this.ecs.destroy();
    this.cwl.destroy();
    if (this.#child) await this.#signal('SIGTERM');
    else await this.#berth?.stop(options);
    assert.deepEqual(this.logs.filter((l) => l.includes('internal error')), []);
  }

  /** kill -9 of a spawned server: nothing of it runs its shutdown. */
  async kill(): Promise<void> {
    this.ecs.destroy();
    this.cwl.destroy();
    await this.#signal('SIGKILL');
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Repository with the test images, a log group, a VPC with one subnet, a cluster and the `web` task definition. */
  async prepare(vpcCidr: string, layoutDir: string): Promise<string> {
    const config = clientConfig(this.url);
    const ecr = new ECRClient(config);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'docker-sdk' }));
    ecr.destroy();
    await pushTestImages(this.url, 'docker-sdk', layoutDir);
    await this.cwl.send(new CreateLogGroupCommand({ logGroupName: '/ecs/docker-web' }));
    const ec2 = new EC2Client(config);
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: vpcCidr }));
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc?.VpcId, CidrBlock: vpcCidr.replace(/\.0\.0\/16$/, '.1.0/24') }));
    ec2.destroy();
    await this.ecs.send(new CreateClusterCommand({ clusterName: 'docker' }));
    await createExecutionRole(config);
    const image = (tag: string) => `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/docker-sdk:${tag}`;
    const awslogs = { logDriver: 'awslogs' as const, options: { 'awslogs-group': '/ecs/docker-web', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'web' } };
    await this.ecs.send(new RegisterTaskDefinitionCommand({
      family: 'docker-web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
      containerDefinitions: [
        { name: 'web', image: image('httpd'), essential: true, stopTimeout: 5, logConfiguration: awslogs, linuxParameters: { initProcessEnabled: true } },
        { name: 'ticker', image: image('loop'), essential: false, stopTimeout: 2, logConfiguration: awslogs },
      ],
    }));
    await this.ecs.send(new RegisterTaskDefinitionCommand({
      family: 'docker-exit', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
      containerDefinitions: [{ name: 'app', image: image('shell'), command: ['sleep 2; echo leaving; exit 3'], logConfiguration: awslogs }],
    }));
    return subnet.Subnet?.SubnetId ?? '';
  }

  async run(subnetId: string, family = 'docker-web'): Promise<Task> {
    const ran = await this.ecs.send(new RunTaskCommand({
      cluster: 'docker', taskDefinition: family, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnetId], assignPublicIp: 'ENABLED' } },
    }));
    assert.deepEqual(ran.failures, []);
    return this.waitFor(ran.tasks?.[0]?.taskArn ?? '', 'RUNNING');
  }

  async describe(arn: string): Promise<Task> {
    const { tasks = [] } = await this.ecs.send(new DescribeTasksCommand({ cluster: 'docker', tasks: [arn] }));
    return tasks[0] ?? assert.fail(`task ${arn} missing`);
  }

  /** Polls DescribeTasks until the task is `status` (or STOPPED, which the caller then sees). */
  async waitFor(arn: string, status: string, ms = 60_000): Promise<Task> {
    const deadline = Date.now() + ms;
    let task: Task | undefined;
    while (Date.now() < deadline) {
      task = await this.describe(arn);
      if (task.lastStatus === status || task.lastStatus === 'STOPPED') return task;
      await sleep(100);
    }
    assert.fail(`task not ${status} in ${ms} ms: ${task?.lastStatus} ${task?.stoppedReason ?? ''}`);
  }

  /** The `tick N` numbers of the ticker's stream, once there are at least `n` (bounded wait). */
  async ticks(taskId: string, n: number, ms = 20_000): Promise<number[]> {
    const deadline = Date.now() + ms;
    let seen: number[] = [];
    while (Date.now() < deadline) {
      const page = await this.cwl.send(new GetLogEventsCommand({ logGroupName: '/ecs/docker-web', logStreamName: `web/ticker/${taskId}`, startFromHead: true, limit: 10_000 }))
        .catch(() => ({ events: [] }));
      seen = (page.events ?? []).map((e) => Number(/^tick (\d+)$/.exec(e.message ?? '')?.[1] ?? NaN));
      if (seen.length >= n) return seen;
      await sleep(200);
    }
    assert.fail(`fewer than ${n} ticks in web/ticker/${taskId}: ${seen.join(',')}`);
  }
}

/** GET http://ip:8080/ from the host, retried while the server comes up (bounded). */
async function page(ip: string): Promise<string | undefined> {
  for (let i = 0; i < 50; i++) {
    const text = await fetch(`http://${ip}:8080/`, { signal: AbortSignal.timeout(1000) }).then((r) => r.text(), () => undefined);
    if (text !== undefined) return text;
    await sleep(100);
  }
  return undefined;
}

describe('RunTask with the Docker driver', { skip: reason ?? false }, () => {
  let dockerd: TestDockerd;
  let layoutDir = '';
  const dataDirs: string[] = [];

  before(async () => {
    dockerd = await TestDockerd.start();
    layoutDir = await mkdtemp(join(tmpdir(), 'bth-docker-sdk-layout-'));
  });

  after(async () => {
    await dockerd?.stop();
    await rm(layoutDir, { recursive: true, force: true });
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  async function assertNothingLeft(taskId: string): Promise<void> {
    const names = await dockerd.containerNames();
    assert.deepEqual(names.filter((name) => name.includes(taskId)), [], 'no container or sandbox of the task');
    for (const hierarchy of ['memory', 'cpu']) assert.equal(existsSync(join('/sys/fs/cgroup', hierarchy, 'bth-docker', taskId)), false, 'no envelope');
  }

  test('a task runs, answers HTTP from the host, logs to CloudWatch Logs, and stops with ECS\'s exit codes', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bth-docker-sdk-'));
    dataDirs.push(dataDir);
    const server = await new DockerBerth(dataDir, dockerd.host).start();
    try {
      assert.ok(server.logs.some((l) => /running tasks with the Docker driver: Docker Engine 20\.10/.test(l)), server.logs.join('\n'));
      const health = await (await fetch(`${server.url}/_berth/health`)).json() as { runtime?: { driver?: string } };
      assert.equal(health.runtime?.driver, 'docker');
      const subnetId = await server.prepare('10.252.0.0/16', layoutDir);
      const task = await server.run(subnetId);
      assert.equal(task.lastStatus, 'RUNNING', task.stoppedReason);
      const id = idOf(task);
      const ip = detail(task, 'privateIPv4Address');
      assert.match(ip, /^10\.252\.1\.\d+$/);
      for (const c of task.containers ?? []) {
        assert.equal(c.lastStatus, 'RUNNING');
        assert.match(c.runtimeId ?? '', new RegExp(`^bth-${id}-\\d$`));
        assert.match(c.imageDigest ?? '', /^sha256:[0-9a-f]{64}$/);
      }
      assert.equal(await page(ip), 'hello from bth httpd\n');
      assert.deepEqual((await server.ticks(id, 2)).slice(0, 2), [0, 1]);
      assert.ok((await dockerd.containerNames()).includes(`bth-${id}-sandbox`));

      await server.ecs.send(new StopTaskCommand({ cluster: 'docker', task: task.taskArn, reason: 'done' }));
      const stopped = await server.waitFor(task.taskArn ?? '', 'STOPPED');
      assert.equal(stopped.lastStatus, 'STOPPED');
      assert.equal(stopped.stopCode, 'UserInitiated');
      assert.equal(stopped.stoppedReason, 'done');
      const exits = Object.fromEntries((stopped.containers ?? []).map((c): [string, number | undefined] => [c.name ?? '', c.exitCode]));
      // The engine's init (tini) forwards SIGTERM to httpd: 143. sh as PID 1 ignores SIGTERM: killed after 2 s, 137.
      assert.deepEqual(exits, { web: 143, ticker: 137 });
      assert.equal(stopped.attachments?.[0]?.status, 'DELETED');
      await assertNothingLeft(id);
      assert.deepEqual(await dockerd.networkNames(), [], 'the VPC\'s network goes with its last task');
      const cursors = join(dataDir, 'runtime', 'docker', 'cursors');
      assert.deepEqual(existsSync(cursors) ? readdirSync(cursors) : [], []);
    } finally {
      await server.stop({ removeTasks: true });
    }
  });

  test('told to use an engine that is not there, Berth says so and tasks stop with ResourceInitializationError', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bth-docker-none-'));
    dataDirs.push(dataDir);
    const server = await new DockerBerth(dataDir, `unix://${join(dataDir, 'no-engine.sock')}`).start();
    try {
      const health = await (await fetch(`${server.url}/_berth/health`)).json() as { runtime?: { driver?: string; reason?: string } };
      assert.equal(health.runtime?.driver, 'none');
      assert.match(health.runtime?.reason ?? '', /^the Docker driver cannot run: there is no Docker Engine socket at .*no-engine\.sock/);
      const subnetId = await server.prepare('10.252.0.0/16', layoutDir);
      const task = await server.run(subnetId);
      assert.equal(task.lastStatus, 'STOPPED');
      assert.equal(task.stopCode, 'TaskFailedToStart');
      assert.match(task.stoppedReason ?? '', /^ResourceInitializationError: the Docker driver cannot run: there is no Docker Engine socket/);
    } finally {
      await server.stop({ removeTasks: true });
    }
  });

  test('a restarted Berth re-adopts the running task and its logs keep flowing, unbroken', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bth-docker-restart-'));
    dataDirs.push(dataDir);
    let server = await new DockerBerth(dataDir, dockerd.host).start();
    let stopped = false;
    try {
      const subnetId = await server.prepare('10.253.0.0/16', layoutDir);
      const task = await server.run(subnetId);
      assert.equal(task.lastStatus, 'RUNNING', task.stoppedReason);
      const id = idOf(task);
      await server.ticks(id, 3);

      await server.stop();
      stopped = true;
      const names = await dockerd.containerNames();
      assert.ok(names.includes(`bth-${id}-0`) && names.includes(`bth-${id}-sandbox`), 'the task outlives the server');
      await sleep(1000);
      server = await new DockerBerth(dataDir, dockerd.host).start();
      stopped = false;
      assert.ok(server.logs.some((l) => /re-attached 1 task/.test(l)), server.logs.join('\n'));
      assert.equal((await server.describe(task.taskArn ?? '')).lastStatus, 'RUNNING');
      assert.equal(await page(detail(task, 'privateIPv4Address')), 'hello from bth httpd\n');

      // Ticks written while no server ran arrive too: one unbroken, unrepeated sequence.
      const seen = await server.ticks(id, 15);
      assert.deepEqual(seen, seen.map((_n, i) => i), `ticks: ${seen.join(',')}`);

      await server.ecs.send(new StopTaskCommand({ cluster: 'docker', task: task.taskArn, reason: 'done' }));
      const done = await server.waitFor(task.taskArn ?? '', 'STOPPED');
      assert.equal(done.stopCode, 'UserInitiated');
      assert.deepEqual(Object.fromEntries((done.containers ?? []).map((c) => [c.name ?? '', c.exitCode])), { web: 143, ticker: 137 });
      await assertNothingLeft(id);
    } finally {
      if (!stopped) await server.stop({ removeTasks: true });
    }
  });
  test('after kill -9: the running task is re-attached with no line lost, and one that exited meanwhile stops with its code', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bth-docker-kill9-'));
    dataDirs.push(dataDir);
    let server = await new DockerBerth(dataDir, dockerd.host).spawn();
    const taskIds: string[] = [];
    try {
      const subnetId = await server.prepare('10.250.0.0/16', layoutDir);
      const looping = await server.run(subnetId);
      const exiting = await server.run(subnetId, 'docker-exit');
      for (const task of [looping, exiting]) assert.equal(task.lastStatus, 'RUNNING', task.stoppedReason);
      taskIds.push(idOf(looping), idOf(exiting));
      await server.ticks(idOf(looping), 3);

      await server.kill();
      // The exiting task's container exits while no Berth runs.
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const state = (await dockerd.api('GET', `/containers/bth-${idOf(exiting)}-0/json`)).json as { State?: { Running?: boolean } };
        if (state.State?.Running === false) break;
        await sleep(200);
      }
      server = await new DockerBerth(dataDir, dockerd.host).spawn();

      const exited = await server.waitFor(exiting.taskArn ?? '', 'STOPPED');
      assert.equal(exited.stopCode, 'EssentialContainerExited');
      assert.equal(exited.stoppedReason, 'Essential container in task exited');
      assert.equal(exited.containers?.[0]?.exitCode, 3);
      // After kill -9 a line may come twice (the cursor is written every second), none is missing.
      const seen = await server.ticks(idOf(looping), 25);
      const distinct = [...new Set(seen)];
      assert.deepEqual(distinct, distinct.map((_n, i) => i), `ticks: ${seen.join(',')}`);
      assert.ok(seen.length - distinct.length <= 10, `${seen.length - distinct.length} repeated lines`);

      await server.ecs.send(new StopTaskCommand({ cluster: 'docker', task: looping.taskArn, reason: 'done' }));
      assert.equal((await server.waitFor(looping.taskArn ?? '', 'STOPPED')).stopCode, 'UserInitiated');
      for (const id of taskIds) await assertNothingLeft(id);
    } finally {
      await server.stop();
      // Whatever a failed assertion left: a server started only to remove it.
      const cleanup = await new DockerBerth(dataDir, dockerd.host).start();
      await cleanup.stop({ removeTasks: true });
    }
  });
});
