// What the seed labs' SDK tests share: the lab image pushed to Berth's registry under the name a task
// definition gives it, a VPC with public and private subnets in two zones (what the seeds assume exists),
// seed 002's ALB side (security groups, load balancer, target group, listener), HTTP to a listener or a
// task from the host, bounded polling, the whoami page's fields, a task's container PID, and the
// host-side leftovers of given tasks.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import {
  AttachInternetGatewayCommand, AuthorizeSecurityGroupIngressCommand, CreateInternetGatewayCommand, CreateSecurityGroupCommand, CreateSubnetCommand,
  CreateVpcCommand, DeleteInternetGatewayCommand, DeleteSecurityGroupCommand, DeleteSubnetCommand, DeleteVpcCommand, DetachInternetGatewayCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DeleteListenerCommand, DeleteLoadBalancerCommand, DeleteTargetGroupCommand,
  DescribeLoadBalancersCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client, ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeServicesCommand, ECSClient, type Service, type Task } from '@aws-sdk/client-ecs';
import { Cgroups } from '../../src/runtime/drivers/runc/cgroups.ts';
import { buildTestImages, type TestImageTag } from '../images/test-images.ts';
import type { Settings } from '../../src/config/settings.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { RegistryClient } from './registry-client.ts';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A test server with the clients the labs use and a scratch directory for image layouts; stop() undoes it all. */
export interface LabServer {
  server: TestServer;
  ecs: ECSClient;
  ec2: EC2Client;
  elbv2: ElasticLoadBalancingV2Client;
  logs: CloudWatchLogsClient;
  layoutDir: string;
  stop(): Promise<void>;
}

export async function startLabServer(layoutPrefix: string, settings: Partial<Settings> = {}): Promise<LabServer> {
  const server = await startTestServer(settings);
  const clients = {
    ecs: new ECSClient(server.clientConfig),
    ec2: new EC2Client(server.clientConfig),
    elbv2: new ElasticLoadBalancingV2Client(server.clientConfig),
    logs: new CloudWatchLogsClient(server.clientConfig),
  };
  const layoutDir = await mkdtemp(join(tmpdir(), layoutPrefix));
  return {
    server, ...clients, layoutDir,
    async stop() {
      for (const client of Object.values(clients)) client.destroy();
      await server.stop();
      await rm(layoutDir, { recursive: true, force: true });
    },
  };
}

/**
 * Creates the ECR repository and pushes one test image to it as `repository:tag` (the labs' `docker push`),
 * so a task definition names it as AWS does: `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`.
 */
export async function pushLabImage(server: TestServer, layoutDir: string, image: TestImageTag, repository: string, tag: string): Promise<string> {
  await buildTestImages(layoutDir);
  const ecr = new ECRClient(server.clientConfig);
  try {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repository }));
  } finally {
    ecr.destroy();
  }
  await pushLayoutImage(server.url, layoutDir, image, repository, tag);
  return `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${repository}:${tag}`;
}

/** Pushes the image tagged `image` in the OCI layout at `layoutDir` to `repository:tag` over the registry protocol. */
export async function pushLayoutImage(baseUrl: string, layoutDir: string, image: TestImageTag, repository: string, tag: string): Promise<void> {
  const registry = new RegistryClient(baseUrl);
  const blob = (digest: string) => readFile(join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length)));
  const index = JSON.parse(await readFile(join(layoutDir, 'index.json'), 'utf8')) as {
    manifests: { digest: string; mediaType: string; annotations?: Record<string, string> }[];
  };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === image) ?? assert.fail(`test image ${image} missing`);
  const manifest = await blob(entry.digest);
  const parsed = JSON.parse(manifest.toString('utf8')) as { config: { digest: string }; layers: { digest: string }[] };
  for (const digest of [parsed.config.digest, ...parsed.layers.map((l) => l.digest)]) {
    assert.equal((await registry.pushBlob(repository, await blob(digest))).status, 201, `blob ${digest} of ${image}`);
  }
  assert.equal((await registry.putManifest(repository, tag, manifest.toString('utf8'), entry.mediaType)).status, 201, `manifest of ${image}`);
}

/** A VPC as the ALB lab expects it ("a VPC with public and private subnets"): an internet gateway, two zones. */
export interface LabVpc {
  vpcId: string;
  internetGatewayId: string;
  publicSubnets: [string, string];
  privateSubnets: [string, string];
}

/**
 * Creates the VPC `cidr` (a /18 of the CIDRs this helper may use), a public and a private /24 in each of
 * us-east-1a and us-east-1b, and an attached internet gateway (an internet-facing ALB needs one).
 */
export async function createLabVpc(ec2: EC2Client, cidr: string): Promise<LabVpc> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }));
  const vpcId = vpc.Vpc?.VpcId ?? assert.fail('CreateVpc returned no VpcId');
  const [a, b] = cidr.split('.');
  const third = Number(cidr.split('.')[2]);
  const subnet = async (offset: number, zone: string) => {
    const created = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `${a}.${b}.${third + offset}.0/24`, AvailabilityZone: zone }));
    return created.Subnet?.SubnetId ?? assert.fail('CreateSubnet returned no SubnetId');
  };
  const publicSubnets: [string, string] = [await subnet(1, 'us-east-1a'), await subnet(2, 'us-east-1b')];
  const privateSubnets: [string, string] = [await subnet(11, 'us-east-1a'), await subnet(12, 'us-east-1b')];
  const gateway = await ec2.send(new CreateInternetGatewayCommand({}));
  const internetGatewayId = gateway.InternetGateway?.InternetGatewayId ?? assert.fail('CreateInternetGateway returned no id');
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: internetGatewayId, VpcId: vpcId }));
  return { vpcId, internetGatewayId, publicSubnets, privateSubnets };
}

/** Deletes what createLabVpc made (after the lab released every address in it). */
export async function deleteLabVpc(ec2: EC2Client, vpc: LabVpc): Promise<void> {
  await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: vpc.internetGatewayId, VpcId: vpc.vpcId }));
  await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: vpc.internetGatewayId }));
  for (const subnetId of [...vpc.publicSubnets, ...vpc.privateSubnets]) await whenReleased(`DeleteSubnet ${subnetId}`, () => ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId })));
  await ec2.send(new DeleteVpcCommand({ VpcId: vpc.vpcId }));
}

/** Retries `call` while EC2 answers DependencyViolation (an ENI still being released), for at most 30 s. */
export async function whenReleased(what: string, call: () => Promise<unknown>): Promise<void> {
  await eventually(what, async () => {
    try {
      await call();
      return true;
    } catch (error) {
      if ((error as { Code?: string }).Code === 'DependencyViolation' || (error as Error).name === 'DependencyViolation') return undefined;
      throw error;
    }
  }, 30_000, 500);
}

export interface HttpAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * GET `http://<host>[:port]<path>` the way curl does it: `host` goes in the Host header, the connection
 * goes to `connectTo` (the test server's load balancer address, or the host itself when it is an address).
 * One connection per request; rejects on a connection error or after `timeoutMs`.
 */
export function httpGet(host: string, path: string, options: { connectTo?: string; port?: number; timeoutMs?: number } = {}): Promise<HttpAnswer> {
  const connectTo = options.connectTo ?? host;
  return new Promise((resolve, reject) => {
    const req = request({
      host, port: options.port ?? 80, path, method: 'GET', agent: false,
      lookup: (_name, _options, callback) => callback(null, [{ address: connectTo, family: 4 }]),
      timeout: options.timeoutMs ?? 5_000,
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers }));
      response.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${host}${path} via ${connectTo}: no answer in ${options.timeoutMs ?? 5_000} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Where a load balancer's port-80 listener is reached: DNSName is `name` or `name:port` when 80 could not be bound. */
export function listenerAddress(dnsName: string): { host: string; port: number } {
  const match = /^(.+?)(?::(\d+))?$/.exec(dnsName) ?? assert.fail(`DNSName ${dnsName}`);
  return { host: match[1] ?? dnsName, port: match[2] ? Number(match[2]) : 80 };
}

/** The fields of the test image's /cgi-bin/whoami page (test/images/test-images.ts). */
export interface Whoami { host: string; rev: string; forwardedFor: string }

export function parseWhoami(body: string): Whoami | undefined {
  const match = /^host=(\S+) rev=(\S+) forwarded-for=(.+)$/m.exec(body);
  if (!match) return undefined;
  return { host: match[1] ?? '', rev: match[2] ?? '', forwardedFor: (match[3] ?? '').trim() };
}

/** ECS names a Fargate task's host after its private address: ip-10-78-1-5.ec2.internal in us-east-1. */
export function hostnameOf(privateIp: string): string {
  return `ip-${privateIp.replaceAll('.', '-')}.ec2.internal`;
}

export const detail = (task: Task, name: string): string => task.attachments?.[0]?.details?.find((d) => d.name === name)?.value ?? '';
export const taskIdOf = (arn: string): string => arn.split('/').pop() ?? '';

/** Polls `probe` every `everyMs` until it returns a value (not undefined), at most `ms`; fails with `what` and the last state. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms: number, everyMs = 250, last?: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms${last ? `; last seen: ${last()}` : ''}`);
    await sleep(everyMs);
  }
}

/** DescribeServices of one service (no failures). */
export async function describeService(ecs: ECSClient, cluster: string, service: string): Promise<Service> {
  const answer = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  assert.deepEqual(answer.failures ?? [], [], `DescribeServices ${service}`);
  return answer.services?.[0] ?? assert.fail(`DescribeServices returned no ${service}`);
}

/** The service's events, oldest first, as lines (for failure messages). */
export function eventLines(service: Service): string {
  return [...service.events ?? []].reverse().map((e) => `${e.createdAt?.toISOString() ?? ''} ${e.message ?? ''}`).join('\n');
}

/** The PID of a running container from its runtimeId (`bth-<task id>-<n>`), as `runc state` reports it. */
export function containerPid(runtimeId: string): number {
  const state = JSON.parse(execFileSync('runc', ['state', runtimeId], { encoding: 'utf8' })) as { pid?: number; status?: string };
  assert.equal(state.status, 'running', `runc state ${runtimeId}`);
  return state.pid ?? assert.fail(`runc state ${runtimeId} has no pid`);
}

/** What the host still holds of these tasks: namespaces, veths, runc containers, cgroups (empty = nothing). */
export async function taskLeftovers(taskIds: readonly string[]): Promise<string[]> {
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  const links = execFileSync('ip', ['-br', 'link'], { encoding: 'utf8' });
  const containers = execFileSync('runc', ['list', '-q'], { encoding: 'utf8' });
  const cgroups = new Cgroups();
  const left: string[] = [];
  for (const id of taskIds) {
    if (namespaces.includes(`bth-${id}`)) left.push(`namespace of ${id}`);
    if (links.includes(`bthv${id.slice(0, 11)}`)) left.push(`veth of ${id}`);
    if (containers.includes(`bth-${id}`)) left.push(`runc container of ${id}`);
    if (await cgroups.taskExists(id)) left.push(`cgroup of ${id}`);
  }
  return left;
}

/** Seed 002's load balancer side (L688–733): the two security groups, the ALB, the target group and the listener. */
export interface AlbStack {
  albSg: string;
  taskSg: string;
  loadBalancerArn: string;
  dnsName: string;
  targetGroupArn: string;
  listenerArn: string;
}

/**
 * Creates the ALB side of seed 002's exercise under `prefix` names (`<prefix>-alb-sg`, `<prefix>-alb`…): the ALB
 * security group open on 80, the tasks' group open on 8080 to the ALB's group only, an internet-facing ALB over the
 * public subnets, an HTTP 8080 ip target group checking /health, and an HTTP 80 listener forwarding to it. The
 * health check runs every 5 s (the seed's 15 s × healthy threshold 2 would hold each deployment 30 s), times out
 * in 2 s (ALB wants the timeout below the interval) and targets drain for 2 s instead of 300.
 */
export async function createAlbStack(ec2: EC2Client, elbv2: ElasticLoadBalancingV2Client, vpc: LabVpc, prefix: string): Promise<AlbStack> {
  const albSg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: `${prefix}-alb-sg`, Description: 'Security group for ECS ALB', VpcId: vpc.vpcId }))).GroupId ?? '';
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: albSg, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0' }));
  const taskSg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: `${prefix}-tasks-sg`, Description: 'Security group for ECS tasks', VpcId: vpc.vpcId }))).GroupId ?? '';
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: taskSg, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: albSg }] }],
  }));
  const created = await elbv2.send(new CreateLoadBalancerCommand({
    Name: `${prefix}-alb`, Subnets: [...vpc.publicSubnets], SecurityGroups: [albSg], Scheme: 'internet-facing', Type: 'application',
  }));
  const loadBalancer = created.LoadBalancers?.[0] ?? assert.fail('CreateLoadBalancer returned no load balancer');
  const targetGroup = (await elbv2.send(new CreateTargetGroupCommand({
    Name: `${prefix}-targets`, Protocol: 'HTTP', Port: 8080, VpcId: vpc.vpcId, TargetType: 'ip', HealthCheckPath: '/health',
    HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2, UnhealthyThresholdCount: 2,
  }))).TargetGroups?.[0] ?? assert.fail('CreateTargetGroup returned no target group');
  const targetGroupArn = targetGroup.TargetGroupArn ?? '';
  await elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: targetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '2' }] }));
  const listener = (await elbv2.send(new CreateListenerCommand({
    LoadBalancerArn: loadBalancer.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
  }))).Listeners?.[0] ?? assert.fail('CreateListener returned no listener');
  // DNSName is read back as the seed does (L730): where port 80 could not be bound it carries the port.
  const described = await elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [loadBalancer.LoadBalancerArn ?? ''] }));
  return {
    albSg, taskSg, loadBalancerArn: loadBalancer.LoadBalancerArn ?? '', dnsName: described.LoadBalancers?.[0]?.DNSName ?? '',
    targetGroupArn, listenerArn: listener.ListenerArn ?? '',
  };
}

/** Seed 002's cleanup of the ALB side (L969–980), then the security groups once the load balancer's ENIs are gone. */
export async function deleteAlbStack(ec2: EC2Client, elbv2: ElasticLoadBalancingV2Client, stack: AlbStack): Promise<void> {
  await elbv2.send(new DeleteListenerCommand({ ListenerArn: stack.listenerArn }));
  await elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: stack.targetGroupArn }));
  await elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: stack.loadBalancerArn }));
  // The seed sleeps 30 s "for ALB to release ENIs"; here the groups are deleted as soon as EC2 lets them go.
  for (const groupId of [stack.taskSg, stack.albSg]) await whenReleased(`DeleteSecurityGroup ${groupId}`, () => ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId })));
}

/** The targets of a target group by IP, with their state (DescribeTargetHealth). */
export async function targetStates(elbv2: ElasticLoadBalancingV2Client, targetGroupArn: string): Promise<Map<string, { state: string; reason?: string; description?: string }>> {
  const answer = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  return new Map((answer.TargetHealthDescriptions ?? []).map((d) => [d.Target?.Id ?? '', {
    state: d.TargetHealth?.State ?? '',
    ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
    ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {}),
  }]));
}
