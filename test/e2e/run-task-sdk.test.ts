// The user story of a Fargate task through the official AWS SDK only: images pushed over the
// registry protocol, a log group, a task definition, RunTask (count 2) in a subnet, RUNNING with its
// ENI in EC2, HTTP from the host, the container's lines in CloudWatch Logs, cluster counts, StopTask,
// everything released; then the same in a second region (its task is found through the task-scope
// index). Needs root, runc, iproute2 and busybox-static; skips with the reason, except under CI=true.
// Traffic goes only to loopback and the namespaces this file creates.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { CloudWatchLogsClient, CreateLogGroupCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateSubnetCommand, CreateVpcCommand, DescribeNetworkInterfacesCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand, DescribeClustersCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand,
  RunTaskCommand, StopTaskCommand, type Task,
} from '@aws-sdk/client-ecs';
import { bridgeName } from '../../src/network/names.ts';
import { Cgroups } from '../../src/runtime/drivers/runc/cgroups.ts';
import { buildTestImages } from '../images/test-images.ts';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { RegistryClient, sha } from './registry-client.ts';
import { hostAccessGroup, taskHostSkipReason, tiniInstalled } from './task-runner-support.ts';
import { createExecutionRole } from './task-roles.ts';


const reason = await taskHostSkipReason('RunTask SDK tests');

const ACCOUNT = '123456789012';
const TINI = tiniInstalled();
const PUSHED_TAGS = ['httpd', 'loop'] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a registry push needs: RegistryClient has both; the second region's pushes go through regionRegistry. */
interface RegistryPush {
  pushBlob(repo: string, bytes: Buffer): Promise<{ status: number }>;
  putManifest(repo: string, reference: string, manifest: string, mediaType: string): Promise<{ status: number }>;
}

/**
 * A registry client for `<account>.dkr.ecr.<region>.localhost:<port>`, the host form that addresses a
 * region (src/registry/host.ts). fetch cannot set Host, and the host's resolver may not know
 * `*.localhost`, so this speaks HTTP with that Host and resolves it to loopback, as RFC 6761 says.
 */
function regionRegistry(host: string): RegistryPush {
  const send = (method: string, path: string, body: Buffer | string, contentType: string) => new Promise<{ status: number }>((resolve, reject) => {
    const req = request(`http://${host}${path}`, {
      method, headers: { 'content-type': contentType },
      lookup: (_name, _options, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]),
    }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
  return {
    pushBlob: (repo, bytes) => send('POST', `/v2/${repo}/blobs/uploads/?digest=${sha(bytes)}`, bytes, 'application/octet-stream'),
    putManifest: (repo, reference, manifest, mediaType) => send('PUT', `/v2/${repo}/manifests/${reference}`, manifest, mediaType),
  };
}

/** Pushes the httpd and loop images of the OCI layout at `layoutDir` to `repository`, tagged by name. */
async function pushImages(registry: RegistryPush, repository: string, layoutDir: string): Promise<void> {
  const blob = (digest: string) => readFile(join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length)));
  const index = JSON.parse(await readFile(join(layoutDir, 'index.json'), 'utf8')) as {
    manifests: { digest: string; mediaType: string; annotations?: Record<string, string> }[];
  };
  for (const tag of PUSHED_TAGS) {
    const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
    if (!entry) throw new Error(`test image ${tag} missing from the layout`);
    const manifest = await blob(entry.digest);
    const parsed = JSON.parse(manifest.toString('utf8')) as { config: { digest: string }; layers: { digest: string }[] };
    for (const digest of [parsed.config.digest, ...parsed.layers.map((l) => l.digest)]) {
      assert.equal((await registry.pushBlob(repository, await blob(digest))).status, 201, `blob ${digest} of ${tag}`);
    }
    assert.equal((await registry.putManifest(repository, tag, manifest.toString('utf8'), entry.mediaType)).status, 201, `manifest of ${tag}`);
  }
}

/** One region's clients and what the tests create in it. */
interface Region {
  name: string;
  ecs: ECSClient;
  ec2: EC2Client;
  logs: CloudWatchLogsClient;
  vpcId: string;
  subnetId: string;
  /** Lets the test's requests from the host in (security groups are enforced). */
  groupId: string;
  freeIps: number;
  logGroup: string;
}

const detail = (task: Task, name: string) => task.attachments?.[0]?.details?.find((d) => d.name === name)?.value ?? '';
const taskId = (task: Task) => (task.taskArn ?? '').split('/').pop() ?? '';

describe('RunTask through the SDK', { skip: reason ?? false }, () => {
  let server: TestServer;
  let layoutDir = '';
  const regions: Region[] = [];
  const taskIds: string[] = [];

  /** Repository with both images, log group, VPC and subnet, cluster `sdk` and task definition `sdk-web` in `name`. */
  async function prepare(name: string, vpcCidr: string, push: (uri: string) => RegistryPush): Promise<Region> {
    const config = server.clientConfigFor({ accessKeyId: 'test', secretAccessKey: 'test' }, name);
    // IAM is global: one execution role serves every Region's tasks.
    if (regions.length === 0) await createExecutionRole(config);
    const ecr = new ECRClient(config);
    const repository = await ecr.send(new CreateRepositoryCommand({ repositoryName: 'sdk-images' }));
    ecr.destroy();
    await pushImages(push(repository.repository?.repositoryUri ?? ''), 'sdk-images', layoutDir);
    const region: Region = {
      name, ecs: new ECSClient(config), ec2: new EC2Client(config), logs: new CloudWatchLogsClient(config),
      vpcId: '', subnetId: '', groupId: '', freeIps: 0, logGroup: '/ecs/sdk-web',
    };
    regions.push(region);
    await region.logs.send(new CreateLogGroupCommand({ logGroupName: region.logGroup }));
    const vpc = await region.ec2.send(new CreateVpcCommand({ CidrBlock: vpcCidr }));
    region.vpcId = vpc.Vpc?.VpcId ?? '';
    const subnet = await region.ec2.send(new CreateSubnetCommand({ VpcId: region.vpcId, CidrBlock: vpcCidr.replace(/\.0\.0\/16$/, '.1.0/24') }));
    region.subnetId = subnet.Subnet?.SubnetId ?? '';
    region.groupId = await hostAccessGroup(region.ec2, region.vpcId, vpcCidr);
    region.freeIps = await freeIps(region);
    await region.ecs.send(new CreateClusterCommand({ clusterName: 'sdk' }));
    // Real task definitions name ECR as AWS does; Berth resolves that host to its own registry in that region.
    const image = (tag: string) => `${ACCOUNT}.dkr.ecr.${name}.amazonaws.com/sdk-images:${tag}`;
    const awslogs = {
      logDriver: 'awslogs' as const,
      options: { 'awslogs-group': region.logGroup, 'awslogs-region': name, 'awslogs-stream-prefix': 'sdk' },
    };
    await region.ecs.send(new RegisterTaskDefinitionCommand({
      family: 'sdk-web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      // Fargate wants an execution role for ECR images and awslogs (fargate.ts); RegisterTaskDefinition does not look it up.
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
      containerDefinitions: [
        { name: 'web', image: image('httpd'), essential: true, stopTimeout: 2, logConfiguration: awslogs,
          ...(TINI ? { linuxParameters: { initProcessEnabled: true } } : {}) },
        { name: 'ticker', image: image('loop'), essential: false, stopTimeout: 2, logConfiguration: awslogs },
      ],
    }));
    return region;
  }

  async function freeIps(region: Region): Promise<number> {
    const found = await region.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [region.subnetId] }));
    return found.Subnets?.[0]?.AvailableIpAddressCount ?? -1;
  }

  async function describeTasks(region: Region, arns: string[]): Promise<Task[]> {
    const { tasks = [], failures = [] } = await region.ecs.send(new DescribeTasksCommand({ cluster: 'sdk', tasks: arns }));
    assert.deepEqual(failures, []);
    return arns.map((arn) => tasks.find((t) => t.taskArn === arn) ?? assert.fail(`task ${arn} missing`));
  }

  /**
   * Polls DescribeTasks (bounded) until every task is `to` (or STOPPED, which the caller then sees).
   * Returns the tasks and, per task, the ms from `since` to the first read that showed it past `from`
   * (how soon the runner took the change up) and to the first that showed it `to`.
   */
  async function waitFor(region: Region, arns: string[], from: string, to: string, since: number, ms = 30_000): Promise<{ tasks: Task[]; moved: number[]; took: number[] }> {
    const moved = new Map<string, number>();
    const took = new Map<string, number>();
    const deadline = Date.now() + ms;
    let tasks: Task[] = [];
    while (Date.now() < deadline) {
      tasks = await describeTasks(region, arns);
      const at = Math.round(performance.now() - since);
      for (const { taskArn = '', lastStatus } of tasks) {
        if (lastStatus !== from && !moved.has(taskArn)) moved.set(taskArn, at);
        if ((lastStatus === to || lastStatus === 'STOPPED') && !took.has(taskArn)) took.set(taskArn, at);
      }
      if (took.size === arns.length) return { tasks, moved: arns.map((arn) => moved.get(arn) ?? 0), took: arns.map((arn) => took.get(arn) ?? 0) };
      await sleep(5);
    }
    assert.fail(`tasks not ${to} in ${ms} ms: ${tasks.map((t) => t.lastStatus).join(', ')}`);
  }

  const millis = (values: number[]) => values.map((ms) => `${ms} ms`).join(', ');

  async function runTasks(region: Region, count: number, t: TestContext): Promise<Task[]> {
    const since = performance.now();
    const ran = await region.ecs.send(new RunTaskCommand({
      cluster: 'sdk', taskDefinition: 'sdk-web', launchType: 'FARGATE', count,
      networkConfiguration: { awsvpcConfiguration: { subnets: [region.subnetId], securityGroups: [region.groupId], assignPublicIp: 'ENABLED' } },
    }));
    assert.deepEqual(ran.failures, []);
    const arns = (ran.tasks ?? []).map((task) => task.taskArn ?? '');
    assert.equal(arns.length, count);
    taskIds.push(...(ran.tasks ?? []).map(taskId));
    const { tasks, moved, took } = await waitFor(region, arns, 'PROVISIONING', 'RUNNING', since);
    // Not asserted (timing): past PROVISIONING = the runner took the task up and attached its network.
    t.diagnostic(`${region.name}: RunTask→RUNNING ${millis(took)}; past PROVISIONING after ${millis(moved)} (DescribeTasks polled every 5 ms)`);
    for (const task of tasks) assert.equal(task.lastStatus, 'RUNNING', task.stoppedReason);
    return tasks;
  }

  /** StopTask each, then waits for STOPPED and checks what ECS shows of a user-stopped task and its ENI. */
  async function stopTasks(region: Region, tasks: Task[], t: TestContext): Promise<Task[]> {
    const since = performance.now();
    const answers = await Promise.all(tasks.map((task) => region.ecs.send(new StopTaskCommand({ cluster: 'sdk', task: task.taskArn, reason: 'done' }))));
    for (const answer of answers) assert.equal(answer.task?.desiredStatus, 'STOPPED');
    const { tasks: stopped, moved, took } = await waitFor(region, tasks.map((task) => task.taskArn ?? ''), 'RUNNING', 'STOPPED', since);
    // Not asserted (timing): past RUNNING = the runner took the stop up; STOPPED waits for the 2 s stopTimeout of sh.
    t.diagnostic(`${region.name}: StopTask→STOPPED ${millis(took)}; past RUNNING after ${millis(moved)}`);
    for (const task of stopped) {
      assert.equal(task.lastStatus, 'STOPPED');
      assert.equal(task.stopCode, 'UserInitiated');
      assert.equal(task.stoppedReason, 'done');
      const exits = Object.fromEntries((task.containers ?? []).map((c): [string, number | undefined] => [c.name ?? '', c.exitCode]));
      // sh as PID 1 has no default action for SIGTERM: killed after its stopTimeout. tini forwards SIGTERM to httpd.
      assert.deepEqual(exits, { web: TINI ? 143 : 137, ticker: 137 });
      const order = [task.createdAt, task.pullStartedAt, task.pullStoppedAt, task.startedAt, task.stoppingAt, task.executionStoppedAt, task.stoppedAt];
      for (const [i, at] of order.entries()) assert.ok(at instanceof Date, `timestamp ${i} is set`);
      for (let i = 1; i < order.length; i++) assert.ok((order[i]?.getTime() ?? 0) >= (order[i - 1]?.getTime() ?? 0), `timestamp ${i} is in order`);
      assert.equal(task.attachments?.[0]?.status, 'DELETED');
      await rejects(region.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [detail(task, 'networkInterfaceId')] })),
        'InvalidNetworkInterfaceID.NotFound');
    }
    assert.equal(await freeIps(region), region.freeIps, 'the subnet has its addresses back');
    return stopped;
  }

  /** The container's lines in `<prefix>/<container>/<task id>`, once there are at least `n` (bounded wait). */
  async function logLines(region: Region, container: string, id: string, n: number): Promise<string[]> {
    const deadline = Date.now() + 10_000;
    let messages: string[] = [];
    while (Date.now() < deadline) {
      const events = await region.logs.send(new GetLogEventsCommand({ logGroupName: region.logGroup, logStreamName: `sdk/${container}/${id}`, startFromHead: true }))
        .catch(() => ({ events: [] }));
      messages = (events.events ?? []).map((e) => e.message ?? '');
      if (messages.length >= n) return messages;
      await sleep(100);
    }
    assert.fail(`fewer than ${n} lines in sdk/${container}/${id}: ${JSON.stringify(messages)}`);
  }

  before(async () => {
    server = await startTestServer();
    layoutDir = await mkdtemp(join(tmpdir(), 'bth-sdk-layout-'));
    await buildTestImages(layoutDir);
  });

  after(async () => {
    for (const region of regions) {
      region.ecs.destroy();
      region.ec2.destroy();
      region.logs.destroy();
    }
    await server?.stop();
    await rm(layoutDir, { recursive: true, force: true });
  });

  test('two tasks run, are reachable, log, count in their cluster, and stop leaving nothing held', async (t) => {
    const region = await prepare('us-east-1', '10.244.0.0/16', () => new RegistryClient(server.url));
    const tasks = await runTasks(region, 2, t);

    const enis = tasks.map((task) => detail(task, 'networkInterfaceId'));
    for (const task of tasks) {
      const attachment = task.attachments?.[0];
      assert.equal(attachment?.type, 'ElasticNetworkInterface');
      assert.equal(attachment?.status, 'ATTACHED');
      assert.equal(detail(task, 'subnetId'), region.subnetId);
      assert.match(detail(task, 'networkInterfaceId'), /^eni-[0-9a-f]{17}$/);
      assert.match(detail(task, 'macAddress'), /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      assert.match(detail(task, 'privateIPv4Address'), /^10\.244\.1\.\d+$/);
      for (const c of task.containers ?? []) assert.equal(c.lastStatus, 'RUNNING', c.name);
    }
    assert.notEqual(detail(tasks[0] ?? {}, 'privateIPv4Address'), detail(tasks[1] ?? {}, 'privateIPv4Address'));
    assert.equal(await freeIps(region), region.freeIps - 2, 'each task holds one address of the subnet');

    const { NetworkInterfaces: interfaces = [] } = await region.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: enis }));
    assert.equal(interfaces.length, 2);
    for (const task of tasks) {
      const eni = interfaces.find((i) => i.NetworkInterfaceId === detail(task, 'networkInterfaceId'));
      assert.equal(eni?.SubnetId, region.subnetId);
      assert.equal(eni?.VpcId, region.vpcId);
      assert.equal(eni?.PrivateIpAddress, detail(task, 'privateIPv4Address'));
      assert.equal(eni?.MacAddress, detail(task, 'macAddress'));
      assert.equal(eni?.Status, 'in-use');
      const publicIp = eni?.Association?.PublicIp ?? assert.fail('assignPublicIp=ENABLED shows Association.PublicIp');
      const page = await fetch(`http://${publicIp}:8080/`, { signal: AbortSignal.timeout(5_000) });
      assert.equal(await page.text(), 'hello from bth httpd\n');
      assert.deepEqual((await logLines(region, 'ticker', taskId(task), 2)).slice(0, 2), ['tick 0', 'tick 1']);
    }

    const listed = await region.ecs.send(new ListTasksCommand({ cluster: 'sdk' }));
    assert.deepEqual([...listed.taskArns ?? []].sort(), tasks.map((task) => task.taskArn).sort());
    const running = await region.ecs.send(new DescribeClustersCommand({ clusters: ['sdk'] }));
    assert.equal(running.clusters?.[0]?.runningTasksCount, 2);
    assert.equal(running.clusters?.[0]?.pendingTasksCount, 0);

    await stopTasks(region, tasks, t);
    const stopped = await region.ecs.send(new ListTasksCommand({ cluster: 'sdk', desiredStatus: 'STOPPED' }));
    assert.deepEqual([...stopped.taskArns ?? []].sort(), tasks.map((task) => task.taskArn).sort());
    assert.deepEqual((await region.ecs.send(new ListTasksCommand({ cluster: 'sdk' }))).taskArns, []);
    const idle = await region.ecs.send(new DescribeClustersCommand({ clusters: ['sdk'] }));
    assert.equal(idle.clusters?.[0]?.runningTasksCount, 0);
  });

  test('a second region runs its own task from its own registry repository, VPC and log group', async (t) => {
    const region = await prepare('eu-west-1', '10.245.0.0/16', (uri) => {
      assert.match(uri, new RegExp(`^${ACCOUNT}\\.dkr\\.ecr\\.eu-west-1\\.localhost:\\d+/sdk-images$`));
      return regionRegistry(uri.slice(0, uri.indexOf('/')));
    });
    const [task] = await runTasks(region, 1, t);
    assert.ok(task);
    assert.match(detail(task, 'privateIPv4Address'), /^10\.245\.1\.\d+$/);
    assert.match(task.taskArn ?? '', /^arn:aws:ecs:eu-west-1:123456789012:task\/sdk\/[0-9a-f]{32}$/);
    const page = await fetch(`http://${detail(task, 'privateIPv4Address')}:8080/`, { signal: AbortSignal.timeout(5_000) });
    assert.equal(await page.text(), 'hello from bth httpd\n');
    assert.deepEqual((await logLines(region, 'ticker', taskId(task), 2)).slice(0, 2), ['tick 0', 'tick 1']);
    const east = regions[0] ?? assert.fail('the first region ran first');
    assert.deepEqual((await east.ecs.send(new ListTasksCommand({ cluster: 'sdk' }))).taskArns, [], 'regions do not see each other\'s tasks');
    await stopTasks(region, [task], t);
  });

  test('afterwards no namespace, link, mount, runc container or cgroup of these tasks remains', async () => {
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    const links = execFileSync('ip', ['-br', 'link'], { encoding: 'utf8' });
    const containers = execFileSync('runc', ['list', '-q'], { encoding: 'utf8' });
    const mounts = execFileSync('mount', [], { encoding: 'utf8' });
    const cgroups = new Cgroups();
    assert.equal(taskIds.length, 3);
    for (const id of taskIds) {
      assert.ok(!namespaces.includes(`bth-${id}`), `namespace of ${id}`);
      assert.ok(!links.includes(`bthv${id.slice(0, 11)}`), `veth of ${id}`);
      assert.ok(!containers.includes(`bth-${id}`), `runc container of ${id}`);
      assert.equal(await cgroups.taskExists(id), false, `cgroup of ${id}`);
    }
    assert.deepEqual(mounts.split('\n').filter((m) => m.includes(server.dataDir)), []);
    for (const region of regions) assert.ok(!links.includes(bridgeName(region.vpcId)), `the bridge of ${region.name}'s VPC goes with its last task`);
  });
});
