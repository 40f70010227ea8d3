// Container health checks under the Docker driver (`driver: 'docker'`): the checks run through the Engine's
// exec API, a passing one makes the task HEALTHY in DescribeTasks, one that outlives its timeout fails and its
// process is killed. Runs against Debian's docker.io engine that this file starts (test/support/dockerd.ts).
// Needs root, dockerd and busybox-static; skips with the reason, except under CI=true.
// Traffic: none (the checks run inside the containers); the API on loopback; the engine's network is
// 10.74.128.0/18, created here.
import assert from 'node:assert/strict';
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand, DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type ContainerDefinition, type Task,
} from '@aws-sdk/client-ecs';
import { DEFAULT_SETTINGS } from '../../src/config/settings.ts';
import { startBerth, type RunningBerth } from '../../src/main.ts';
import { busyboxAvailable } from '../images/test-images.ts';
import { dockerdSkipReason, TestDockerd } from '../support/dockerd.ts';
import { pushTestImages } from './task-runner-support.ts';
import { createExecutionRole } from './task-roles.ts';

const reason = dockerdSkipReason('Docker driver health check tests') ?? (await busyboxAvailable() ? undefined : 'busybox-static is not installed');
if (reason === 'busybox-static is not installed' && process.env['CI'] === 'true') throw new Error(`Docker driver health check tests cannot run in CI: ${reason}`);

const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-health:loop';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Host processes whose command line is exactly `argv` (the engine's exec'd processes are host processes). */
async function processesRunning(argv: string[]): Promise<number> {
  let count = 0;
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline === `${argv.join('\0')}\0`) count++;
  }
  return count;
}

describe('Docker driver: container health checks', { skip: reason ?? false, timeout: 180_000 }, () => {
  let dockerd: TestDockerd;
  let berth: RunningBerth;
  let ecs: ECSClient;
  let dataDir = '';
  let layoutDir = '';
  let subnetId = '';

  before(async () => {
    dockerd = await TestDockerd.start();
    dataDir = await mkdtemp(join(tmpdir(), 'bth-docker-health-'));
    layoutDir = await mkdtemp(join(tmpdir(), 'bth-docker-health-layout-'));
    berth = await startBerth({ ...DEFAULT_SETTINGS, port: 0, dataDir, remotePulls: false, driver: 'docker', dockerHost: dockerd.host, loadBalancerHost: '127.0.74.75' },
      { log: () => undefined, taskRunnerIntervalMs: 100 });
    const config = { endpoint: berth.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
    await createExecutionRole(config);
    const ecr = new ECRClient(config);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'docker-health' }));
    ecr.destroy();
    await pushTestImages(berth.url, 'docker-health', layoutDir);
    const ec2 = new EC2Client(config);
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.74.128.0/18' }));
    subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc?.VpcId, CidrBlock: '10.74.129.0/24' }))).Subnet?.SubnetId ?? '';
    ec2.destroy();
    ecs = new ECSClient(config);
    await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
  });

  after(async () => {
    ecs?.destroy();
    await berth?.stop({ removeTasks: true });
    await dockerd?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(layoutDir, { recursive: true, force: true });
  });

  async function runTask(family: string, container: ContainerDefinition): Promise<string> {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole', containerDefinitions: [container],
    }));
    const ran = await ecs.send(new RunTaskCommand({
      cluster: 'default', taskDefinition: family, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: [subnetId] } },
    }));
    return ran.tasks?.[0]?.taskArn ?? assert.fail(JSON.stringify(ran.failures));
  }

  async function until(taskArn: string, done: (task: Task) => boolean, ms = 60_000): Promise<Task> {
    const deadline = Date.now() + ms;
    let task: Task | undefined;
    while (Date.now() < deadline) {
      task = (await ecs.send(new DescribeTasksCommand({ cluster: 'default', tasks: [taskArn] }))).tasks?.[0];
      if (task && done(task)) return task;
      if (task?.lastStatus === 'STOPPED') assert.fail(`stopped: ${task.stoppedReason}`);
      await sleep(200);
    }
    throw new Error(`timed out; last ${JSON.stringify(task)}`);
  }

  test('a passing CMD-SHELL check through the exec API makes the task HEALTHY; a check past its timeout fails and is killed', async () => {
    const [passing, hanging] = await Promise.all([
      runTask('docker-hc-pass', {
        name: 'app', image: IMAGE, stopTimeout: 2, healthCheck: { command: ['CMD-SHELL', 'test -x /app/loop.sh && echo fine'], interval: 5, retries: 2 },
      }),
      runTask('docker-hc-hang', { name: 'app', image: IMAGE, stopTimeout: 2, healthCheck: { command: ['CMD', '/bin/sleep', '37'], interval: 5, timeout: 2, retries: 1 } }),
    ]);
    const healthy = await until(passing, (t) => t.healthStatus === 'HEALTHY');
    assert.equal(healthy.containers?.[0]?.healthStatus, 'HEALTHY');
    const unhealthy = await until(hanging, (t) => t.healthStatus === 'UNHEALTHY');
    assert.equal(unhealthy.containers?.[0]?.healthStatus, 'UNHEALTHY');
    assert.equal(unhealthy.lastStatus, 'RUNNING');
    // The probe that timed out was killed; the next one starts an interval later.
    await sleep(500);
    assert.equal(await processesRunning(['/bin/sleep', '37']), 0, 'the timed-out check still runs');
    for (const task of [passing, hanging]) await ecs.send(new StopTaskCommand({ cluster: 'default', task }));
    await Promise.all([passing, hanging].map((task) => until(task, (t) => t.lastStatus === 'STOPPED')));
  });
});
