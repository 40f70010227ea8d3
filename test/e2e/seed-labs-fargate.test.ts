// Seed 004's Fargate lab (shared/seeds/004, Steps 3–9, Validation and Cleanup) through the AWS SDK: a
// security group, a cluster, a log group, a task definition with awslogs, a service of one task with a
// public IP, waitUntilServicesStable, the task's ENI and Association.PublicIp, HTTP from the host, the
// log streams; then a task's container killed by PID is replaced by the scheduler; then scale to 0,
// DeleteService (force) → INACTIVE and everything deleted, nothing of the tasks left on the host.
// busybox httpd on 8080 stands in for nginx on 80 (test/images, image `httpd`). The default VPC's
// 172.31.0.0/16 would be a bridge beside other servers' on this host, so the lab's VPC is 10.78.0.0/18.
// Needs root, runc, conmon, iproute2 and busybox-static; skips with the reason, except under CI=true.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, DeleteLogGroupCommand, DescribeLogStreamsCommand, GetLogEventsCommand, PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, DeleteSecurityGroupCommand, DescribeNetworkInterfacesCommand, EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand, CreateServiceCommand, DeleteClusterCommand, DeleteServiceCommand, DeregisterTaskDefinitionCommand, DescribeTasksCommand,
  ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand, waitUntilServicesInactive, waitUntilServicesStable, waitUntilTasksStopped, type Task,
} from '@aws-sdk/client-ecs';
import type { TestServer } from './harness.ts';
import {
  ACCOUNT, containerPid, createLabVpc, deleteLabVpc, describeService, detail, eventLines, eventually, httpGet, pushLabImage, REGION,
  taskIdOf, taskLeftovers, type LabVpc,
  startLabServer, type LabServer,
} from './seed-labs-support.ts';
import { taskHostSkipReason } from './task-runner-support.ts';
import { createExecutionRole } from './task-roles.ts';

const reason = await taskHostSkipReason('the seed Fargate lab (SDK)');

const CLUSTER = 'fargate-lab-cluster'; // 004:463
const SERVICE = 'nginx-fargate-svc'; // 004:534
const LOG_GROUP = '/ecs/fargate-nginx-lab'; // 004:493
const FAMILY = 'fargate-nginx-lab';
const PAGE = 'hello from bth httpd\n';
/** Waiters poll every 1–2 s here instead of the model's 15 s; the bound is the test's, not AWS's 40 × 15 s. */
const WAIT = { minDelay: 1, maxDelay: 2, maxWaitTime: 90 };

describe('seed 004: the Fargate lab through the SDK', { skip: reason ?? false, timeout: 240_000 }, () => {
  let server: TestServer;
  let ecs: ECSClient;
  let ec2: EC2Client;
  let logs: CloudWatchLogsClient;
  let layoutDir = '';
  let vpc: LabVpc;
  let sgId = '';
  let firstTask: Task | undefined;
  const taskIds = new Set<string>();
  const taskArns = new Set<string>();

  let lab: LabServer | undefined;
  before(async () => {
    lab = await startLabServer('bth-fargate-lab-');
    ({ server, ecs, ec2, logs, layoutDir } = lab);
    await createExecutionRole(server.clientConfig);
  });
  after(async () => { await lab?.stop(); });

  async function serviceTasks(): Promise<Task[]> {
    const listed = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: SERVICE }));
    const arns = listed.taskArns ?? [];
    if (arns.length === 0) return [];
    const described = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }));
    for (const task of described.tasks ?? []) {
      taskIds.add(taskIdOf(task.taskArn ?? ''));
      taskArns.add(task.taskArn ?? '');
    }
    return described.tasks ?? [];
  }

  /** 004:556–567: the task's ENI → DescribeNetworkInterfaces → Association.PublicIp. */
  async function publicIpOf(task: Task): Promise<string> {
    const eniId = detail(task, 'networkInterfaceId');
    assert.match(eniId, /^eni-[0-9a-f]{17}$/);
    const { NetworkInterfaces: enis = [] } = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
    return enis[0]?.Association?.PublicIp ?? assert.fail(`assignPublicIp=ENABLED: ${eniId} has Association.PublicIp`);
  }

  test('Steps 3–9 and Validation: a service with a public IP answers curl from the host and logs', async (t) => {
    const image = await pushLabImage(server, layoutDir, 'httpd', 'fargate-lab/httpd', 'latest');
    vpc = await createLabVpc(ec2, '10.78.0.0/18');

    // Step 3: the seed opens tcp 80 to the reader's address; our httpd listens on 8080, and the host reaches
    // a task from its VPC bridge, so 8080 from anywhere (the seed's MY_IP needs checkip.amazonaws.com).
    const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'fargate-nginx-sg', Description: 'Allow HTTP to Fargate Nginx (lab)', VpcId: vpc.vpcId }));
    sgId = sg.GroupId ?? assert.fail('CreateSecurityGroup returned no GroupId');
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: sgId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'HTTP' }] }],
    }));

    // Steps 4, 6 and 7.
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: LOG_GROUP, retentionInDays: 7 }));
    const registered = await ecs.send(new RegisterTaskDefinitionCommand({
      family: FAMILY, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
      containerDefinitions: [{
        name: 'nginx', image, essential: true, portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        // -v: httpd logs each request to stderr, as nginx's access log goes to stdout in the seed's image.
        command: ['/bin/httpd', '-f', '-v', '-p', '8080', '-h', '/www'], stopTimeout: 2,
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': LOG_GROUP, 'awslogs-region': REGION, 'awslogs-stream-prefix': 'nginx' } },
      }],
    }));
    const taskDefinitionArn = registered.taskDefinition?.taskDefinitionArn ?? assert.fail('no taskDefinitionArn');

    // Step 8.
    const created = await ecs.send(new CreateServiceCommand({
      cluster: CLUSTER, serviceName: SERVICE, taskDefinition: taskDefinitionArn, desiredCount: 1, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [vpc.publicSubnets[0]], securityGroups: [sgId], assignPublicIp: 'ENABLED' } },
    }));
    assert.equal(created.service?.status, 'ACTIVE');
    assert.equal(created.service?.desiredCount, 1);
    assert.equal(created.service?.serviceArn, `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/${SERVICE}`);
    const stable = await waitUntilServicesStable({ client: ecs, ...WAIT }, { cluster: CLUSTER, services: [SERVICE] });
    assert.equal(stable.state, 'SUCCESS', JSON.stringify(stable.reason));

    const service = await describeService(ecs, CLUSTER, SERVICE);
    assert.equal(service.runningCount, 1, eventLines(service));
    // The waiter asks only for runningCount = desiredCount and one deployment. Its rolloutState turns COMPLETED
    // once the task counts as healthy — without a load balancer or health check, 40 s after RUNNING — which
    // seed-labs-deployments.test.ts checks with health checks instead of waiting here.
    assert.equal(service.deployments?.length, 1);

    // Step 9: list-tasks --service-name, describe-tasks → ENI, describe-network-interfaces → PublicIp.
    const tasks = await serviceTasks();
    assert.equal(tasks.length, 1);
    firstTask = tasks[0];
    const task = firstTask ?? assert.fail('one task');
    assert.equal(task.lastStatus, 'RUNNING');
    assert.equal(task.group, `service:${SERVICE}`);
    assert.match(task.startedBy ?? '', /^ecs-svc\/\d{19}$/);
    assert.equal(task.startedBy, service.deployments?.[0]?.id);
    const id = taskIdOf(task.taskArn ?? '');
    assert.ok(service.events?.some((e) => e.message === `(service ${SERVICE}) has started 1 tasks: (task ${id}).`), eventLines(service));
    const publicIp = await publicIpOf(task);

    // Validation: curl -i "http://$PUBLIC_IP/" (8080 here).
    const page = await httpGet(publicIp, '/', { port: 8080 });
    assert.equal(page.status, 200);
    assert.equal(page.body, PAGE);

    // aws logs describe-log-streams --order-by LastEventTime --descending; get-log-events of the stream.
    const stream = `nginx/nginx/${id}`;
    const streams = await eventually('the task\'s log stream', async () => {
      const found = await logs.send(new DescribeLogStreamsCommand({ logGroupName: LOG_GROUP, orderBy: 'LastEventTime', descending: true, limit: 5 }));
      return found.logStreams?.some((s) => s.logStreamName === stream) ? found.logStreams : undefined;
    }, 15_000);
    t.diagnostic(`log streams: ${streams.map((s) => s.logStreamName).join(', ')}`);
    const lines = await eventually('the request in the task\'s log', async () => {
      const events = await logs.send(new GetLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: stream, limit: 20 }));
      const messages = (events.events ?? []).map((e) => e.message ?? '');
      return messages.some((m) => m.endsWith('response:200')) ? messages : undefined;
    }, 15_000);
    t.diagnostic(`${stream}: ${lines.join(' | ')}`);
  });

  test('a task whose container is killed (by its PID) is replaced: a new task RUNNING, the old one STOPPED', async () => {
    const old = firstTask ?? assert.fail('the lab ran first');
    const runtimeId = old.containers?.[0]?.runtimeId ?? assert.fail('the container has a runtimeId');
    assert.match(runtimeId, new RegExp(`^bth-${taskIdOf(old.taskArn ?? '')}-`));
    process.kill(containerPid(runtimeId), 'SIGKILL');

    const replacement = await eventually('a replacement task RUNNING', async () => {
      const tasks = await serviceTasks();
      return tasks.find((t) => t.taskArn !== old.taskArn && t.lastStatus === 'RUNNING');
    }, 60_000, 250);
    const [stopped] = (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [old.taskArn ?? ''] }))).tasks ?? [];
    assert.equal(stopped?.lastStatus, 'STOPPED');
    assert.equal(stopped?.stopCode, 'EssentialContainerExited');
    assert.equal(stopped?.stoppedReason, 'Essential container in task exited');
    assert.equal(stopped?.containers?.[0]?.exitCode, 137, 'SIGKILL');

    const service = await eventually('the service back at one running task', async () => {
      const s = await describeService(ecs, CLUSTER, SERVICE);
      return s.runningCount === 1 && s.pendingCount === 0 ? s : undefined;
    }, 30_000);
    const newId = taskIdOf(replacement.taskArn ?? '');
    assert.ok(service.events?.some((e) => e.message === `(service ${SERVICE}) has started 1 tasks: (task ${newId}).`), eventLines(service));
    const page = await httpGet(await publicIpOf(replacement), '/', { port: 8080 });
    assert.equal(page.body, PAGE);
  });

  test('Cleanup: scale to 0, delete-service --force → INACTIVE, the cluster, log group, security group and VPC deleted', async () => {
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, desiredCount: 0 }));
    const drained = await waitUntilServicesStable({ client: ecs, ...WAIT }, { cluster: CLUSTER, services: [SERVICE] });
    assert.equal(drained.state, 'SUCCESS', JSON.stringify(drained.reason));
    assert.deepEqual(await serviceTasks(), []);
    const stopped = await waitUntilTasksStopped({ client: ecs, ...WAIT }, { cluster: CLUSTER, tasks: [...taskArns] });
    assert.equal(stopped.state, 'SUCCESS', JSON.stringify(stopped.reason));

    const deleted = await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: SERVICE, force: true }));
    assert.ok(['DRAINING', 'INACTIVE'].includes(deleted.service?.status ?? ''), `DeleteService answered ${deleted.service?.status}`);
    const inactive = await waitUntilServicesInactive({ client: ecs, ...WAIT }, { cluster: CLUSTER, services: [SERVICE] });
    assert.equal(inactive.state, 'SUCCESS', JSON.stringify(inactive.reason));
    assert.equal((await describeService(ecs, CLUSTER, SERVICE)).status, 'INACTIVE');

    await ecs.send(new DeleteClusterCommand({ cluster: CLUSTER }));
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: `${FAMILY}:1` }));
    await logs.send(new DeleteLogGroupCommand({ logGroupName: LOG_GROUP }));
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: sgId }));
    await deleteLabVpc(ec2, vpc);
  });

  test('nothing of the lab\'s tasks is left on the host', async () => {
    assert.equal(taskIds.size, 2, 'the first task and its replacement');
    assert.deepEqual(await taskLeftovers([...taskIds]), []);
  });
});
