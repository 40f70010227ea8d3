// The deployment side of a scheduler pass, on a working copy of the service record (ecs-behaviour.md §2):
// counting tasks that stopped on their own (failedTasks, launch throttling), the circuit breaker and its
// rollback, each deployment's counts, old deployments going INACTIVE, and the completed / steady-state
// moments with their events. Pure: the time and the rollback's deployment id come in.
import {
  circuitBreakerThreshold, CIRCUIT_BREAKER_FAILED_REASON, completedReason, deploymentRecord, markFinished, markStarted, rollingBackReason,
} from '../../services/ecs/deployments.ts';
import { PAST_DEPLOYMENTS_KEPT, type ServiceRecord } from '../../services/ecs/service-records.ts';
import { isLive, isRunning } from './health.ts';
import type { ObservedTask, SchedulerTimings } from './model.ts';

/** ECS re-emits "has reached a steady state." while a service stays steady, at most this often (the duplicate window). */
export const STEADY_EVENT_INTERVAL_MS = 6 * 60 * 60_000;

/** Stops that are not failures of the task: the scheduler's own and the user's (StopTask). */
const DELIBERATE_STOPS: ReadonlySet<string> = new Set(['ServiceSchedulerInitiated', 'UserInitiated']);

function serviceName(record: ServiceRecord): string {
  return record.service.serviceName ?? '';
}

/** One more failed task for a deployment whose rollout is still in progress (the circuit breaker counts those). */
export function countFailure(record: ServiceRecord, deploymentId: string, now: Date): void {
  const found = record.deployments.find((d) => d.deployment.id === deploymentId);
  if (!found || found.deployment.rolloutState !== 'IN_PROGRESS') return;
  found.deployment.failedTasks = (found.deployment.failedTasks ?? 0) + 1;
  found.deployment.updatedAt = now;
}

/**
 * Accounts once for each of the service's tasks that stopped since the last pass: a task that stopped on
 * its own counts against its deployment, and one that never reached RUNNING counts toward launch
 * throttling ("is unable to consistently start tasks successfully."). Forgets tasks the store no longer keeps.
 */
export function accountStoppedTasks(record: ServiceRecord, tasks: readonly ObservedTask[], now: Date, timings: SchedulerTimings, events: string[]): void {
  const known = new Set([...record.deployments, ...record.pastDeployments].map((d) => d.deployment.id));
  const accounted = new Set(record.accountedTasks);
  let failedToStart = false;
  for (const task of tasks) {
    if (task.lastStatus !== 'STOPPED' || accounted.has(task.taskId) || !known.has(task.deploymentId)) continue;
    accounted.add(task.taskId);
    if (task.stopCode !== undefined && DELIBERATE_STOPS.has(task.stopCode)) continue;
    countFailure(record, task.deploymentId, now);
    if (!task.startedAt) {
      record.startFailures += 1;
      failedToStart = true;
    }
  }
  const kept = new Set(tasks.map((t) => t.taskId));
  record.accountedTasks = [...accounted].filter((id) => kept.has(id));
  if (failedToStart && record.startFailures >= timings.launchFailuresBeforeBackoff) {
    const steps = record.startFailures - timings.launchFailuresBeforeBackoff;
    const delay = Math.min(timings.launchBackoffBaseMs * 2 ** Math.min(steps, 30), timings.launchBackoffMaxMs);
    record.launchNotBefore = new Date(now.getTime() + delay);
    events.push(`(service ${serviceName(record)}) is unable to consistently start tasks successfully.`);
  }
}

/**
 * The circuit breaker: once the PRIMARY deployment's failedTasks reaches the threshold its rollout FAILED;
 * with rollback on, a new PRIMARY deployment returns to the newest COMPLETED deployment's configuration.
 */
export function tripCircuitBreaker(record: ServiceRecord, now: Date, nextDeploymentId: string, events: string[]): void {
  const breaker = record.service.deploymentConfiguration?.deploymentCircuitBreaker;
  const primary = record.deployments[0];
  if (breaker?.enable !== true || !primary || primary.deployment.rolloutState !== 'IN_PROGRESS') return;
  const desired = record.service.desiredCount ?? 0;
  if ((primary.deployment.failedTasks ?? 0) < circuitBreakerThreshold(desired)) return;
  const name = serviceName(record);
  primary.deployment.rolloutState = 'FAILED';
  primary.deployment.rolloutStateReason = CIRCUIT_BREAKER_FAILED_REASON;
  primary.deployment.updatedAt = now;
  markFinished(primary, now);
  events.push(`(service ${name}) (deployment ${primary.deployment.id ?? ''}) deployment failed: tasks failed to start.`);
  if (breaker.rollback !== true) return;
  const target = [...record.deployments.slice(1), ...record.pastDeployments]
    .filter((d) => d.deployment.rolloutState === 'COMPLETED')
    .sort((a, b) => (b.deployment.createdAt?.getTime() ?? 0) - (a.deployment.createdAt?.getTime() ?? 0))[0];
  if (!target) return;
  const targetId = target.deployment.id ?? '';
  const rollback = deploymentRecord(nextDeploymentId, now, target.spec, desired, rollingBackReason(targetId));
  // The rollback carries out the failed deployment's service deployment and runs the revision it returns to.
  if (primary.history && target.history) {
    rollback.history = { serviceDeploymentId: primary.history.serviceDeploymentId, revisionId: target.history.revisionId, rollbackReason: rollingBackReason(targetId) };
  }
  primary.deployment.status = 'ACTIVE';
  record.deployments = [rollback, ...record.deployments];
  const { launchType: _l, capacityProviderStrategy: _c, ...rest } = record.service;
  record.service = {
    ...rest,
    ...(target.spec.launchType !== undefined ? { launchType: target.spec.launchType } : {}),
    ...(target.spec.capacityProviderStrategy !== undefined ? { capacityProviderStrategy: target.spec.capacityProviderStrategy } : {}),
    taskDefinition: target.spec.taskDefinition,
    networkConfiguration: target.spec.networkConfiguration,
    loadBalancers: target.spec.loadBalancers,
  };
  record.startFailures = 0;
  delete record.launchNotBefore;
  events.push(`(service ${name}) rolling back to deployment ${targetId}.`);
}

/**
 * Each deployment's counts after this pass (its live tasks not being stopped now, plus the launches
 * planned for PRIMARY), the service's totals, and old deployments without tasks moved out as INACTIVE.
 */
export function updateCounts(record: ServiceRecord, tasks: readonly ObservedTask[], stopping: ReadonlySet<string>, launched: number, now: Date): void {
  const primaryId = record.deployments[0]?.deployment.id;
  let running = 0;
  let pending = 0;
  const kept = [];
  for (const [index, entry] of record.deployments.entries()) {
    const d = entry.deployment;
    if (d.id === primaryId) markStarted(entry, now);
    const own = tasks.filter((t) => t.deploymentId === d.id);
    const live = own.filter((t) => isLive(t) && !stopping.has(t.taskId));
    const runningCount = live.filter(isRunning).length;
    const pendingCount = live.length - runningCount + (d.id === primaryId ? launched : 0);
    const desiredCount = d.id === primaryId ? record.service.desiredCount ?? 0 : live.length;
    if (d.runningCount !== runningCount || d.pendingCount !== pendingCount || d.desiredCount !== desiredCount) {
      Object.assign(d, { runningCount, pendingCount, desiredCount, updatedAt: now });
    }
    running += runningCount;
    pending += pendingCount;
    // An old deployment is done once none of its tasks is left, stopping ones included.
    if (index > 0 && own.every((t) => t.lastStatus === 'STOPPED')) {
      record.pastDeployments = [{ ...entry, deployment: { ...d, status: 'INACTIVE', updatedAt: now } }, ...record.pastDeployments].slice(0, PAST_DEPLOYMENTS_KEPT);
    } else {
      kept.push(entry);
    }
  }
  record.deployments = kept;
  record.service.runningCount = running;
  record.service.pendingCount = pending;
}

/**
 * COMPLETED once PRIMARY is the only deployment and runs desiredCount healthy tasks; "has reached a
 * steady state." when that holds with nothing to start or stop (again every 6 hours while it lasts).
 */
export function noteCompletion(record: ServiceRecord, view: { healthyPrimary: number; livePrimary: number; busy: boolean }, now: Date, events: string[]): void {
  const primary = record.deployments[0];
  if (!primary) return;
  const desired = record.service.desiredCount ?? 0;
  const name = serviceName(record);
  const settled = record.deployments.length === 1 && view.livePrimary === desired && view.healthyPrimary === desired && !view.busy;
  const d = primary.deployment;
  if (settled && d.rolloutState === 'IN_PROGRESS') {
    d.rolloutState = 'COMPLETED';
    d.rolloutStateReason = completedReason(d.id ?? '');
    d.updatedAt = now;
    markFinished(primary, now);
    events.push(`(service ${name}) (deployment ${d.id ?? ''}) deployment completed.`);
  }
  const steady = settled && d.rolloutState === 'COMPLETED';
  if (!steady) {
    delete record.steadyEventAt;
  } else if (!record.steadyEventAt || now.getTime() - record.steadyEventAt.getTime() >= STEADY_EVENT_INTERVAL_MS) {
    record.steadyEventAt = now;
    events.push(`(service ${name}) has reached a steady state.`);
  }
}
