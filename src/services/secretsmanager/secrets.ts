// Secrets themselves: CreateSecret, DescribeSecret, UpdateSecret, DeleteSecret (recovery window or forced),
// RestoreSecret, TagResource and UntagResource.
import type {
  CreateSecretRequest, CreateSecretResponse, DeleteSecretRequest, DeleteSecretResponse, DescribeSecretRequest,
  DescribeSecretResponse, RestoreSecretRequest, RestoreSecretResponse, Tag, TagResourceRequest, UntagResourceRequest,
  UpdateSecretRequest, UpdateSecretResponse,
} from '@aws-sdk/client-secrets-manager';
import type { ServiceOperations } from '../../aws/service.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import { SYSTEM_SCOPE, regionalScope } from '../common/scope.ts';
import type { ServiceDeps } from '../common/deps.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import {
  FORCE_AND_WINDOW, INVALID_NAME, InvalidParameterException, InvalidRequestException, LimitExceededException,
  MARKED_FOR_DELETION, NAME_SCHEDULED_FOR_DELETION, RECOVERY_WINDOW_TOO_LONG, RECOVERY_WINDOW_TOO_SHORT,
  ResourceExistsException, SECRET_EXISTS,
} from './errors.ts';
import {
  arnSuffix, findSecret, putSecret, requireLiveSecret, requireSecret, secretArn, versionIdsToStages, versionKey,
  type SecretRecord,
} from './records.ts';
import { AWSCURRENT } from './stages.ts';
import { addVersion, valueOf } from './versions.ts';

/** Secret names: "letters, numbers, and the characters /_+=.@-" (CreateSecret API reference). */
const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]+$/;
/** "You can attach up to 50 tags to a secret" (Secrets Manager quotas). */
export const MAX_TAGS = 50;
const DAY_MS = 86_400_000;

export function tagList(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function tagRecord(tags: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? '';
  return out;
}

function checkTagCount(tags: Record<string, string>): Record<string, string> {
  // Not verified: the text.
  if (Object.keys(tags).length > MAX_TAGS) throw new LimitExceededException(`A secret can have no more than ${MAX_TAGS} tags.`);
  return tags;
}

/** What DescribeSecret and ListSecrets share. */
export function describe(secret: SecretRecord): DescribeSecretResponse {
  return {
    ARN: secret.arn,
    Name: secret.name,
    Description: secret.description,
    KmsKeyId: secret.kmsKeyId,
    LastChangedDate: secret.lastChangedDate,
    DeletedDate: secret.deletedDate,
    Tags: Object.keys(secret.tags).length > 0 ? tagList(secret.tags) : undefined,
    VersionIdsToStages: versionIdsToStages(secret),
    CreatedDate: secret.createdDate,
  };
}

/** Remembers that `scope` holds a secret waiting for deletion, so purgeDeletedSecrets finds it. */
async function recordDeletionScope(tx: StoreTx, scope: Scope): Promise<void> {
  const id = `${scope.account}/${scope.region}`;
  if (!(await tx.get('secretsmanager.deletion-scope', SYSTEM_SCOPE, id))) {
    await tx.put('secretsmanager.deletion-scope', SYSTEM_SCOPE, { id, body: { ...scope } });
  }
}

/** Removes a secret and every version's sealed value. */
export async function eraseSecret(tx: StoreTx, scope: Scope, secret: SecretRecord): Promise<void> {
  for (const id of secret.versionOrder) await tx.delete('secretsmanager.version', scope, versionKey(secret.arn, id));
  await tx.delete('secretsmanager.secret', scope, secret.arn);
}

export function secretOperations(deps: ServiceDeps, box: SecretBox) {
  return {
    CreateSecret: async (input: CreateSecretRequest, ctx) => {
      const name = input.Name ?? '';
      if (!NAME_PATTERN.test(name)) throw new InvalidParameterException(INVALID_NAME);
      const value = valueOf(input);
      const tags = checkTagCount(tagRecord(input.Tags));
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx): Promise<CreateSecretResponse> => {
        const existing = await findSecret(tx, scope, name);
        if (existing) {
          if (existing.deletedDate) throw new InvalidRequestException(NAME_SCHEDULED_FOR_DELETION);
          // The same request again (same token, same value) answers as the first did.
          const token = input.ClientRequestToken;
          if (value && token !== undefined && existing.versions[token]) {
            const again = await addVersion(tx, scope, box, existing, { versionId: token, value, stages: [AWSCURRENT], now: ctx.now });
            if (!again.created) return { ARN: existing.arn, Name: existing.name, VersionId: token };
          }
          throw new ResourceExistsException(SECRET_EXISTS(name));
        }
        let secret: SecretRecord = {
          arn: secretArn(scope, name, arnSuffix(deps.ids)), name, description: input.Description, kmsKeyId: input.KmsKeyId,
          tags, createdDate: ctx.now, lastChangedDate: ctx.now, versions: {}, versionOrder: [],
        };
        let versionId: string | undefined;
        if (value) {
          versionId = input.ClientRequestToken ?? deps.ids.uuid();
          secret = (await addVersion(tx, scope, box, secret, { versionId, value, stages: [AWSCURRENT], now: ctx.now })).secret;
        }
        await putSecret(tx, scope, secret);
        return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
      });
    },

    DescribeSecret: async (input: DescribeSecretRequest, ctx) =>
      deps.store.read(async (tx) => describe(await requireSecret(tx, regionalScope(ctx), input.SecretId ?? ''))),

    UpdateSecret: async (input: UpdateSecretRequest, ctx) => {
      const value = valueOf(input);
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx): Promise<UpdateSecretResponse> => {
        let secret = await requireLiveSecret(tx, scope, input.SecretId ?? '');
        secret = {
          ...secret,
          description: input.Description ?? secret.description,
          kmsKeyId: input.KmsKeyId ?? secret.kmsKeyId,
          lastChangedDate: ctx.now,
        };
        let versionId: string | undefined;
        if (value) {
          versionId = input.ClientRequestToken ?? deps.ids.uuid();
          secret = (await addVersion(tx, scope, box, secret, { versionId, value, stages: [AWSCURRENT], now: ctx.now })).secret;
        }
        await putSecret(tx, scope, secret);
        return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
      });
    },

    DeleteSecret: async (input: DeleteSecretRequest, ctx) => {
      const force = input.ForceDeleteWithoutRecovery === true;
      const window = input.RecoveryWindowInDays;
      if (force && window !== undefined) throw new InvalidParameterException(FORCE_AND_WINDOW);
      if (window !== undefined && window > 30) throw new InvalidParameterException(RECOVERY_WINDOW_TOO_LONG);
      if (window !== undefined && window < 7) throw new InvalidParameterException(RECOVERY_WINDOW_TOO_SHORT);
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx): Promise<DeleteSecretResponse> => {
        const secret = await requireSecret(tx, scope, input.SecretId ?? '');
        if (force) {
          await eraseSecret(tx, scope, secret);
          return { ARN: secret.arn, Name: secret.name, DeletionDate: ctx.now };
        }
        if (secret.deletedDate) throw new InvalidRequestException(MARKED_FOR_DELETION);
        const deletionDate = new Date(ctx.now.getTime() + (window ?? 30) * DAY_MS);
        await putSecret(tx, scope, { ...secret, deletedDate: ctx.now, deletionDate });
        await recordDeletionScope(tx, scope);
        return { ARN: secret.arn, Name: secret.name, DeletionDate: deletionDate };
      });
    },

    RestoreSecret: async (input: RestoreSecretRequest, ctx) => {
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx): Promise<RestoreSecretResponse> => {
        const secret = await requireSecret(tx, scope, input.SecretId ?? '');
        const { deletedDate: _deleted, deletionDate: _deletion, ...live } = secret;
        await putSecret(tx, scope, { ...live, lastChangedDate: ctx.now });
        return { ARN: secret.arn, Name: secret.name };
      });
    },

    TagResource: async (input: TagResourceRequest, ctx) => {
      const scope = regionalScope(ctx);
      await deps.store.write(async (tx) => {
        const secret = await requireLiveSecret(tx, scope, input.SecretId ?? '');
        await putSecret(tx, scope, { ...secret, tags: checkTagCount({ ...secret.tags, ...tagRecord(input.Tags) }) });
      });
      return {};
    },

    UntagResource: async (input: UntagResourceRequest, ctx) => {
      const scope = regionalScope(ctx);
      const keys = new Set(input.TagKeys ?? []);
      await deps.store.write(async (tx) => {
        const secret = await requireLiveSecret(tx, scope, input.SecretId ?? '');
        await putSecret(tx, scope, { ...secret, tags: Object.fromEntries(Object.entries(secret.tags).filter(([key]) => !keys.has(key))) });
      });
      return {};
    },
  } satisfies ServiceOperations<{
    CreateSecret: [CreateSecretRequest, CreateSecretResponse];
    DescribeSecret: [DescribeSecretRequest, DescribeSecretResponse];
    UpdateSecret: [UpdateSecretRequest, UpdateSecretResponse];
    DeleteSecret: [DeleteSecretRequest, DeleteSecretResponse];
    RestoreSecret: [RestoreSecretRequest, RestoreSecretResponse];
    TagResource: [TagResourceRequest, Record<string, never>];
    UntagResource: [UntagResourceRequest, Record<string, never>];
  }>;
}
