// Chore: deletes issued access keys (the 'auth.issued-key' index the authenticator reads) whose
// expiration passed more than a grace period ago: STS session credentials. IAM users' access keys
// have no expiration and are never touched.
//
// Why a grace period: until its record goes, an expired key is answered ExpiredToken ("The security
// token included in the request is expired"), the answer on which SDKs refresh credentials, as AWS
// answers it (AWS reads the expiration from the token itself). Once the record is gone the key is
// unknown: InvalidClientTokenId in strict mode, the account root in lenient mode (authenticator.ts).
import { forgetIssuedKey, type IssuedKeyRecord } from '../../services/iam/issued-credentials.ts';
import { SYSTEM_SCOPE } from '../../services/common/scope.ts';
import type { Store } from '../../store/store.ts';
import type { Chore } from './chore.ts';

export const EXPIRED_CREDENTIALS_CHORE = 'sts-expired-credentials';

/** How long after its expiration an issued key is still answered ExpiredToken. */
export const EXPIRED_KEY_GRACE_MS = 60 * 60 * 1000;

/** Keys read per page and deleted per transaction. */
const DEFAULT_BATCH_SIZE = 500;

export interface ExpiredCredentialsChoreOptions {
  store: Store;
  intervalMs: number;
  graceMs?: number;
  batchSize?: number;
}

/** Whether an issued key may be forgotten at `now`: it has an expiration, and that lies at least `graceMs` back. */
export function issuedKeyForgettable(record: Pick<IssuedKeyRecord, 'expiration'>, now: Date, graceMs = EXPIRED_KEY_GRACE_MS): boolean {
  return record.expiration !== undefined && now.getTime() - new Date(record.expiration).getTime() >= graceMs;
}

export function expiredCredentialsChore(options: ExpiredCredentialsChoreOptions): Chore {
  return {
    name: EXPIRED_CREDENTIALS_CHORE,
    intervalMs: options.intervalMs,
    run: (now) => forgetExpiredIssuedKeys(options.store, now, options.graceMs, options.batchSize),
  };
}

/**
 * Deletes every issued key issuedKeyForgettable allows at `now`; answers how many went. The index
 * is read page by page in seq order (expiration is not indexed); each page's forgettable keys go in
 * one transaction that checks each again.
 */
export async function forgetExpiredIssuedKeys(store: Store, now: Date, graceMs = EXPIRED_KEY_GRACE_MS, batchSize = DEFAULT_BATCH_SIZE): Promise<number> {
  let removed = 0;
  let afterSeq = 0;
  for (;;) {
    const page = await store.read((tx) => tx.list('auth.issued-key', SYSTEM_SCOPE, { afterSeq, limit: batchSize }));
    const due = page.filter((row) => issuedKeyForgettable(row.body, now, graceMs)).map((row) => row.id);
    if (due.length > 0) {
      removed += await store.write(async (tx) => {
        let deleted = 0;
        for (const accessKeyId of due) {
          const record = await tx.get('auth.issued-key', SYSTEM_SCOPE, accessKeyId);
          if (!record || !issuedKeyForgettable(record, now, graceMs)) continue;
          await forgetIssuedKey(tx, accessKeyId);
          deleted += 1;
        }
        return deleted;
      });
    }
    const last = page.at(-1);
    if (last === undefined || page.length < batchSize) return removed;
    afterSeq = last.seq;
  }
}
