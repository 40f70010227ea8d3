// Secrets into tasks: parses a container's `secrets[].valueFrom` as ECS does (developer guide, "Pass sensitive
// data to a container") and reads each value from Secrets Manager or Parameter Store just before the containers
// start, as the task's execution role (secretsmanager:GetSecretValue, ssm:GetParameters, checked against its
// policies first), failing with ECS's ResourceInitializationError text. Values live only in memory and in the containers.
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { awsErrorText } from './model.ts';
import type { PlatformCall } from './ports.ts';
import type { Scope } from '../../store/store.ts';

/** Where one `valueFrom` points. */
export type SecretReference =
  | { source: 'asm'; secretId: string; jsonKey?: string; versionStage?: string; versionId?: string; scope: Scope }
  | { source: 'ssm'; nameOrArn: string };

/** How the platform reads values in clear (main.ts wires Secrets Manager's and Parameter Store's readers). */
export interface SecretReaders {
  /** GetSecretValue's value (a Buffer for a binary secret); throws GetSecretValue's AwsError. */
  secret(scope: Scope, request: { secretId: string; versionStage?: string; versionId?: string }): Promise<string | Buffer>;
  /** GetParameter's decrypted value for a name or ARN; throws GetParameter's AwsError. */
  parameter(scope: Scope, nameOrArn: string): Promise<string>;
}

/** Whether the task's execution role may make a call: the AWS error saying it may not, or undefined. */
export type RoleCheck = (call: PlatformCall) => Promise<Error | undefined>;

/** The task runner's port: one valueFrom → its value, or an Error whose message is the task's stoppedReason. */
export interface SecretSource {
  /** `asRole` checks the read against the task's execution role first (absent: not checked). */
  resolve(scope: Scope, valueFrom: string, asRole?: RoleCheck): Promise<string>;
}

const PREFIX = 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed';
// The agent's retry wrapper names how often it retried (AWS's texts read "1 time(s)" for a client error).
const RETRIED = 'service call has been retried 1 time(s)';

/**
 * ECS's rule: a valueFrom starting with a Secrets Manager ARN is a secret (ARN, then optional
 * `:json-key:version-stage:version-id`, empty parts allowed); anything else is a Parameter Store
 * parameter, by ARN or (in the task's region) by name. A secret name alone is therefore read as a parameter name,
 * as the ECS agent does. Throws for a malformed Secrets Manager ARN.
 */
export function parseValueFrom(valueFrom: string, scope: Scope): SecretReference {
  if (!/^arn:aws[a-z-]*:secretsmanager:/.test(valueFrom)) return { source: 'ssm', nameOrArn: valueFrom };
  const parts = valueFrom.split(':');
  // arn:partition:secretsmanager:region:account:secret:name[:json-key[:version-stage[:version-id]]]
  if (parts.length < 7 || parts.length > 10 || parts[5] !== 'secret' || (parts[6] ?? '') === '') {
    throw new Error(`invalid secret ARN ${valueFrom}`);
  }
  const [jsonKey, versionStage, versionId] = parts.slice(7).map((part) => (part === '' ? undefined : part));
  return {
    source: 'asm',
    secretId: parts.slice(0, 7).join(':'),
    scope: { account: parts[4] ?? scope.account, region: parts[3] || scope.region },
    ...(jsonKey !== undefined ? { jsonKey } : {}),
    ...(versionStage !== undefined ? { versionStage } : {}),
    ...(versionId !== undefined ? { versionId } : {}),
  };
}

/** A top-level key of a JSON SecretString, with the agent's errors (the Go JSON decoder's text is approximated). */
export function jsonKeyValue(secret: string, key: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    // Not verified beyond its shape: Go's encoding/json says "invalid character 'x' looking for beginning of value".
    throw new Error(`invalid character '${secret.trim().charAt(0)}' looking for beginning of value`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.hasOwn(parsed, key)) {
    throw new Error(`retrieved secret from Secrets Manager did not contain json key ${key}`);
  }
  const value: unknown = (parsed as Record<string, unknown>)[key];
  // Non-string values are passed as their JSON text (Not verified).
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Reads values through SecretReaders and words failures as ECS's stoppedReason. */
export class TaskSecrets implements SecretSource {
  readonly #readers: SecretReaders;

  constructor(readers: SecretReaders) {
    this.#readers = readers;
  }

  async resolve(scope: Scope, valueFrom: string, asRole?: RoleCheck): Promise<string> {
    let reference: SecretReference;
    try {
      reference = parseValueFrom(valueFrom, scope);
    } catch (error) {
      throw new Error(`${PREFIX}: unable to retrieve secret from asm: ${RETRIED}: ${describe(error)}`);
    }
    if (reference.source === 'ssm') {
      try {
        // The agent reads parameters with GetParameters (WithDecryption), so that is what the role needs.
        const denied = await asRole?.({ service: 'ssm', operation: 'GetParameters', input: { Names: [reference.nameOrArn], WithDecryption: true } });
        if (denied) throw denied;
        return await this.#readers.parameter(scope, reference.nameOrArn);
      } catch (error) {
        // Not verified: the agent asks GetParameters, which names missing parameters as InvalidParameters.
        const cause = codeOf(error) === 'ParameterNotFound' ? `invalid parameters: ${reference.nameOrArn}` : describe(error);
        throw new Error(`${PREFIX}: unable to retrieve secrets from ssm: ${RETRIED}: ${cause}`);
      }
    }
    const asm = (cause: string) => new Error(`${PREFIX}: unable to retrieve secret from asm: ${RETRIED}: ${cause}`);
    let value: string | Buffer;
    try {
      const version = {
        ...(reference.versionStage !== undefined ? { versionStage: reference.versionStage } : {}),
        ...(reference.versionId !== undefined ? { versionId: reference.versionId } : {}),
      };
      const denied = await asRole?.({
        service: 'secretsmanager', operation: 'GetSecretValue',
        input: { SecretId: reference.secretId, VersionStage: version.versionStage, VersionId: version.versionId },
      });
      if (denied) throw denied;
      value = await this.#readers.secret(reference.scope, { secretId: reference.secretId, ...version });
    } catch (error) {
      // As AWS's stopped tasks read (Releem/releem-agent#195, GiamPy5/terraform-aws-directus#10); status code and request id left out.
      throw asm(`failed to fetch secret ${reference.secretId} from secrets manager: ${describe(error)}`);
    }
    // The agent reads SecretString only: a binary secret injects an empty value (Not verified).
    const text = typeof value === 'string' ? value : '';
    if (reference.jsonKey === undefined) return text;
    try {
      return jsonKeyValue(text, reference.jsonKey);
    } catch (error) {
      throw asm(describe(error));
    }
  }
}

/** A container's secrets as environment entries, in definition order (ECS sets them after `environment`). */
export async function containerSecrets(source: SecretSource | undefined, scope: Scope, definition: ContainerDefinition, asRole?: RoleCheck):
  Promise<{ name: string; value: string }[]> {
  const secrets = definition.secrets ?? [];
  if (secrets.length === 0) return [];
  if (!source) throw new Error(`${PREFIX}: this Berth cannot read secrets`);
  const entries: { name: string; value: string }[] = [];
  for (const secret of secrets) entries.push({ name: secret.name ?? '', value: await source.resolve(scope, secret.valueFrom ?? '', asRole) });
  return entries;
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** `<Code>: <message>` as the AWS SDK for Go prints a service error; other errors by their message. */
function describe(error: unknown): string {
  return error instanceof Error ? awsErrorText(error) : String(error);
}
