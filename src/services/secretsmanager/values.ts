// Secret values and their versions: GetSecretValue, PutSecretValue, BatchGetSecretValue, ListSecretVersionIds,
// UpdateSecretVersionStage, and readSecretValue for the task runner.
import type {
  APIErrorType, BatchGetSecretValueRequest, BatchGetSecretValueResponse, GetSecretValueRequest, GetSecretValueResponse,
  ListSecretVersionIdsRequest, ListSecretVersionIdsResponse, PutSecretValueRequest, PutSecretValueResponse,
  SecretValueEntry, UpdateSecretVersionStageRequest, UpdateSecretVersionStageResponse,
} from '@aws-sdk/client-secrets-manager';
import { AwsError } from '../../aws/errors.ts';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { Scope, Store, StoreTx } from '../../store/store.ts';
import { decodeToken, encodeToken, pageOf } from '../common/pagination.ts';
import { regionalScope } from '../common/scope.ts';
import type { ServiceDeps } from '../common/deps.ts';
import {
  INVALID_NEXT_TOKEN, InvalidNextTokenException, InvalidParameterException, InvalidRequestException, NO_VALUE,
  NO_VALUE_FOR_VERSION, ResourceNotFoundException,
} from './errors.ts';
import { matchesFilters } from './filters.ts';
import { putSecret, requireLiveSecret, requireSecret, type SecretRecord } from './records.ts';
import { AWSCURRENT, moveStage } from './stages.ts';
import { addVersion, readVersion, valueOf, type OpenedVersion, type ValueSelector } from './versions.ts';

export interface SecretValueRequest extends ValueSelector {
  secretId: string;
}

function valueResponse(secret: SecretRecord, version: OpenedVersion): GetSecretValueResponse {
  return {
    ARN: secret.arn, Name: secret.name, VersionId: version.versionId,
    SecretString: version.value.kind === 'string' ? version.value.value : undefined,
    SecretBinary: version.value.kind === 'binary' ? version.value.value : undefined,
    VersionStages: version.stages, CreatedDate: version.createdDate,
  };
}

async function getValue(tx: StoreTx, scope: Scope, box: SecretBox, request: SecretValueRequest): Promise<GetSecretValueResponse> {
  const secret = await requireLiveSecret(tx, scope, request.secretId);
  return valueResponse(secret, await readVersion(tx, scope, box, secret, request));
}

/**
 * The value GetSecretValue would answer (a string, or a Buffer for a binary secret), for the platform's own reads
 * (secrets injected into tasks); throws the AwsError GetSecretValue would.
 */
export async function readSecretValue(store: Store, box: SecretBox, scope: Scope, request: SecretValueRequest): Promise<string | Buffer> {
  const answer = await store.read((tx) => getValue(tx, scope, box, request));
  if (answer.SecretString !== undefined) return answer.SecretString;
  return Buffer.from(answer.SecretBinary ?? new Uint8Array());
}

const DEFAULT_VERSION_PAGE = 100;

export function valueOperations(deps: ServiceDeps, box: SecretBox) {
  const invalidToken = () => new InvalidNextTokenException(INVALID_NEXT_TOKEN);

  async function batchBySecretIds(ctx: RequestContext, ids: readonly string[]): Promise<BatchGetSecretValueResponse> {
    const scope = regionalScope(ctx);
    const SecretValues: SecretValueEntry[] = [];
    const Errors: APIErrorType[] = [];
    await deps.store.read(async (tx) => {
      for (const secretId of ids) {
        try {
          SecretValues.push(await getValue(tx, scope, box, { secretId }));
        } catch (error) {
          if (!(error instanceof AwsError)) throw error;
          Errors.push({ SecretId: secretId, ErrorCode: error.code, Message: error.message });
        }
      }
    });
    return { SecretValues, Errors };
  }

  return {
    GetSecretValue: async (input: GetSecretValueRequest, ctx) =>
      deps.store.read((tx) => getValue(tx, regionalScope(ctx), box, {
        secretId: input.SecretId ?? '', versionId: input.VersionId, versionStage: input.VersionStage,
      })),

    PutSecretValue: async (input: PutSecretValueRequest, ctx) => {
      const value = valueOf(input);
      if (!value) throw new InvalidRequestException(NO_VALUE);
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx): Promise<PutSecretValueResponse> => {
        const secret = await requireLiveSecret(tx, scope, input.SecretId ?? '');
        const versionId = input.ClientRequestToken ?? deps.ids.uuid();
        const stages = input.VersionStages ?? [AWSCURRENT];
        const { secret: next, created } = await addVersion(tx, scope, box, secret, { versionId, value, stages, now: ctx.now });
        if (created) await putSecret(tx, scope, next);
        return { ARN: next.arn, Name: next.name, VersionId: versionId, VersionStages: [...(next.versions[versionId]?.stages ?? [])] };
      });
    },

    BatchGetSecretValue: async (input: BatchGetSecretValueRequest, ctx) => {
      const ids = input.SecretIdList;
      const filters = input.Filters;
      // Not verified: the texts.
      if (ids !== undefined && filters !== undefined) throw new InvalidParameterException('Either SecretIdList or Filters must be provided, not both.');
      if (ids === undefined && filters === undefined) throw new InvalidParameterException('Either SecretIdList or Filters must be provided.');
      if (ids !== undefined) {
        if (input.MaxResults !== undefined || input.NextToken !== undefined) {
          throw new InvalidParameterException('MaxResults and NextToken can only be used with Filters.');
        }
        return batchBySecretIds(ctx, ids);
      }
      const scope = regionalScope(ctx);
      const page = await deps.store.read((tx) => pageOf(tx, 'secretsmanager.secret', scope, { state: 'ACTIVE' },
        { token: input.NextToken, limit: input.MaxResults ?? 20, invalidToken }, (row) => matchesFilters(row.body, filters)));
      const answer = await batchBySecretIds(ctx, page.items.map((row) => row.body.arn));
      return { ...answer, NextToken: page.nextToken };
    },

    ListSecretVersionIds: async (input: ListSecretVersionIdsRequest, ctx) => {
      const scope = regionalScope(ctx);
      // A secret scheduled for deletion still lists its versions (Not verified).
      const secret = await deps.store.read((tx) => requireSecret(tx, scope, input.SecretId ?? ''));
      const ids = secret.versionOrder.filter((id) => input.IncludeDeprecated === true || (secret.versions[id]?.stages.length ?? 0) > 0);
      let start = 0;
      if (input.NextToken !== undefined && input.NextToken !== '') {
        const decoded = decodeToken(input.NextToken);
        if (decoded === undefined || decoded < 0 || decoded > ids.length) throw invalidToken();
        start = decoded;
      }
      const limit = input.MaxResults ?? DEFAULT_VERSION_PAGE;
      const slice = ids.slice(start, start + limit);
      return {
        ARN: secret.arn, Name: secret.name,
        Versions: slice.map((id) => ({
          VersionId: id, VersionStages: [...(secret.versions[id]?.stages ?? [])], CreatedDate: secret.versions[id]?.createdDate,
          KmsKeyIds: [secret.kmsKeyId ?? 'DefaultEncryptionKey'],
        })),
        NextToken: start + limit < ids.length ? encodeToken(start + limit) : undefined,
      };
    },

    UpdateSecretVersionStage: async (input: UpdateSecretVersionStageRequest, ctx) => {
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx): Promise<UpdateSecretVersionStageResponse> => {
        const secret = await requireLiveSecret(tx, scope, input.SecretId ?? '');
        for (const id of [input.MoveToVersionId, input.RemoveFromVersionId]) {
          if (id !== undefined && !secret.versions[id]) throw new ResourceNotFoundException(NO_VALUE_FOR_VERSION(id));
        }
        const map = Object.fromEntries(secret.versionOrder.map((id) => [id, secret.versions[id]?.stages ?? []]));
        const moved = moveStage(map, { stage: input.VersionStage ?? '', moveToVersionId: input.MoveToVersionId, removeFromVersionId: input.RemoveFromVersionId });
        const versions: SecretRecord['versions'] = {};
        for (const id of secret.versionOrder) {
          const info = secret.versions[id];
          if (info) versions[id] = { ...info, stages: moved[id] ?? [] };
        }
        await putSecret(tx, scope, { ...secret, versions, lastChangedDate: ctx.now });
        return { ARN: secret.arn, Name: secret.name };
      });
    },
  } satisfies ServiceOperations<{
    GetSecretValue: [GetSecretValueRequest, GetSecretValueResponse];
    PutSecretValue: [PutSecretValueRequest, PutSecretValueResponse];
    BatchGetSecretValue: [BatchGetSecretValueRequest, BatchGetSecretValueResponse];
    ListSecretVersionIds: [ListSecretVersionIdsRequest, ListSecretVersionIdsResponse];
    UpdateSecretVersionStage: [UpdateSecretVersionStageRequest, UpdateSecretVersionStageResponse];
  }>;
}
