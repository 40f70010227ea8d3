// ECR repositories: CreateRepository, DescribeRepositories, DeleteRepository, PutImageTagMutability,
// PutImageScanningConfiguration, Set/Get/DeleteRepositoryPolicy (lifecycle policies: lifecycle.ts).
import type {
  CreateRepositoryRequest, CreateRepositoryResponse, DeleteRepositoryPolicyRequest, DeleteRepositoryPolicyResponse,
  DeleteRepositoryRequest, DeleteRepositoryResponse, DescribeRepositoriesRequest, DescribeRepositoriesResponse,
  GetRepositoryPolicyRequest, GetRepositoryPolicyResponse, PutImageScanningConfigurationRequest,
  PutImageScanningConfigurationResponse, PutImageTagMutabilityRequest, PutImageTagMutabilityResponse,
  Repository, SetRepositoryPolicyRequest, SetRepositoryPolicyResponse,
} from '@aws-sdk/client-ecr';
import type { ServiceOperations } from '../../aws/service.ts';
import { deleteRepositoryContents, listImages, type RepositoryRecord } from '../../registry/records.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import { pageOf } from '../common/pagination.ts';
import { ecrScope, repositoryOf, repositoryView, type EcrDeps } from './context.ts';
import {
  InvalidParameterException, RepositoryAlreadyExistsException, RepositoryNotEmptyException, RepositoryPolicyNotFoundException,
} from './errors.ts';
import { forgetLifecycle } from './lifecycle.ts';
import { validateNewTags } from './tags.ts';

/** DescribeRepositories' page size without maxResults (API reference: "returns up to 100 results"). */
const DEFAULT_PAGE = 100;

function checkJson(text: string, what: string): void {
  try {
    JSON.parse(text);
  } catch {
    // Not verified: Berth's text; ECR answers an unreadable policy with InvalidParameterException.
    throw new InvalidParameterException(`Invalid parameter at '${what}' failed to satisfy constraint: 'Invalid JSON'`);
  }
}

function checkMutability(value: string | undefined): string {
  const mutability = value ?? 'MUTABLE';
  if (mutability !== 'MUTABLE' && mutability !== 'IMMUTABLE') {
    throw new InvalidParameterException(`Berth does not support imageTagMutability ${mutability} yet (see LIMITATIONS.md).`);
  }
  return mutability;
}

export function repositoryOperations(deps: EcrDeps) {
  async function update(tx: StoreTx, scope: Scope, record: RepositoryRecord): Promise<void> {
    await tx.put('ecr.repository', scope, { id: record.repositoryName, name: record.repositoryName, body: record });
  }

  return {
    CreateRepository: async (input: CreateRepositoryRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      const name = input.repositoryName ?? '';
      const encryptionType = input.encryptionConfiguration?.encryptionType ?? 'AES256';
      if (encryptionType !== 'AES256' && encryptionType !== 'KMS') {
        throw new InvalidParameterException(`Berth does not support encryptionType ${encryptionType} (see LIMITATIONS.md).`);
      }
      const record: RepositoryRecord = {
        repositoryName: name,
        repositoryArn: `arn:aws:ecr:${scope.region}:${scope.account}:repository/${name}`,
        registryId: scope.account,
        createdAt: ctx.now,
        imageTagMutability: checkMutability(input.imageTagMutability),
        scanOnPush: input.imageScanningConfiguration?.scanOnPush ?? false,
        encryptionType,
        ...(input.encryptionConfiguration?.kmsKey !== undefined ? { kmsKey: input.encryptionConfiguration.kmsKey } : {}),
        tags: validateNewTags(input.tags),
      };
      await deps.store.write(async (tx) => {
        if (await tx.get('ecr.repository', scope, name)) throw new RepositoryAlreadyExistsException(name, scope.account);
        await update(tx, scope, record);
      });
      return { repository: repositoryView(record, scope, deps.addressing) };
    },

    DescribeRepositories: async (input: DescribeRepositoriesRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      return deps.store.read(async (tx) => {
        if (input.repositoryNames !== undefined && input.repositoryNames.length > 0) {
          const repositories: Repository[] = [];
          for (const name of input.repositoryNames) repositories.push(repositoryView(await repositoryOf(tx, scope, name), scope, deps.addressing));
          return { repositories };
        }
        const page = await pageOf(tx, 'ecr.repository', scope, {}, {
          token: input.nextToken, limit: input.maxResults ?? DEFAULT_PAGE,
          invalidToken: () => new InvalidParameterException('Invalid parameter at \'nextToken\' failed to satisfy constraint: \'Invalid token\''),
        });
        return { repositories: page.items.map((r) => repositoryView(r.body, scope, deps.addressing)), nextToken: page.nextToken };
      });
    },

    DeleteRepository: async (input: DeleteRepositoryRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      const record = await deps.store.write(async (tx) => {
        const found = await repositoryOf(tx, scope, input.repositoryName);
        const images = await listImages(tx, scope, found.repositoryName);
        if (images.length > 0 && input.force !== true) throw new RepositoryNotEmptyException(found.repositoryName, scope.account);
        await deleteRepositoryContents(tx, scope, found.repositoryName);
        await forgetLifecycle(tx, scope, found.repositoryName);
        await tx.delete('ecr.repository', scope, found.repositoryName);
        return found;
      });
      return { repository: repositoryView(record, scope, deps.addressing) };
    },

    PutImageTagMutability: async (input: PutImageTagMutabilityRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      const mutability = checkMutability(input.imageTagMutability);
      await deps.store.write(async (tx) => update(tx, scope, { ...(await repositoryOf(tx, scope, input.repositoryName)), imageTagMutability: mutability }));
      return { registryId: scope.account, repositoryName: input.repositoryName, imageTagMutability: mutability as 'MUTABLE' };
    },

    PutImageScanningConfiguration: async (input: PutImageScanningConfigurationRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      const scanOnPush = input.imageScanningConfiguration?.scanOnPush ?? false;
      await deps.store.write(async (tx) => update(tx, scope, { ...(await repositoryOf(tx, scope, input.repositoryName)), scanOnPush }));
      return { registryId: scope.account, repositoryName: input.repositoryName, imageScanningConfiguration: { scanOnPush } };
    },

    SetRepositoryPolicy: async (input: SetRepositoryPolicyRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      const policyText = input.policyText ?? '';
      checkJson(policyText, 'policyText');
      await deps.store.write(async (tx) => update(tx, scope, { ...(await repositoryOf(tx, scope, input.repositoryName)), policyText }));
      return { registryId: scope.account, repositoryName: input.repositoryName, policyText };
    },

    GetRepositoryPolicy: async (input: GetRepositoryPolicyRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      const record = await deps.store.read((tx) => repositoryOf(tx, scope, input.repositoryName));
      if (record.policyText === undefined) throw new RepositoryPolicyNotFoundException(record.repositoryName, scope.account);
      return { registryId: scope.account, repositoryName: record.repositoryName, policyText: record.policyText };
    },

    DeleteRepositoryPolicy: async (input: DeleteRepositoryPolicyRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      const policyText = await deps.store.write(async (tx) => {
        const { policyText: text, ...rest } = await repositoryOf(tx, scope, input.repositoryName);
        if (text === undefined) throw new RepositoryPolicyNotFoundException(rest.repositoryName, scope.account);
        await update(tx, scope, rest);
        return text;
      });
      return { registryId: scope.account, repositoryName: input.repositoryName, policyText };
    },

  } satisfies ServiceOperations<{
    CreateRepository: [CreateRepositoryRequest, CreateRepositoryResponse];
    DescribeRepositories: [DescribeRepositoriesRequest, DescribeRepositoriesResponse];
    DeleteRepository: [DeleteRepositoryRequest, DeleteRepositoryResponse];
    PutImageTagMutability: [PutImageTagMutabilityRequest, PutImageTagMutabilityResponse];
    PutImageScanningConfiguration: [PutImageScanningConfigurationRequest, PutImageScanningConfigurationResponse];
    SetRepositoryPolicy: [SetRepositoryPolicyRequest, SetRepositoryPolicyResponse];
    GetRepositoryPolicy: [GetRepositoryPolicyRequest, GetRepositoryPolicyResponse];
    DeleteRepositoryPolicy: [DeleteRepositoryPolicyRequest, DeleteRepositoryPolicyResponse];
  }>;
}
