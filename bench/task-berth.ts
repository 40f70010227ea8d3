// Berth under the tasks benchmark: the setup (the httpd test image pushed through Berth's registry,
// a cluster, a VPC and subnet, a Fargate task definition), RunTask→RUNNING as the client sees it
// (DescribeTasks polled), StopTask→STOPPED, and the server's resident memory.
import { readdirSync, readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand,
  type Task } from '@aws-sdk/client-ecs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { pushTestImages } from '../test/e2e/task-runner-support.ts';
import { eachLimited, pollUntil, type ContainerRuntime, type StartResult } from './task-runtimes.ts';

const REPOSITORY = 'bench-images';
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/${REPOSITORY}:httpd`;
const CLUSTER = 'bench';
const FAMILY = 'bench-httpd';
/** RunTask starts at most 10 tasks per call; DescribeTasks describes at most 100 per call. */
const RUN_TASK_MAX = 10;
const DESCRIBE_MAX = 100;
const POLL_MS = 20;
const RUNNING_TIMEOUT_MS = 120_000;
const STOPPED_TIMEOUT_MS = 120_000;

/** A CIDR unlikely to clash with the host's own networks (the VPC's bridge carries its gateway). */
export const BENCH_VPC_CIDR = '10.243.0.0/16';
const BENCH_SUBNET_CIDR = '10.243.0.0/20';

export interface BerthSetup {
  vpcId: string;
  subnetId: string;
}

function clientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
      connectionTimeout: 5_000,
      requestTimeout: 30_000,
    }),
  };
}

/** Pushes the test images (built into `layoutDir`), creates the cluster, network and task definition. */
export async function prepareBerth(endpoint: string, layoutDir: string): Promise<BerthSetup> {
  const ecr = new ECRClient(clientConfig(endpoint));
  const ec2 = new EC2Client(clientConfig(endpoint));
  const ecs = new ECSClient(clientConfig(endpoint));
  try {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
    await pushTestImages(endpoint, REPOSITORY, layoutDir);
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: BENCH_VPC_CIDR }));
    const vpcId = vpc.Vpc?.VpcId ?? '';
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: BENCH_SUBNET_CIDR }));
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: FAMILY, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      // Fargate requires an execution role to pull from ECR (AWS's ClientException otherwise); Berth records it.
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      // stopTimeout 2: httpd exits on SIGTERM at once; the bound only matters if it did not.
      containerDefinitions: [{ name: 'web', image: IMAGE, essential: true, stopTimeout: 2 }],
    }));
    return { vpcId, subnetId: subnet.Subnet?.SubnetId ?? '' };
  } finally {
    ecr.destroy();
    ec2.destroy();
    ecs.destroy();
  }
}

/** Berth's tasks through the ECS API; remembers every task id it started (for the leftover sweep). */
export class BerthTasks implements ContainerRuntime {
  readonly name = 'Berth';
  readonly startedTaskIds = new Set<string>();
  readonly #ecs: ECSClient;
  readonly #subnetId: string;
  readonly #pid: number;
  #live: string[] = [];

  /** The server's data directory: its containers' conmon monitors name their bundles under it. */
  readonly #dataDir: string;

  constructor(endpoint: string, setup: BerthSetup, pid: number, dataDir: string) {
    this.#dataDir = dataDir;
    this.#ecs = new ECSClient(clientConfig(endpoint));
    this.#subnetId = setup.subnetId;
    this.#pid = pid;
  }

  async start(count: number): Promise<StartResult> {
    const t0 = performance.now();
    const calls: number[] = [];
    for (let left = count; left > 0; left -= RUN_TASK_MAX) calls.push(Math.min(RUN_TASK_MAX, left));
    const failures: string[] = [];
    const arns: string[] = [];
    await Promise.all(calls.map(async (n) => {
      try {
        const out = await this.#ecs.send(new RunTaskCommand({
          cluster: CLUSTER, taskDefinition: FAMILY, launchType: 'FARGATE', count: n,
          networkConfiguration: { awsvpcConfiguration: { subnets: [this.#subnetId] } },
        }));
        for (const f of out.failures ?? []) failures.push(`RunTask failure: ${f.reason ?? '?'} ${f.detail ?? ''}`);
        for (const t of out.tasks ?? []) {
          if (t.taskArn === undefined) continue;
          arns.push(t.taskArn);
          this.#live.push(t.taskArn);
          this.startedTaskIds.add(t.taskArn.split('/').pop() ?? '');
        }
      } catch (error) {
        failures.push(`RunTask: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      }
    }));
    const seen = new Map<string, number>();
    const stopped = new Map<string, string>();
    await pollUntil(async () => {
      const pending = arns.filter((a) => !seen.has(a) && !stopped.has(a));
      for (const task of await this.#describe(pending)) {
        const at = performance.now();
        if (task.lastStatus === 'RUNNING') seen.set(task.taskArn ?? '', at - t0);
        else if (task.lastStatus === 'STOPPED' || task.lastStatus === 'DEPROVISIONING') {
          stopped.set(task.taskArn ?? '', `${task.stopCode ?? ''} ${task.stoppedReason ?? ''}`.trim());
        }
      }
      return seen.size + stopped.size === arns.length;
    }, RUNNING_TIMEOUT_MS, POLL_MS);
    for (const arn of arns) {
      if (seen.has(arn)) continue;
      const id = arn.split('/').pop() ?? arn;
      failures.push(stopped.has(arn) ? `task ${id} stopped before RUNNING: ${stopped.get(arn)}` : `task ${id} not RUNNING within ${RUNNING_TIMEOUT_MS / 1000} s`);
    }
    return { latenciesMs: [...seen.values()], failures };
  }

  /** StopTask for every task it started, then waits (bounded) until DescribeTasks says STOPPED for all. */
  async stopAll(): Promise<void> {
    const arns = this.#live;
    this.#live = [];
    await eachLimited(arns, 16, async (arn) => {
      await this.#ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: arn, reason: 'bench done' }));
    });
    let left = arns;
    const done = await pollUntil(async () => {
      const tasks = await this.#describe(left);
      left = tasks.filter((t) => t.lastStatus !== 'STOPPED').map((t) => t.taskArn ?? '');
      return left.length === 0;
    }, STOPPED_TIMEOUT_MS, 100);
    if (!done) throw new Error(`${left.length} Berth task(s) not STOPPED within ${STOPPED_TIMEOUT_MS / 1000} s`);
  }

  async #describe(arns: string[]): Promise<Task[]> {
    const tasks: Task[] = [];
    for (let i = 0; i < arns.length; i += DESCRIBE_MAX) {
      const out = await this.#ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns.slice(i, i + DESCRIBE_MAX) }));
      tasks.push(...(out.tasks ?? []));
    }
    return tasks;
  }

  /**
   * Berth's process's resident memory (KiB; the least of five readings 100 ms apart, so a garbage
   * collection between readings shows less), and its containers' monitors' (conmon, one per container,
   * reparented away from Berth, found by the bundle path under Berth's data directory): RSS, and PSS, which
   * shares the pages of the one conmon binary among them.
   */
  async memory(): Promise<{ serverKiB: number; childrenRssKiB: number; childrenPssKiB: number; children: number }> {
    let serverKiB = Infinity;
    for (let i = 0; i < 5; i++) {
      serverKiB = Math.min(serverKiB, readStatus(this.#pid)?.rssKiB ?? 0);
      await sleep(100);
    }
    let childrenRssKiB = 0;
    let childrenPssKiB = 0;
    let children = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === this.#pid) continue;
      if (!isMonitorOf(Number(entry), this.#dataDir)) continue;
      const status = readStatus(Number(entry));
      if (!status) continue;
      children++;
      childrenRssKiB += status.rssKiB;
      childrenPssKiB += readPss(Number(entry));
    }
    return { serverKiB, childrenRssKiB, childrenPssKiB, children };
  }

  destroy(): void {
    this.#ecs.destroy();
  }
}

/** Whether the process is a conmon whose bundle lies under `dataDir`. */
function isMonitorOf(pid: number, dataDir: string): boolean {
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return false;
  }
  const bundle = args[args.indexOf('-b') + 1] ?? '';
  return (args[0] ?? '').endsWith('conmon') && bundle.startsWith(`${dataDir}/`);
}

/** PPid and VmRSS from /proc/<pid>/status (undefined when the process is gone). */
function readStatus(pid: number): { ppid: number; rssKiB: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { ppid: field('PPid'), rssKiB: field('VmRSS') };
}

/** Pss from /proc/<pid>/smaps_rollup (Linux 4.14+), in KiB; 0 when unreadable. */
function readPss(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
