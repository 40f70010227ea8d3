// The index of every access key Berth issued (IAM users' keys, STS temporary keys), which the
// authenticator consults for each signed request.
import type { CredentialLookup, IssuedCredential } from '../../aws/auth/authenticator.ts';
import type { Principal } from '../../aws/context.ts';
import type { Store, StoreTx } from '../../store/store.ts';
import { SYSTEM_SCOPE } from '../common/scope.ts';

export interface IssuedKeyRecord {
  accessKeyId: string;
  secretAccessKey: string;
  /** STS keys only. */
  sessionToken?: string;
  expiration?: Date;
  principal: Principal;
  /** IAM keys can be made Inactive; an inactive key authenticates nothing. */
  status: 'Active' | 'Inactive';
  createdAt: Date;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    'auth.issued-key': IssuedKeyRecord;
  }
}

export async function recordIssuedKey(tx: StoreTx, record: IssuedKeyRecord): Promise<void> {
  await tx.put('auth.issued-key', SYSTEM_SCOPE, { id: record.accessKeyId, name: record.principal.arn, body: record });
}

export async function forgetIssuedKey(tx: StoreTx, accessKeyId: string): Promise<void> {
  await tx.delete('auth.issued-key', SYSTEM_SCOPE, accessKeyId);
}

/** UpdateAccessKey: an Inactive key stops authenticating at once. */
export async function setIssuedKeyStatus(tx: StoreTx, accessKeyId: string, status: IssuedKeyRecord['status']): Promise<void> {
  const record = await tx.get('auth.issued-key', SYSTEM_SCOPE, accessKeyId);
  if (record) await recordIssuedKey(tx, { ...record, status });
}

/**
 * Drops the expired temporary keys issued to one principal ARN (an assumed-role session, a user's
 * session tokens), so that repeated sessions do not pile up keys that can never authenticate.
 */
export async function forgetExpiredKeys(tx: StoreTx, principalArn: string, now: Date): Promise<void> {
  for (const row of await tx.list('auth.issued-key', SYSTEM_SCOPE, { name: principalArn })) {
    const expiration = row.body.expiration;
    if (expiration !== undefined && expiration.getTime() <= now.getTime()) await tx.delete('auth.issued-key', SYSTEM_SCOPE, row.id);
  }
}

export class StoreCredentialLookup implements CredentialLookup {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async find(accessKeyId: string): Promise<IssuedCredential | undefined> {
    const record = await this.#store.read((tx) => tx.get('auth.issued-key', SYSTEM_SCOPE, accessKeyId));
    if (!record) return undefined;
    return {
      active: record.status === 'Active',
      secretAccessKey: record.secretAccessKey,
      principal: record.principal,
      ...(record.sessionToken !== undefined ? { sessionToken: record.sessionToken } : {}),
      ...(record.expiration !== undefined ? { expiration: record.expiration } : {}),
    };
  }
}
