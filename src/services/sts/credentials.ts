// Temporary security credentials: an ASIA… access key id, a secret, a session token and an
// expiration, recorded in the issued-key index so the authenticator accepts them (with their
// token, until they expire) as the principal they were issued to.
//
// Facts (IAM User Guide, "Temporary security credentials in IAM"; "IAM identifiers"): temporary
// access key ids start with ASIA; requests signed with them must carry the session token; they
// stop working at Expiration.
import type { Credentials } from '@aws-sdk/client-sts';
import type { Principal } from '../../aws/context.ts';
import type { IdSource } from '../../platform/ids.ts';
import type { StoreTx } from '../../store/store.ts';
import { newSecretAccessKey, newTemporaryAccessKeyId } from '../iam/ids.ts';
import { forgetExpiredKeys, recordIssuedKey } from '../iam/issued-credentials.ts';

/**
 * Random bytes in a session token. Real tokens are opaque base64 of several hundred characters;
 * 240 bytes gives 320, long enough that clients which size their buffers for AWS's cope.
 */
const SESSION_TOKEN_BYTES = 240;

/** Mints and records credentials for `principalFor(accessKeyId)`, valid `durationSeconds` from `now`. */
export async function issueTemporaryCredentials(tx: StoreTx, ids: IdSource, principalFor: (accessKeyId: string) => Principal,
  now: Date, durationSeconds: number): Promise<Credentials> {
  const random = (n: number): Buffer => ids.bytes(n);
  const accessKeyId = newTemporaryAccessKeyId(random);
  const secretAccessKey = newSecretAccessKey(random);
  const sessionToken = ids.bytes(SESSION_TOKEN_BYTES).toString('base64');
  const expiration = new Date(now.getTime() + durationSeconds * 1000);
  const principal = principalFor(accessKeyId);
  await forgetExpiredKeys(tx, principal.arn, now);
  await recordIssuedKey(tx, { accessKeyId, secretAccessKey, sessionToken, expiration, principal, status: 'Active', createdAt: now });
  return { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey, SessionToken: sessionToken, Expiration: expiration };
}

/**
 * true when the caller signed with temporary credentials (a role session, or a session token
 * from GetSessionToken): their ids start with ASIA.
 */
export function usesSessionCredentials(principal: Principal): boolean {
  return principal.kind === 'assumed-role' || principal.accessKeyId.startsWith('ASIA');
}
