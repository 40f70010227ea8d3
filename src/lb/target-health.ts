// A target's health lifecycle as ALB shows it in DescribeTargetHealth: a transition table over consecutive
// health-check results. Facts (Application Load Balancer guide, "Health checks for target groups"): a newly
// registered target "must pass one health check to be considered healthy"; UnhealthyThresholdCount consecutive
// failures take a target out of service; HealthyThresholdCount consecutive successes put it back. Reason codes
// and descriptions as that guide's "Health check reason codes" table lists them.

export type HealthState = 'initial' | 'healthy' | 'unhealthy';

/** The moves the lifecycle allows; any other throws. */
const TRANSITIONS: Readonly<Record<HealthState, readonly HealthState[]>> = {
  initial: ['healthy', 'unhealthy'],
  healthy: ['unhealthy'],
  unhealthy: ['healthy'],
};

export class InvalidHealthTransitionError extends Error {
  override readonly name = 'InvalidHealthTransitionError';
  readonly code = 'BERTH_INVALID_HEALTH_TRANSITION';
  constructor(from: HealthState, to: HealthState) {
    super(`invalid target health transition from ${from} to ${to}`);
  }
}

export function assertHealthTransition(from: HealthState, to: HealthState): void {
  if (!TRANSITIONS[from].includes(to)) throw new InvalidHealthTransitionError(from, to);
}

/** One health check's result. */
export type ProbeResult =
  | { ok: true }
  | { ok: false; failure: 'code-mismatch'; status: number }
  | { ok: false; failure: 'timeout' }
  | { ok: false; failure: 'connection' };

export interface TargetHealth {
  state: HealthState;
  reasonCode?: string;
  description?: string;
  /** Consecutive passes / failures so far (the one that is not zero). */
  passes: number;
  failures: number;
}

export const INITIAL_HEALTH: TargetHealth = {
  state: 'initial', reasonCode: 'Elb.InitialHealthChecking', description: 'Initial health checks in progress', passes: 0, failures: 0,
};

export interface Thresholds {
  healthyThreshold: number;
  unhealthyThreshold: number;
}

/** The reason an unhealthy target shows for a failed check. */
export function failureReason(result: Exclude<ProbeResult, { ok: true }>): { reasonCode: string; description: string } {
  switch (result.failure) {
    case 'code-mismatch':
      return { reasonCode: 'Target.ResponseCodeMismatch', description: `Health checks failed with these codes: [${result.status}]` };
    case 'timeout':
      return { reasonCode: 'Target.Timeout', description: 'Request timed out' };
    case 'connection':
      return { reasonCode: 'Target.FailedHealthChecks', description: 'Health checks failed' };
  }
}

/**
 * The health after one more check. From initial one pass is enough (see above); a new target that keeps failing
 * turns unhealthy after UnhealthyThresholdCount failures, as a healthy one does (Not verified: AWS does not
 * document the failing side of initial). An unhealthy target's reason follows its latest failure.
 */
export function nextHealth(current: TargetHealth, result: ProbeResult, thresholds: Thresholds): TargetHealth {
  const passes = result.ok ? current.passes + 1 : 0;
  const failures = result.ok ? 0 : current.failures + 1;
  let state = current.state;
  if (result.ok) {
    const needed = current.state === 'initial' ? 1 : thresholds.healthyThreshold;
    if (current.state !== 'healthy' && passes >= needed) state = 'healthy';
  } else if (current.state !== 'unhealthy' && failures >= thresholds.unhealthyThreshold) {
    state = 'unhealthy';
  }
  if (state !== current.state) assertHealthTransition(current.state, state);
  if (state === 'healthy') return { state, passes, failures };
  if (state === 'initial') return { ...INITIAL_HEALTH, passes, failures };
  const reason = result.ok ? { reasonCode: current.reasonCode, description: current.description } : failureReason(result);
  return { state, ...reason, passes, failures };
}

/** Whether the change is one DescribeTargetHealth would show (state, reason or description). */
export function healthChanged(a: TargetHealth, b: TargetHealth): boolean {
  return a.state !== b.state || a.reasonCode !== b.reasonCode || a.description !== b.description;
}
