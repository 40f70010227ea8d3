// ECS task scale-in protection through the official SDK: UpdateTaskProtection / GetTaskProtection answers (the
// 120-minute default, expiresInMinutes reset, expirationDate, MISSING and TASK_NOT_VALID failures, the errors),
// and the service scheduler honouring it with real containers: scaling in stops the unprotected task and keeps
// the protected one; a protected task beyond desiredCount stays (with the service event) until protection is
// turned off. The container part needs root, runc and busybox-static (skips with the reason, except under
// CI=true). Traffic stays in this file's VPC (10.82.0.0/16).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, DescribeTasksCommand, ECSClient, GetTaskProtectionCommand, ListTasksCommand,
  RegisterTaskDefinitionCommand, RunTaskCommand, UpdateServiceCommand, UpdateTaskProtectionCommand, type Service, type Task,
} from '@aws-sdk/client-ecs';
import { protectedTasksMessage } from '../../src/controllers/service-scheduler/planner.ts';
import { TASK_NOT_VALID_DETAIL } from '../../src/services/ecs/task-protection.ts';
import { rejectsWith } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { pushTestImages, taskHostSkipReason } from './task-runner-support.ts';
import { createExecutionRole } from './task-roles.ts';

const ACCOUNT = '123456789012';
const CLUSTER = 'prot';
const SERVICE = 'games';
const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const taskIdOf = (arn: string | undefined) => (arn ?? '').split('/').pop() ?? '';

const reason = await taskHostSkipReason('ECS task protection with containers');

let server: TestServer;
let ecs: ECSClient;
let layoutDir = '';
const subnets: string[] = [];
let securityGroup = '';

before(async () => {
  server = await startTestServer({}, { serviceSchedulerTimings: { healthyAfterRunningMs: 500, launchBackoffBaseMs: 2_000, intervalMs: 200 } });
  ecs = new ECSClient(server.clientConfig);
  await createExecutionRole(server.clientConfig);
  const ec2 = new EC2Client(server.clientConfig);
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.82.0.0/16' }));
  const vpcId = vpc.Vpc?.VpcId ?? '';
  for (const [cidr, zone] of [['10.82.1.0/24', 'us-east-1a'], ['10.82.2.0/24', 'us-east-1b']] as const) {
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }));
    subnets.push(subnet.Subnet?.SubnetId ?? '');
  }
  // No ingress: nothing here connects to the tasks.
  const group = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'prot-tasks', Description: 'protected tasks', VpcId: vpcId }));
  securityGroup = group.GroupId ?? '';
  ec2.destroy();
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  // A definition whose image cannot be pulled (remote pulls are off): its tasks exist without running.
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'prot-absent', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
    containerDefinitions: [{ name: 'app', image: 'registry.invalid/absent:1', essential: true }],
  }));
});

after(async () => {
  ecs.destroy();
  await server.stop();
  if (layoutDir) await rm(layoutDir, { recursive: true, force: true });
});

describe('UpdateTaskProtection and GetTaskProtection: requests, failures and errors', () => {
  test('an unknown cluster is ClusterNotFoundException', async () => {
    await rejectsWith(ecs.send(new UpdateTaskProtectionCommand({ cluster: 'nope', tasks: ['0123456789abcdef0123456789abcdef'], protectionEnabled: true })),
      'ClusterNotFoundException', 400, 'Cluster not found.');
    await rejectsWith(ecs.send(new GetTaskProtectionCommand({ cluster: 'nope', tasks: ['0123456789abcdef0123456789abcdef'] })),
      'ClusterNotFoundException', 400, 'Cluster not found.');
  });

  test('more than 10 tasks, no task, or expiresInMinutes outside 1–2880 is InvalidParameterException', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => i.toString(16).padStart(32, '0'));
    await rejectsWith(ecs.send(new UpdateTaskProtectionCommand({ cluster: CLUSTER, tasks: ids, protectionEnabled: true })), 'InvalidParameterException');
    await rejectsWith(ecs.send(new UpdateTaskProtectionCommand({ cluster: CLUSTER, tasks: [], protectionEnabled: true })), 'InvalidParameterException');
    for (const expiresInMinutes of [0, 2881]) {
      await rejectsWith(ecs.send(new UpdateTaskProtectionCommand({ cluster: CLUSTER, tasks: [ids[0] ?? ''], protectionEnabled: true, expiresInMinutes })),
        'InvalidParameterException');
    }
  });

  test('an unknown task is a MISSING failure with its ARN', async () => {
    const id = 'fedcba9876543210fedcba9876543210';
    const arn = `arn:aws:ecs:us-east-1:${ACCOUNT}:task/${CLUSTER}/${id}`;
    const updated = await ecs.send(new UpdateTaskProtectionCommand({ cluster: CLUSTER, tasks: [id], protectionEnabled: true }));
    assert.deepEqual(updated.protectedTasks, []);
    assert.deepEqual(updated.failures, [{ arn, reason: 'MISSING' }]);
    const got = await ecs.send(new GetTaskProtectionCommand({ cluster: CLUSTER, tasks: [arn] }));
    assert.deepEqual(got.failures, [{ arn, reason: 'MISSING' }]);
  });

  test('a standalone task (RunTask) is a TASK_NOT_VALID failure and stays unprotected', async () => {
    const run = await ecs.send(new RunTaskCommand({
      cluster: CLUSTER, taskDefinition: 'prot-absent', launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: [securityGroup] } },
    }));
    const arn = run.tasks?.[0]?.taskArn ?? '';
    assert.ok(arn, JSON.stringify(run.failures));
    const updated = await ecs.send(new UpdateTaskProtectionCommand({ cluster: CLUSTER, tasks: [arn], protectionEnabled: true }));
    assert.deepEqual(updated.protectedTasks, []);
    assert.deepEqual(updated.failures, [{ arn, reason: 'TASK_NOT_VALID', detail: TASK_NOT_VALID_DETAIL }]);
    const got = await ecs.send(new GetTaskProtectionCommand({ cluster: CLUSTER, tasks: [taskIdOf(arn)] }));
    assert.deepEqual(got.failures, [{ arn, reason: 'TASK_NOT_VALID', detail: TASK_NOT_VALID_DETAIL }]);
  });
});

describe('the service scheduler honours task protection', { skip: reason ?? false }, () => {
  async function describeService(): Promise<Service> {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }));
    const found = out.services?.[0];
    assert.ok(found, JSON.stringify(out.failures));
    return found;
  }

  async function serviceTasks(): Promise<Task[]> {
    const listed = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: SERVICE, desiredStatus: 'RUNNING' }));
    if ((listed.taskArns ?? []).length === 0) return [];
    return (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: listed.taskArns }))).tasks ?? [];
  }

  async function describeTask(arn: string): Promise<Task> {
    const found = (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }))).tasks?.[0];
    assert.ok(found);
    return found;
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const value = await probe();
      if (value !== undefined) return value;
      await sleep(300);
    }
    throw new Error(`${what} did not happen in ${ms} ms: ${JSON.stringify((await describeService()).events?.slice(0, 8))}`);
  }

  let protectedArn = '';
  let otherArn = '';

  before(async () => {
    const ecr = new ECRClient(server.clientConfig);
    layoutDir = await mkdtemp(join(tmpdir(), 'berth-prot-images-'));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'prot-images' }));
    ecr.destroy();
    await pushTestImages(server.url, 'prot-images', layoutDir);
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'prot-httpd', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
      containerDefinitions: [{
        name: 'web', image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/prot-images:httpd`, essential: true, stopTimeout: 2, portMappings: [{ containerPort: 8080 }],
      }],
    }));
    await ecs.send(new CreateServiceCommand({
      cluster: CLUSTER, serviceName: SERVICE, taskDefinition: 'prot-httpd', desiredCount: 2, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: [securityGroup] } },
    }));
    const running = await until('2 RUNNING tasks', async () => {
      const tasks = (await serviceTasks()).filter((t) => t.lastStatus === 'RUNNING');
      return tasks.length === 2 ? tasks : undefined;
    });
    protectedArn = running[0]?.taskArn ?? '';
    otherArn = running[1]?.taskArn ?? '';
  });

  test('UpdateTaskProtection protects for 120 minutes by default, expiresInMinutes resets it, GetTaskProtection shows it', async () => {
    const before = Date.now();
    const first = await ecs.send(new UpdateTaskProtectionCommand({ cluster: CLUSTER, tasks: [protectedArn], protectionEnabled: true }));
    assert.deepEqual(first.failures, []);
    const expiry = first.protectedTasks?.[0]?.expirationDate?.getTime() ?? 0;
    assert.equal(first.protectedTasks?.[0]?.protectionEnabled, true);
    assert.ok(Math.abs(expiry - (before + 120 * MINUTE)) < MINUTE, `expiry ${new Date(expiry).toISOString()}`);
    const reset = await ecs.send(new UpdateTaskProtectionCommand({ cluster: CLUSTER, tasks: [taskIdOf(protectedArn)], protectionEnabled: true, expiresInMinutes: 30 }));
    const resetExpiry = reset.protectedTasks?.[0]?.expirationDate?.getTime() ?? 0;
    assert.ok(Math.abs(resetExpiry - (before + 30 * MINUTE)) < MINUTE);
    const got = await ecs.send(new GetTaskProtectionCommand({ cluster: CLUSTER, tasks: [protectedArn, otherArn] }));
    assert.deepEqual(got.failures, []);
    assert.deepEqual(got.protectedTasks, [
      { taskArn: protectedArn, protectionEnabled: true, expirationDate: new Date(resetExpiry) },
      { taskArn: otherArn, protectionEnabled: false },
    ]);
  });

  test('scaling in to 1 stops the unprotected task and keeps the protected one', async () => {
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, desiredCount: 1 }));
    const stopped = await until('the unprotected task stopping', async () => {
      const task = await describeTask(otherArn);
      return task.desiredStatus === 'STOPPED' ? task : undefined;
    });
    assert.equal(stopped.stopCode, 'ServiceSchedulerInitiated');
    // Several scheduler passes later the protected task still runs.
    await sleep(2_000);
    const kept = await describeTask(protectedArn);
    assert.equal(kept.desiredStatus, 'RUNNING');
    assert.equal(kept.lastStatus, 'RUNNING');
  });

  test('a protected task beyond desiredCount stays, with the service event; DEPLOYMENT_BLOCKED; turning protection off lets scale-in take it', async () => {
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, desiredCount: 0 }));
    await until('the protection event', async () => {
      const service = await describeService();
      return service.events?.some((e) => e.message === protectedTasksMessage(SERVICE, 1)) === true ? service : undefined;
    });
    assert.equal((await describeTask(protectedArn)).desiredStatus, 'RUNNING');
    // More protected tasks than desiredCount (0): protecting again is refused.
    const blocked = await ecs.send(new UpdateTaskProtectionCommand({ cluster: CLUSTER, tasks: [protectedArn], protectionEnabled: true }));
    assert.deepEqual(blocked.protectedTasks, []);
    assert.equal(blocked.failures?.[0]?.reason, 'DEPLOYMENT_BLOCKED');
    assert.equal(blocked.failures?.[0]?.arn, protectedArn);

    const off = await ecs.send(new UpdateTaskProtectionCommand({ cluster: CLUSTER, tasks: [protectedArn], protectionEnabled: false }));
    assert.deepEqual(off.protectedTasks, [{ taskArn: protectedArn, protectionEnabled: false }]);
    const got = await ecs.send(new GetTaskProtectionCommand({ cluster: CLUSTER, tasks: [protectedArn] }));
    assert.deepEqual(got.protectedTasks, [{ taskArn: protectedArn, protectionEnabled: false }]);
    const stopped = await until('the formerly protected task stopping', async () => {
      const task = await describeTask(protectedArn);
      return task.desiredStatus === 'STOPPED' ? task : undefined;
    });
    assert.equal(stopped.stopCode, 'ServiceSchedulerInitiated');
    await until('runningCount 0', async () => ((await describeService()).runningCount === 0 ? true : undefined));
  });
});
