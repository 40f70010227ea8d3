// The task runner's container health checks: one HealthMonitor (src/runtime/health/) per started
// container whose definition has a healthCheck, probing by exec inside the container. A change of
// status lands in the task's ObservedTask and nudges the runner, whose planner writes it to the record
// (health-patch.ts); the monitors stop when the container exits or the task stops or is let go.
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import type { Clock } from '../../platform/clock.ts';
import type { TaskContainer } from '../../runtime/drivers/driver.ts';
import { HEALTH_STATUSES, type HealthStatus } from '../../runtime/health/container-health.ts';
import { resolveHealthCheck } from '../../runtime/health/health-check-spec.ts';
import { HealthMonitor, type HealthProber, type HealthTimers, type ProbeResult } from '../../runtime/health/health-monitor.ts';
import type { ObservedTask } from './model.ts';
import type { TaskResources } from './task-runner.ts';

export interface HealthCheckStart {
  taskId: string;
  name: string;
  definition: ContainerDefinition;
  container: TaskContainer;
  observed: ObservedTask;
  resources: TaskResources;
  /** When the container started: the first probe is an interval later, the start period counts from it. */
  startedAt: Date;
  /** The container's healthStatus in the record (a re-attached container resumes from it). */
  recorded: string | undefined;
  clock: Clock;
  timers: HealthTimers;
  log: (message: string) => void;
  nudge: () => void;
}

/** A container as a prober: its driver's exec. */
export function execProber(container: TaskContainer): HealthProber {
  return { probe: (argv, options) => container.exec(argv, options) };
}

export function startHealthCheck(start: HealthCheckStart): void {
  const { name, observed, resources } = start;
  if (!start.definition.healthCheck) return;
  const seen = observed.containers[name];
  const initial = (HEALTH_STATUSES as readonly string[]).includes(start.recorded ?? '') ? start.recorded as HealthStatus : undefined;
  if (seen && initial !== undefined) seen.health = initial;
  // A command Docker would not run (neither CMD nor CMD-SHELL) gets no probe: the container stays UNKNOWN.
  const spec = resolveHealthCheck(start.definition.healthCheck);
  if (!spec) return;
  resources.health.get(name)?.stop();
  const monitor = new HealthMonitor({
    spec, prober: execProber(start.container), clock: start.clock, timers: start.timers, containerStartedAt: start.startedAt,
    ...(initial !== undefined ? { initial } : {}),
    onChange: (status, result) => {
      const current = observed.containers[name];
      if (current) current.health = status;
      start.log(`task ${start.taskId}: container ${name} is ${status} (${describeResult(result)})`);
      start.nudge();
    },
    onError: (error) => start.log(`task ${start.taskId}: container ${name}: health check failed to run: ${error instanceof Error ? error.message : String(error)}`),
  });
  resources.health.set(name, monitor);
  monitor.start();
}

/** Stops every health check of the task; a probe in flight is killed and its result dropped. */
export function stopHealthChecks(resources: TaskResources): void {
  for (const monitor of resources.health.values()) monitor.stop();
  resources.health.clear();
}

function describeResult(result: ProbeResult): string {
  const how = result.timedOut ? 'timed out' : result.exitCode !== undefined ? `exit ${result.exitCode}` : 'no exit status';
  const output = result.output.length > 200 ? `…${result.output.slice(-200)}` : result.output;
  return output === '' ? how : `${how}: ${output.replaceAll('\n', ' ')}`;
}
