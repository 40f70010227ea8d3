// The housekeeping controller and Berth's chores: stopped ECS tasks, log retention, registry
// garbage collection and expired STS credentials, each on its own interval. main.ts builds it
// with createHousekeeping, starts it once the server listens and stops it before the store closes.
import type { Clock } from '../../platform/clock.ts';
import type { BlobStore } from '../../registry/blob-store.ts';
import { taskScopes } from '../../services/ecs/task-scopes.ts';
import { retentionScopes } from '../../services/logs/retention-scopes.ts';
import type { Scope, Store } from '../../store/store.ts';
import type { Chore } from './chore.ts';
import { expiredCredentialsChore } from './expired-credentials.ts';
import { Housekeeping } from './housekeeping.ts';
import { logRetentionChore } from './log-retention.ts';
import { registryGcChore } from './registry-gc.ts';
import { stoppedTasksChore } from './stopped-tasks.ts';

export type { Chore } from './chore.ts';
export { Housekeeping, type HousekeepingOptions } from './housekeeping.ts';
export { EXPIRED_CREDENTIALS_CHORE } from './expired-credentials.ts';
export { LOG_RETENTION_CHORE } from './log-retention.ts';
export { REGISTRY_GC_CHORE } from './registry-gc.ts';
export { STOPPED_TASKS_CHORE } from './stopped-tasks.ts';

export interface ChoreIntervals {
  stoppedTasks: number;
  expiredCredentials: number;
  logRetention: number;
  registryGc: number;
}

/**
 * Stopped tasks and credentials are checked every minute, so a task goes within a minute of its
 * hour; log retention (AWS itself takes up to 72 hours) every 10 minutes; registry GC, which lists
 * every blob on disk, every 30 minutes.
 */
export const DEFAULT_CHORE_INTERVALS: Readonly<ChoreIntervals> = Object.freeze({
  stoppedTasks: 60_000,
  expiredCredentials: 60_000,
  logRetention: 10 * 60_000,
  registryGc: 30 * 60_000,
});

export interface HousekeepingDeps {
  store: Store;
  clock: Clock;
  log: (message: string) => void;
  blobs: BlobStore;
  /** The settings' default account and region: tasks and log groups are looked for there too. */
  defaultScope: Scope;
  intervals?: Partial<ChoreIntervals>;
  /** Chores other areas own (e.g. ECR lifecycle policies), run alongside Berth's. */
  extraChores?: readonly Chore[];
  /** See HousekeepingOptions.firstRunDelayMs. */
  firstRunDelayMs?: number;
}

/** Builds the controller with every chore; nothing runs until start(). */
export function createHousekeeping(deps: HousekeepingDeps): Housekeeping {
  const { store, defaultScope } = deps;
  const intervals = { ...DEFAULT_CHORE_INTERVALS, ...deps.intervals };
  const scopesOfTasks = () => taskScopes(store, defaultScope);
  const chores: Chore[] = [
    stoppedTasksChore({ store, scopes: scopesOfTasks, intervalMs: intervals.stoppedTasks }),
    expiredCredentialsChore({ store, intervalMs: intervals.expiredCredentials }),
    logRetentionChore({ store, scopes: () => logScopes(store, defaultScope), intervalMs: intervals.logRetention }),
    registryGcChore({ store, blobs: deps.blobs, intervalMs: intervals.registryGc }),
    ...(deps.extraChores ?? []),
  ];
  return new Housekeeping({
    clock: deps.clock, log: deps.log, chores, ...(deps.firstRunDelayMs !== undefined ? { firstRunDelayMs: deps.firstRunDelayMs } : {}),
  });
}

/**
 * The scopes whose log groups may have a retention policy: those PutRetentionPolicy recorded
 * (retention-scopes.ts), plus the default scope and every scope that holds tasks (where awslogs
 * writes), which also covers groups given a policy before that index existed.
 */
export async function logScopes(store: Store, defaultScope: Scope): Promise<Scope[]> {
  const all = [...(await taskScopes(store, defaultScope)), ...(await retentionScopes(store))];
  return [...new Map(all.map((scope) => [`${scope.account}/${scope.region}`, scope])).values()];
}
