// Secrets Manager's store kinds (secrets, sealed versions, scopes with pending deletions), their ARNs and how a
// SecretId (name, full ARN, partial ARN) finds its secret.
import type { IdSource } from '../../platform/ids.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import { InvalidRequestException, MARKED_FOR_DELETION, ResourceNotFoundException } from './errors.ts';

export interface VersionInfo {
  stages: string[];
  createdDate: Date;
}

export interface SecretRecord {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  tags: Record<string, string>;
  createdDate: Date;
  lastChangedDate: Date;
  /** When it was scheduled for deletion; absent while the secret is live. */
  deletedDate?: Date;
  /** When the store purges it (deletedDate + the recovery window). */
  deletionDate?: Date;
  /** Versions in creation order; their stages live here so a stage move is one write. */
  versions: Record<string, VersionInfo>;
  versionOrder: string[];
  resourcePolicy?: string;
  blockPublicPolicy?: boolean;
}

/** One version's value, sealed by the SecretBox: never in clear in the store. */
export interface VersionRecord {
  secretArn: string;
  versionId: string;
  kind: 'string' | 'binary';
  sealed: string;
}

export interface DeletionScopeRecord {
  account: string;
  region: string;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    'secretsmanager.secret': SecretRecord;
    'secretsmanager.version': VersionRecord;
    'secretsmanager.deletion-scope': DeletionScopeRecord;
  }
}

const ALPHANUMERICS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** AWS appends a hyphen and six random alphanumerics to the name in a secret's ARN. */
export function arnSuffix(ids: IdSource): string {
  let out = '';
  while (out.length < 6) {
    for (const byte of ids.bytes(8)) {
      // 248 = 4 × 62: bytes past it are dropped so every character is equally likely.
      if (byte < 248 && out.length < 6) out += ALPHANUMERICS[byte % 62] ?? '';
    }
  }
  return out;
}

export function secretArn(scope: Scope, name: string, suffix: string): string {
  return `arn:aws:secretsmanager:${scope.region}:${scope.account}:secret:${name}-${suffix}`;
}

export const versionKey = (arn: string, versionId: string): string => `${arn}|${versionId}`;

export async function putSecret(tx: StoreTx, scope: Scope, secret: SecretRecord): Promise<void> {
  await tx.put('secretsmanager.secret', scope, {
    id: secret.arn, name: secret.name, state: secret.deletedDate ? 'DELETED' : 'ACTIVE', body: secret,
  });
}

/** The secret a SecretId names (name, full ARN, or ARN without the random suffix), deleted or not. */
export async function findSecret(tx: StoreTx, scope: Scope, secretId: string): Promise<SecretRecord | undefined> {
  if (secretId.startsWith('arn:')) {
    const exact = await tx.get('secretsmanager.secret', scope, secretId);
    if (exact) return exact;
    const prefix = `arn:aws:secretsmanager:${scope.region}:${scope.account}:secret:`;
    if (!secretId.startsWith(prefix)) return undefined;
    return byName(tx, scope, secretId.slice(prefix.length));
  }
  return byName(tx, scope, secretId);
}

async function byName(tx: StoreTx, scope: Scope, name: string): Promise<SecretRecord | undefined> {
  const rows = await tx.list('secretsmanager.secret', scope, { name });
  return rows[0]?.body;
}

/** The secret, deleted or not; ResourceNotFoundException when there is none. */
export async function requireSecret(tx: StoreTx, scope: Scope, secretId: string): Promise<SecretRecord> {
  const secret = await findSecret(tx, scope, secretId);
  if (!secret) throw new ResourceNotFoundException();
  return secret;
}

/** A secret that is not scheduled for deletion; InvalidRequestException for one that is. */
export async function requireLiveSecret(tx: StoreTx, scope: Scope, secretId: string): Promise<SecretRecord> {
  const secret = await requireSecret(tx, scope, secretId);
  if (secret.deletedDate) throw new InvalidRequestException(MARKED_FOR_DELETION);
  return secret;
}

/** VersionIdsToStages as AWS answers it: only versions that still carry a stage. */
export function versionIdsToStages(secret: SecretRecord): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const id of secret.versionOrder) {
    const stages = secret.versions[id]?.stages ?? [];
    if (stages.length > 0) out[id] = [...stages];
  }
  return out;
}
