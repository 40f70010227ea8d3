// The load-balancer controller: feeds the data plane (src/lb/) snapshots of the store's load balancers
// and writes back what the data plane observes (target health, finished drains, bound ports).
import type { LoadBalancerPlane } from '../../lb/plane.ts';
import type { Clock } from '../../platform/clock.ts';
import type { IdSource } from '../../platform/ids.ts';
import type { Scope, Store } from '../../store/store.ts';
import { taskScopes } from '../../services/ecs/task-scopes.ts';
import type { LoadBalancerAddresses } from './addresses.ts';
import { LoadBalancerLoop } from './controller.ts';

export type { LoadBalancerAddresses } from './addresses.ts';

export interface LoadBalancerControllerDeps {
  store: Store;
  clock: Clock;
  ids: IdSource;
  log: (message: string) => void;
  plane: LoadBalancerPlane;
  /** The scope requests without a SigV4 scope land in; the ELBv2 operations record every other one. */
  defaultScope: Scope;
  /** Puts load balancers' addresses on the VPC bridges; without it targets see connections from the host's address. */
  addresses?: LoadBalancerAddresses;
  /** How often the store is read when nothing nudges (default 1000 ms). */
  intervalMs?: number;
}

export interface LoadBalancerController {
  start(): void;
  /** Something changed in the store (an ELBv2 write, a target registered): sync soon. */
  nudge(): void;
  stop(): Promise<void>;
}

export function createLoadBalancerController(deps: LoadBalancerControllerDeps): LoadBalancerController {
  return new LoadBalancerLoop({
    store: deps.store,
    clock: deps.clock,
    log: deps.log,
    plane: deps.plane,
    scopes: () => taskScopes(deps.store, deps.defaultScope),
    ...(deps.addresses ? { addresses: deps.addresses } : {}),
    ...(deps.intervalMs !== undefined ? { intervalMs: deps.intervalMs } : {}),
  });
}
