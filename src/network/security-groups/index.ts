// Security groups enforced with nftables on every task interface: the controller main.ts builds, and the
// firewall TaskNetwork seals new task namespaces with (see controller.ts; LIMITATIONS.md beside task-network.ts).
import type { Clock } from '../../platform/clock.ts';
import type { Nftables } from '../../platform/nftables.ts';
import { taskScopes } from '../../services/ecs/task-scopes.ts';
import type { Scope, Store } from '../../store/store.ts';
import { FirewallController, type TaskFirewall, type TaskNamespaces } from './controller.ts';

export type { TaskFirewall, TaskNamespaces } from './controller.ts';

export interface SecurityGroupControllerDeps {
  store: Store;
  clock: Clock;
  log: (message: string) => void;
  /** nft, run inside task namespaces. */
  nft: Nftables;
  /** The host's network namespaces (iproute2's `ip netns`): the controller polices those named `bth-<task id>`. */
  namespaces: TaskNamespaces;
  /** The settings' default account and region; every scope that holds tasks is read too (taskScopes). */
  defaultScope: Scope;
  intervalMs?: number;
  /** The port the task endpoints listen on at 169.254.170.2 (read when a table is written: known once Berth listens). */
  taskEndpointPort?: () => number | undefined;
}

export interface SecurityGroupController {
  start(): void;
  nudge(): void;
  stop(): Promise<void>;
  /** Given to TaskNetwork so each task namespace is sealed as it is created. */
  readonly firewall: TaskFirewall;
}

export function createSecurityGroupController(deps: SecurityGroupControllerDeps): SecurityGroupController {
  const controller = new FirewallController({
    store: deps.store,
    clock: deps.clock,
    log: (message) => deps.log(message),
    nft: deps.nft,
    namespaces: deps.namespaces,
    scopes: () => taskScopes(deps.store, deps.defaultScope),
    ...(deps.intervalMs !== undefined ? { intervalMs: deps.intervalMs } : {}),
    ...(deps.taskEndpointPort ? { taskEndpointPort: deps.taskEndpointPort } : {}),
  });
  return {
    start: () => controller.start(),
    nudge: () => controller.nudge(),
    stop: () => controller.stop(),
    firewall: controller,
  };
}
