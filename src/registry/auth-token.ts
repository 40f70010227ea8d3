// The registry password GetAuthorizationToken hands out: `<payload>.<signature>`, where the payload
// names the account and the expiry and the signature is an HMAC-SHA256 under a key Berth keeps in
// the store (made once, so tokens survive restarts). ECR tokens are valid for 12 hours
// (GetAuthorizationToken API reference: "The authorization token is valid for 12 hours").
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IdSource } from '../platform/ids.ts';
import { SYSTEM_SCOPE } from '../services/common/scope.ts';
import type { Store } from '../store/store.ts';

export const TOKEN_VALIDITY_MS = 12 * 60 * 60 * 1000;

interface SigningKeyRecord {
  key: Buffer;
}

declare module '../store/store.ts' {
  interface ResourceKinds {
    'registry.signing-key': SigningKeyRecord;
  }
}

const KEY_ID = 'ecr-authorization-token';

/** The HMAC key both registry passwords and Bearer tokens (bearer-token.ts) are signed with. */
export async function signingKey(store: Store, ids: IdSource): Promise<Buffer> {
  const existing = await store.read((tx) => tx.get('registry.signing-key', SYSTEM_SCOPE, KEY_ID));
  if (existing) return existing.key;
  return store.write(async (tx) => {
    const again = await tx.get('registry.signing-key', SYSTEM_SCOPE, KEY_ID);
    if (again) return again.key;
    const key = ids.bytes(32);
    await tx.put('registry.signing-key', SYSTEM_SCOPE, { id: KEY_ID, body: { key } });
    return key;
  });
}

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

export interface IssuedToken {
  password: string;
  expiresAt: Date;
}

export async function issueRegistryPassword(store: Store, ids: IdSource, accountId: string, now: Date): Promise<IssuedToken> {
  const expiresAt = new Date(now.getTime() + TOKEN_VALIDITY_MS);
  const payload = Buffer.from(JSON.stringify({ a: accountId, e: expiresAt.getTime() }), 'utf8').toString('base64url');
  return { password: `${payload}.${sign(await signingKey(store, ids), payload)}`, expiresAt };
}

/** The account a password was issued for, or undefined when it is forged, malformed or expired. */
export async function verifyRegistryPassword(store: Store, ids: IdSource, password: string, now: Date): Promise<string | undefined> {
  return (await registryPasswordClaims(store, ids, password, now))?.account;
}

/** The account and expiry of a valid password (the token endpoint's tokens never outlive it). */
export async function registryPasswordClaims(store: Store, ids: IdSource, password: string, now: Date): Promise<{ account: string; expiresAt: Date } | undefined> {
  const [payload, signature, extra] = password.split('.');
  if (payload === undefined || signature === undefined || extra !== undefined) return undefined;
  const expected = Buffer.from(sign(await signingKey(store, ids), payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { a?: unknown; e?: unknown };
    if (typeof claims.a !== 'string' || typeof claims.e !== 'number' || claims.e <= now.getTime()) return undefined;
    return { account: claims.a, expiresAt: new Date(claims.e) };
  } catch {
    return undefined;
  }
}
