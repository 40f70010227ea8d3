// The service scheduler's planner: one service's record and observed tasks in, the plan out (tasks to
// launch and stop, events, the record as it should be stored). Pure, after Nomad's reconciler.
//
// The rolling arithmetic (ecs-behaviour.md §2): at most floor(desired × maximumPercent / 100) tasks
// desired RUNNING at once, and no healthy task stopped while that leaves fewer than
// ceil(desired × minimumHealthyPercent / 100) healthy. Tasks of older deployments that are not healthy
// are stopped at once; healthy ones only as far as the minimum allows. Only PRIMARY launches.
// A task under scale-in protection (UpdateTaskProtection) is neither scaled in nor stopped as an older
// deployment's task: the deployment waits until protection is turned off or expires (developer guide, "Task
// scale-in protection considerations"). Failed health checks and DRAINING (DeleteService) still stop it.
import { INACTIVE_SERVICE_RETENTION_MS, type ServiceRecord } from '../../services/ecs/service-records.ts';
import { healthFailure, isHealthy, isLive, isProtected, isRunning } from './health.ts';
import { emptyPlan, type ObservedTask, type PlanInput, type ServicePlan } from './model.ts';
import { chooseSubnets, chooseToStop } from './placement.ts';
import { accountStoppedTasks, countFailure, noteCompletion, tripCircuitBreaker, updateCounts } from './rollout.ts';

/** The stall event, in ECS's words (ecs-behaviour.md §2). */
export function stalledMessage(service: string): string {
  return `(service ${service}) was unable to stop or start tasks during a deployment because of the service deployment configuration. `
    + 'Update the minimumHealthyPercent or maximumPercent value and try again.';
}

/**
 * The event while protected tasks keep the service from scaling in or finishing a deployment. The developer guide:
 * "Amazon ECS will vend service events if protected tasks are keeping a deployment … from reaching steady state".
 * Not verified: the text (the guide does not quote it).
 */
export function protectedTasksMessage(service: string, count: number): string {
  return `(service ${service}) was unable to scale in due to (reason ${count} tasks under protection).`;
}

/** ECS's stop reason for scale-in, replacement and draining: the deployment that caused it. */
export function scalingReason(deploymentId: string): string {
  return `Scaling activity initiated by (deployment ${deploymentId})`;
}

/** `(service S) has stopped 2 running tasks: (task a) (task b).` */
function stoppedEvent(service: string, taskIds: readonly string[]): string {
  return `(service ${service}) has stopped ${taskIds.length} running tasks: ${taskIds.map((id) => `(task ${id})`).join(' ')}.`;
}

/**
 * The events of stopping tasks: `(service S) has begun draining connections on N tasks.` for those registered in
 * a target group (they deregister and drain before they stop, ecs-behaviour.md §2), then the stopped-tasks event.
 */
function stopEvents(service: string, stopped: readonly string[], tasks: readonly { taskId: string; targets: readonly { registration?: string }[] }[]): string[] {
  if (stopped.length === 0) return [];
  const draining = tasks.filter((t) => stopped.includes(t.taskId) && t.targets.some((target) => target.registration === 'registered'));
  return [
    ...(draining.length > 0 ? [`(service ${service}) has begun draining connections on ${draining.length} tasks.`] : []),
    stoppedEvent(service, stopped),
  ];
}

/** The rolling limits: the most tasks desired RUNNING at once, and the fewest healthy ones. */
export function rollingLimits(record: ServiceRecord): { maxTotal: number; minHealthy: number } {
  const desired = record.service.desiredCount ?? 0;
  const config = record.service.deploymentConfiguration;
  return {
    maxTotal: Math.floor((desired * (config?.maximumPercent ?? 200)) / 100),
    minHealthy: Math.ceil((desired * (config?.minimumHealthyPercent ?? 100)) / 100),
  };
}

export function planService(input: PlanInput): ServicePlan {
  const { snapshot, now, timings } = input;
  const plan = emptyPlan();
  const before = snapshot.record;
  if (before.status === 'INACTIVE') {
    plan.remove = before.inactiveAt !== undefined && now.getTime() - before.inactiveAt.getTime() > INACTIVE_SERVICE_RETENTION_MS;
    return plan;
  }
  const record = structuredClone(before);
  const name = record.service.serviceName ?? '';
  const tasks = snapshot.tasks;
  const stopping = new Set<string>();
  const stoppedNow: string[] = [];
  const stop = (task: ObservedTask, reason: string): void => {
    plan.stops.push({ taskId: task.taskId, reason });
    stopping.add(task.taskId);
  };
  const live = (): ObservedTask[] => tasks.filter((t) => isLive(t) && !stopping.has(t.taskId));
  const healthy = (t: ObservedTask): boolean => isHealthy(t, now, timings);
  const unprotected = (t: ObservedTask): boolean => !isProtected(t, now);

  accountStoppedTasks(record, tasks, now, timings, plan.events);

  // Tasks that failed their health checks are replaced whatever the limits: they do not count as healthy.
  for (const task of live()) {
    const failure = healthFailure(task, now);
    if (!failure) continue;
    stop(task, failure.stoppedReason);
    plan.events.push(failure.event(name));
    countFailure(record, task.deploymentId, now);
  }

  if (record.status === 'DRAINING') {
    const reason = scalingReason(record.deployments[0]?.deployment.id ?? '');
    for (const task of live()) {
      stop(task, reason);
      stoppedNow.push(task.taskId);
    }
    plan.events.push(...stopEvents(name, stoppedNow, tasks));
    updateCounts(record, tasks, stopping, 0, now);
    if (tasks.every((t) => t.lastStatus === 'STOPPED')) {
      record.status = 'INACTIVE';
      record.inactiveAt = now;
    }
    return finish(plan, before, record);
  }

  tripCircuitBreaker(record, now, input.nextDeploymentId, plan.events);
  const primary = record.deployments[0];
  if (!primary) return finish(plan, before, record);
  const primaryId = primary.deployment.id ?? '';
  const desired = record.service.desiredCount ?? 0;
  const { maxTotal, minHealthy } = rollingLimits(record);
  const reason = scalingReason(primaryId);

  // Scale-in of PRIMARY: the ones that are not healthy first, spread evenly over the zones; protected ones never.
  // Tasks protection keeps from stopping this pass:
  let held = 0;
  const primaryLive = live().filter((t) => t.deploymentId === primaryId);
  if (primaryLive.length > desired) {
    const candidates = primaryLive.filter(unprotected);
    // Not yet RUNNING before RUNNING-but-not-healthy: chooseToStop takes earlier candidates first within a zone.
    const notHealthy = [...candidates.filter((t) => !isRunning(t)), ...candidates.filter((t) => isRunning(t) && !healthy(t))];
    const excess = primaryLive.length - desired;
    const first = chooseToStop(Math.min(excess, notHealthy.length), notHealthy, live());
    const rest = chooseToStop(excess - first.length, candidates.filter(healthy), live());
    for (const task of [...first, ...rest]) {
      stop(task, reason);
      stoppedNow.push(task.taskId);
    }
    held += excess - first.length - rest.length;
  }

  // Older deployments: their tasks that are not healthy go now; healthy ones as far as the minimum allows;
  // protected ones wait (they still count toward maximumPercent and, when healthy, toward the minimum).
  const allOld = live().filter((t) => t.deploymentId !== primaryId);
  const old = allOld.filter(unprotected);
  held += allOld.length - old.length;
  for (const task of old.filter((t) => !healthy(t))) {
    stop(task, reason);
    stoppedNow.push(task.taskId);
  }
  const oldHealthy = old.filter(healthy);
  const spare = Math.max(0, live().filter(healthy).length - minHealthy);
  for (const task of chooseToStop(Math.min(spare, oldHealthy.length), oldHealthy, live())) {
    stop(task, reason);
    stoppedNow.push(task.taskId);
  }
  plan.events.push(...stopEvents(name, stoppedNow, tasks));
  if (held > 0) plan.events.push(protectedTasksMessage(name, held));

  // PRIMARY launches within maximumPercent, unless the circuit breaker failed it or launches are throttled.
  const failed = primary.deployment.rolloutState === 'FAILED' && record.service.deploymentConfiguration?.deploymentCircuitBreaker?.enable === true;
  const throttled = record.launchNotBefore !== undefined && now.getTime() < record.launchNotBefore.getTime();
  const current = live();
  const want = desired - current.filter((t) => t.deploymentId === primaryId).length;
  const room = maxTotal - current.length;
  const count = failed || throttled ? 0 : Math.max(0, Math.min(want, room));
  if (count > 0) {
    const subnets = primary.spec.networkConfiguration.awsvpcConfiguration?.subnets ?? [];
    // Balanced over PRIMARY's own tasks: older deployments' tasks are on their way out.
    const subnetIds = chooseSubnets(count, subnets, snapshot.subnetZones, current.filter((t) => t.deploymentId === primaryId));
    if (subnetIds.length > 0) plan.launches.push({ deploymentId: primaryId, subnetIds });
  } else if (want > 0 && room <= 0 && !failed && !throttled && stoppedNow.length === 0 && held === 0 && current.every(healthy)) {
    plan.events.push(stalledMessage(name));
  }

  // A task of PRIMARY that started shows tasks can start: launch throttling ends.
  if (current.some((t) => t.deploymentId === primaryId && isRunning(t))) {
    record.startFailures = 0;
    delete record.launchNotBefore;
  }

  const launched = plan.launches.reduce((n, l) => n + l.subnetIds.length, 0);
  updateCounts(record, tasks, stopping, launched, now);
  const primaryNow = live().filter((t) => t.deploymentId === primaryId);
  noteCompletion(record, {
    livePrimary: primaryNow.length,
    healthyPrimary: primaryNow.filter(healthy).length,
    busy: launched > 0 || plan.stops.length > 0,
  }, now, plan.events);
  return finish(plan, before, record);
}

/** Sets plan.record when the pass changed the service. */
function finish(plan: ServicePlan, before: ServiceRecord, after: ServiceRecord): ServicePlan {
  if (JSON.stringify(before) !== JSON.stringify(after)) plan.record = after;
  return plan;
}
