// ECS service deployments and revisions through the official SDK: ListServiceDeployments (newest first,
// status and createdAt filters, paging), DescribeServiceDeployments (source and target revisions, ARNs,
// statuses, MISSING failures), DescribeServiceRevisions (task definition, launch type, network
// configuration, load balancers), the errors, and a circuit breaker's rollback.
// Task definitions name an image Berth's registry does not hold (remote pulls are off), so no container
// ever runs; a host with the runc driver still creates tasks' namespaces in this file's VPC (10.81.0.0/16).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand, CreateServiceCommand, DeleteServiceCommand, DescribeServiceDeploymentsCommand, DescribeServiceRevisionsCommand,
  ECSClient, ListServiceDeploymentsCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand, type ServiceDeployment,
  type ServiceDeploymentBrief,
} from '@aws-sdk/client-ecs';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

const CLUSTER = 'sd';
const PREFIX = 'arn:aws:ecs:us-east-1:123456789012';
let server: TestServer;
let ecs: ECSClient;
let ec2: EC2Client;
let elb: ElasticLoadBalancingV2Client;
const subnets: string[] = [];
let securityGroup = '';
let targetGroupArn = '';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function list(service: string): Promise<ServiceDeploymentBrief[]> {
  return (await ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service }))).serviceDeployments ?? [];
}

async function describeOne(arn: string): Promise<ServiceDeployment> {
  const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  const found = out.serviceDeployments?.[0];
  assert.ok(found, JSON.stringify(out.failures));
  return found;
}

/** Polls a service deployment until `done` holds (bounded). */
async function until(arn: string, done: (sd: ServiceDeployment) => boolean, ms = 30_000): Promise<ServiceDeployment> {
  const deadline = Date.now() + ms;
  let last: ServiceDeployment | undefined;
  while (Date.now() < deadline) {
    last = await describeOne(arn);
    if (done(last)) return last;
    await sleep(200);
  }
  throw new Error(`${arn} did not get there in ${ms} ms: ${JSON.stringify(last, null, 1)}`);
}

before(async () => {
  server = await startTestServer({}, { serviceSchedulerTimings: { healthyAfterRunningMs: 500, launchBackoffBaseMs: 1_000, intervalMs: 200 } });
  ecs = new ECSClient(server.clientConfig);
  ec2 = new EC2Client(server.clientConfig);
  elb = new ElasticLoadBalancingV2Client(server.clientConfig);
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.81.0.0/16' }))).Vpc?.VpcId ?? '';
  for (const [cidr, zone] of [['10.81.1.0/24', 'us-east-1a'], ['10.81.2.0/24', 'us-east-1b']] as const) {
    subnets.push((await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet?.SubnetId ?? '');
  }
  securityGroup = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'sd-tasks', Description: 'service tasks', VpcId: vpcId }))).GroupId ?? '';
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: securityGroup, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '10.81.0.0/16' }] }] }));
  const balancer = await elb.send(new CreateLoadBalancerCommand({ Name: 'sd-alb', Scheme: 'internal', Subnets: subnets, SecurityGroups: [securityGroup] }));
  targetGroupArn = (await elb.send(new CreateTargetGroupCommand({ Name: 'sd-web', Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'ip' }))).TargetGroups?.[0]?.TargetGroupArn ?? '';
  await elb.send(new CreateListenerCommand({
    LoadBalancerArn: balancer.LoadBalancers?.[0]?.LoadBalancerArn ?? '', Protocol: 'HTTP', Port: 18090, DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
  }));
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  for (const family of ['sd-web', 'sd-web-2']) {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      containerDefinitions: [{ name: 'web', image: `example.invalid/${family}:1`, essential: true, portMappings: [{ containerPort: 8080 }] }],
    }));
  }
});

after(async () => {
  ecs.destroy();
  ec2.destroy();
  elb.destroy();
  await server.stop();
});

describe('a service created, then updated to a second revision', () => {
  let older: ServiceDeploymentBrief | undefined;
  let newer: ServiceDeploymentBrief | undefined;

  before(async () => {
    await ecs.send(new CreateServiceCommand({
      cluster: CLUSTER, serviceName: 'web', taskDefinition: 'sd-web', desiredCount: 0, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: [securityGroup] } },
      loadBalancers: [{ targetGroupArn, containerName: 'web', containerPort: 8080 }],
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
    }));
    const [first] = await list('web');
    assert.ok(first?.serviceDeploymentArn);
    await until(first.serviceDeploymentArn, (sd) => sd.status === 'SUCCESSFUL');
    await ecs.send(new UpdateServiceCommand({
      cluster: CLUSTER, service: 'web', taskDefinition: 'sd-web-2',
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnets[1] ?? ''], securityGroups: [securityGroup], assignPublicIp: 'ENABLED' } },
    }));
    [newer, older] = await list('web');
  });

  test('ListServiceDeployments: both, newest first, with ECS’s ARNs', async () => {
    assert.ok(newer && older);
    const listed = await list('web');
    assert.equal(listed.length, 2);
    for (const sd of listed) {
      assert.match(sd.serviceDeploymentArn ?? '', new RegExp(`^${PREFIX}:service-deployment/${CLUSTER}/web/[A-Za-z0-9_-]{21}$`));
      assert.match(sd.targetServiceRevisionArn ?? '', new RegExp(`^${PREFIX}:service-revision/${CLUSTER}/web/\\d{19}$`));
      assert.equal(sd.serviceArn, `${PREFIX}:service/${CLUSTER}/web`);
      assert.equal(sd.clusterArn, `${PREFIX}:cluster/${CLUSTER}`);
    }
    assert.ok((newer.createdAt?.getTime() ?? 0) > (older.createdAt?.getTime() ?? 0));
    assert.notEqual(newer.targetServiceRevisionArn, older.targetServiceRevisionArn);
    assert.equal(older.status, 'SUCCESSFUL');
    assert.ok(older.finishedAt && older.startedAt);
    assert.ok(['PENDING', 'IN_PROGRESS', 'SUCCESSFUL'].includes(newer.status ?? ''), newer.status);
    // The service ARN names the service as well as its name does.
    const byArn = await ecs.send(new ListServiceDeploymentsCommand({ cluster: `${PREFIX}:cluster/${CLUSTER}`, service: `${PREFIX}:service/${CLUSTER}/web` }));
    assert.deepEqual(byArn.serviceDeployments?.map((sd) => sd.serviceDeploymentArn), listed.map((sd) => sd.serviceDeploymentArn));
  });

  test('DescribeServiceDeployments: the newer one replaces the older one’s revision; unknown ARNs are MISSING', async () => {
    assert.ok(newer?.serviceDeploymentArn && older?.serviceDeploymentArn);
    const done = await until(newer.serviceDeploymentArn, (sd) => sd.status === 'SUCCESSFUL');
    const unknown = `${PREFIX}:service-deployment/${CLUSTER}/web/AAAAAAAAAAAAAAAAAAAAA`;
    const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [newer.serviceDeploymentArn, older.serviceDeploymentArn, unknown, 'nonsense'] }));
    assert.deepEqual(out.failures, [{ arn: unknown, reason: 'MISSING' }, { arn: 'nonsense', reason: 'MISSING' }]);
    const [n, o] = out.serviceDeployments ?? [];
    assert.equal(n?.serviceDeploymentArn, newer.serviceDeploymentArn);
    assert.deepEqual(n?.sourceServiceRevisions?.map((r) => r.arn), [older.targetServiceRevisionArn]);
    assert.deepEqual(n?.targetServiceRevision, { arn: newer.targetServiceRevisionArn, requestedTaskCount: 0, runningTaskCount: 0, pendingTaskCount: 0 });
    assert.equal(n?.status, 'SUCCESSFUL');
    assert.deepEqual(n?.finishedAt, done.finishedAt);
    assert.ok((n?.startedAt?.getTime() ?? 0) >= (n?.createdAt?.getTime() ?? Infinity));
    assert.deepEqual(n?.deploymentCircuitBreaker, { status: 'MONITORING_COMPLETE', failureCount: 0, threshold: 3 });
    assert.deepEqual(n?.alarms, { status: 'DISABLED' });
    assert.equal(n?.deploymentConfiguration?.maximumPercent, 200);
    assert.deepEqual(n?.deploymentConfiguration?.deploymentCircuitBreaker, { enable: true, rollback: false });
    assert.equal(n?.rollback, undefined);
    assert.deepEqual(o?.sourceServiceRevisions, []);
    assert.equal(o?.status, 'SUCCESSFUL');
  });

  test('DescribeServiceRevisions: each revision’s task definition, launch type, network configuration and load balancers', async () => {
    assert.ok(newer?.targetServiceRevisionArn && older?.targetServiceRevisionArn);
    const unknown = `${PREFIX}:service-revision/${CLUSTER}/web/1234567890123456789`;
    const out = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [older.targetServiceRevisionArn, newer.targetServiceRevisionArn, unknown] }));
    assert.deepEqual(out.failures, [{ arn: unknown, reason: 'MISSING' }]);
    const [o, n] = out.serviceRevisions ?? [];
    assert.equal(o?.serviceRevisionArn, older.targetServiceRevisionArn);
    assert.match(o?.taskDefinition ?? '', /:task-definition\/sd-web:1$/);
    assert.match(n?.taskDefinition ?? '', /:task-definition\/sd-web-2:1$/);
    for (const revision of [o, n]) {
      assert.equal(revision?.serviceArn, `${PREFIX}:service/${CLUSTER}/web`);
      assert.equal(revision?.clusterArn, `${PREFIX}:cluster/${CLUSTER}`);
      assert.equal(revision?.launchType, 'FARGATE');
      assert.equal(revision?.platformVersion, '1.4.0');
      assert.deepEqual(revision?.loadBalancers, [{ targetGroupArn, containerName: 'web', containerPort: 8080 }]);
      assert.equal(revision?.guardDutyEnabled, false);
    }
    assert.deepEqual(o?.networkConfiguration, { awsvpcConfiguration: { subnets, securityGroups: [securityGroup], assignPublicIp: 'DISABLED' } });
    assert.deepEqual(n?.networkConfiguration, { awsvpcConfiguration: { subnets: [subnets[1]], securityGroups: [securityGroup], assignPublicIp: 'ENABLED' } });
    assert.deepEqual(o?.containerImages, [{ containerName: 'web', image: 'example.invalid/sd-web:1' }]);
    assert.deepEqual(n?.containerImages, [{ containerName: 'web', image: 'example.invalid/sd-web-2:1' }]);
    assert.deepEqual(o?.createdAt, older.createdAt);
  });

  test('filters (status, createdAt) and paging', async () => {
    assert.ok(newer?.createdAt && older?.createdAt);
    const arns = async (input: Omit<ConstructorParameters<typeof ListServiceDeploymentsCommand>[0], 'service'>) =>
      ((await ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'web', ...input }))).serviceDeployments ?? []).map((sd) => sd.serviceDeploymentArn);
    await until(newer.serviceDeploymentArn ?? '', (sd) => sd.status === 'SUCCESSFUL');
    assert.deepEqual(await arns({ status: ['SUCCESSFUL'] }), [newer.serviceDeploymentArn, older.serviceDeploymentArn]);
    assert.deepEqual(await arns({ status: ['IN_PROGRESS', 'ROLLBACK_IN_PROGRESS'] }), []);
    assert.deepEqual(await arns({ createdAt: { after: new Date(older.createdAt.getTime() + 1) } }), [newer.serviceDeploymentArn]);
    assert.deepEqual(await arns({ createdAt: { before: newer.createdAt } }), [older.serviceDeploymentArn]);
    assert.deepEqual(await arns({ createdAt: { after: new Date(older.createdAt.getTime() - 1_000), before: new Date(newer.createdAt.getTime() + 1_000) } }),
      [newer.serviceDeploymentArn, older.serviceDeploymentArn]);

    const first = await ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'web', maxResults: 1 }));
    assert.deepEqual(first.serviceDeployments?.map((sd) => sd.serviceDeploymentArn), [newer.serviceDeploymentArn]);
    assert.ok(first.nextToken);
    const second = await ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'web', maxResults: 1, nextToken: first.nextToken }));
    assert.deepEqual(second.serviceDeployments?.map((sd) => sd.serviceDeploymentArn), [older.serviceDeploymentArn]);
    assert.equal(second.nextToken, undefined);
  });
});

describe('errors', () => {
  test('ListServiceDeployments: unknown cluster or service, maxResults out of range, a token it did not mint', async () => {
    await rejects(ecs.send(new ListServiceDeploymentsCommand({ cluster: 'nope', service: 'web' })), 'ClusterNotFoundException', 'Cluster not found.');
    await rejects(ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'ghost' })), 'ServiceNotFoundException', 'Service not found.');
    await rejects(ecs.send(new ListServiceDeploymentsCommand({ service: 'web' })), 'ClusterNotFoundException');
    for (const maxResults of [0, 101]) {
      await rejects(ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'web', maxResults })), 'InvalidParameterException');
    }
    await rejects(ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'web', nextToken: 'garbage' })), 'InvalidParameterException');
    await rejects(ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'web', status: ['NOPE' as never] })), 'InvalidParameterException');
  });

  test('Describe: 1 to 20 ARNs', async () => {
    await rejects(ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [] })), 'InvalidParameterException');
    const many = Array.from({ length: 21 }, (_, i) => `${PREFIX}:service-deployment/${CLUSTER}/web/${String(i).padStart(21, 'A')}`);
    await rejects(ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: many })), 'InvalidParameterException');
    await rejects(ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [] })), 'InvalidParameterException');
    const revisions = Array.from({ length: 21 }, (_, i) => `${PREFIX}:service-revision/${CLUSTER}/web/${1000000000000000000 + i}`);
    await rejects(ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: revisions })), 'InvalidParameterException');
    const twenty = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: revisions.slice(0, 20) }));
    assert.equal(twenty.failures?.length, 20);
    assert.ok(twenty.failures?.every((f) => f.reason === 'MISSING'));
  });
});

describe('a deployment the circuit breaker fails', () => {
  test('rolls back to the last completed revision: ROLLBACK_IN_PROGRESS (or ROLLBACK_FAILED), TRIGGERED, the rollback’s revision', async () => {
    await ecs.send(new CreateServiceCommand({
      cluster: CLUSTER, serviceName: 'flaky', taskDefinition: 'sd-web', desiredCount: 0, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: [securityGroup] } },
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    }));
    const [first] = await list('flaky');
    await until(first?.serviceDeploymentArn ?? '', (sd) => sd.status === 'SUCCESSFUL');
    // The new revision's tasks cannot pull their image: three fail and the breaker trips.
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'flaky', taskDefinition: 'sd-web-2', desiredCount: 1 }));
    const [failing] = await list('flaky');
    assert.notEqual(failing?.serviceDeploymentArn, first?.serviceDeploymentArn);
    const rolled = await until(failing?.serviceDeploymentArn ?? '', (sd) => (sd.status ?? '').startsWith('ROLLBACK_'), 90_000);
    assert.ok(['ROLLBACK_IN_PROGRESS', 'ROLLBACK_FAILED'].includes(rolled.status ?? ''), rolled.status);
    assert.equal(rolled.statusReason, 'ECS deployment circuit breaker: tasks failed to start.');
    assert.equal(rolled.rollback?.serviceRevisionArn, first?.targetServiceRevisionArn);
    assert.match(rolled.rollback?.reason ?? '', /^ECS deployment circuit breaker: rolling back to deploymentId ecs-svc\/\d{19}\.$/);
    assert.ok(rolled.rollback?.startedAt);
    assert.equal(rolled.deploymentCircuitBreaker?.status, 'TRIGGERED');
    assert.ok((rolled.deploymentCircuitBreaker?.failureCount ?? 0) >= 3);
    assert.equal(rolled.deploymentCircuitBreaker?.threshold, 3);
    assert.equal(rolled.targetServiceRevision?.arn, failing?.targetServiceRevisionArn);
    // The rollback is part of the failed service deployment, not one of its own.
    const listed = await list('flaky');
    assert.equal(listed.length, 2);
    const rollbacks = await ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'flaky', status: ['ROLLBACK_IN_PROGRESS', 'ROLLBACK_FAILED'] }));
    assert.deepEqual(rollbacks.serviceDeployments?.map((sd) => sd.serviceDeploymentArn), [failing?.serviceDeploymentArn]);
    await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'flaky', force: true }));
  });
});
