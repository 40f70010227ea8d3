// The ECS service scheduler: keeps each service's desired tasks running and rolls deployments. A pure
// planner (planner.ts, rollout.ts, health.ts, placement.ts) plus an applier (apply.ts, launch.ts) and
// the loop that runs them (scheduler.ts); main.ts builds it with createServiceScheduler.
import type { RoleTrust } from '../../services/common/role-trust.ts';
import type { Clock } from '../../platform/clock.ts';
import type { IdSource } from '../../platform/ids.ts';
import type { Store } from '../../store/store.ts';
import type { TaskEvents } from '../../services/common/task-events.ts';
import { DEFAULT_TIMINGS, type SchedulerTimings } from './model.ts';
import { SchedulerLoop } from './scheduler.ts';

export type { SchedulerTimings } from './model.ts';
export { DEFAULT_TIMINGS } from './model.ts';

export interface ServiceSchedulerDeps {
  store: Store;
  clock: Clock;
  ids: IdSource;
  log: (message: string) => void;
  /** Told after the scheduler launched or stopped tasks, so the task runner acts without waiting for a poll. */
  taskEvents: TaskEvents;
  /** AWS's timings by default; tests shorten them (e.g. the 40 s a task without health checks waits to count as healthy). */
  timings?: Partial<SchedulerTimings>;
  /** Whether ECS may assume a service task's roles (a launch it cannot assume them for fails with ECS's event). */
  roleTrust?: RoleTrust;
}

export interface ServiceScheduler {
  start(): void;
  nudge(): void;
  stop(): Promise<void>;
}

export function createServiceScheduler(deps: ServiceSchedulerDeps): ServiceScheduler {
  const loop = new SchedulerLoop({ ...deps, timings: { ...DEFAULT_TIMINGS, ...deps.timings } });
  return {
    start: () => loop.start(),
    nudge: () => loop.nudge(),
    stop: () => loop.stop(),
  };
}
