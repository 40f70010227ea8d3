// Berth under the load balancer benchmarks, through the AWS APIs only: the httpd test image pushed, a VPC
// with two subnets in two zones, the ALB's and the tasks' security groups, a target group, an ALB with an
// HTTP listener, and the backends (an ECS service, or RunTask'd tasks registered with RegisterTargets
// when services are not served yet); then waiting for healthy targets, and undoing all of it.
import { Agent } from 'node:http';
import { AttachInternetGatewayCommand, AuthorizeSecurityGroupIngressCommand, CreateInternetGatewayCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, DescribeTasksCommand, ECSClient,
  ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type HealthCheck, type Service } from '@aws-sdk/client-ecs';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DeleteListenerCommand, DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand, DescribeLoadBalancersCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand, RegisterTargetsCommand, type TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { pushTestImages } from '../test/e2e/task-runner-support.ts';
import { pollUntil } from './task-runtimes.ts';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const REPOSITORY = 'bench-lb-images';
export const HTTPD_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${REPOSITORY}:httpd`;
/** The httpd test image's web root holds this file (test/images/test-images.ts appLayer). */
export const SMALL_FILE = { path: '/index.html', body: 'hello from bth httpd\n' };
const CONTAINER = 'web';
const CONTAINER_PORT = 8080;

/** The CIDRs this benchmark owns (other suites and tests use others), one subnet per zone: an ALB needs two zones. */
export const LB_VPC_CIDR = '10.77.0.0/16';
const LB_SUBNETS = [{ cidr: '10.77.0.0/20', zone: `${REGION}a` }, { cidr: '10.77.16.0/20', zone: `${REGION}b` }];

export interface LbPlan {
  cluster: string;
  name: string;
  desiredCount: number;
  /** Target group health check intervals to try, in order (the first Berth accepts is used). */
  healthCheckIntervals: number[];
  /** Container health check intervals to try, in order; none: no container health check. */
  containerHealthCheckIntervals?: number[];
  deregistrationDelaySeconds: number;
  /** 'tasks-if-needed': when CreateService is not served, RunTask and RegisterTargets instead. */
  backends: 'service' | 'tasks-if-needed';
}

export interface LbEnvironment {
  vpcId: string;
  loadBalancerArn: string;
  dnsName: string;
  listenerPort: number;
  targetGroupArn: string;
  /** The task definition family; revisions registered by registerRevision(). */
  family: string;
  backends: 'service' | 'tasks';
  healthCheckIntervalSeconds: number;
  containerHealthCheckIntervalSeconds?: number;
}

export function sdkConfig(endpoint: string, sockets = 16) {
  return {
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: sockets }), connectionTimeout: 5_000, requestTimeout: 30_000 }),
  };
}

/** True for an operation Berth's model knows but does not serve yet. */
export function notServed(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NotImplemented' || error.name === 'InvalidAction' || error.name === 'UnknownOperationException');
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** The load balancer benchmark's resources in one Berth; every method talks to it through the SDK. */
export class LbBerth {
  readonly ecs: ECSClient;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly #ec2: EC2Client;
  readonly #ecr: ECRClient;
  readonly #endpoint: string;
  readonly #plan: LbPlan;
  readonly #notes: string[];
  #env: Partial<LbEnvironment> & { listenerArn?: string; subnetIds?: string[]; taskGroupId?: string } = {};
  /** Tasks RunTask started (the 'tasks' backends). */
  #runTaskArns: string[] = [];
  #healthCheck: HealthCheck | undefined;
  #revision = 0;

  constructor(endpoint: string, plan: LbPlan, notes: string[]) {
    this.ecs = new ECSClient(sdkConfig(endpoint));
    this.elb = new ElasticLoadBalancingV2Client(sdkConfig(endpoint));
    this.#ec2 = new EC2Client(sdkConfig(endpoint));
    this.#ecr = new ECRClient(sdkConfig(endpoint));
    this.#endpoint = endpoint;
    this.#plan = plan;
    this.#notes = notes;
  }

  get vpcId(): string | undefined {
    return this.#env.vpcId;
  }

  /** Everything up to healthy targets; progress lines on the way. */
  async prepare(layoutDir: string, progress: (line: string) => void, beforeLoadBalancer: () => Promise<void> = async () => {}): Promise<LbEnvironment> {
    const plan = this.#plan;
    await this.#ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
    await pushTestImages(this.#endpoint, REPOSITORY, layoutDir);
    await this.ecs.send(new CreateClusterCommand({ clusterName: plan.cluster }));
    const vpc = await this.#ec2.send(new CreateVpcCommand({ CidrBlock: LB_VPC_CIDR }));
    const vpcId = vpc.Vpc?.VpcId ?? '';
    this.#env.vpcId = vpcId;
    const subnetIds: string[] = [];
    for (const s of LB_SUBNETS) {
      const out = await this.#ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: s.cidr, AvailabilityZone: s.zone }));
      subnetIds.push(out.Subnet?.SubnetId ?? '');
    }
    this.#env.subnetIds = subnetIds;
    // An internet-facing load balancer needs its VPC to have an internet gateway (AWS's InvalidSubnet otherwise).
    const gateway = await this.#ec2.send(new CreateInternetGatewayCommand({}));
    await this.#ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: gateway.InternetGateway?.InternetGatewayId ?? '', VpcId: vpcId }));
    const albGroup = await this.#group(vpcId, `${plan.name}-alb`, 'the benchmark ALB');
    await this.#ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: albGroup, IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ] }));
    const taskGroup = await this.#group(vpcId, `${plan.name}-tasks`, 'the benchmark backends');
    // The ALB reaches the tasks as its own group; the host (direct and nginx peers) from the bridge's gateway addresses.
    await this.#ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: taskGroup, IpPermissions: [
      { IpProtocol: 'tcp', FromPort: CONTAINER_PORT, ToPort: CONTAINER_PORT, UserIdGroupPairs: [{ GroupId: albGroup }] },
      { IpProtocol: 'tcp', FromPort: CONTAINER_PORT, ToPort: CONTAINER_PORT, IpRanges: [{ CidrIp: LB_VPC_CIDR, Description: 'the host' }] },
    ] }));
    this.#env.taskGroupId = taskGroup;
    progress(`Berth: image pushed, ${vpcId} with ${subnetIds.join(', ')}, security groups ${albGroup} (ALB), ${taskGroup} (tasks)`);
    await beforeLoadBalancer();

    const { arn: targetGroupArn, interval } = await this.#targetGroup(vpcId);
    this.#env.targetGroupArn = targetGroupArn;
    this.#env.healthCheckIntervalSeconds = interval;
    await this.elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: targetGroupArn, Attributes: [
      { Key: 'deregistration_delay.timeout_seconds', Value: String(plan.deregistrationDelaySeconds) },
    ] }));
    const lb = await this.elb.send(new CreateLoadBalancerCommand({
      Name: `${plan.name}-alb`, Subnets: subnetIds, SecurityGroups: [albGroup], Scheme: 'internet-facing', Type: 'application',
    }));
    const loadBalancerArn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    this.#env.loadBalancerArn = loadBalancerArn;
    const listener = await this.elb.send(new CreateListenerCommand({
      LoadBalancerArn: loadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
    }));
    this.#env.listenerArn = listener.Listeners?.[0]?.ListenerArn ?? '';
    this.#env.listenerPort = 80;
    const active = await pollUntil(async () => {
      const out = await this.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [loadBalancerArn] }));
      const state = out.LoadBalancers?.[0]?.State?.Code;
      this.#env.dnsName = out.LoadBalancers?.[0]?.DNSName;
      return state === 'active';
    }, 60_000, 200);
    if (!active) throw new Error(`load balancer ${loadBalancerArn} not active within 60 s`);
    progress(`Berth: ALB ${this.#env.dnsName ?? '?'} active, target group health check every ${interval} s`);

    if (plan.containerHealthCheckIntervals !== undefined) this.#healthCheck = await this.#acceptedContainerHealthCheck(plan.containerHealthCheckIntervals);
    const taskDefinitionArn = await this.registerRevision();
    this.#env.family = plan.name;
    this.#env.backends = await this.#startBackends(taskDefinitionArn, subnetIds, taskGroup, targetGroupArn);
    progress(`Berth: ${plan.desiredCount} backends started (${this.#env.backends}); waiting for healthy targets`);
    const healthy = await this.waitHealthy(plan.desiredCount, 240_000);
    if (healthy.length < plan.desiredCount) throw new Error(`only ${healthy.length} of ${plan.desiredCount} targets healthy within 240 s`);
    return this.#env as LbEnvironment;
  }

  async #group(vpcId: string, name: string, description: string): Promise<string> {
    const out = await this.#ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: description }));
    return out.GroupId ?? '';
  }

  /** Tries each interval (AWS's ALB range is 5–300 s; the timeout must be less than the interval); notes rejections. */
  async #targetGroup(vpcId: string): Promise<{ arn: string; interval: number }> {
    const rejected: string[] = [];
    for (const interval of this.#plan.healthCheckIntervals) {
      try {
        const out = await this.elb.send(new CreateTargetGroupCommand({
          Name: `${this.#plan.name}-targets`, Protocol: 'HTTP', Port: CONTAINER_PORT, VpcId: vpcId, TargetType: 'ip',
          HealthCheckPath: SMALL_FILE.path, HealthCheckIntervalSeconds: interval, HealthCheckTimeoutSeconds: Math.max(1, Math.min(2, interval - 1)),
          HealthyThresholdCount: 2, UnhealthyThresholdCount: 2, Matcher: { HttpCode: '200' },
        }));
        if (rejected.length > 0) this.#notes.push(`Target group health check interval: ${rejected.join('; ')}; used ${interval} s.`);
        return { arn: out.TargetGroups?.[0]?.TargetGroupArn ?? '', interval };
      } catch (error) {
        if (error instanceof Error && error.name === 'ValidationError') rejected.push(`${interval} s rejected (${describe(error)})`);
        else throw error;
      }
    }
    throw new Error(`every health check interval was rejected: ${rejected.join('; ')}`);
  }

  /** Registers a throw-away task definition per interval until Berth accepts one (ECS's range is 5–300 s). */
  async #acceptedContainerHealthCheck(intervals: number[]): Promise<HealthCheck> {
    const rejected: string[] = [];
    for (const interval of intervals) {
      const healthCheck: HealthCheck = {
        command: ['CMD-SHELL', `wget -q -O /dev/null http://127.0.0.1:${CONTAINER_PORT}${SMALL_FILE.path} || exit 1`],
        interval, timeout: 2, retries: 3, startPeriod: 0,
      };
      try {
        await this.ecs.send(new RegisterTaskDefinitionCommand(this.#taskDefinition(`${this.#plan.name}-probe`, healthCheck, 0)));
        if (rejected.length > 0) this.#notes.push(`Container health check interval: ${rejected.join('; ')}; used ${interval} s.`);
        this.#env.containerHealthCheckIntervalSeconds = interval;
        return healthCheck;
      } catch (error) {
        if (error instanceof Error && (error.name === 'ClientException' || error.name === 'InvalidParameterException')) rejected.push(`${interval} s rejected (${describe(error)})`);
        else throw error;
      }
    }
    throw new Error(`every container health check interval was rejected: ${rejected.join('; ')}`);
  }

  #taskDefinition(family: string, healthCheck: HealthCheck | undefined, revision: number) {
    return {
      family, networkMode: 'awsvpc' as const, requiresCompatibilities: ['FARGATE' as const], cpu: '256', memory: '512',
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
      containerDefinitions: [{
        name: CONTAINER, image: HTTPD_IMAGE, essential: true, stopTimeout: 2,
        portMappings: [{ containerPort: CONTAINER_PORT, protocol: 'tcp' as const }],
        // Each revision differs, as a real deploy's would; the answer (the small file) does not.
        environment: [{ name: 'BENCH_REVISION', value: String(revision) }],
        ...(healthCheck === undefined ? {} : { healthCheck }),
      }],
    };
  }

  /** Registers the next revision of the backends' task definition; its ARN. */
  async registerRevision(): Promise<string> {
    this.#revision++;
    const out = await this.ecs.send(new RegisterTaskDefinitionCommand(this.#taskDefinition(this.#plan.name, this.#healthCheck, this.#revision)));
    return out.taskDefinition?.taskDefinitionArn ?? '';
  }

  async #startBackends(taskDefinition: string, subnets: string[], group: string, targetGroupArn: string): Promise<'service' | 'tasks'> {
    const plan = this.#plan;
    const network = { awsvpcConfiguration: { subnets, securityGroups: [group], assignPublicIp: 'DISABLED' as const } };
    try {
      await this.ecs.send(new CreateServiceCommand({
        cluster: plan.cluster, serviceName: plan.name, taskDefinition, desiredCount: plan.desiredCount, launchType: 'FARGATE',
        networkConfiguration: network, loadBalancers: [{ targetGroupArn, containerName: CONTAINER, containerPort: CONTAINER_PORT }],
        deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: true, rollback: true } },
      }));
      return 'service';
    } catch (error) {
      if (plan.backends !== 'tasks-if-needed' || !notServed(error)) throw error;
      this.#notes.push(`CreateService is not served by this Berth (${describe(error)}): the backends are RunTask'd tasks registered with RegisterTargets.`);
    }
    const out = await this.ecs.send(new RunTaskCommand({ cluster: plan.cluster, taskDefinition, count: plan.desiredCount, launchType: 'FARGATE', networkConfiguration: network }));
    if ((out.failures ?? []).length > 0) throw new Error(`RunTask failures: ${JSON.stringify(out.failures)}`);
    this.#runTaskArns = (out.tasks ?? []).map((t) => t.taskArn ?? '');
    let ips: string[] = [];
    const running = await pollUntil(async () => {
      const tasks = (await this.ecs.send(new DescribeTasksCommand({ cluster: plan.cluster, tasks: this.#runTaskArns }))).tasks ?? [];
      if (tasks.some((t) => t.lastStatus === 'STOPPED')) throw new Error('a backend task stopped');
      ips = tasks.map((t) => t.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value ?? '');
      return tasks.every((t) => t.lastStatus === 'RUNNING');
    }, 120_000, 100);
    if (!running) throw new Error('the backend tasks were not RUNNING within 120 s');
    await this.elb.send(new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: ips.map((Id) => ({ Id, Port: CONTAINER_PORT })) }));
    return 'tasks';
  }

  async targetHealth(): Promise<TargetHealthDescription[]> {
    const out = await this.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: this.#env.targetGroupArn }));
    return out.TargetHealthDescriptions ?? [];
  }

  /** Polls DescribeTargetHealth until `count` targets are healthy (bounded); the healthy ones' addresses. */
  async waitHealthy(count: number, timeoutMs: number): Promise<{ address: string; port: number }[]> {
    let healthy: { address: string; port: number }[] = [];
    await pollUntil(async () => {
      healthy = (await this.targetHealth()).filter((d) => d.TargetHealth?.State === 'healthy')
        .map((d) => ({ address: d.Target?.Id ?? '', port: d.Target?.Port ?? CONTAINER_PORT }));
      return healthy.length >= count;
    }, timeoutMs, 250);
    return healthy;
  }

  async service(): Promise<Service | undefined> {
    const out = await this.ecs.send(new DescribeServicesCommand({ cluster: this.#plan.cluster, services: [this.#plan.name] }));
    return out.services?.[0];
  }

  /**
   * Why a deployment went wrong, as the API tells it: the service's newest events and the stop reasons of
   * the deployment's stopped tasks (at most `limit` each).
   */
  async failureContext(deploymentId: string, limit = 5): Promise<string[]> {
    const lines: string[] = [];
    const service = await this.service();
    for (const event of (service?.events ?? []).slice(0, limit)) lines.push(`event: ${event.message ?? ''}`);
    const stopped = await this.ecs.send(new ListTasksCommand({ cluster: this.#plan.cluster, startedBy: deploymentId, desiredStatus: 'STOPPED' }));
    const arns = (stopped.taskArns ?? []).slice(0, limit);
    if (arns.length > 0) {
      for (const task of (await this.ecs.send(new DescribeTasksCommand({ cluster: this.#plan.cluster, tasks: arns }))).tasks ?? []) {
        const containers = (task.containers ?? []).map((c) => `${c.name ?? '?'}: exit ${c.exitCode ?? '—'} ${c.reason ?? ''} health ${c.healthStatus ?? '—'}`.trim()).join('; ');
        lines.push(`stopped task ${task.taskArn?.split('/').pop() ?? '?'}: ${task.stopCode ?? ''} ${task.stoppedReason ?? ''} (${containers})`);
      }
    }
    return lines;
  }

  /** Every task of the cluster (running and stopped): the leftover sweep looks for what they left. */
  async taskIds(): Promise<Set<string>> {
    const ids = new Set<string>(this.#runTaskArns.map((a) => a.split('/').pop() ?? ''));
    for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
      let nextToken: string | undefined;
      do {
        const out = await this.ecs.send(new ListTasksCommand({ cluster: this.#plan.cluster, desiredStatus, nextToken }));
        for (const arn of out.taskArns ?? []) ids.add(arn.split('/').pop() ?? '');
        nextToken = out.nextToken;
      } while (nextToken !== undefined);
    }
    return ids;
  }

  /**
   * Undoes what prepare() made, in dependency order: the backends (DeleteService force, or StopTask) and
   * their STOPPED, the listener, the load balancer, the target group. Throws with every step that failed.
   */
  async teardown(): Promise<void> {
    const failures: string[] = [];
    const step = async (what: string, work: () => Promise<unknown>): Promise<void> => {
      try {
        await work();
      } catch (error) {
        failures.push(`${what}: ${describe(error)}`);
      }
    };
    const cluster = this.#plan.cluster;
    if (this.#env.backends === 'service') await step('DeleteService', () => this.ecs.send(new DeleteServiceCommand({ cluster, service: this.#plan.name, force: true })));
    for (const arn of this.#runTaskArns) await step('StopTask', () => this.ecs.send(new StopTaskCommand({ cluster, task: arn, reason: 'bench done' })));
    // Listed after the delete: a replacement the scheduler started meanwhile is among them.
    const ids = await this.taskIds().catch(() => new Set<string>(this.#runTaskArns.map((a) => a.split('/').pop() ?? '')));
    if (ids.size > 0) {
      const arns = [...ids].map((id) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${cluster}/${id}`);
      let left: string[] = [];
      const stopped = await pollUntil(async () => {
        const tasks: { taskArn?: string; lastStatus?: string }[] = [];
        for (let i = 0; i < arns.length; i += 100) tasks.push(...((await this.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100) }))).tasks ?? []));
        left = tasks.filter((t) => t.lastStatus !== 'STOPPED').map((t) => t.taskArn?.split('/').pop() ?? '');
        return left.length === 0;
      }, 120_000, 250);
      if (!stopped) failures.push(`tasks not STOPPED within 120 s: ${left.join(', ')}`);
    }
    const { listenerArn, loadBalancerArn, targetGroupArn } = this.#env;
    if (listenerArn) await step('DeleteListener', () => this.elb.send(new DeleteListenerCommand({ ListenerArn: listenerArn })));
    if (loadBalancerArn) await step('DeleteLoadBalancer', () => this.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: loadBalancerArn })));
    if (targetGroupArn) await step('DeleteTargetGroup', () => this.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: targetGroupArn })));
    if (failures.length > 0) throw new Error(failures.join('; '));
  }

  destroy(): void {
    for (const client of [this.ecs, this.elb, this.#ec2, this.#ecr]) client.destroy();
  }
}
