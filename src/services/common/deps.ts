// What every service is built with. main.ts makes one and passes it to each service factory.
import type { IdSource } from '../../platform/ids.ts';
import type { Store } from '../../store/store.ts';
import type { RoleTrust } from './role-trust.ts';
import type { TaskEvents } from './task-events.ts';

export interface ServiceDeps {
  store: Store;
  ids: IdSource;
  /** The account of callers whose keys Berth did not issue. */
  defaultAccountId: string;
  /** Told after RunTask and StopTask commit, so tasks start and stop without waiting for a poll. */
  taskEvents?: TaskEvents;
  /** Whether ECS may assume a task's roles (RunTask refuses a task whose role it cannot assume); absent: not checked. */
  roleTrust?: RoleTrust;
}
