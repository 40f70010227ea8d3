// How the scheduler judges one service task (ecs-behaviour.md §2): whether it still runs for the service,
// whether it counts as healthy toward minimumHealthyPercent, and whether it failed its health checks and
// must be replaced, and whether scale-in protection holds it. Pure.
import type { ObservedTask, SchedulerTimings } from './model.ts';

/** A task the service still counts: desired RUNNING and not stopped. */
export function isLive(task: ObservedTask): boolean {
  return task.desiredStatus !== 'STOPPED' && task.lastStatus !== 'STOPPED';
}

export function isRunning(task: ObservedTask): boolean {
  return task.lastStatus === 'RUNNING';
}

/**
 * Under scale-in protection at `now` (UpdateTaskProtection): not chosen for scale-in nor stopped to replace an
 * older deployment's task; still replaced when it fails its health checks (AWS: protection is against "scale-in
 * events from Service Auto Scaling or deployments").
 */
export function isProtected(task: ObservedTask, now: Date): boolean {
  return isLive(task) && task.protectedUntil !== undefined && now.getTime() < task.protectedUntil.getTime();
}

/** Within healthCheckGracePeriodSeconds of starting: ELB and container health results are ignored. */
function inGracePeriod(task: ObservedTask, now: Date): boolean {
  if (!task.startedAt) return true;
  return now.getTime() < task.startedAt.getTime() + task.healthCheckGracePeriodSeconds * 1000;
}

/**
 * Healthy toward the minimum: RUNNING and, with a container health check, HEALTHY; with load balancers,
 * healthy in every target group; with neither, RUNNING for healthyAfterRunningMs (AWS: 40 s).
 */
export function isHealthy(task: ObservedTask, now: Date, timings: SchedulerTimings): boolean {
  if (!isLive(task) || !isRunning(task)) return false;
  if (!task.hasHealthCheck && task.targets.length === 0) {
    return task.startedAt !== undefined && now.getTime() - task.startedAt.getTime() >= timings.healthyAfterRunningMs;
  }
  if (task.hasHealthCheck && task.healthStatus !== 'HEALTHY') return false;
  return task.targets.every((target) => target.registration === 'registered' && target.health === 'healthy');
}

/** Why a task failed its health checks and must be replaced, with the stop reason and event ECS gives; undefined when it has not. */
export interface HealthFailure {
  stoppedReason: string;
  event: (serviceName: string) => string;
}

export function healthFailure(task: ObservedTask, now: Date): HealthFailure | undefined {
  if (!isLive(task) || !isRunning(task) || inGracePeriod(task, now)) return undefined;
  if (task.hasHealthCheck && task.healthStatus === 'UNHEALTHY') {
    return {
      stoppedReason: 'Task failed container health checks',
      event: (service) => `(service ${service}) (task ${task.taskId}) failed container health checks.`,
    };
  }
  const target = task.targets.find((t) => t.registration === 'registered' && t.health === 'unhealthy');
  if (!target) return undefined;
  const reason = target.description ?? 'Health checks failed';
  return {
    stoppedReason: `Task failed ELB health checks in (target-group ${target.targetGroupArn})`,
    event: (service) => `(service ${service}) (task ${task.taskId}) (port ${target.port}) is unhealthy in (target-group ${target.targetGroupArn}) due to (reason ${reason})`,
  };
}
