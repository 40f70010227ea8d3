// Seed 002's hands-on exercise (shared/seeds/002, L662–983) through the AWS SDK: the cluster, the ALB and
// task security groups (8080 open to the ALB's group only), an internet-facing ALB over two public
// subnets, a target group HTTP 8080 (ip) checking /health, an HTTP 80 listener, the task definition with
// the seed's CMD-SHELL `curl -f http://localhost:8080/health || exit 1` health check, a service of 2
// tasks in the private subnets with the circuit breaker, waitUntilServicesStable, DescribeServices, GET
// http://$ALB_DNS/ and /health, round robin over both tasks, then scale to 0, DeleteService (force) and
// every resource deleted. busybox httpd on 8080 stands in for the seed's API image (test/images, image
// `httpd`, pushed as the seed's kubedojo/ecr-exercise:v1.0.0); health checks run every 5 s instead of
// 15/30 s. The load balancer listens on 127.78.1.1, this file's own loopback address.
// Needs root, runc, conmon, iproute2, nft and busybox-static; skips with the reason, except under CI=true.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand, CreateServiceCommand, DeleteClusterCommand, DeleteServiceCommand, DeregisterTaskDefinitionCommand, DescribeTasksCommand,
  ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand, waitUntilServicesInactive, waitUntilServicesStable, waitUntilTasksStopped, type Task,
} from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TestServer } from './harness.ts';
import {
  ACCOUNT, createAlbStack, createLabVpc, deleteAlbStack, deleteLabVpc, describeService, detail, eventLines, eventually, hostnameOf, httpGet,
  listenerAddress, parseWhoami, pushLabImage, REGION, taskIdOf, taskLeftovers, targetStates, type AlbStack, type LabVpc,
  startLabServer, type LabServer,
} from './seed-labs-support.ts';
import { taskHostSkipReason } from './task-runner-support.ts';
import { createTaskRole, EXECUTION_ROLE_POLICY_ARN } from './task-roles.ts';

const reason = await taskHostSkipReason('the seed ALB lab (SDK)');

const LOAD_BALANCER_HOST = '127.78.1.1';
const CLUSTER = 'kubedojo-exercise'; // L664
const SERVICE = 'api-service';
const WAIT = { minDelay: 1, maxDelay: 2, maxWaitTime: 120 };

describe('seed 002: the ALB exercise through the SDK', { skip: reason ?? false, timeout: 240_000 }, () => {
  let server: TestServer;
  let ecs: ECSClient;
  let ec2: EC2Client;
  let elbv2: ElasticLoadBalancingV2Client;
  let layoutDir = '';
  let vpc: LabVpc;
  let stack: AlbStack;
  const taskIds = new Set<string>();
  const taskArns = new Set<string>();

  let lab: LabServer | undefined;
  before(async () => {
    lab = await startLabServer('bth-alb-lab-', { loadBalancerHost: LOAD_BALANCER_HOST });
    ({ server, ecs, ec2, elbv2, layoutDir } = lab);
    // The seed's task definition asks for awslogs-create-group, which needs logs:CreateLogGroup on the execution role
    // ("Your IAM policy must include the logs:CreateLogGroup permission", awslogs docs); the seed's role lacks it, so
    // on AWS (and on Berth) its task would stop with AccessDeniedException. Added here, beyond the seed.
    await createTaskRole(server.clientConfig, 'ecsTaskExecutionRole', {
      managed: [EXECUTION_ROLE_POLICY_ARN],
      inline: { CreateLogGroup: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: '*' }] } },
    });
    await createTaskRole(server.clientConfig, 'api-task-role');
  });
  after(async () => { await lab?.stop(); });

  /** curl http://${ALB_DNS}<path>: the DNS name in the Host header, the connection to this server's load balancer address. */
  function throughAlb(path: string) {
    const { host, port } = listenerAddress(stack.dnsName);
    return httpGet(host, path, { connectTo: LOAD_BALANCER_HOST, port });
  }

  async function serviceTasks(): Promise<Task[]> {
    const arns = (await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: SERVICE }))).taskArns ?? [];
    if (arns.length === 0) return [];
    const tasks = (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks ?? [];
    for (const task of tasks) {
      taskIds.add(taskIdOf(task.taskArn ?? ''));
      taskArns.add(task.taskArn ?? '');
    }
    return tasks;
  }

  test('Tasks 1–4: the cluster, the ALB side, the task definition and a service of 2 tasks answer through the ALB, round robin', async (t) => {
    const image = await pushLabImage(server, layoutDir, 'httpd', 'kubedojo/ecr-exercise', 'v1.0.0');
    assert.equal(image, `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/kubedojo/ecr-exercise:v1.0.0`, 'the seed\'s ${REGISTRY}/kubedojo/ecr-exercise:v1.0.0');
    vpc = await createLabVpc(ec2, '10.78.64.0/18');

    await ecs.send(new CreateClusterCommand({
      clusterName: CLUSTER, settings: [{ name: 'containerInsights', value: 'enabled' }],
      configuration: { executeCommandConfiguration: { logging: 'DEFAULT' } },
    }));
    stack = await createAlbStack(ec2, elbv2, vpc, 'ecs-exercise');
    assert.match(stack.dnsName, /^ecs-exercise-alb-\d+\.us-east-1\.elb\.localhost(:\d+)?$/);

    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'ecs-exercise', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`, taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/api-task-role`,
      containerDefinitions: [{
        name: 'api', image, essential: true, portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        environment: [{ name: 'APP_ENV', value: 'exercise' }], stopTimeout: 2,
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/ecs-exercise', 'awslogs-region': REGION, 'awslogs-stream-prefix': 'api', 'awslogs-create-group': 'true' } },
        // The seed's check, every 5 s instead of 30 (its startPeriod 30 shortened to 10 with it).
        healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'], interval: 5, timeout: 5, retries: 3, startPeriod: 10 },
        linuxParameters: { initProcessEnabled: true },
      }],
    }));

    const created = await ecs.send(new CreateServiceCommand({
      cluster: CLUSTER, serviceName: SERVICE, taskDefinition: 'ecs-exercise:1', desiredCount: 2, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [...vpc.privateSubnets], securityGroups: [stack.taskSg], assignPublicIp: 'DISABLED' } },
      loadBalancers: [{ targetGroupArn: stack.targetGroupArn, containerName: 'api', containerPort: 8080 }],
      enableExecuteCommand: true,
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: true, rollback: true } },
    }));
    assert.equal(created.service?.status, 'ACTIVE');
    assert.deepEqual(created.service?.loadBalancers, [{ targetGroupArn: stack.targetGroupArn, containerName: 'api', containerPort: 8080 }]);

    const stable = await waitUntilServicesStable({ client: ecs, ...WAIT }, { cluster: CLUSTER, services: [SERVICE] });
    assert.equal(stable.state, 'SUCCESS', JSON.stringify(stable.reason));
    const service = await describeService(ecs, CLUSTER, SERVICE);
    assert.equal(service.desiredCount, 2);
    assert.equal(service.runningCount, 2, eventLines(service));
    assert.equal(service.status, 'ACTIVE');
    t.diagnostic(`events[:3]: ${(service.events ?? []).slice(0, 3).map((e) => e.message).join(' | ')}`);

    // The waiter asks only for 2 RUNNING tasks and one deployment: the seed's CMD-SHELL check and the target
    // group's check pass a few seconds later. Both tasks HEALTHY, both targets healthy, one task per zone.
    let tasks: Task[] = [];
    let targets = new Map<string, { state: string }>();
    await eventually('both tasks HEALTHY and both targets healthy', async () => {
      tasks = await serviceTasks();
      targets = await targetStates(elbv2, stack.targetGroupArn);
      const healthy = tasks.length === 2 && tasks.every((task) => task.healthStatus === 'HEALTHY') && targets.size === 2 && [...targets.values()].every((target) => target.state === 'healthy');
      return healthy ? true : undefined;
    }, 60_000, 500, () => JSON.stringify({ tasks: tasks.map((task) => [task.lastStatus, task.healthStatus, task.containers?.[0]?.healthStatus]), targets: Object.fromEntries(targets) }));
    for (const task of tasks) {
      assert.equal(task.lastStatus, 'RUNNING');
      assert.equal(task.containers?.[0]?.healthStatus, 'HEALTHY');
    }
    assert.deepEqual(new Set(tasks.map((task) => task.availabilityZone)), new Set(['us-east-1a', 'us-east-1b']), 'Fargate spreads a service over its subnets\' zones');
    const ips = tasks.map((task) => detail(task, 'privateIPv4Address'));
    assert.deepEqual([...targets.keys()].sort(), [...ips].sort(), 'the target group holds exactly the two tasks');
    // One event for both, or one per task (ECS shows a repeated message once).
    const registered = [1, 2].map((n) => `(service ${SERVICE}) registered ${n} targets in (target-group ${stack.targetGroupArn})`);
    assert.ok(service.events?.some((e) => registered.includes(e.message ?? '')), eventLines(service));

    // curl http://${ALB_DNS}/ and /health.
    const root = await throughAlb('/');
    assert.equal(root.status, 200);
    assert.equal(root.body, 'hello from bth httpd\n');
    const health = await throughAlb('/health');
    assert.equal(health.status, 200);
    assert.equal(health.body, 'ok\n');

    // Round robin: each task's page names its host (ECS names a task after its private address).
    const seen = new Map<string, number>();
    for (let i = 0; i < 10; i++) {
      const answer = await throughAlb('/cgi-bin/whoami');
      assert.equal(answer.status, 200, answer.body);
      const page = parseWhoami(answer.body) ?? assert.fail(`not the whoami page: ${answer.body}`);
      // The load balancer says who the client was: this process, on loopback.
      assert.match(page.forwardedFor, /^127\.\d+\.\d+\.\d+$/, answer.body);
      seen.set(page.host, (seen.get(page.host) ?? 0) + 1);
    }
    t.diagnostic(`answers per task: ${JSON.stringify(Object.fromEntries(seen))}`);
    assert.deepEqual([...seen.keys()].sort(), ips.map(hostnameOf).sort(), 'both tasks answered');
    assert.deepEqual([...seen.values()], [5, 5], 'round robin alternates');
  });

  test('Cleanup: scale to 0, wait, delete-service --force, the listener, target group, ALB, security groups, task definition', async () => {
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, desiredCount: 0 }));
    const drained = await waitUntilServicesStable({ client: ecs, ...WAIT }, { cluster: CLUSTER, services: [SERVICE] });
    assert.equal(drained.state, 'SUCCESS', JSON.stringify(drained.reason));
    assert.deepEqual(await serviceTasks(), []);
    const stopped = await waitUntilTasksStopped({ client: ecs, ...WAIT }, { cluster: CLUSTER, tasks: [...taskArns] });
    assert.equal(stopped.state, 'SUCCESS', JSON.stringify(stopped.reason));
    // Before stopping them the scheduler drained the tasks' targets (2 s): deregistration ended with them.
    assert.deepEqual([...(await targetStates(elbv2, stack.targetGroupArn)).keys()], []);
    const service = await describeService(ecs, CLUSTER, SERVICE);
    // With no target left, the ALB answers 503 itself (AWS's fixed page for an empty target group).
    assert.equal((await throughAlb('/')).status, 503);

    await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: SERVICE, force: true }));
    const inactive = await waitUntilServicesInactive({ client: ecs, ...WAIT }, { cluster: CLUSTER, services: [SERVICE] });
    assert.equal(inactive.state, 'SUCCESS', JSON.stringify(inactive.reason));
    await ecs.send(new DeleteClusterCommand({ cluster: CLUSTER }));

    // L969: delete-listener --listener-arn $(aws elbv2 describe-listeners … --query 'Listeners[0].ListenerArn').
    const listeners = await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: stack.loadBalancerArn }));
    assert.equal(listeners.Listeners?.[0]?.ListenerArn, stack.listenerArn);
    await deleteAlbStack(ec2, elbv2, stack);
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'ecs-exercise:1' }));
    // Nothing listens for the load balancer any more.
    await eventually('the listener closed', async () => throughAlb('/').then(() => undefined, () => true), 10_000);
    await deleteLabVpc(ec2, vpc);
    // ECS says so when it deregisters a service's tasks before stopping them (checked last: the rest is independent).
    assert.ok(service.events?.some((e) => /^\(service api-service\) has begun draining connections on [12] tasks\.$/.test(e.message ?? '')), eventLines(service));
  });

  test('nothing of the service\'s tasks is left on the host', async () => {
    assert.equal(taskIds.size, 2);
    assert.deepEqual(await taskLeftovers([...taskIds]), []);
  });
});
