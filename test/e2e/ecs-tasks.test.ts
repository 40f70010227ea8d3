// ECS tasks' control plane through the official SDKs: RunTask records PROVISIONING tasks and their
// ENIs (visible in EC2), DescribeTasks, ListTasks' filters and pages, StopTask, cluster counts and
// tagging. The task runner moves (or fails and stops) tasks while these tests read, so after
// RunTask's own answer they assert only what stays true: a fact about a task read at one moment is
// checked only when a later read shows the task had not yet moved past the point that fact needs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateVpcCommand, CreateSubnetCommand, DescribeNetworkInterfacesCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTagsForResourceCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  TagResourceCommand,
  type RunTaskCommandInput,
} from '@aws-sdk/client-ecs';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let ecs: ECSClient;
let ec2: EC2Client;
let subnets: { SubnetId: string; AvailabilityZone: string; AvailableIpAddressCount: number }[];

before(async () => {
  server = await startTestServer();
  ecs = new ECSClient(server.clientConfig);
  ec2 = new EC2Client(server.clientConfig);
  const found = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
  subnets = (found.Subnets ?? []).map((s) => ({
    SubnetId: s.SubnetId ?? '', AvailabilityZone: s.AvailabilityZone ?? '', AvailableIpAddressCount: s.AvailableIpAddressCount ?? 0,
  }));
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
    containerDefinitions: [
      { name: 'app', image: 'busybox:latest', essential: true, memory: 256 },
      { name: 'sidecar', image: 'busybox:latest', essential: false, cpu: 128 },
    ],
    tags: [{ key: 'team', value: 'blue' }],
  }));
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'ec2-only', networkMode: 'bridge', requiresCompatibilities: ['EC2'],
    containerDefinitions: [{ name: 'app', image: 'busybox:latest', memory: 128 }],
  }));
});
after(async () => {
  ecs.destroy();
  ec2.destroy();
  await server.stop();
});

const subnetId = (i = 0): string => subnets[i]?.SubnetId ?? '';
function run(extra: Partial<RunTaskCommandInput> = {}): RunTaskCommandInput {
  return {
    taskDefinition: 'web', launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: [subnetId()], assignPublicIp: 'ENABLED' } },
    ...extra,
  };
}

/** lastStatus values before the stop half: the ENI is still held and the task counts in its cluster. */
const STARTING_OR_RUNNING = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING']);
const PENDING = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

async function statusesOf(cluster: string, taskArns: string[]): Promise<string[]> {
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns }));
  return taskArns.map((arn) => tasks?.find((t) => t.taskArn === arn)?.lastStatus ?? 'MISSING');
}

/**
 * The cluster's pending and running counts, read between two DescribeTasks that agree (so no task
 * moved meanwhile), with what those statuses say the counts must be. Undefined if tasks never held still.
 */
async function stableCounts(cluster: string, taskArns: string[]) {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const before = await statusesOf(cluster, taskArns);
    const { clusters } = await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }));
    const after = await statusesOf(cluster, taskArns);
    if (before.join() === after.join()) {
      return {
        pending: clusters?.[0]?.pendingTasksCount, running: clusters?.[0]?.runningTasksCount,
        expectedPending: after.filter((s) => PENDING.has(s)).length, expectedRunning: after.filter((s) => s === 'RUNNING').length,
      };
    }
  }
  return undefined;
}

test('RunTask answers PROVISIONING tasks in the shape ECS shows, with the ENI in EC2', async (t) => {
  await ecs.send(new CreateClusterCommand({ clusterName: 'shape' }));
  const { tasks, failures } = await ecs.send(new RunTaskCommand(run({
    cluster: 'shape', startedBy: 'ci-job', tags: [{ key: 'env', value: 'test' }], propagateTags: 'TASK_DEFINITION',
    overrides: { containerOverrides: [{ name: 'app', command: ['echo', 'hi'], environment: [{ name: 'A', value: '1' }] }] },
  })));
  assert.deepEqual(failures, []);
  assert.equal(tasks?.length, 1);
  const task = tasks?.[0];
  assert.match(task?.taskArn ?? '', /^arn:aws:ecs:us-east-1:\d{12}:task\/shape\/[0-9a-f]{32}$/);
  assert.equal(task?.clusterArn, task?.taskArn?.replace(/:task\/shape\/.*$/, ':cluster/shape'));
  assert.match(task?.taskDefinitionArn ?? '', /:task-definition\/web:1$/);
  assert.equal(task?.lastStatus, 'PROVISIONING');
  assert.equal(task?.desiredStatus, 'RUNNING');
  assert.equal(task?.version, 1);
  assert.equal(task?.cpu, '256');
  assert.equal(task?.memory, '512');
  assert.equal(task?.launchType, 'FARGATE');
  assert.equal(task?.platformVersion, '1.4.0');
  assert.equal(task?.platformFamily, 'Linux');
  assert.equal(task?.availabilityZone, subnets[0]?.AvailabilityZone);
  assert.equal(task?.group, 'family:web');
  assert.equal(task?.startedBy, 'ci-job');
  assert.equal(task?.enableExecuteCommand, false);
  assert.ok(task?.createdAt instanceof Date);
  assert.deepEqual(task?.ephemeralStorage, { sizeInGiB: 20 });
  assert.deepEqual(task?.tags, [{ key: 'team', value: 'blue' }, { key: 'env', value: 'test' }]);
  assert.deepEqual(task?.overrides?.containerOverrides, [
    { name: 'app', command: ['echo', 'hi'], environment: [{ name: 'A', value: '1' }] }, { name: 'sidecar' },
  ]);

  const attachment = task?.attachments?.[0];
  assert.equal(attachment?.type, 'ElasticNetworkInterface');
  assert.equal(attachment?.status, 'PRECREATED');
  const detail = (name: string) => attachment?.details?.find((d) => d.name === name)?.value;
  assert.equal(detail('subnetId'), subnetId());
  const eniId = detail('networkInterfaceId') ?? '';
  const address = detail('privateIPv4Address') ?? '';
  assert.match(eniId, /^eni-[0-9a-f]{17}$/);
  assert.match(detail('macAddress') ?? '', /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  assert.equal(detail('privateDnsName'), `ip-${address.replaceAll('.', '-')}.ec2.internal`);

  const [app, sidecar] = task?.containers ?? [];
  assert.equal(app?.name, 'app');
  assert.equal(app?.image, 'busybox:latest');
  assert.equal(app?.lastStatus, 'PENDING');
  assert.equal(app?.healthStatus, 'UNKNOWN');
  assert.equal(app?.cpu, '0');
  assert.equal(app?.memory, '256');
  assert.equal(sidecar?.cpu, '128');
  assert.equal(app?.taskArn, task?.taskArn);
  assert.match(app?.containerArn ?? '', /:container\/shape\/[0-9a-f]{32}\/[0-9a-f-]{36}$/);
  assert.deepEqual(app?.networkInterfaces, [{ attachmentId: attachment?.id, privateIpv4Address: address }]);

  const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'network-interface-id', Values: [eniId] }] }));
  const subnetNow = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId()] }));
  const [status] = await statusesOf('shape', [task?.taskArn ?? '']);
  if (!STARTING_OR_RUNNING.has(status ?? '')) {
    t.diagnostic(`the task runner had already stopped the task (${status ?? ''}): the ENI checks were skipped`);
    return;
  }
  const eni = NetworkInterfaces?.[0];
  assert.equal(eni?.Status, 'in-use');
  assert.equal(eni?.InterfaceType, 'interface');
  assert.equal(eni?.RequesterManaged, true);
  assert.equal(eni?.PrivateIpAddress, address);
  assert.equal(eni?.Description, `arn:aws:ecs:us-east-1:${task?.taskArn?.split(':')[4] ?? ''}:attachment/${attachment?.id ?? ''}`);
  assert.equal(eni?.Association?.PublicIp, address);
  assert.equal(eni?.Groups?.[0]?.GroupName, 'default');
  assert.equal(subnetNow.Subnets?.[0]?.AvailableIpAddressCount, (subnets[0]?.AvailableIpAddressCount ?? 0) - 1);
});

test('RunTask without a cluster uses default (made on first use); count and DescribeTasks', async () => {
  const { tasks } = await ecs.send(new RunTaskCommand(run({ count: 3, networkConfiguration: { awsvpcConfiguration: { subnets: [subnetId(0), subnetId(1)] } } })));
  assert.equal(tasks?.length, 3);
  assert.ok(tasks?.every((t) => t.clusterArn?.endsWith(':cluster/default')));
  assert.equal(new Set(tasks?.map((t) => t.availabilityZone)).size, 2);
  const ids = (tasks ?? []).map((t) => t.taskArn?.split('/').pop() ?? '');
  const described = await ecs.send(new DescribeTasksCommand({ tasks: [ids[0] ?? '', tasks?.[1]?.taskArn ?? '', 'f'.repeat(32)], include: ['TAGS'] }));
  assert.deepEqual(described.tasks?.map((t) => t.taskArn), [tasks?.[0]?.taskArn, tasks?.[1]?.taskArn]);
  assert.deepEqual(described.failures, [{ arn: tasks?.[0]?.taskArn?.replace(ids[0] ?? '', 'f'.repeat(32)), reason: 'MISSING' }]);
  const counts = await stableCounts('default', (tasks ?? []).map((t) => t.taskArn ?? ''));
  assert.ok(counts, 'the tasks never held still long enough to read the cluster counts');
  assert.equal(counts.pending, counts.expectedPending);
  assert.equal(counts.running, counts.expectedRunning);
});

test('RunTask refuses what ECS refuses', async () => {
  await rejects(ecs.send(new RunTaskCommand({ taskDefinition: 'web', launchType: 'FARGATE' })), 'InvalidParameterException',
    "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  await rejects(ecs.send(new RunTaskCommand(run({ networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'] } } }))),
    'InvalidParameterException',
    "Error retrieving subnet information for [subnet-0123456789abcdef0]: The subnet ID 'subnet-0123456789abcdef0' does not exist (ErrorCode: InvalidSubnetID.NotFound)");
  await rejects(ecs.send(new RunTaskCommand(run({ networkConfiguration: { awsvpcConfiguration: { subnets: [subnetId()], securityGroups: ['sg-0123456789abcdef0'] } } }))),
    'InvalidParameterException', /^Error retrieving security group information for \[sg-0123456789abcdef0\]/);
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
  const other = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc?.VpcId ?? '', CidrBlock: '10.9.1.0/24' }));
  await rejects(ecs.send(new RunTaskCommand(run({ networkConfiguration: { awsvpcConfiguration: { subnets: [subnetId(), other.Subnet?.SubnetId ?? ''] } } }))),
    'InvalidParameterException');
  await rejects(ecs.send(new RunTaskCommand(run({ taskDefinition: 'ec2-only' }))), 'InvalidParameterException',
    'Task definition does not support launch_type FARGATE.');
  await rejects(ecs.send(new RunTaskCommand(run({ count: 11 }))), 'InvalidParameterException');
  await rejects(ecs.send(new RunTaskCommand(run({ taskDefinition: 'nope' }))), 'ClientException', 'Unable to describe task definition.');
  await rejects(ecs.send(new RunTaskCommand(run({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }))),
    'InvalidParameterException', 'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.');
  await rejects(ecs.send(new RunTaskCommand(run({ overrides: { containerOverrides: [{ name: 'ghost' }] } }))), 'InvalidParameterException');
  await rejects(ecs.send(new RunTaskCommand(run({ overrides: { cpu: '256', memory: '4096' } }))), 'InvalidParameterException');
  await rejects(ecs.send(new RunTaskCommand(run({ cluster: 'no-such-cluster' }))), 'ClusterNotFoundException');
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'gone', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
    containerDefinitions: [{ name: 'app', image: 'busybox:latest' }],
  }));
  await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'gone:1' }));
  await rejects(ecs.send(new RunTaskCommand(run({ taskDefinition: 'gone:1' }))), 'InvalidParameterException', 'TaskDefinition is inactive');
});

test('capacity provider strategies place tasks on FARGATE and FARGATE_SPOT', async () => {
  await ecs.send(new CreateClusterCommand({ clusterName: 'spot', capacityProviders: ['FARGATE', 'FARGATE_SPOT'] }));
  const { tasks } = await ecs.send(new RunTaskCommand(run({
    cluster: 'spot', launchType: undefined, count: 4,
    capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 2, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 1 }],
  })));
  assert.deepEqual(tasks?.map((t) => t.capacityProviderName).sort(), ['FARGATE', 'FARGATE', 'FARGATE', 'FARGATE_SPOT']);
  assert.ok(tasks?.every((t) => t.launchType === 'FARGATE'));
  await rejects(ecs.send(new RunTaskCommand(run({ launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }))),
    'InvalidParameterException', 'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster.');
});

test('clientToken makes RunTask idempotent', async () => {
  const first = await ecs.send(new RunTaskCommand(run({ clientToken: 'token-1' })));
  const second = await ecs.send(new RunTaskCommand(run({ clientToken: 'token-1' })));
  assert.deepEqual(second.tasks?.map((t) => t.taskArn), first.tasks?.map((t) => t.taskArn));
});

test('ListTasks filters by family, startedBy, launchType and desiredStatus, and pages', async () => {
  await ecs.send(new CreateClusterCommand({ clusterName: 'listing' }));
  const batch = (await ecs.send(new RunTaskCommand(run({ cluster: 'listing', count: 5, startedBy: 'batch' })))).tasks ?? [];
  const others = (await ecs.send(new RunTaskCommand(run({ cluster: 'listing', count: 2 })))).tasks ?? [];
  const created = [...batch, ...others].map((t) => t.taskArn ?? '');
  const list = async (input: Omit<ConstructorParameters<typeof ListTasksCommand>[0], 'cluster'>) =>
    (await ecs.send(new ListTasksCommand({ cluster: 'listing', ...input }))).taskArns ?? [];
  // The runner only ever moves desiredStatus from RUNNING to STOPPED, so RUNNING read before STOPPED sees every task.
  const everything = new Set([...await list({}), ...await list({ desiredStatus: 'STOPPED' })]);
  assert.deepEqual([...everything].sort(), [...created].sort());

  // Once every task is desired STOPPED (by StopTask here, or by the runner first), nothing moves them back.
  for (const arn of created) await ecs.send(new StopTaskCommand({ cluster: 'listing', task: arn }));
  assert.deepEqual(await list({}), []);
  const stopped = await list({ desiredStatus: 'STOPPED' });
  assert.deepEqual(stopped, created);
  assert.deepEqual(await list({ desiredStatus: 'STOPPED', startedBy: 'batch' }), batch.map((t) => t.taskArn));
  assert.deepEqual(await list({ desiredStatus: 'STOPPED', family: 'web' }), created);
  assert.deepEqual(await list({ desiredStatus: 'STOPPED', family: 'we' }), []);
  assert.deepEqual(await list({ desiredStatus: 'STOPPED', serviceName: 'svc' }), []);
  assert.deepEqual(await list({ desiredStatus: 'STOPPED', launchType: 'EC2' }), []);
  assert.deepEqual(await list({ desiredStatus: 'STOPPED', launchType: 'FARGATE' }), created);
  assert.deepEqual(await list({ desiredStatus: 'PENDING' }), []);
  const seen: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListTasksCommand({ cluster: 'listing', desiredStatus: 'STOPPED', maxResults: 3, nextToken }));
    assert.ok((page.taskArns?.length ?? 0) <= 3);
    seen.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  assert.deepEqual(seen, stopped);
  await rejects(ecs.send(new ListTasksCommand({ cluster: 'listing', maxResults: 101 })), 'InvalidParameterException');
  await rejects(ecs.send(new ListTasksCommand({ cluster: 'listing', nextToken: 'junk' })), 'InvalidParameterException');
  await rejects(ecs.send(new ListTasksCommand({ cluster: 'nowhere' })), 'ClusterNotFoundException');
});

test('StopTask records the stop and returns the task as it is; counts and tags follow', async (t) => {
  await ecs.send(new CreateClusterCommand({ clusterName: 'stopping' }));
  const { tasks } = await ecs.send(new RunTaskCommand(run({ cluster: 'stopping', count: 2 })));
  const arns = (tasks ?? []).map((task) => task.taskArn ?? '');
  const [first = '', second = ''] = arns;
  const counts = await stableCounts('stopping', arns);
  assert.ok(counts, 'the tasks never held still long enough to read the cluster counts');
  assert.equal(counts.pending, counts.expectedPending);
  assert.equal(counts.running, counts.expectedRunning);

  const byUser = await ecs.send(new StopTaskCommand({ cluster: 'stopping', task: first }));
  assert.equal(byUser.task?.desiredStatus, 'STOPPED');
  if (byUser.task?.stopCode === 'UserInitiated') {
    assert.equal(byUser.task.stoppedReason, 'Task stopped by user');
    assert.ok((byUser.task.version ?? 0) >= 2);
  } else {
    // requestStop's unit test covers the fields; here the runner had already stopped the task.
    t.diagnostic(`the task runner stopped the task first (${byUser.task?.stopCode ?? ''}): it keeps its own stop code`);
  }
  const withReason = await ecs.send(new StopTaskCommand({ cluster: 'stopping', task: second.split('/').pop() ?? '', reason: 'done' }));
  const again = await ecs.send(new StopTaskCommand({ cluster: 'stopping', task: second, reason: 'other' }));
  assert.equal(again.task?.stoppedReason, withReason.task?.stoppedReason);
  assert.equal(again.task?.stopCode, withReason.task?.stopCode);
  if (withReason.task?.stopCode === 'UserInitiated') assert.equal(withReason.task.stoppedReason, 'done');
  await rejects(ecs.send(new StopTaskCommand({ cluster: 'stopping', task: 'f'.repeat(32) })), 'InvalidParameterException', 'The referenced task was not found.');
  await rejects(ecs.send(new StopTaskCommand({ cluster: 'listing', task: first })), 'InvalidParameterException', 'The referenced task was not found.');
  const described = await ecs.send(new DescribeTasksCommand({ cluster: 'stopping', tasks: [first] }));
  assert.equal(described.tasks?.[0]?.desiredStatus, 'STOPPED');
  const afterStop = await stableCounts('stopping', arns);
  assert.ok(afterStop);
  assert.equal(afterStop.pending, afterStop.expectedPending);

  await ecs.send(new TagResourceCommand({ resourceArn: first, tags: [{ key: 'k', value: 'v' }] }));
  assert.deepEqual((await ecs.send(new ListTagsForResourceCommand({ resourceArn: first }))).tags, [{ key: 'k', value: 'v' }]);
  await rejects(ecs.send(new ListTagsForResourceCommand({ resourceArn: first.replace(/[0-9a-f]{32}$/, '0'.repeat(32)) })), 'ResourceNotFoundException');
});
