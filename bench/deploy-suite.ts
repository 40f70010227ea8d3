// The deploy suite of `npm run bench`: a service of 3 tasks behind Berth's ALB with the shortest health
// check intervals Berth accepts; per run a new revision, UpdateService, and the time until the PRIMARY
// deployment's rolloutState is COMPLETED, while constant requests go through the ALB and every failure counts.
import { setTimeout as sleep } from 'node:timers/promises';
import { UpdateServiceCommand, type Deployment } from '@aws-sdk/client-ecs';
import { SMALL_FILE, type LbPlan } from './lb-berth.ts';
import { BackgroundLoad, HttpGetter } from './lb-http.ts';
import { collectProblems, lbCannotRun, LbSession, TempDirs, type SuiteContext } from './lb-session.ts';
import { deployErrorLines, formatDeployReport, type DeployReportInput, type DeployRun } from './deploy-report.ts';
import type { BerthBenchServer } from './servers.ts';

export interface DeploySuiteOptions {
  runs: number;
}

const PLAN: LbPlan = {
  cluster: 'bench-deploy', name: 'bench-deploy', desiredCount: 3,
  // The issue asks for a 1-second health check interval; AWS's ranges are 5–300 s for both the target
  // group (ALB) and the container health check: 1 s is tried first, then the minimum.
  healthCheckIntervals: [1, 5], containerHealthCheckIntervals: [1, 5],
  // AWS's advice for services answering in under a second (load-balancer-connection-draining.html); the default is 300.
  deregistrationDelaySeconds: 5, backends: 'service',
};
/** Concurrent clients of the constant load through the ALB during each deployment. */
const LOAD_CLIENTS = 4;
const POLL_MS = 100;
const DEPLOY_TIMEOUT_MS = 600_000;
/** The load runs this long before UpdateService and after the old deployment is gone. */
const MARGIN_MS = 2_000;

/** Runs the suite, prints its report; resolves with the exit code (0 clean, 1 failures or cannot run). */
export async function runDeploySuite(ctx: SuiteContext, options: DeploySuiteOptions): Promise<number> {
  const reason = await lbCannotRun();
  if (reason !== undefined) {
    console.error(`\nbench: the deploy suite cannot run: ${reason}`);
    return 1;
  }
  const failuresBefore = ctx.cleanups.failures().length;
  const temp = new TempDirs(ctx.cleanups);
  const problems: string[] = [];
  const notes: string[] = [];
  const runs: DeployRun[] = [];
  const settings: string[] = [];
  let server: BerthBenchServer | undefined;
  let logged: { count: number; samples: string[] } | undefined;
  let header = ['', 'Deploy benchmark: not completed.'];
  try {
    header = await measureAll(ctx, options, temp, problems, notes, settings, runs, (s) => (server = s));
  } catch (error) {
    problems.push(`the run stopped: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  } finally {
    logged = server?.problems();
    await ctx.cleanups.undoAll();
  }
  collectProblems(logged, ctx.cleanups, failuresBefore, temp, problems);
  const input: DeployReportInput = { header, runs, settings, problems, notes };
  console.log(formatDeployReport(input));
  return deployErrorLines(input).length > 0 ? 1 : 0;
}

const primaryOf = (deployments: Deployment[] | undefined): Deployment | undefined => deployments?.find((d) => d.status === 'PRIMARY');

async function measureAll(ctx: SuiteContext, options: DeploySuiteOptions, temp: TempDirs, problems: string[], notes: string[], settings: string[],
  runs: DeployRun[], started: (server: BerthBenchServer) => void): Promise<string[]> {
  const { progress } = ctx;
  const session = await LbSession.open(ctx, PLAN, temp, problems, notes, { started });
  const { berth, env } = session;
  settings.push(
    `Service: ${PLAN.desiredCount} Fargate tasks (httpd test image), maximumPercent 200, minimumHealthyPercent 100, circuit breaker with rollback; `
      + `backends registered by the service (containerPort 8080).`,
    `Target group health check: every ${env.healthCheckIntervalSeconds} s, GET ${SMALL_FILE.path}, timeout ${Math.max(1, Math.min(2, env.healthCheckIntervalSeconds - 1))} s, `
      + `healthy/unhealthy thresholds 2/2${env.healthCheckIntervalSeconds === 1 ? '' : ' (1 s was asked for: the issue\'s figure)'}.`,
    `Container health check: CMD-SHELL wget of ${SMALL_FILE.path} every ${env.containerHealthCheckIntervalSeconds ?? '—'} s, timeout 2 s, retries 3, no start period`
      + `${env.containerHealthCheckIntervalSeconds === 1 ? '' : ' (1 s was asked for)'}.`,
    `deregistration_delay.timeout_seconds ${PLAN.deregistrationDelaySeconds} (AWS's default 300; AWS advises 5 for services that answer within a second: `
      + 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html).',
  );
  progress('Berth: waiting for the first deployment to complete');
  await waitSteady(session, DEPLOY_TIMEOUT_MS);

  const getter = new HttpGetter(session.albTarget(SMALL_FILE.path), SMALL_FILE.body, LOAD_CLIENTS);
  try {
    for (let run = 1; run <= options.runs; run++) {
      const taskDefinition = await berth.registerRevision();
      const load = new BackgroundLoad(getter.get, LOAD_CLIENTS, DEPLOY_TIMEOUT_MS + 4 * MARGIN_MS);
      await sleep(MARGIN_MS);
      const t0 = performance.now();
      const loadStart = t0 - MARGIN_MS;
      let timing: { completedMs?: number; steadyMs?: number; outcome: string } = { outcome: 'UpdateService failed' };
      let failed: Error | undefined;
      try {
        const out = await berth.ecs.send(new UpdateServiceCommand({ cluster: PLAN.cluster, service: PLAN.name, taskDefinition }));
        const deploymentId = primaryOf(out.service?.deployments)?.id;
        timing = await followDeployment(session, deploymentId, t0);
        if (timing.completedMs === undefined && deploymentId !== undefined) {
          const context = await berth.failureContext(deploymentId).catch((error: unknown) => [`(no context: ${String(error)})`]);
          timing.outcome = [timing.outcome, ...context].join('\n      ');
        }
        await sleep(MARGIN_MS);
      } catch (error) {
        failed = error instanceof Error ? error : new Error(String(error));
      }
      // Stopped on every path: the load must not outlive the run.
      const result = await load.stop();
      if (failed !== undefined) throw failed;
      const revision = taskDefinition.split('/').pop() ?? taskDefinition;
      runs.push({
        run, taskDefinition: revision, ...timing, requests: result.ok + result.failures, failures: result.failures, failureKinds: result.failureKinds,
        failureTimesS: result.failureTimesMs.map((ms) => (loadStart + ms - t0) / 1000),
      });
      progress(`deploy run ${run} (${revision}): COMPLETED after ${timing.completedMs === undefined ? '—' : (timing.completedMs / 1000).toFixed(1)} s, `
        + `${result.ok + result.failures} requests, ${result.failures} failed`);
      if (timing.completedMs === undefined) break;
    }
  } finally {
    getter.close();
  }
  notes.push(
    `Timing: from sending UpdateService (a new task definition revision each run) until DescribeServices, polled every ${POLL_MS} ms, shows that `
      + 'deployment (the PRIMARY one UpdateService answered with) at rolloutState COMPLETED; the second time is until it is the only deployment left.',
    `Load: ${LOAD_CLIENTS} closed-loop keep-alive clients GET ${SMALL_FILE.path} through the ALB from ${MARGIN_MS / 1000} s before UpdateService until `
      + `${MARGIN_MS / 1000} s after the old deployment is gone; a request fails on any status but 200, another body, a connection error or 10 s without an answer.`,
    'AWS documents no end-to-end figure for a rolling deployment, so none is printed beside Berth\'s. It documents the parts: '
      + 'a new target needs one passing health check, and with interval 5 s and healthy threshold 2 AWS puts the health check process at 10 s against '
      + '2 min 30 s by default (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-healthcheck.html).',
  );
  return [
    '',
    `Rolling deployments of a ${PLAN.desiredCount}-task service behind Berth's ALB under constant request load (Berth ${session.server.version}).`,
  ];
}

/** Polls until the service has one deployment, COMPLETED, with runningCount = desiredCount (bounded). */
async function waitSteady(session: LbSession, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = '';
  while (performance.now() < deadline) {
    const service = await session.berth.service();
    const primary = primaryOf(service?.deployments);
    last = `${service?.deployments?.length ?? 0} deployment(s), PRIMARY ${primary?.rolloutState ?? '?'} (${primary?.rolloutStateReason ?? ''}), running ${service?.runningCount ?? '?'}/${service?.desiredCount ?? '?'}`;
    if (primary?.rolloutState === 'FAILED') throw new Error(`the service's deployment failed: ${last}`);
    if (service?.deployments?.length === 1 && primary?.rolloutState === 'COMPLETED' && service.runningCount === service.desiredCount) return;
    await sleep(250);
  }
  throw new Error(`the service was not steady within ${timeoutMs / 1000} s: ${last}`);
}

/** Follows deployment `id` from t0: when it is COMPLETED, and when it is the only deployment left. */
async function followDeployment(session: LbSession, id: string | undefined, t0: number): Promise<{ completedMs?: number; steadyMs?: number; outcome: string }> {
  if (id === undefined) return { outcome: 'UpdateService answered without a PRIMARY deployment' };
  let completedMs: number | undefined;
  let outcome = 'timed out';
  while (performance.now() - t0 < DEPLOY_TIMEOUT_MS) {
    const service = await session.berth.service();
    const now = performance.now() - t0;
    const deployment = service?.deployments?.find((d) => d.id === id);
    if (deployment === undefined) return { completedMs, outcome: `deployment ${id} disappeared from DescribeServices` };
    if (deployment.status !== 'PRIMARY') return { completedMs, outcome: `deployment ${id} is ${deployment.status ?? '?'} (rolled back?): ${deployment.rolloutStateReason ?? ''}` };
    if (deployment.rolloutState === 'FAILED') return { completedMs, outcome: `FAILED: ${deployment.rolloutStateReason ?? ''}` };
    if (deployment.rolloutState === 'COMPLETED' && completedMs === undefined) {
      completedMs = now;
      outcome = 'COMPLETED';
    }
    if (completedMs !== undefined && service?.deployments?.length === 1) return { completedMs, steadyMs: now, outcome };
    outcome = completedMs === undefined ? `timed out at rolloutState ${deployment.rolloutState ?? '?'}` : 'COMPLETED, but the old deployment was still listed at the timeout';
    await sleep(POLL_MS);
  }
  return { completedMs, outcome };
}
