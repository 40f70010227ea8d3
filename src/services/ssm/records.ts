// The store kind 'ssm.parameter' (one document per parameter, its versions inside), lookups by selector, and the
// shapes responses are built from. SecureString values are kept only as SecretBox output.
import type { ParameterTier, ParameterType, Tag } from '@aws-sdk/client-ssm';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import { ParameterNotFound, ParameterVersionNotFound } from './errors.ts';
import { parameterArn, parameterKey, parseSelector, type Selector } from './names.ts';

export interface ParameterVersionRecord {
  version: number;
  type: ParameterType;
  /** In clear for String and StringList; `box.seal(value)` for SecureString. */
  value: string;
  /** SecureString only: the KMS key named (default alias/aws/ssm). Berth has no KMS; the SecretBox key seals. */
  keyId?: string;
  description?: string;
  allowedPattern?: string;
  /** The tier the version was stored in; Intelligent-Tiering resolves to one of these. */
  tier: Exclude<ParameterTier, 'Intelligent-Tiering'>;
  dataType: string;
  labels: string[];
  lastModifiedDate: Date;
  lastModifiedUser: string;
}

export interface ParameterRecord {
  /** As created (spaces trimmed); the store id is parameterKey(name). */
  name: string;
  tags: Tag[];
  /** Oldest first; at most MAX_VERSIONS. */
  versions: ParameterVersionRecord[];
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    'ssm.parameter': ParameterRecord;
  }
}

/** "Parameter Store retains the 100 most recently created versions of a parameter" (ParameterMaxVersionLimitExceeded). */
export const MAX_VERSIONS = 100;

export function latest(record: ParameterRecord): ParameterVersionRecord {
  const last = record.versions[record.versions.length - 1];
  if (!last) throw new Error(`parameter ${record.name} has no versions`);
  return last;
}

export async function putParameterRecord(tx: StoreTx, scope: Scope, record: ParameterRecord): Promise<void> {
  const key = parameterKey(record.name);
  await tx.put('ssm.parameter', scope, { id: key, name: key, body: record });
}

export async function findParameter(tx: StoreTx, scope: Scope, name: string): Promise<ParameterRecord | undefined> {
  return tx.get('ssm.parameter', scope, parameterKey(name));
}

export interface Resolved {
  record: ParameterRecord;
  version: ParameterVersionRecord;
  selector: Selector;
}

/**
 * The version a GetParameter-style name picks: the latest, `:version` or `:label`, by name or by ARN. Berth shares no
 * parameters across accounts or regions, so an ARN naming another scope finds nothing.
 */
export async function resolveSelector(tx: StoreTx, scope: Scope, input: string): Promise<Resolved> {
  const selector = parseSelector(input);
  if (selector.arn && (selector.arn.account !== scope.account || selector.arn.region !== scope.region)) throw new ParameterNotFound();
  if (selector.text !== undefined && selector.name === '') throw new ParameterNotFound();
  const record = await findParameter(tx, scope, selector.name);
  if (!record) throw new ParameterNotFound();
  let version: ParameterVersionRecord | undefined;
  if (selector.version !== undefined) {
    version = record.versions.find((v) => v.version === selector.version);
    if (!version) throw new ParameterVersionNotFound(record.name, String(selector.version));
  } else if (selector.label !== undefined) {
    version = record.versions.find((v) => v.labels.includes(selector.label ?? ''));
    // Not verified: AWS's answer for a label no version carries (Berth: ParameterVersionNotFound, as for a version).
    if (!version) throw new ParameterVersionNotFound(record.name, selector.label);
  } else {
    version = latest(record);
  }
  return { record, version, selector };
}

/** A version's value as a response carries it: SecureString opened only WithDecryption, else the sealed text (see LIMITATIONS.md). */
export function valueOf(version: ParameterVersionRecord, box: SecretBox, withDecryption: boolean): string {
  return version.type === 'SecureString' && withDecryption ? box.openText(version.value) : version.value;
}

export function arnOf(scope: Scope, name: string): string {
  return parameterArn(scope.region, scope.account, name);
}
