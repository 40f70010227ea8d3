// A task's healthStatus from its containers' (the HealthCheck API reference: "based on the container
// health check status of essential containers in the task with the following priority order (high to
// low): UNHEALTHY, UNKNOWN, HEALTHY"). Pure.
import type { HealthStatus } from './container-health.ts';

export interface ContainerHealthInput {
  essential: boolean;
  /** Whether its definition has a healthCheck: containers without one report nothing and do not count. */
  checked: boolean;
  status: HealthStatus;
}

/**
 * Any essential, checked container UNHEALTHY → UNHEALTHY; else any UNKNOWN → UNKNOWN; else HEALTHY. A task
 * none of whose essential containers has a health check is UNKNOWN: AWS's texts say "UNKNOWN - … there are no
 * container health checks defined", and that non-essential containers' checks do not affect the task (one
 * older revision of the same text said they count when no essential container has one; Berth follows the
 * current text).
 */
export function taskHealthStatus(containers: readonly ContainerHealthInput[]): HealthStatus {
  const counted = containers.filter((c) => c.essential && c.checked);
  if (counted.length === 0) return 'UNKNOWN';
  if (counted.some((c) => c.status === 'UNHEALTHY')) return 'UNHEALTHY';
  if (counted.some((c) => c.status === 'UNKNOWN')) return 'UNKNOWN';
  return 'HEALTHY';
}
