// Secrets past their recovery window are erased, values and all: the housekeeping chore's half of DeleteSecret.
import type { Store } from '../../store/store.ts';
import { SYSTEM_SCOPE } from '../common/scope.ts';
import { eraseSecret } from './secrets.ts';

/** Erases every secret whose deletion date has come; answers how many. */
export async function purgeDeletedSecrets(store: Store, now: Date): Promise<number> {
  const scopes = await store.read((tx) => tx.list('secretsmanager.deletion-scope', SYSTEM_SCOPE));
  let purged = 0;
  for (const { id: scopeId, body: scope } of scopes) {
    purged += await store.write(async (tx) => {
      let count = 0;
      const pending = await tx.list('secretsmanager.secret', scope, { state: 'DELETED' });
      for (const { body: secret } of pending) {
        if (secret.deletionDate && secret.deletionDate.getTime() <= now.getTime()) {
          await eraseSecret(tx, scope, secret);
          count++;
        }
      }
      // A scope with nothing left to wait for leaves the index; DeleteSecret adds it again.
      if (count === pending.length) await tx.delete('secretsmanager.deletion-scope', SYSTEM_SCOPE, scopeId);
      return count;
    });
  }
  return purged;
}
