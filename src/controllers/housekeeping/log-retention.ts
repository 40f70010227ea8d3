// Chore: applies every log group's retention policy (src/services/logs/retention.ts), scope by
// scope, deleting the events older than the group keeps. PutRetentionPolicy expires at once; this
// keeps expiring as time passes.
import { enforceRetention } from '../../services/logs/retention.ts';
import type { Scope, Store } from '../../store/store.ts';
import type { Chore } from './chore.ts';

export const LOG_RETENTION_CHORE = 'logs-retention';

export interface LogRetentionChoreOptions {
  store: Store;
  /** The scopes that may hold groups with a retention policy (index.ts logScopes). */
  scopes: () => Promise<Scope[]>;
  intervalMs: number;
}

/** Answers the number of log events deleted. */
export function logRetentionChore(options: LogRetentionChoreOptions): Chore {
  return {
    name: LOG_RETENTION_CHORE,
    intervalMs: options.intervalMs,
    async run(now) {
      let deleted = 0;
      for (const scope of await options.scopes()) deleted += await enforceRetention(options.store, scope, now);
      return deleted;
    },
  };
}
