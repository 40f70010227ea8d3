// Rolling deployments of seed 002's service behind its ALB (the same resources as seed-labs-alb.test.ts,
// through the AWS SDK), under request load through the load balancer:
//   - a healthy revision rolls out without losing a request (every answer 200, counted);
//   - a revision whose container exits at once trips the circuit breaker, which rolls back to the last
//     completed deployment (FAILED, rolloutStateReason, events as AWS words them), requests unharmed;
//   - a revision that fails its health checks (its /health answers 404) never gets a request.
// Each revision's page says which revision and task answered (test/images, /cgi-bin/whoami). Health checks
// run every 5 s, targets drain for 2 s, containers stop within 2 s. The load balancer listens on 127.78.2.1.
// Needs root, runc, conmon, iproute2, nft and busybox-static; skips with the reason, except under CI=true.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand, CreateServiceCommand, DeleteClusterCommand, DeleteServiceCommand, DescribeTasksCommand, ECSClient, ListTasksCommand,
  RegisterTaskDefinitionCommand, UpdateServiceCommand, waitUntilServicesInactive, waitUntilServicesStable, waitUntilTasksStopped, type ContainerDefinition, type Deployment,
  type Service, type Task,
} from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TestServer } from './harness.ts';
import {
  ACCOUNT, createAlbStack, createLabVpc, deleteAlbStack, deleteLabVpc, describeService, detail, eventLines, eventually, httpGet, listenerAddress,
  parseWhoami, pushLabImage, REGION, sleep, taskIdOf, taskLeftovers, targetStates, type AlbStack, type LabVpc,
  startLabServer, type LabServer,
} from './seed-labs-support.ts';
import { taskHostSkipReason } from './task-runner-support.ts';
import { createExecutionRole } from './task-roles.ts';

const reason = await taskHostSkipReason('the rolling deployment tests');

const LOAD_BALANCER_HOST = '127.78.2.1';
const CLUSTER = 'deployments';
const SERVICE = 'api-service';
const FAMILY = 'api';
const WAIT = { minDelay: 1, maxDelay: 2, maxWaitTime: 120 };
const tdArn = (revision: number) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${FAMILY}:${revision}`;

/** One answer through the load balancer: its status and which revision and task served it, or why it failed. */
interface Answer { status: number; rev?: string; host?: string; error?: string }

/** Requests through the load balancer every `everyMs`, at most `max` of them, until stopped. */
class RequestLoad {
  readonly answers: Answer[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #timer: NodeJS.Timeout;

  constructor(send: () => Promise<Answer>, everyMs: number, max: number) {
    let sent = 0;
    this.#timer = setInterval(() => {
      if (sent >= max) return;
      sent++;
      const request = send().then((answer) => { this.answers.push(answer); }, (error: Error) => { this.answers.push({ status: 0, error: error.message }); });
      this.#inFlight.add(request);
      void request.finally(() => this.#inFlight.delete(request));
    }, everyMs);
  }

  async stop(): Promise<Answer[]> {
    clearInterval(this.#timer);
    await Promise.all([...this.#inFlight]);
    return this.answers;
  }
}

/** What a run of answers says: how many, which failed (the first few), per revision. */
function summary(answers: Answer[]): { failed: Answer[]; byRev: Record<string, number> } {
  const byRev: Record<string, number> = {};
  for (const a of answers) if (a.rev) byRev[a.rev] = (byRev[a.rev] ?? 0) + 1;
  return { failed: answers.filter((a) => a.status !== 200 || !a.rev), byRev };
}

describe('rolling deployments behind the ALB, under load', { skip: reason ?? false, timeout: 420_000 }, () => {
  let server: TestServer;
  let ecs: ECSClient;
  let ec2: EC2Client;
  let elbv2: ElasticLoadBalancingV2Client;
  let layoutDir = '';
  let vpc: LabVpc;
  let stack: AlbStack;
  /** The deployment of revision 2 once it completed: what the circuit breaker rolls back to. */
  let completedV2 = '';
  /** Set when revision 1 answers through the ALB: the deployment tests need it (else they fail at once, not after their waits). */
  let ready = false;

  let lab: LabServer | undefined;
  before(async () => {
    lab = await startLabServer('bth-deployments-', { loadBalancerHost: LOAD_BALANCER_HOST });
    ({ server, ecs, ec2, elbv2, layoutDir } = lab);
    await createExecutionRole(server.clientConfig);
  });
  after(async () => { await lab?.stop(); });

  async function whoamiThroughAlb(): Promise<Answer> {
    const { host, port } = listenerAddress(stack.dnsName);
    const answer = await httpGet(host, '/cgi-bin/whoami', { connectTo: LOAD_BALANCER_HOST, port });
    const page = parseWhoami(answer.body);
    return { status: answer.status, ...(page ? { rev: page.rev, host: page.host } : { error: answer.body.slice(0, 200) }) };
  }

  async function tasksOf(desiredStatus: 'RUNNING' | 'STOPPED'): Promise<Task[]> {
    const arns = (await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: SERVICE, desiredStatus }))).taskArns ?? [];
    if (arns.length === 0) return [];
    return (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks ?? [];
  }

  /** Polls DescribeServices until the service is back to one COMPLETED deployment of `revision` running 2, calling `observe` on each look. */
  async function settleOn(revision: number, observe: (service: Service) => Promise<void> = async () => {}, ms = 150_000): Promise<Service> {
    let last: Service | undefined;
    return eventually(`one COMPLETED deployment of ${FAMILY}:${revision} running 2 tasks`, async () => {
      last = await describeService(ecs, CLUSTER, SERVICE);
      await observe(last);
      const [only, ...others] = last.deployments ?? [];
      const done = others.length === 0 && only?.taskDefinition === tdArn(revision) && only.rolloutState === 'COMPLETED' && last.runningCount === 2 && last.pendingCount === 0;
      return done ? last : undefined;
    }, ms, 300, () => `${JSON.stringify(last?.deployments)}\n${last ? eventLines(last) : ''}`);
  }

  function revision(rev: string, image: string, extra: Partial<ContainerDefinition> = {}) {
    return new RegisterTaskDefinitionCommand({
      family: FAMILY, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
      containerDefinitions: [{
        name: 'api', image, essential: true, portMappings: [{ containerPort: 8080, protocol: 'tcp' }], stopTimeout: 2,
        environment: [{ name: 'REV', value: rev }],
        // Seed 002's container health check, every 5 s.
        healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'], interval: 5, timeout: 5, retries: 3, startPeriod: 10 },
        linuxParameters: { initProcessEnabled: true },
        ...extra,
      }],
    });
  }

  test('revision 1 runs as a service of 2 tasks behind the ALB', async () => {
    const image = await pushLabImage(server, layoutDir, 'httpd', 'kubedojo/ecr-exercise', 'v1.0.0');
    vpc = await createLabVpc(ec2, '10.78.128.0/18');
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    stack = await createAlbStack(ec2, elbv2, vpc, 'deploy');
    await ecs.send(revision('v1', image));
    await ecs.send(revision('v2', image));
    // Exits at once: never serves, never becomes healthy.
    await ecs.send(revision('v3', image, { command: ['/bin/sh', '-c', 'echo "v3 cannot start"; exit 1'] }));
    // Serves every page but /health, so both the target group's check and the container's see it fail (404).
    await ecs.send(revision('v4', image, { command: ['/bin/sh', '-c', 'rm /www/health && exec /bin/httpd -f -p 8080 -h /www'] }));

    await ecs.send(new CreateServiceCommand({
      cluster: CLUSTER, serviceName: SERVICE, taskDefinition: `${FAMILY}:1`, desiredCount: 2, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [...vpc.privateSubnets], securityGroups: [stack.taskSg], assignPublicIp: 'DISABLED' } },
      loadBalancers: [{ targetGroupArn: stack.targetGroupArn, containerName: 'api', containerPort: 8080 }],
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: true, rollback: true } },
    }));
    const stable = await waitUntilServicesStable({ client: ecs, ...WAIT }, { cluster: CLUSTER, services: [SERVICE] });
    assert.equal(stable.state, 'SUCCESS', JSON.stringify(stable.reason));
    // The waiter does not wait for health. A rollout starts from a healthy service: deployment 1 COMPLETED (its
    // tasks' container health checks HEALTHY — until then ECS may stop them at once, as not healthy) and both
    // targets healthy.
    await settleOn(1);
    await eventually('both targets healthy', async () => {
      const targets = await targetStates(elbv2, stack.targetGroupArn);
      return targets.size === 2 && [...targets.values()].every((target) => target.state === 'healthy') ? true : undefined;
    }, 60_000, 500);
    const answer = await whoamiThroughAlb();
    assert.equal(answer.rev, 'v1', JSON.stringify(answer));
    ready = true;
  });

  test('a healthy revision rolls out under constant load without losing a request', async (t) => {
    assert.ok(ready, 'revision 1 did not come up behind the ALB');
    const load = new RequestLoad(whoamiThroughAlb, 20, 5_000);
    await sleep(500);
    const updated = await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, taskDefinition: `${FAMILY}:2` }));
    const primary = updated.service?.deployments?.find((d) => d.status === 'PRIMARY');
    assert.equal(primary?.taskDefinition, tdArn(2));
    assert.equal(primary?.rolloutState, 'IN_PROGRESS');
    assert.equal(primary?.rolloutStateReason, `ECS deployment ${primary?.id ?? ''} in progress.`);
    let service: Service;
    try {
      service = await settleOn(2);
      await sleep(500);
    } finally {
      await load.stop();
    }
    const [deployment] = service.deployments ?? [];
    completedV2 = deployment?.id ?? '';
    const { failed, byRev } = summary(load.answers);
    t.diagnostic(`${load.answers.length} requests during the deployment, ${failed.length} failed; by revision ${JSON.stringify(byRev)}`);
    assert.deepEqual(failed.slice(0, 5), [], `${failed.length} of ${load.answers.length} requests failed`);
    assert.ok((byRev.v1 ?? 0) > 0 && (byRev.v2 ?? 0) > 0, 'the load spanned the deployment');
    assert.equal(load.answers.at(-1)?.rev, 'v2');

    assert.equal(completedV2, primary?.id);
    assert.equal(deployment?.rolloutStateReason, `ECS deployment ${completedV2} completed.`);
    assert.ok(service.events?.some((e) => e.message === `(service ${SERVICE}) (deployment ${completedV2}) deployment completed.`), eventLines(service));
    for (const task of await tasksOf('RUNNING')) assert.equal(task.taskDefinitionArn, tdArn(2));
    const stopped = (await tasksOf('STOPPED')).filter((task) => task.taskDefinitionArn === tdArn(1));
    assert.equal(stopped.length, 2);
    for (const task of stopped) {
      assert.equal(task.stopCode, 'ServiceSchedulerInitiated');
      assert.match(task.stoppedReason ?? '', /^Scaling activity initiated by \(deployment ecs-svc\/\d{19}\)$/);
    }
  });

  test('a revision whose container exits at once trips the circuit breaker and rolls back, requests unharmed', async (t) => {
    assert.ok(ready && completedV2 !== '', 'revision 2 did not complete');
    const load = new RequestLoad(whoamiThroughAlb, 50, 3_000);
    const seen = new Map<string, Deployment>();
    const reasons = new Set<string>();
    const updated = await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, taskDefinition: `${FAMILY}:3` }));
    const failing = updated.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id ?? assert.fail('no PRIMARY deployment');
    let service: Service;
    try {
      service = await settleOn(2, async (s) => {
        for (const d of s.deployments ?? []) {
          seen.set(d.id ?? '', d);
          if (d.rolloutStateReason) reasons.add(`${d.id ?? ''} ${d.taskDefinition?.split('/').pop() ?? ''} ${d.status ?? ''} ${d.rolloutState ?? ''}: ${d.rolloutStateReason}`);
        }
      });
    } finally {
      await load.stop();
    }
    t.diagnostic(`rollout states seen:\n${[...reasons].join('\n')}`);
    const failed = seen.get(failing) ?? assert.fail('the failing deployment was seen');
    assert.equal(failed.taskDefinition, tdArn(3));
    // A FAILED deployment without tasks leaves the list as soon as the rollback starts: a poll may miss that state.
    // When it was seen, it says why; the events below say it either way.
    if (failed.rolloutState !== 'IN_PROGRESS') {
      assert.equal(failed.rolloutState, 'FAILED');
      assert.equal(failed.rolloutStateReason, 'ECS deployment circuit breaker: tasks failed to start.');
      // Threshold: 0.5 × desiredCount, at least 3.
      assert.ok((failed.failedTasks ?? 0) >= 3, `failedTasks ${failed.failedTasks}`);
    }
    const rollback = [...seen.values()].find((d) => d.taskDefinition === tdArn(2) && d.rolloutStateReason?.startsWith('ECS deployment circuit breaker'));
    if (rollback) assert.equal(rollback.rolloutStateReason, `ECS deployment circuit breaker: rolling back to deploymentId ${completedV2}.`);
    // AWS words the failure with or without the deployment (both appear in real services' events).
    const failedEvent = new RegExp(`^\\(service ${SERVICE}\\) (\\(deployment ${failing}\\) )?deployment failed: tasks failed to start\\.$`);
    assert.ok(service.events?.some((e) => failedEvent.test(e.message ?? '')), eventLines(service));
    assert.ok(service.events?.some((e) => e.message === `(service ${SERVICE}) rolling back to deployment ${completedV2}.`), eventLines(service));

    // Only the failing revision fails: the rollback to revision 2, whose tasks are healthy, completes at once.
    const failedDeployments = [...seen.values()].filter((d) => d.rolloutState === 'FAILED');
    assert.ok(failedDeployments.every((d) => d.taskDefinition === tdArn(3)), `rollout states seen:\n${[...reasons].join('\n')}`);

    // The tasks that failed exited by themselves; one still starting when the rollback began is stopped by the scheduler.
    const revision3 = (await tasksOf('STOPPED')).filter((task) => task.taskDefinitionArn === tdArn(3));
    const exited = revision3.filter((task) => task.stoppedReason === 'Essential container in task exited');
    assert.ok(exited.length >= 3, `${exited.length} tasks of revision 3 exited: ${revision3.map((task) => task.stoppedReason).join(' | ')}`);
    for (const task of exited) {
      assert.equal(task.stopCode, 'EssentialContainerExited');
      assert.equal(task.containers?.[0]?.exitCode, 1);
      assert.equal(task.startedBy, failing);
    }
    for (const task of revision3.filter((t) => !exited.includes(t))) assert.match(task.stoppedReason ?? '', /^Scaling activity initiated by \(deployment ecs-svc\/\d{19}\)$/);
    const { failed: lost, byRev } = summary(load.answers);
    t.diagnostic(`${load.answers.length} requests meanwhile, ${lost.length} failed; by revision ${JSON.stringify(byRev)}`);
    assert.deepEqual(lost.slice(0, 5), []);
    assert.deepEqual(Object.keys(byRev), ['v2']);
  });

  test('a revision failing its health checks is never given a request', async (t) => {
    assert.ok(ready, 'revision 1 did not come up behind the ALB');
    const load = new RequestLoad(whoamiThroughAlb, 20, 8_000);
    const sickTargets = new Map<string, Set<string>>();
    const sickRunning = new Set<string>();
    const updated = await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, taskDefinition: `${FAMILY}:4` }));
    const sick = updated.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id ?? assert.fail('no PRIMARY deployment');
    let final: Deployment | undefined;
    let service: Service;
    try {
      service = await settleOn(2, async (s) => {
        final = s.deployments?.find((d) => d.id === sick) ?? final;
        const running = (await tasksOf('RUNNING')).filter((task) => task.taskDefinitionArn === tdArn(4) && task.lastStatus === 'RUNNING');
        const ips = new Set(running.map((task) => detail(task, 'privateIPv4Address')));
        for (const task of running) sickRunning.add(taskIdOf(task.taskArn ?? ''));
        for (const [ip, target] of await targetStates(elbv2, stack.targetGroupArn)) {
          if (!ips.has(ip)) continue;
          const states = sickTargets.get(ip) ?? new Set<string>();
          states.add(`${target.state}${target.reason ? ` ${target.reason}` : ''}${target.description ? ` (${target.description})` : ''}`);
          sickTargets.set(ip, states);
        }
      }, 180_000);
    } finally {
      await load.stop();
    }
    const { failed, byRev } = summary(load.answers);
    t.diagnostic(`${load.answers.length} requests, ${failed.length} failed; by revision ${JSON.stringify(byRev)}`);
    t.diagnostic(`revision 4's targets: ${JSON.stringify(Object.fromEntries([...sickTargets].map(([ip, s]) => [ip, [...s]])))}`);
    // The test means something only if revision 4 really ran and sat in the target group.
    assert.ok(sickRunning.size > 0, 'a task of revision 4 was RUNNING');
    assert.ok(sickTargets.size > 0, 'a task of revision 4 was registered in the target group');
    for (const [ip, states] of sickTargets) assert.ok(![...states].some((s) => s.startsWith('healthy')), `${ip} was never healthy: ${[...states].join(', ')}`);
    assert.equal(byRev.v4 ?? 0, 0, 'no answer came from revision 4');
    assert.deepEqual(failed.slice(0, 5), []);

    assert.equal(final?.rolloutState, 'FAILED', JSON.stringify(final));
    const stoppedSick = (await tasksOf('STOPPED')).filter((task) => task.taskDefinitionArn === tdArn(4));
    const healthReasons = [`Task failed ELB health checks in (target-group ${stack.targetGroupArn})`, 'Task failed container health checks'];
    assert.ok(stoppedSick.some((task) => healthReasons.includes(task.stoppedReason ?? '')),
      `a task of revision 4 was replaced for failing its health checks: ${stoppedSick.map((task) => task.stoppedReason).join(' | ')}\n${eventLines(service)}`);
  });

  test('cleanup: scale to 0, delete the service, the ALB side and the VPC; nothing of the tasks is left', async () => {
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, desiredCount: 0 }));
    const drained = await waitUntilServicesStable({ client: ecs, ...WAIT }, { cluster: CLUSTER, services: [SERVICE] });
    assert.equal(drained.state, 'SUCCESS', JSON.stringify(drained.reason));
    const stoppedTasks = await tasksOf('STOPPED');
    const stopped = await waitUntilTasksStopped({ client: ecs, ...WAIT }, { cluster: CLUSTER, tasks: stoppedTasks.map((task) => task.taskArn ?? '') });
    assert.equal(stopped.state, 'SUCCESS', JSON.stringify(stopped.reason));
    const ids = stoppedTasks.map((task) => taskIdOf(task.taskArn ?? ''));
    await ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: SERVICE, force: true }));
    const inactive = await waitUntilServicesInactive({ client: ecs, ...WAIT }, { cluster: CLUSTER, services: [SERVICE] });
    assert.equal(inactive.state, 'SUCCESS', JSON.stringify(inactive.reason));
    await ecs.send(new DeleteClusterCommand({ cluster: CLUSTER }));
    await deleteAlbStack(ec2, elbv2, stack);
    await deleteLabVpc(ec2, vpc);
    assert.ok(ids.length >= 2 + 2 + 3 + 1, `the service's stopped tasks are listed (${ids.length})`);
    assert.deepEqual(await taskLeftovers(ids), []);
  });
});
