// An ECS service with real containers, through the official SDK only: 3 busybox-httpd tasks spread over
// two zones reach a steady state and `services-stable` and answer HTTP; a task whose container is
// killed is replaced; an UpdateService to a revision whose container exits at once trips the circuit
// breaker and rolls back; scale to 0 and DeleteService leave the service INACTIVE. Needs root, runc,
// iproute2 and busybox-static; skips with the reason, except under CI=true. Traffic goes only to the
// namespaces this file's server creates, in this file's VPC (10.73.128.0/17).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand, CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand,
  RegisterTaskDefinitionCommand, UpdateServiceCommand, waitUntilServicesInactive, waitUntilServicesStable, type Service, type Task,
} from '@aws-sdk/client-ecs';
import { startTestServer, type TestServer } from './harness.ts';
import { pushTestImages, taskHostSkipReason } from './task-runner-support.ts';
import { createExecutionRole } from './task-roles.ts';

const reason = await taskHostSkipReason('ECS service tests with containers');

const ACCOUNT = '123456789012';
const CLUSTER = 'svc-run';
const SERVICE = 'web';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const taskIdOf = (arn: string | undefined) => (arn ?? '').split('/').pop() ?? '';
const ipOf = (task: Task) => task.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value ?? '';

describe('an ECS service with real containers', { skip: reason ?? false }, () => {
  let server: TestServer;
  let ecs: ECSClient;
  let layoutDir = '';
  const subnets: string[] = [];

  async function describeService(): Promise<Service> {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }));
    const found = out.services?.[0];
    assert.ok(found, JSON.stringify(out.failures));
    return found;
  }

  async function until(what: string, done: (s: Service) => boolean, ms = 90_000): Promise<Service> {
    const deadline = Date.now() + ms;
    let last: Service | undefined;
    while (Date.now() < deadline) {
      last = await describeService();
      if (done(last)) return last;
      await sleep(300);
    }
    throw new Error(`${what} did not happen in ${ms} ms: ${JSON.stringify({ deployments: last?.deployments, events: last?.events?.slice(0, 10) }, null, 1)}`);
  }

  async function runningTasks(): Promise<Task[]> {
    const listed = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: SERVICE, desiredStatus: 'RUNNING' }));
    if ((listed.taskArns ?? []).length === 0) return [];
    const described = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: listed.taskArns }));
    return (described.tasks ?? []).filter((t) => t.lastStatus === 'RUNNING');
  }

  /**
   * An HTTP GET to a task's address (inside a namespace this server created): at most 20 tries in about a
   * minute. A replacement task may get the address of a task that just stopped, and the host's neighbour
   * entry for it can keep the old task's MAC until the kernel re-probes it (up to ~45 s).
   */
  async function get(ip: string): Promise<string> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 20; attempt += 1) {
      try {
        const response = await fetch(`http://${ip}:8080/`, { signal: AbortSignal.timeout(2_000) });
        return await response.text();
      } catch (error) {
        lastError = error;
        await sleep(1_000);
      }
    }
    throw lastError;
  }

  before(async () => {
    server = await startTestServer({}, { serviceSchedulerTimings: { healthyAfterRunningMs: 1_000, launchBackoffBaseMs: 2_000, intervalMs: 250 } });
    ecs = new ECSClient(server.clientConfig);
    await createExecutionRole(server.clientConfig);
    const ec2 = new EC2Client(server.clientConfig);
    const ecr = new ECRClient(server.clientConfig);
    layoutDir = await mkdtemp(join(tmpdir(), 'berth-svc-images-'));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc-images' }));
    ecr.destroy();
    await pushTestImages(server.url, 'svc-images', layoutDir);
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.73.128.0/17' }));
    const vpcId = vpc.Vpc?.VpcId ?? '';
    for (const [cidr, zone] of [['10.73.129.0/24', 'us-east-1a'], ['10.73.130.0/24', 'us-east-1b']] as const) {
      const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }));
      subnets.push(subnet.Subnet?.SubnetId ?? '');
    }
    const group = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'svc-run-tasks', Description: 'service tasks', VpcId: vpcId }));
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: group.GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }));
    ec2.destroy();
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    const image = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/svc-images:httpd`;
    const definition = (command?: string[]) => new RegisterTaskDefinitionCommand({
      family: 'svc-httpd', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
      containerDefinitions: [{ name: 'web', image, essential: true, stopTimeout: 2, portMappings: [{ containerPort: 8080 }], ...(command ? { command } : {}) }],
    });
    await ecs.send(definition());
    // Revision 2: its only container exits at once.
    await ecs.send(definition(['/bin/sh', '-c', 'echo bad revision; exit 3']));
    await ecs.send(new CreateServiceCommand({
      cluster: CLUSTER, serviceName: SERVICE, taskDefinition: 'svc-httpd:1', desiredCount: 3, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: [group.GroupId ?? ''], assignPublicIp: 'ENABLED' } },
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: true, rollback: true } },
    }));
  });

  after(async () => {
    ecs.destroy();
    await server.stop();
    await rm(layoutDir, { recursive: true, force: true });
  });

  test('3 tasks reach a steady state and services-stable, spread over both zones, each answering HTTP', async () => {
    await waitUntilServicesStable({ client: ecs, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { cluster: CLUSTER, services: [SERVICE] });
    const steady = await until('steady state', (s) => s.deployments?.[0]?.rolloutState === 'COMPLETED');
    assert.equal(steady.runningCount, 3);
    assert.ok(steady.events?.some((e) => e.message === `(service ${SERVICE}) has reached a steady state.`));
    const tasks = await runningTasks();
    assert.equal(tasks.length, 3);
    const deploymentId = steady.deployments?.[0]?.id;
    for (const task of tasks) {
      assert.equal(task.group, `service:${SERVICE}`);
      assert.equal(task.startedBy, deploymentId);
      assert.equal(await get(ipOf(task)), 'hello from bth httpd\n');
    }
    const zones = new Set(tasks.map((t) => t.availabilityZone));
    assert.deepEqual([...zones].sort(), ['us-east-1a', 'us-east-1b']);
  });

  test('a task whose container is killed is replaced', async () => {
    const [victim] = await runningTasks();
    assert.ok(victim);
    const victimId = taskIdOf(victim.taskArn);
    // The container's processes are the ones in the task's network namespace (Berth names it bth-<task id>).
    const pids = execFileSync('ip', ['netns', 'pids', `bth-${victimId}`], { encoding: 'utf8' }).split('\n').filter((p) => /^\d+$/.test(p));
    assert.ok(pids.length > 0, 'the task has processes');
    for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
    // Replaced: 3 RUNNING tasks again, none of them the victim, and the event naming the new one.
    const deadline = Date.now() + 60_000;
    let tasks: Task[] = [];
    while (Date.now() < deadline) {
      tasks = await runningTasks();
      if (tasks.length === 3 && !tasks.some((t) => taskIdOf(t.taskArn) === victimId)) break;
      await sleep(300);
    }
    assert.equal(tasks.length, 3);
    assert.ok(!tasks.some((t) => taskIdOf(t.taskArn) === victimId));
    const fresh = tasks.filter((t) => t.createdAt && victim.createdAt && t.createdAt > victim.createdAt).map((t) => taskIdOf(t.taskArn));
    assert.equal(fresh.length, 1);
    const replaced = await describeService();
    assert.ok((replaced.events ?? []).some((e) => e.message === `(service ${SERVICE}) has started 1 tasks: (task ${fresh[0] ?? ''}).`));
    const stopped = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [victimId] }));
    assert.equal(stopped.tasks?.[0]?.lastStatus, 'STOPPED');
    assert.equal(stopped.tasks?.[0]?.stopCode, 'EssentialContainerExited');
    assert.equal(replaced.deployments?.length, 1);
    await waitUntilServicesStable({ client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { cluster: CLUSTER, services: [SERVICE] });
  });

  test('a revision whose container exits at once trips the circuit breaker and rolls back', async () => {
    const before = await describeService();
    const good = before.deployments?.[0]?.id ?? '';
    const updated = await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, taskDefinition: 'svc-httpd:2' }));
    const bad = updated.service?.deployments?.[0]?.id ?? '';
    const rolledBack = await until('rollback', (s) => s.deployments?.[0]?.rolloutStateReason === `ECS deployment circuit breaker: rolling back to deploymentId ${good}.`, 120_000);
    assert.match(rolledBack.taskDefinition ?? '', /svc-httpd:1$/);
    const failed = rolledBack.deployments?.find((d) => d.id === bad);
    if (failed) {
      assert.equal(failed.rolloutState, 'FAILED');
      assert.equal(failed.rolloutStateReason, 'ECS deployment circuit breaker: tasks failed to start.');
      assert.ok((failed.failedTasks ?? 0) >= 3);
    }
    const messages = (rolledBack.events ?? []).map((e) => e.message);
    assert.ok(messages.includes(`(service ${SERVICE}) (deployment ${bad}) deployment failed: tasks failed to start.`));
    assert.ok(messages.includes(`(service ${SERVICE}) rolling back to deployment ${good}.`));
    // minimumHealthyPercent 100: the good revision kept 3 tasks answering throughout; the rollback completes.
    const done = await until('rollback completed', (s) => s.deployments?.length === 1 && s.deployments[0]?.rolloutState === 'COMPLETED', 120_000);
    assert.match(done.deployments?.[0]?.taskDefinition ?? '', /svc-httpd:1$/);
    const tasks = await runningTasks();
    assert.equal(tasks.length, 3);
    for (const task of tasks) assert.equal(await get(ipOf(task)), 'hello from bth httpd\n');
  });

  test('scale to 0 and DeleteService: DRAINING, then INACTIVE with no task left', async () => {
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, desiredCount: 0 }));
    await until('scaled to 0', (s) => s.runningCount === 0 && s.pendingCount === 0, 60_000);
    const deleted = await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: SERVICE }));
    assert.equal(deleted.service?.status, 'DRAINING');
    await waitUntilServicesInactive({ client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { cluster: CLUSTER, services: [SERVICE] });
    assert.deepEqual(await runningTasks(), []);
  });
});
