// Which account/region scopes hold log groups with a retention policy. The store lists per scope,
// so the housekeeping controller (src/controllers/housekeeping/log-retention.ts) enforces retention
// in each scope a 'logs.retention-scope' row names (system scope, id `<account>/<region>`).
// PutRetentionPolicy is the only way a group gets retentionInDays, so it is the one writer.
import { SYSTEM_SCOPE } from '../common/scope.ts';
import type { Scope, Store, StoreTx } from '../../store/store.ts';

export interface RetentionScopeRecord {
  account: string;
  region: string;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    'logs.retention-scope': RetentionScopeRecord;
  }
}

/** Marks a scope as holding a group with a retention policy; idempotent, inside the caller's transaction. */
export async function recordRetentionScope(tx: StoreTx, scope: Scope): Promise<void> {
  const id = `${scope.account}/${scope.region}`;
  if (!(await tx.get('logs.retention-scope', SYSTEM_SCOPE, id))) await tx.put('logs.retention-scope', SYSTEM_SCOPE, { id, body: { ...scope } });
}

/** Every recorded scope (rows stay when the policy goes: an extra scope costs one empty listing). */
export async function retentionScopes(store: Store): Promise<Scope[]> {
  const rows = await store.read((tx) => tx.list('logs.retention-scope', SYSTEM_SCOPE));
  return rows.map((row) => ({ account: row.body.account, region: row.body.region }));
}
