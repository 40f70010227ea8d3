// Where RunTask puts its tasks: the count, the launch type or capacity provider strategy (and which
// provider each task lands on), and the Fargate platform version. Pure functions over the request,
// the cluster and the task definition; run-task.ts calls them before it writes anything.
import type { CapacityProviderStrategyItem, LaunchType, TaskDefinition } from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import { normalizeStrategy } from './capacity-providers.ts';
import type { ClusterRecord } from './cluster-records.ts';
import { InvalidParameterException, PlatformUnknownException } from './errors.ts';

/** RunTask `count`: "You can specify up to 10 tasks for each call." */
export const MAX_RUN_TASK_COUNT = 10;

/** ecs-behaviour.md §4: "Platform versions: LATEST = 1.4.0; 1.3.0 still available." */
export const LATEST_PLATFORM_VERSION = '1.4.0';
const PLATFORM_VERSIONS: readonly string[] = Object.freeze(['1.4.0', '1.3.0']);

/** Verified (ecs-behaviour.md §4): RunTask on a definition whose compatibilities lack FARGATE. */
export const NOT_FARGATE_COMPATIBLE_MESSAGE = 'Task definition does not support launch_type FARGATE.';

/** Verified: CreateService's InvalidParameterException when both are given (several public reports); Berth answers RunTask the same way. */
export const LAUNCH_TYPE_AND_STRATEGY_MESSAGE = 'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.';

/** Where one task of a RunTask call runs. */
export interface Placement {
  launchType: LaunchType;
  /** Set when a capacity provider strategy placed the task (FARGATE or FARGATE_SPOT). */
  capacityProviderName?: string;
}

/** The number of tasks to start: 1 by default, 1..10 otherwise. */
export function runTaskCount(count: number | undefined): number {
  if (count === undefined) return 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_RUN_TASK_COUNT) {
    // Not verified: Berth's text for the documented limit.
    throw new InvalidParameterException(`count must be between 1 and ${MAX_RUN_TASK_COUNT}.`);
  }
  return count;
}

/** `LATEST` (or nothing) is 1.4.0; 1.4.0 and 1.3.0 are served; anything else is unknown. */
export function fargatePlatformVersion(requested: string | undefined): string {
  if (requested === undefined || requested === 'LATEST') return LATEST_PLATFORM_VERSION;
  if (PLATFORM_VERSIONS.includes(requested)) return requested;
  // Not verified: Berth's text; the exception is the model's for an unknown platform version.
  throw new PlatformUnknownException(`The specified platform version (${requested}) does not exist.`);
}

/**
 * Splits `count` tasks over a strategy as ECS does (ecs-behaviour.md §8): the provider with a base
 * gets up to `base` tasks first, the rest are shared in proportion to weight. Each task goes to the
 * provider furthest below its weighted share, ties to the earlier item, so the split is deterministic.
 */
export function distributeStrategy(strategy: readonly CapacityProviderStrategyItem[], count: number): string[] {
  const names: string[] = [];
  const placed = new Map<string, number>();
  const based = strategy.find((item) => (item.base ?? 0) > 0);
  if (based?.capacityProvider !== undefined) {
    const n = Math.min(based.base ?? 0, count);
    for (let i = 0; i < n; i += 1) names.push(based.capacityProvider);
  }
  const weighted = strategy.filter((item) => (item.weight ?? 0) > 0 && item.capacityProvider !== undefined);
  const totalWeight = weighted.reduce((sum, item) => sum + (item.weight ?? 0), 0);
  while (names.length < count && totalWeight > 0) {
    const done = names.length - (based ? Math.min(based.base ?? 0, count) : 0) + 1;
    let best: CapacityProviderStrategyItem | undefined;
    let bestDeficit = -Infinity;
    for (const item of weighted) {
      const share = (done * (item.weight ?? 0)) / totalWeight;
      const deficit = share - (placed.get(item.capacityProvider ?? '') ?? 0);
      if (deficit > bestDeficit) {
        best = item;
        bestDeficit = deficit;
      }
    }
    const name = best?.capacityProvider ?? '';
    placed.set(name, (placed.get(name) ?? 0) + 1);
    names.push(name);
  }
  return names;
}

/** What RunTask asked for about placement, and what it places into. */
export interface PlacementRequest {
  launchType?: LaunchType | undefined;
  capacityProviderStrategy?: CapacityProviderStrategyItem[] | undefined;
  count: number;
}

/**
 * One placement per task. `launchType` FARGATE, or a strategy of providers associated with the
 * cluster (the request's, else the cluster's default one). Without either ECS uses the EC2 launch
 * type, which needs container instances Berth does not have.
 */
export function placeTasks(request: PlacementRequest, cluster: ClusterRecord, definition: TaskDefinition, ctx: RequestContext): Placement[] {
  const given = request.capacityProviderStrategy ?? [];
  if (request.launchType !== undefined && given.length > 0) throw new InvalidParameterException(LAUNCH_TYPE_AND_STRATEGY_MESSAGE);
  const strategy = request.launchType === undefined
    ? normalizeStrategy(given.length > 0 ? given : cluster.defaultCapacityProviderStrategy, cluster.capacityProviders, ctx)
    : [];
  const launchType: LaunchType = strategy.length > 0 ? 'FARGATE' : request.launchType ?? 'EC2';
  if (launchType !== 'FARGATE') {
    // Not verified: the text ECS gives when a cluster has no container instances for the EC2 launch type.
    throw new InvalidParameterException('No Container Instances were found in your cluster.');
  }
  if (!(definition.compatibilities ?? []).includes('FARGATE')) throw new InvalidParameterException(NOT_FARGATE_COMPATIBLE_MESSAGE);
  if (strategy.length === 0) return Array.from({ length: request.count }, () => ({ launchType }));
  if (!strategy.some((item) => (item.weight ?? 0) > 0)) {
    // Not verified: Berth's text for the documented rule (at least one weight above 0).
    throw new InvalidParameterException('The capacity provider strategy must have at least one capacity provider with a weight greater than 0.');
  }
  return distributeStrategy(strategy, request.count).map((capacityProviderName) => ({ launchType, capacityProviderName }));
}
