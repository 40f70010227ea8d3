// Which account/region scopes hold tasks. The store lists per scope, so the runner reads the default
// scope and every scope an `ecs.task-scope` row names (system scope, id `<account>/<region>`), which
// putTaskRecord writes (with recordTaskScope) whenever it stores a task there.
import { SYSTEM_SCOPE } from '../common/scope.ts';
import type { Scope, Store, StoreTx } from '../../store/store.ts';

export interface TaskScopeRecord {
  account: string;
  region: string;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    'ecs.task-scope': TaskScopeRecord;
  }
}

/** Marks a scope as holding tasks; idempotent, inside the caller's transaction. */
export async function recordTaskScope(tx: StoreTx, scope: Scope): Promise<void> {
  const id = `${scope.account}/${scope.region}`;
  if (!(await tx.get('ecs.task-scope', SYSTEM_SCOPE, id))) await tx.put('ecs.task-scope', SYSTEM_SCOPE, { id, body: { ...scope } });
}

/** The default scope plus every recorded one. */
export async function taskScopes(store: Store, defaultScope: Scope): Promise<Scope[]> {
  const rows = await store.read((tx) => tx.list('ecs.task-scope', SYSTEM_SCOPE));
  const scopes = new Map([[`${defaultScope.account}/${defaultScope.region}`, defaultScope]]);
  for (const row of rows) scopes.set(row.id, { account: row.body.account, region: row.body.region });
  return [...scopes.values()];
}
