// The one question every balancing policy answers: which of these available targets gets the next request.
// Availability (registered, healthy or failing open, not draining) is decided before, by the pool (pool.ts);
// stickiness before that (stickiness.ts). One file per policy, chosen by load_balancing.algorithm.type.
import { LeastOutstandingRequests } from './least-outstanding-requests.ts';
import { RoundRobin } from './round-robin.ts';

export interface Selectable {
  /** Stable per target (`id:port`), for the policy's own bookkeeping. */
  key: string;
  /** Requests sent and not yet answered. */
  inFlight: number;
  /** Share of traffic in (0, 1]: below 1 while the target is in slow start (slow-start.ts). */
  weight: number;
}

export interface Selector {
  /** One of `candidates` (never empty), or undefined when every weight is 0. */
  select<T extends Selectable>(candidates: readonly T[]): T | undefined;
}

/** The policy for load_balancing.algorithm.type; ALB's default and anything unknown is round_robin. */
export function createSelector(algorithm: string | undefined): Selector {
  return algorithm === 'least_outstanding_requests' ? new LeastOutstandingRequests() : new RoundRobin();
}
