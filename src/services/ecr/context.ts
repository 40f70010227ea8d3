// What the ECR operations share: the registry's addressing and blob store, and the lookups every
// operation starts with (the registry id, the repository, its view).
import type { Repository } from '@aws-sdk/client-ecr';
import type { RequestContext } from '../../aws/context.ts';
import type { BlobStore } from '../../registry/blob-store.ts';
import { registryHost, type RegistryAddressing } from '../../registry/host.ts';
import { getRepository, type RepositoryRecord } from '../../registry/records.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { InvalidParameterException, RepositoryNotFoundException } from './errors.ts';

/** What ECR needs beyond every service's deps: where the registry is and its blobs. */
export interface EcrRegistryDeps {
  addressing: RegistryAddressing;
  blobs: BlobStore;
}

export type EcrDeps = ServiceDeps & EcrRegistryDeps;

/**
 * The request's scope. A registryId other than the caller's account is refused: Berth serves each
 * caller its own registry only (LIMITATIONS.md). Not verified: Berth's text.
 */
export function ecrScope(ctx: RequestContext, registryId: string | undefined): Scope {
  if (registryId !== undefined && registryId !== ctx.principal.accountId) {
    throw new InvalidParameterException(`Berth serves only the caller's own registry ${ctx.principal.accountId}, not '${registryId}'.`);
  }
  return regionalScope(ctx);
}

export async function repositoryOf(tx: StoreTx, scope: Scope, name: string | undefined): Promise<RepositoryRecord> {
  const record = await getRepository(tx, scope, name ?? '');
  if (!record) throw new RepositoryNotFoundException(name ?? '', scope.account);
  return record;
}

export function repositoryView(record: RepositoryRecord, scope: Scope, addressing: RegistryAddressing): Repository {
  return {
    repositoryArn: record.repositoryArn,
    registryId: record.registryId,
    repositoryName: record.repositoryName,
    repositoryUri: `${registryHost(scope, addressing)}/${record.repositoryName}`,
    createdAt: record.createdAt,
    imageTagMutability: record.imageTagMutability as Repository['imageTagMutability'],
    imageScanningConfiguration: { scanOnPush: record.scanOnPush },
    encryptionConfiguration: { encryptionType: record.encryptionType as 'AES256', ...(record.kmsKey !== undefined ? { kmsKey: record.kmsKey } : {}) },
  };
}
