// ECS services' API through the official SDKs: CreateService's shape and defaults, its refusals in
// AWS's words (load balancers included), DescribeServices/ListServices/ListServicesByNamespace,
// UpdateService's deployments, DeleteService's DRAINING → INACTIVE, cluster counts, tags, and a
// service whose tasks cannot start showing it honestly (failedTasks, throttling, the circuit breaker).
// Tasks here never get an image they can pull (remote pulls are off), so no container runs; a host
// with the runc driver still creates their namespaces in this file's VPC (10.73.0.0/17).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand, CreateServiceCommand, DeleteClusterCommand, DeleteServiceCommand, DescribeClustersCommand, DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand,
  ECSClient, ListServicesByNamespaceCommand, ListServicesCommand, ListTagsForResourceCommand, RegisterTaskDefinitionCommand,
  TagResourceCommand, UpdateServiceCommand, waitUntilServicesInactive, waitUntilServicesStable, type CreateServiceCommandInput, type Service,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

const CLUSTER = 'svc-api';
let server: TestServer;
let ecs: ECSClient;
let ec2: EC2Client;
let elb: ElasticLoadBalancingV2Client;
let vpcId = '';
const subnets: string[] = [];
let securityGroup = '';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function service(name: string, extra: Partial<CreateServiceCommandInput> = {}): CreateServiceCommandInput {
  return {
    cluster: CLUSTER, serviceName: name, taskDefinition: 'svc-web', desiredCount: 0, launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: [securityGroup] } },
    ...extra,
  };
}

async function describeOne(name: string): Promise<Service> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name], include: ['TAGS'] }));
  const found = out.services?.[0];
  assert.ok(found, `service ${name} not described: ${JSON.stringify(out.failures)}`);
  return found;
}

/** Polls DescribeServices until `done` holds (bounded). */
async function until(name: string, done: (s: Service) => boolean, ms = 30_000): Promise<Service> {
  const deadline = Date.now() + ms;
  let last: Service | undefined;
  while (Date.now() < deadline) {
    last = await describeOne(name);
    if (done(last)) return last;
    await sleep(200);
  }
  throw new Error(`service ${name} did not get there in ${ms} ms: ${JSON.stringify(last, null, 1)}`);
}

before(async () => {
  server = await startTestServer({}, { serviceSchedulerTimings: { healthyAfterRunningMs: 500, launchBackoffBaseMs: 1_500, intervalMs: 200 } });
  ecs = new ECSClient(server.clientConfig);
  ec2 = new EC2Client(server.clientConfig);
  elb = new ElasticLoadBalancingV2Client(server.clientConfig);
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.73.0.0/17' }));
  vpcId = vpc.Vpc?.VpcId ?? '';
  for (const [cidr, zone] of [['10.73.1.0/24', 'us-east-1a'], ['10.73.2.0/24', 'us-east-1b']] as const) {
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }));
    subnets.push(subnet.Subnet?.SubnetId ?? '');
  }
  const group = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'svc-api-tasks', Description: 'service tasks', VpcId: vpcId }));
  securityGroup = group.GroupId ?? '';
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: securityGroup, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  for (const family of ['svc-web', 'svc-web-2']) {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      containerDefinitions: [{ name: 'web', image: 'example.invalid/none:1', essential: true, portMappings: [{ containerPort: 8080 }] }],
      tags: [{ key: 'from', value: 'definition' }],
    }));
  }
});

after(async () => {
  ecs.destroy();
  ec2.destroy();
  elb.destroy();
  await server.stop();
});

describe('CreateService', () => {
  test('answers the service with ECS’s defaults and its first deployment, which completes at desiredCount 0', async () => {
    const out = await ecs.send(new CreateServiceCommand(service('shape', { tags: [{ key: 'team', value: 'blue' }] })));
    assert.equal(out.$metadata.httpStatusCode, 200);
    const s = out.service;
    assert.equal(s?.serviceArn, `arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER}/shape`);
    assert.equal(s?.clusterArn, `arn:aws:ecs:us-east-1:123456789012:cluster/${CLUSTER}`);
    assert.equal(s?.status, 'ACTIVE');
    assert.equal(s?.desiredCount, 0);
    assert.equal(s?.launchType, 'FARGATE');
    assert.equal(s?.platformVersion, 'LATEST');
    assert.equal(s?.schedulingStrategy, 'REPLICA');
    assert.deepEqual(s?.deploymentController, { type: 'ECS' });
    assert.equal(s?.deploymentConfiguration?.maximumPercent, 200);
    assert.equal(s?.deploymentConfiguration?.minimumHealthyPercent, 100);
    assert.deepEqual(s?.deploymentConfiguration?.deploymentCircuitBreaker, { enable: false, rollback: false });
    assert.equal(s?.networkConfiguration?.awsvpcConfiguration?.assignPublicIp, 'DISABLED');
    assert.equal(s?.propagateTags, 'NONE');
    assert.deepEqual(s?.tags, [{ key: 'team', value: 'blue' }]);
    const [deployment] = s?.deployments ?? [];
    assert.match(deployment?.id ?? '', /^ecs-svc\/\d{19}$/);
    assert.equal(deployment?.status, 'PRIMARY');
    assert.equal(deployment?.rolloutState, 'IN_PROGRESS');
    assert.equal(deployment?.rolloutStateReason, `ECS deployment ${deployment?.id ?? ''} in progress.`);
    assert.equal(deployment?.platformVersion, '1.4.0');
    assert.match(s?.taskDefinition ?? '', /:task-definition\/svc-web:1$/);
    const done = await until('shape', (x) => x.deployments?.[0]?.rolloutState === 'COMPLETED');
    assert.equal(done.deployments?.[0]?.rolloutStateReason, `ECS deployment ${deployment?.id ?? ''} completed.`);
    const messages = (done.events ?? []).map((e) => e.message);
    assert.deepEqual(messages.slice(0, 2), ['(service shape) has reached a steady state.', `(service shape) (deployment ${deployment?.id ?? ''}) deployment completed.`]);
    await waitUntilServicesStable({ client: ecs, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { cluster: CLUSTER, services: ['shape'] });
  });

  test('is idempotent with its clientToken and refuses a name in use otherwise', async () => {
    const first = await ecs.send(new CreateServiceCommand(service('token', { clientToken: 'tok-1' })));
    const again = await ecs.send(new CreateServiceCommand(service('token', { clientToken: 'tok-1' })));
    assert.equal(again.service?.deployments?.[0]?.id, first.service?.deployments?.[0]?.id);
    await rejects(ecs.send(new CreateServiceCommand(service('token'))), 'InvalidParameterException', 'Creation of service was not idempotent.');
  });

  test('refuses what Fargate and Berth do not run, in ECS’s words', async () => {
    await rejects(ecs.send(new CreateServiceCommand(service('bad', { schedulingStrategy: 'DAEMON' }))), 'InvalidParameterException', /DAEMON/);
    await rejects(ecs.send(new CreateServiceCommand(service('bad', { deploymentController: { type: 'CODE_DEPLOY' } }))), 'InvalidParameterException', /supports the ECS/);
    await rejects(ecs.send(new CreateServiceCommand(service('bad', { healthCheckGracePeriodSeconds: 30 }))), 'InvalidParameterException',
      'Health check grace period is only valid for services configured to use load balancers');
    await rejects(ecs.send(new CreateServiceCommand(service('bad', { networkConfiguration: undefined }))), 'InvalidParameterException',
      "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    await rejects(ecs.send(new CreateServiceCommand(service('bad', { networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'] } } }))),
      'InvalidParameterException', /The subnet ID 'subnet-0123456789abcdef0' does not exist/);
    await rejects(ecs.send(new CreateServiceCommand(service('bad', { taskDefinition: 'nope:1' }))), 'ClientException', 'Unable to describe task definition.');
    await rejects(ecs.send(new CreateServiceCommand(service('bad', { cluster: 'no-such-cluster' }))), 'ClusterNotFoundException', 'Cluster not found.');
    await rejects(ecs.send(new CreateServiceCommand(service('bad', { launchType: 'FARGATE', capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }))),
      'InvalidParameterException', /Specifying both a launch type and capacity provider strategy/);
    await rejects(ecs.send(new CreateServiceCommand(service('bad name!'))), 'InvalidParameterException');
    const listed = await ecs.send(new ListServicesCommand({ cluster: CLUSTER, maxResults: 100 }));
    assert.ok(!(listed.serviceArns ?? []).some((arn) => arn.endsWith('/bad')));
  });

  test('checks load balancers: the target group, its type and load balancer, the container and its port', async () => {
    const tgArn = async (name: string, type: 'ip' | 'instance') => (await elb.send(new CreateTargetGroupCommand({
      Name: name, Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: type,
    }))).TargetGroups?.[0]?.TargetGroupArn ?? '';
    const lbs = (arn: string, containerName = 'web', containerPort = 8080) => ({ loadBalancers: [{ targetGroupArn: arn, containerName, containerPort }] });
    const unknown = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0123456789abcdef';
    await rejects(ecs.send(new CreateServiceCommand(service('lb', lbs(unknown)))), 'InvalidParameterException',
      'Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.');
    const lonely = await tgArn('svc-lonely', 'ip');
    await rejects(ecs.send(new CreateServiceCommand(service('lb', lbs(lonely)))), 'InvalidParameterException',
      `The target group with targetGroupArn ${lonely} does not have an associated load balancer.`);
    const balancer = await elb.send(new CreateLoadBalancerCommand({ Name: 'svc-api-alb', Scheme: 'internal', Subnets: subnets, SecurityGroups: [securityGroup] }));
    const lbArn = balancer.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    const ipGroup = await tgArn('svc-ip', 'ip');
    const instanceGroup = await tgArn('svc-instance', 'instance');
    for (const arn of [ipGroup, instanceGroup]) {
      await elb.send(new CreateListenerCommand({
        LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: arn === ipGroup ? 18080 : 18081, DefaultActions: [{ Type: 'forward', TargetGroupArn: arn }],
      }));
    }
    await rejects(ecs.send(new CreateServiceCommand(service('lb', lbs(instanceGroup)))), 'InvalidParameterException',
      `The provided target group ${instanceGroup} has target type instance, which is incompatible with the awsvpc network mode specified in the task definition.`);
    await rejects(ecs.send(new CreateServiceCommand(service('lb', lbs(ipGroup, 'api')))), 'InvalidParameterException', 'The container api does not exist in the task definition.');
    await rejects(ecs.send(new CreateServiceCommand(service('lb', lbs(ipGroup, 'web', 80)))), 'InvalidParameterException', 'The container web did not have a container port 80 defined.');
    const out = await ecs.send(new CreateServiceCommand(service('lb', { ...lbs(ipGroup), healthCheckGracePeriodSeconds: 30 })));
    assert.deepEqual(out.service?.loadBalancers, [{ targetGroupArn: ipGroup, containerName: 'web', containerPort: 8080 }]);
    assert.equal(out.service?.healthCheckGracePeriodSeconds, 30);
    assert.match(out.service?.roleArn ?? '', /AWSServiceRoleForECS$/);
  });
});

describe('DescribeServices, ListServices, ListServicesByNamespace', () => {
  test('DescribeServices: MISSING for unknown names, tags only with include TAGS', async () => {
    await ecs.send(new CreateServiceCommand(service('described', { tags: [{ key: 'k', value: 'v' }] })));
    const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['described', 'ghost'] }));
    assert.equal(out.services?.length, 1);
    assert.equal(out.services?.[0]?.tags, undefined);
    assert.deepEqual(out.failures, [{ arn: `arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER}/ghost`, reason: 'MISSING' }]);
    const byArn = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [out.services?.[0]?.serviceArn ?? ''], include: ['TAGS'] }));
    assert.deepEqual(byArn.services?.[0]?.tags, [{ key: 'k', value: 'v' }]);
    await rejects(ecs.send(new DescribeServicesCommand({ cluster: 'no-such-cluster', services: ['x'] })), 'ClusterNotFoundException');
  });

  test('ListServices pages through a cluster’s services; ListServicesByNamespace answers those naming the namespace', async () => {
    for (const name of ['page-1', 'page-2', 'page-3']) {
      await ecs.send(new CreateServiceCommand(service(name, name === 'page-2' ? { serviceConnectConfiguration: { enabled: true, namespace: 'svc-ns' } } : {})));
    }
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ecs.send(new ListServicesCommand({ cluster: CLUSTER, maxResults: 2, nextToken }));
      assert.ok((page.serviceArns ?? []).length <= 2);
      seen.push(...(page.serviceArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    for (const name of ['page-1', 'page-2', 'page-3']) assert.ok(seen.includes(`arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER}/${name}`));
    const ec2Only = await ecs.send(new ListServicesCommand({ cluster: CLUSTER, launchType: 'EC2' }));
    assert.deepEqual(ec2Only.serviceArns, []);
    const byNamespace = await ecs.send(new ListServicesByNamespaceCommand({ namespace: 'svc-ns' }));
    assert.deepEqual(byNamespace.serviceArns, [`arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER}/page-2`]);
  });

  test('services are taggable and count in DescribeClusters', async () => {
    const arn = `arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER}/described`;
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'extra', value: '1' }] }));
    const tags = await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    assert.deepEqual(tags.tags, [{ key: 'k', value: 'v' }, { key: 'extra', value: '1' }]);
    const cluster = await ecs.send(new DescribeClustersCommand({ clusters: [CLUSTER], include: ['STATISTICS'] }));
    const listed = await ecs.send(new ListServicesCommand({ cluster: CLUSTER, maxResults: 100 }));
    assert.equal(cluster.clusters?.[0]?.activeServicesCount, listed.serviceArns?.length);
    await rejects(ecs.send(new DeleteClusterCommand({ cluster: CLUSTER })), 'ClusterContainsServicesException');
  });
});

describe('UpdateService and DeleteService', () => {
  test('desiredCount alone changes the PRIMARY deployment; a new task definition starts a new one', async () => {
    const created = await ecs.send(new CreateServiceCommand(service('rolling')));
    const first = created.service?.deployments?.[0]?.id;
    const scaled = await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'rolling', deploymentConfiguration: { minimumHealthyPercent: 50 } }));
    assert.equal(scaled.service?.deployments?.length, 1);
    assert.equal(scaled.service?.deployments?.[0]?.id, first);
    assert.equal(scaled.service?.deploymentConfiguration?.minimumHealthyPercent, 50);
    assert.equal(scaled.service?.deploymentConfiguration?.maximumPercent, 200);
    const updated = await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'rolling', taskDefinition: 'svc-web-2' }));
    const [primary, old] = updated.service?.deployments ?? [];
    assert.equal(primary?.status, 'PRIMARY');
    assert.notEqual(primary?.id, first);
    assert.match(primary?.taskDefinition ?? '', /svc-web-2:1$/);
    assert.equal(old?.status, 'ACTIVE');
    assert.equal(old?.id, first);
    // The old deployment has no tasks: it goes INACTIVE and drops off; the new one completes.
    const done = await until('rolling', (s) => s.deployments?.length === 1 && s.deployments[0]?.rolloutState === 'COMPLETED');
    assert.equal(done.deployments?.[0]?.id, primary?.id);
    const forced = await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'rolling', forceNewDeployment: true }));
    assert.equal(forced.service?.deployments?.length, 2);
    await rejects(ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'ghost', desiredCount: 1 })), 'ServiceNotFoundException', 'Service not found.');
  });

  test('DeleteService: refused while scaled above 0 unless forced; DRAINING → INACTIVE; the name can be reused', async () => {
    await ecs.send(new CreateServiceCommand(service('doomed')));
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'doomed', desiredCount: 1 }));
    await rejects(ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'doomed' })), 'InvalidParameterException',
      'The service cannot be stopped while it is scaled above 0.');
    const deleted = await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'doomed', force: true }));
    assert.equal(deleted.service?.status, 'DRAINING');
    assert.equal(deleted.service?.desiredCount, 0);
    await waitUntilServicesInactive({ client: ecs, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { cluster: CLUSTER, services: ['doomed'] });
    const gone = await describeOne('doomed');
    assert.equal(gone.status, 'INACTIVE');
    await rejects(ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'doomed', desiredCount: 1 })), 'ServiceNotActiveException', 'Service was not ACTIVE.');
    const listed = await ecs.send(new ListServicesCommand({ cluster: CLUSTER, maxResults: 100 }));
    assert.ok(!(listed.serviceArns ?? []).some((arn) => arn.endsWith('/doomed')));
    const again = await ecs.send(new CreateServiceCommand(service('doomed')));
    assert.equal(again.service?.status, 'ACTIVE');
    assert.deepEqual(again.service?.events, []);
  });
});

describe('a service whose tasks cannot start', () => {
  test('shows it honestly: failed tasks, throttled launches, the circuit breaker’s FAILED rollout', async () => {
    await ecs.send(new CreateServiceCommand(service('broken', {
      desiredCount: 1, propagateTags: 'TASK_DEFINITION',
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    })));
    const failed = await until('broken', (s) => s.deployments?.[0]?.rolloutState === 'FAILED', 60_000);
    const deployment = failed.deployments?.[0];
    assert.ok((deployment?.failedTasks ?? 0) >= 3);
    assert.equal(deployment?.rolloutStateReason, 'ECS deployment circuit breaker: tasks failed to start.');
    assert.equal(failed.runningCount, 0);
    const messages = (failed.events ?? []).map((e) => e.message ?? '');
    assert.ok(messages.some((m) => /^\(service broken\) has started 1 tasks: \(task [0-9a-f]{32}\)\.$/.test(m)), messages.join('\n'));
    assert.ok(messages.includes('(service broken) is unable to consistently start tasks successfully.'), messages.join('\n'));
    assert.ok(messages.includes(`(service broken) (deployment ${deployment?.id ?? ''}) deployment failed: tasks failed to start.`));
    // No COMPLETED deployment to roll back to: the deployment stays FAILED and launches stop.
    assert.equal(failed.deployments?.length, 1);
    // Its tasks were launched as a service's: group, startedBy, the definition's tags propagated.
    const listed = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'broken', desiredStatus: 'STOPPED' }));
    const described = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: (listed.taskArns ?? []).slice(0, 1), include: ['TAGS'] }));
    const launched = described.tasks?.[0];
    assert.equal(launched?.group, 'service:broken');
    assert.equal(launched?.startedBy, deployment?.id);
    assert.equal(launched?.stopCode, 'TaskFailedToStart');
    assert.deepEqual(launched?.tags, [{ key: 'from', value: 'definition' }]);
  });
});
