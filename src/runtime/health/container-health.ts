// A container's health as a transition table: what one probe result does to HEALTHY | UNHEALTHY |
// UNKNOWN, with Docker's rules, which the ECS agent relies on (moby daemon/health.go handleProbeResult;
// ecs-behaviour.md §5): a pass makes it HEALTHY and clears the failing streak; a failure while it has
// never passed and is still inside startPeriod does not count; otherwise `retries` consecutive
// failures make it UNHEALTHY. Any other move throws.

export const HEALTH_STATUSES = ['UNKNOWN', 'HEALTHY', 'UNHEALTHY'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** What a probe result means for the container, once classified (see classifyResult). */
export type HealthEvent =
  /** Exit status 0. */
  | 'pass'
  /** A failure inside startPeriod before any pass: it does not count (Docker keeps it "starting"). */
  | 'fail-ignored'
  /** A failure that counts, below `retries` in a row. */
  | 'fail-counted'
  /** The failure that makes `retries` in a row. */
  | 'fail-threshold';

const TRANSITIONS: Readonly<Record<HealthStatus, Partial<Record<HealthEvent, HealthStatus>>>> = {
  UNKNOWN: { 'pass': 'HEALTHY', 'fail-ignored': 'UNKNOWN', 'fail-counted': 'UNKNOWN', 'fail-threshold': 'UNHEALTHY' },
  // startPeriod only ever spares a container that has not passed yet: from here a failure always counts.
  HEALTHY: { 'pass': 'HEALTHY', 'fail-counted': 'HEALTHY', 'fail-threshold': 'UNHEALTHY' },
  UNHEALTHY: { 'pass': 'HEALTHY', 'fail-counted': 'UNHEALTHY', 'fail-threshold': 'UNHEALTHY' },
};

export class InvalidHealthTransition extends Error {
  override readonly name = 'InvalidHealthTransition';
  readonly code = 'BTH_INVALID_HEALTH_TRANSITION';
  constructor(readonly from: HealthStatus, readonly event: HealthEvent) {
    super(`invalid health transition from ${from} on ${event}`);
  }
}

export interface ContainerHealth {
  status: HealthStatus;
  /** Consecutive failures that counted since the last pass (Docker's FailingStreak). */
  failingStreak: number;
}

export const INITIAL_HEALTH: ContainerHealth = { status: 'UNKNOWN', failingStreak: 0 };

/** The health after `event`; throws InvalidHealthTransition for a move the table does not allow. */
export function applyHealthEvent(health: ContainerHealth, event: HealthEvent): ContainerHealth {
  const status = TRANSITIONS[health.status][event];
  if (status === undefined) throw new InvalidHealthTransition(health.status, event);
  switch (event) {
    case 'pass': return { status, failingStreak: 0 };
    case 'fail-ignored': return { status, failingStreak: health.failingStreak };
    default: return { status, failingStreak: health.failingStreak + 1 };
  }
}

export interface ProbeVerdict {
  passed: boolean;
  /** When the probe began: the start period is judged by it, as Docker does (result.Start). */
  startedAt: Date;
}

/**
 * The event a probe result is for a container in `health`, whose process started at `containerStartedAt`,
 * checked with `retries` and `startPeriodMs`.
 */
export function classifyResult(health: ContainerHealth, verdict: ProbeVerdict, rules: { retries: number; startPeriodMs: number },
  containerStartedAt: Date): HealthEvent {
  if (verdict.passed) return 'pass';
  if (health.status === 'UNKNOWN' && verdict.startedAt.getTime() - containerStartedAt.getTime() < rules.startPeriodMs) return 'fail-ignored';
  return health.failingStreak + 1 >= rules.retries ? 'fail-threshold' : 'fail-counted';
}
