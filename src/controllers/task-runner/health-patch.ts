// What the planner writes of container health: each container's healthStatus as its health check last
// reported it, and the task's healthStatus over its essential containers (src/runtime/health/), only
// when they differ from the record, so a steady task costs no store write. Pure.
import type { HealthStatus } from '../../runtime/health/container-health.ts';
import { taskHealthStatus } from '../../runtime/health/task-health.ts';
import type { TaskRecord } from '../../services/ecs/task-records.ts';
import type { ContainerPatch, ObservedTask, TaskPatch } from './model.ts';
import { containerDefinitions, isEssential } from './task-spec.ts';

const STATUSES: ReadonlySet<string> = new Set<HealthStatus>(['UNKNOWN', 'HEALTHY', 'UNHEALTHY']);

function recordedStatus(value: string | undefined): HealthStatus | undefined {
  return value !== undefined && STATUSES.has(value) ? value as HealthStatus : undefined;
}

/**
 * The health changes the record lacks, or undefined when it already says what was observed. A record with no
 * task healthStatus yet reads as UNKNOWN (the move to RUNNING writes it: withHealth), so a task without
 * health checks is never written for it alone.
 */
export function healthPatch(record: TaskRecord, observed: ObservedTask): TaskPatch | undefined {
  const recorded = new Map((record.task.containers ?? []).map((c) => [c.name, c]));
  const containers: Record<string, ContainerPatch> = {};
  const inputs = containerDefinitions(record).map((definition) => {
    const name = definition.name ?? '';
    const seen = observed.containers[name]?.health;
    const before = recordedStatus(recorded.get(name)?.healthStatus);
    if (seen !== undefined && seen !== before) containers[name] = { healthStatus: seen };
    return { essential: isEssential(definition), checked: definition.healthCheck !== undefined, status: seen ?? before ?? 'UNKNOWN' };
  });
  const task = taskHealthStatus(inputs);
  if (Object.keys(containers).length === 0 && (record.task.healthStatus ?? 'UNKNOWN') === task) return undefined;
  return { healthStatus: task, ...(Object.keys(containers).length > 0 ? { containers } : {}) };
}

/** `patch` with the health changes merged in (container patches merge by name), and always the task's healthStatus. */
export function withHealth(record: TaskRecord, observed: ObservedTask, patch: TaskPatch): TaskPatch {
  const health = healthPatch(record, observed) ?? { healthStatus: recordedStatus(record.task.healthStatus) ?? 'UNKNOWN' };
  const containers: Record<string, ContainerPatch> = { ...patch.containers };
  for (const [name, change] of Object.entries(health.containers ?? {})) containers[name] = { ...containers[name], ...change };
  return { ...patch, ...(health.healthStatus !== undefined ? { healthStatus: health.healthStatus } : {}), ...(Object.keys(containers).length > 0 ? { containers } : {}) };
}
