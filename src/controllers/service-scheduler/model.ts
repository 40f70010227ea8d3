// The service scheduler's vocabulary: what the planner is given about one service (its record and its
// tasks as observed, with their target health), the plan it answers, and the timings it works with.
import type { ServiceRecord } from '../../services/ecs/service-records.ts';

/** Timings the scheduler works with. AWS's values are the defaults; tests shorten them. */
export interface SchedulerTimings {
  /**
   * How long a RUNNING task with no essential container health check and no load balancer waits before
   * it counts toward the minimum healthy percent: "the service scheduler will wait for 40 seconds after a
   * task reaches a RUNNING state" (API reference, DeploymentConfiguration.minimumHealthyPercent).
   */
  healthyAfterRunningMs: number;
  /** The first launch-throttle delay once tasks keep failing to start; it doubles up to launchBackoffMaxMs. */
  launchBackoffBaseMs: number;
  /** ecs-behaviour.md §2: the retry interval "grows to at most 15 min". */
  launchBackoffMaxMs: number;
  /** Tasks that may fail to start in a row before launches are throttled. */
  launchFailuresBeforeBackoff: number;
  /** How often the scheduler reads the store when nothing nudges it. */
  intervalMs: number;
}

export const DEFAULT_TIMINGS: SchedulerTimings = Object.freeze({
  healthyAfterRunningMs: 40_000,
  // Not verified: AWS documents the 15-minute cap, not the first interval or when throttling starts.
  launchBackoffBaseMs: 30_000,
  launchBackoffMaxMs: 15 * 60_000,
  launchFailuresBeforeBackoff: 3,
  intervalMs: 1_000,
});

/** One target of a task in one of its service's target groups, as the load balancer's records show it. */
export interface ObservedTarget {
  targetGroupArn: string;
  port: number;
  /** undefined until the task runner registered it. */
  registration?: 'registered' | 'draining';
  health?: 'initial' | 'healthy' | 'unhealthy';
  /** AWS's description of an unhealthy target ("Health checks failed with these codes: [404]"). */
  description?: string;
}

/** A task of the service as the planner sees it. */
export interface ObservedTask {
  taskId: string;
  /** The deployment that launched it (its startedBy). */
  deploymentId: string;
  lastStatus: string;
  desiredStatus: string;
  /** The task's aggregated container health (HEALTHY | UNHEALTHY | UNKNOWN), written by the task runner. */
  healthStatus?: string;
  startedAt?: Date;
  stopCode?: string;
  availabilityZone: string;
  subnetId: string;
  /** Whether an essential container of its definition has a health check. */
  hasHealthCheck: boolean;
  targets: ObservedTarget[];
  healthCheckGracePeriodSeconds: number;
  /**
   * Set while UpdateTaskProtection's scale-in protection is enabled: when it lapses. The planner judges expiry
   * against its `now` (health.ts isProtected).
   */
  protectedUntil?: Date;
}

/** Everything the planner needs about one service. */
export interface ServiceSnapshot {
  record: ServiceRecord;
  /** Its tasks, stopped ones too while they are kept. */
  tasks: ObservedTask[];
  /** The availability zone of each subnet the service's deployments name. */
  subnetZones: Record<string, string>;
}

export interface PlanInput {
  snapshot: ServiceSnapshot;
  now: Date;
  timings: SchedulerTimings;
  /** A fresh deployment id, used only when the plan rolls back (the planner draws no randomness itself). */
  nextDeploymentId: string;
}

export interface TaskStop {
  taskId: string;
  reason: string;
}

export interface TaskLaunch {
  deploymentId: string;
  /** One subnet per task to start. */
  subnetIds: string[];
}

/** What to do for one service; `record` is the service as it should be stored (undefined: unchanged). */
export interface ServicePlan {
  record?: ServiceRecord;
  launches: TaskLaunch[];
  stops: TaskStop[];
  events: string[];
  /** An INACTIVE service past its retention: delete it with its events and tags. */
  remove: boolean;
}

export function emptyPlan(): ServicePlan {
  return { launches: [], stops: [], events: [], remove: false };
}
