// PutParameter: creating a parameter and adding versions (Overwrite), with tiers, AllowedPattern, DataType and KeyId.
import type { ParameterTier, PutParameterRequest, PutParameterResult } from '@aws-sdk/client-ssm';
import { AwsError } from '../../aws/errors.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import {
  InvalidAllowedPatternException, InvalidKeyId, ParameterAlreadyExists, ParameterMaxVersionLimitExceeded,
  ParameterPatternMismatchException, ValidationException,
} from './errors.ts';
import { validateNewName } from './names.ts';
import { findParameter, latest, MAX_VERSIONS, putParameterRecord, type ParameterVersionRecord } from './records.ts';
import { validateNewTags } from './tags.ts';

/** "Standard: 4 KB, Advanced: 8 KB" parameter value sizes (Parameter Store user guide, Managing parameter tiers). */
export const STANDARD_MAX_BYTES = 4096;
export const ADVANCED_MAX_BYTES = 8192;
export const DEFAULT_KEY_ID = 'alias/aws/ssm';
/** The data types Parameter Store knows (PutParameter API reference, DataType). */
const DATA_TYPES = new Set(['text', 'aws:ec2:image', 'aws:ssm:integration']);
/** A key id, key ARN, alias name or alias ARN (the forms KMS accepts as KeyId). */
const KEY_ID = /^(alias\/[a-zA-Z0-9/_-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[a-zA-Z0-9-]+|alias\/[a-zA-Z0-9/_-]+))$/;

/**
 * The tier a value is stored in. Intelligent-Tiering picks Standard when the value fits, else Advanced; an Advanced
 * parameter never goes back to Standard ("You can't revert an advanced parameter to a standard parameter", user guide).
 */
export function resolveTier(asked: ParameterTier | undefined, previous: 'Standard' | 'Advanced' | undefined, bytes: number): 'Standard' | 'Advanced' {
  const wanted = asked ?? previous ?? 'Standard';
  if (wanted === 'Advanced' || (wanted === 'Intelligent-Tiering' && (bytes > STANDARD_MAX_BYTES || previous === 'Advanced'))) {
    if (bytes > ADVANCED_MAX_BYTES) throw tooLong(ADVANCED_MAX_BYTES);
    return 'Advanced';
  }
  if (previous === 'Advanced') {
    // Not verified: the text.
    throw new ValidationException("This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.");
  }
  if (bytes > STANDARD_MAX_BYTES) {
    // Not verified: the text.
    throw new ValidationException(`Standard tier parameters support a maximum parameter value of ${STANDARD_MAX_BYTES} characters. ` +
      'To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.');
  }
  return 'Standard';
}

function tooLong(max: number): ValidationException {
  // Not verified: the model-validation style text for the value's length.
  return new ValidationException(`1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
}

/** Checks a value against AllowedPattern; AWS evaluates it as a regular expression over the whole value (Not verified: find vs. match). */
export function checkAllowedPattern(pattern: string | undefined, value: string): void {
  if (pattern === undefined || pattern === '') return;
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'u');
  } catch {
    throw new InvalidAllowedPatternException(pattern);
  }
  if (!regex.test(value)) throw new ParameterPatternMismatchException(pattern);
}

export function putParameterOperations(deps: ServiceDeps, box: SecretBox) {
  return {
    PutParameter: async (input: PutParameterRequest, ctx) => {
      const name = validateNewName(input.Name ?? '');
      const value = input.Value ?? '';
      if (value === '') {
        // moto records this text for an empty value (Not verified).
        throw new ValidationException("1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1.");
      }
      if (input.Overwrite === true && (input.Tags?.length ?? 0) > 0) {
        // moto records this text (Not verified).
        throw new ValidationException("Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.");
      }
      if (input.Policies !== undefined && input.Policies !== '') {
        // Parameter policies (Expiration, notifications) need EventBridge and a scheduler Berth lacks: refused, not ignored.
        throw new AwsError({ code: 'NotImplemented', httpStatus: 501, senderFault: false,
          message: 'Berth does not implement parameter policies (PutParameter Policies) yet (see the service\'s LIMITATIONS file).' });
      }
      const tags = validateNewTags(input.Tags);
      const dataType = input.DataType;
      if (dataType !== undefined && !DATA_TYPES.has(dataType)) {
        throw new ValidationException(`The following data type is not supported: ${dataType} (Data type names are all lowercase.)`);
      }
      if (input.KeyId !== undefined && !KEY_ID.test(input.KeyId)) throw new InvalidKeyId(input.KeyId);
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx) => {
        const existing = await findParameter(tx, scope, name);
        if (existing && input.Overwrite !== true) throw new ParameterAlreadyExists();
        const previous = existing ? latest(existing) : undefined;
        const type = input.Type ?? previous?.type;
        // moto records this text (Not verified).
        if (type === undefined) throw new ValidationException('A parameter type is required when you create a parameter.');
        if (input.KeyId !== undefined && type !== 'SecureString') {
          // Not verified: the text.
          throw new ValidationException('KeyId is required for SecureString type parameter only.');
        }
        // What Overwrite leaves out stays as it was (description, pattern, key, data type).
        const allowedPattern = input.AllowedPattern ?? previous?.allowedPattern;
        checkAllowedPattern(allowedPattern, value);
        const tier = resolveTier(input.Tier, previous?.tier, Buffer.byteLength(value, 'utf8'));
        const versions = existing ? [...existing.versions] : [];
        if (versions.length >= MAX_VERSIONS) {
          const oldest = versions[0];
          if (oldest && oldest.labels.length > 0) throw new ParameterMaxVersionLimitExceeded(existing?.name ?? name, oldest.version);
          versions.shift();
        }
        const keyId = type === 'SecureString' ? input.KeyId ?? (previous?.type === 'SecureString' ? previous.keyId : undefined) ?? DEFAULT_KEY_ID : undefined;
        const description = input.Description ?? previous?.description;
        const record: ParameterVersionRecord = {
          version: (previous?.version ?? 0) + 1,
          type,
          value: type === 'SecureString' ? box.seal(value) : value,
          ...(keyId === undefined ? {} : { keyId }),
          ...(description === undefined ? {} : { description }),
          ...(allowedPattern === undefined ? {} : { allowedPattern }),
          tier,
          dataType: dataType ?? previous?.dataType ?? 'text',
          labels: [],
          lastModifiedDate: ctx.now,
          lastModifiedUser: ctx.principal.arn,
        };
        versions.push(record);
        await putParameterRecord(tx, scope, { name: existing?.name ?? name, tags: existing?.tags ?? tags, versions });
        return { Version: record.version, Tier: tier };
      });
    },
  } satisfies ServiceOperations<{ PutParameter: [PutParameterRequest, PutParameterResult] }>;
}
