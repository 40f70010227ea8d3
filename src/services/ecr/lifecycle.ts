// ECR lifecycle policies: Put/Get/DeleteLifecyclePolicy and Start/GetLifecyclePolicyPreview. A
// policy is validated when put (lifecycle-validation.ts) and applied at once, then after every push
// by tag and by the periodic controller (src/registry/lifecycle.ts); a preview is the same
// evaluation without deleting, kept until the next preview.
import type {
  DeleteLifecyclePolicyRequest, DeleteLifecyclePolicyResponse, GetLifecyclePolicyPreviewRequest, GetLifecyclePolicyPreviewResponse,
  GetLifecyclePolicyRequest, GetLifecyclePolicyResponse, LifecyclePolicyPreviewResult, PutLifecyclePolicyRequest,
  PutLifecyclePolicyResponse, StartLifecyclePolicyPreviewRequest, StartLifecyclePolicyPreviewResponse,
} from '@aws-sdk/client-ecr';
import type { ServiceOperations } from '../../aws/service.ts';
import { applyLifecyclePolicy, indexLifecyclePolicy, lifecycleImages, planExpiry } from '../../registry/lifecycle.ts';
import type { RepositoryRecord } from '../../registry/records.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import { decodeToken, encodeToken } from '../common/pagination.ts';
import { ecrScope, repositoryOf, type EcrDeps } from './context.ts';
import { InvalidParameterException, LifecyclePolicyNotFoundException, LifecyclePolicyPreviewNotFoundException } from './errors.ts';
import { validateLifecyclePolicy } from './lifecycle-validation.ts';

/** A preview as StartLifecyclePolicyPreview computed it. */
export interface LifecyclePreviewRecord {
  lifecyclePolicyText: string;
  results: { digest: string; tags: string[]; pushedAt: Date; rulePriority: number }[];
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    'ecr.lifecycle-preview': LifecyclePreviewRecord;
  }
}

/** GetLifecyclePolicyPreview's page size without maxResults (its model's maximum, 100). */
const DEFAULT_PAGE = 100;

async function save(tx: StoreTx, scope: Scope, record: RepositoryRecord): Promise<void> {
  await tx.put('ecr.repository', scope, { id: record.repositoryName, name: record.repositoryName, body: record });
}

/** Drops a repository's lifecycle bookkeeping (index row, preview) with the repository itself. */
export async function forgetLifecycle(tx: StoreTx, scope: Scope, repository: string): Promise<void> {
  await indexLifecyclePolicy(tx, scope, repository, false);
  await tx.delete('ecr.lifecycle-preview', scope, repository);
}

export function lifecycleOperations(deps: EcrDeps) {
  return {
    PutLifecyclePolicy: async (input: PutLifecyclePolicyRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      const text = input.lifecyclePolicyText ?? '';
      validateLifecyclePolicy(text);
      await deps.store.write(async (tx) => {
        const { lifecycleEvaluatedAt: _previous, ...record } = await repositoryOf(tx, scope, input.repositoryName);
        await save(tx, scope, { ...record, lifecyclePolicyText: text });
        await indexLifecyclePolicy(tx, scope, record.repositoryName, true);
        // ECR expires "within 24 hours"; Berth applies the policy at once (LIMITATIONS.md).
        await applyLifecyclePolicy(tx, scope, record.repositoryName, ctx.now);
      });
      return { registryId: scope.account, repositoryName: input.repositoryName, lifecyclePolicyText: text };
    },

    GetLifecyclePolicy: async (input: GetLifecyclePolicyRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      const record = await deps.store.read((tx) => repositoryOf(tx, scope, input.repositoryName));
      if (record.lifecyclePolicyText === undefined) throw new LifecyclePolicyNotFoundException(record.repositoryName, scope.account);
      return {
        registryId: scope.account, repositoryName: record.repositoryName, lifecyclePolicyText: record.lifecyclePolicyText,
        ...(record.lifecycleEvaluatedAt !== undefined ? { lastEvaluatedAt: record.lifecycleEvaluatedAt } : {}),
      };
    },

    DeleteLifecyclePolicy: async (input: DeleteLifecyclePolicyRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      const deleted = await deps.store.write(async (tx) => {
        const { lifecyclePolicyText, lifecycleEvaluatedAt, ...rest } = await repositoryOf(tx, scope, input.repositoryName);
        if (lifecyclePolicyText === undefined) throw new LifecyclePolicyNotFoundException(rest.repositoryName, scope.account);
        await save(tx, scope, rest);
        await indexLifecyclePolicy(tx, scope, rest.repositoryName, false);
        return { lifecyclePolicyText, lifecycleEvaluatedAt };
      });
      return {
        registryId: scope.account, repositoryName: input.repositoryName, lifecyclePolicyText: deleted.lifecyclePolicyText,
        ...(deleted.lifecycleEvaluatedAt !== undefined ? { lastEvaluatedAt: deleted.lifecycleEvaluatedAt } : {}),
      };
    },

    StartLifecyclePolicyPreview: async (input: StartLifecyclePolicyPreviewRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      if (input.lifecyclePolicyText !== undefined) validateLifecyclePolicy(input.lifecyclePolicyText);
      const text = await deps.store.write(async (tx) => {
        const record = await repositoryOf(tx, scope, input.repositoryName);
        const policy = input.lifecyclePolicyText ?? record.lifecyclePolicyText;
        if (policy === undefined) throw new LifecyclePolicyNotFoundException(record.repositoryName, scope.account);
        const plan = planExpiry(validateLifecyclePolicy(policy), await lifecycleImages(tx, scope, record.repositoryName), ctx.now);
        const results = plan.map(({ image, rulePriority }) => ({ digest: image.digest, tags: image.tags, pushedAt: image.pushedAt, rulePriority }));
        await tx.put('ecr.lifecycle-preview', scope, { id: record.repositoryName, body: { lifecyclePolicyText: policy, results } });
        return policy;
      });
      // The evaluation is done already; GetLifecyclePolicyPreview reports it COMPLETE.
      return { registryId: scope.account, repositoryName: input.repositoryName, lifecyclePolicyText: text, status: 'IN_PROGRESS' };
    },

    GetLifecyclePolicyPreview: async (input: GetLifecyclePolicyPreviewRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      const preview = await deps.store.read(async (tx) => {
        const record = await repositoryOf(tx, scope, input.repositoryName);
        const found = await tx.get('ecr.lifecycle-preview', scope, record.repositoryName);
        if (!found) throw new LifecyclePolicyPreviewNotFoundException(record.repositoryName, scope.account);
        return found;
      });
      const status = input.filter?.tagStatus ?? 'ANY';
      const ids = input.imageIds ?? [];
      const wanted = preview.results.filter((r) => (status === 'ANY' || (status === 'TAGGED') === r.tags.length > 0)
        && (ids.length === 0 || ids.some((id) => (id.imageDigest === undefined || id.imageDigest === r.digest)
          && (id.imageTag === undefined || r.tags.includes(id.imageTag)))));
      const start = input.nextToken === undefined || input.nextToken === '' ? 0 : decodeToken(input.nextToken);
      if (start === undefined) throw new InvalidParameterException("Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid token'");
      const limit = input.maxResults ?? DEFAULT_PAGE;
      const previewResults: LifecyclePolicyPreviewResult[] = wanted.slice(start, start + limit).map((r) => ({
        imageDigest: r.digest, imagePushedAt: r.pushedAt, action: { type: 'EXPIRE' }, appliedRulePriority: r.rulePriority,
        ...(r.tags.length > 0 ? { imageTags: r.tags } : {}),
      }));
      return {
        registryId: scope.account, repositoryName: input.repositoryName, lifecyclePolicyText: preview.lifecyclePolicyText, status: 'COMPLETE',
        previewResults, summary: { expiringImageTotalCount: preview.results.length },
        ...(start + limit < wanted.length ? { nextToken: encodeToken(start + limit) } : {}),
      };
    },
  } satisfies ServiceOperations<{
    PutLifecyclePolicy: [PutLifecyclePolicyRequest, PutLifecyclePolicyResponse];
    GetLifecyclePolicy: [GetLifecyclePolicyRequest, GetLifecyclePolicyResponse];
    DeleteLifecyclePolicy: [DeleteLifecyclePolicyRequest, DeleteLifecyclePolicyResponse];
    StartLifecyclePolicyPreview: [StartLifecyclePolicyPreviewRequest, StartLifecyclePolicyPreviewResponse];
    GetLifecyclePolicyPreview: [GetLifecyclePolicyPreviewRequest, GetLifecyclePolicyPreviewResponse];
  }>;
}
