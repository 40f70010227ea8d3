// A secret's versions: sealing a new value into a version (idempotent on ClientRequestToken), opening the value a
// VersionId or VersionStage names, and dropping the oldest unlabelled versions past AWS's 100.
import type { SecretBox } from '../../platform/secret-box.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import {
  BOTH_VALUES, CANNOT_DECRYPT, DecryptionFailure, NO_VALUE_FOR_STAGE, NO_VALUE_FOR_VERSION, ResourceExistsException,
  ResourceNotFoundException, InvalidParameterException, VERSION_EXISTS,
} from './errors.ts';
import { versionKey, type SecretRecord, type VersionRecord } from './records.ts';
import { AWSCURRENT, attachStages } from './stages.ts';

/** "Secrets Manager removes outdated versions when there are more than 100" (user guide, "Secret versions"). */
export const MAX_VERSIONS = 100;

export type SecretValue = { kind: 'string'; value: string } | { kind: 'binary'; value: Buffer };

/** The value a request carries, if any; InvalidParameterException for both. */
export function valueOf(input: { SecretString?: string | undefined; SecretBinary?: Uint8Array | undefined }): SecretValue | undefined {
  if (input.SecretString !== undefined && input.SecretBinary !== undefined) throw new InvalidParameterException(BOTH_VALUES);
  if (input.SecretString !== undefined) return { kind: 'string', value: input.SecretString };
  if (input.SecretBinary !== undefined) return { kind: 'binary', value: Buffer.from(input.SecretBinary) };
  return undefined;
}

function open(box: SecretBox, version: VersionRecord): SecretValue {
  try {
    const bytes = box.open(version.sealed);
    return version.kind === 'string' ? { kind: 'string', value: bytes.toString('utf8') } : { kind: 'binary', value: bytes };
  } catch {
    throw new DecryptionFailure(CANNOT_DECRYPT);
  }
}

function sameValue(a: SecretValue, b: SecretValue): boolean {
  if (a.kind === 'string' && b.kind === 'string') return a.value === b.value;
  if (a.kind === 'binary' && b.kind === 'binary') return a.value.equals(b.value);
  return false;
}

export interface NewVersion {
  versionId: string;
  value: SecretValue;
  stages: readonly string[];
  now: Date;
}

/**
 * The secret with `version` added and its stages attached. A VersionId that already exists with the same value
 * changes nothing (`created` false); with another value it is ResourceExistsException.
 */
export async function addVersion(tx: StoreTx, scope: Scope, box: SecretBox, secret: SecretRecord, version: NewVersion): Promise<{ secret: SecretRecord; created: boolean }> {
  const existing = await tx.get('secretsmanager.version', scope, versionKey(secret.arn, version.versionId));
  if (existing) {
    if (!sameValue(open(box, existing), version.value)) throw new ResourceExistsException(VERSION_EXISTS);
    return { secret, created: false };
  }
  await tx.put('secretsmanager.version', scope, {
    id: versionKey(secret.arn, version.versionId), parent: secret.arn,
    body: { secretArn: secret.arn, versionId: version.versionId, kind: version.value.kind, sealed: box.seal(version.value.value) },
  });
  const stageMap = attachStages(Object.fromEntries(secret.versionOrder.map((id) => [id, secret.versions[id]?.stages ?? []])), version.versionId, version.stages);
  const versions: SecretRecord['versions'] = { ...secret.versions, [version.versionId]: { stages: [], createdDate: version.now } };
  for (const [id, stages] of Object.entries(stageMap)) {
    const info = versions[id];
    if (info) versions[id] = { ...info, stages };
  }
  let order = [...secret.versionOrder, version.versionId];
  // Oldest unlabelled versions go first once there are more than MAX_VERSIONS.
  while (order.length > MAX_VERSIONS) {
    const drop = order.find((id) => (versions[id]?.stages.length ?? 0) === 0);
    if (drop === undefined) break;
    order = order.filter((id) => id !== drop);
    delete versions[drop];
    await tx.delete('secretsmanager.version', scope, versionKey(secret.arn, drop));
  }
  return { secret: { ...secret, versions, versionOrder: order, lastChangedDate: version.now }, created: true };
}

export interface ValueSelector {
  versionId?: string | undefined;
  versionStage?: string | undefined;
}

export interface OpenedVersion {
  versionId: string;
  stages: string[];
  createdDate: Date;
  value: SecretValue;
}

/** The version a selector names (AWSCURRENT by default), opened. */
export async function readVersion(tx: StoreTx, scope: Scope, box: SecretBox, secret: SecretRecord, selector: ValueSelector): Promise<OpenedVersion> {
  let versionId = selector.versionId;
  if (versionId === undefined) {
    const stage = selector.versionStage ?? AWSCURRENT;
    versionId = secret.versionOrder.find((id) => secret.versions[id]?.stages.includes(stage));
    if (versionId === undefined) throw new ResourceNotFoundException(NO_VALUE_FOR_STAGE(stage));
  }
  const info = secret.versions[versionId];
  if (!info) throw new ResourceNotFoundException(NO_VALUE_FOR_VERSION(versionId));
  // Both given: they must agree (Not verified: AWS's text when they do not).
  if (selector.versionStage !== undefined && !info.stages.includes(selector.versionStage)) {
    throw new ResourceNotFoundException(NO_VALUE_FOR_STAGE(selector.versionStage));
  }
  const record = await tx.get('secretsmanager.version', scope, versionKey(secret.arn, versionId));
  if (!record) throw new ResourceNotFoundException(NO_VALUE_FOR_VERSION(versionId));
  return { versionId, stages: [...info.stages], createdDate: info.createdDate, value: open(box, record) };
}
