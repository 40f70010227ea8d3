// ECR resource tags: TagResource, UntagResource, ListTagsForResource on repositories
// (`arn:aws:ecr:<region>:<account>:repository/<name>`), kept on the repository record.
import type {
  ListTagsForResourceRequest, ListTagsForResourceResponse, Tag, TagResourceRequest, TagResourceResponse,
  UntagResourceRequest, UntagResourceResponse,
} from '@aws-sdk/client-ecr';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { RepositoryRecord } from '../../registry/records.ts';
import type { StoreTx } from '../../store/store.ts';
import { regionalScope } from '../common/scope.ts';
import { repositoryOf, type EcrDeps } from './context.ts';
import { InvalidParameterException, InvalidTagParameterException, RepositoryNotFoundException, TooManyTagsException } from './errors.ts';

/** ECR: "Maximum number of tags per resource - 50" (TagResource API reference). */
const MAX_TAGS = 50;

/** Tags as a repository keeps them: later duplicates win; `aws:` is reserved. */
export function validateNewTags(tags: readonly Tag[] | undefined): { Key: string; Value: string }[] {
  const byKey = new Map<string, string>();
  for (const tag of tags ?? []) {
    const key = tag.Key ?? '';
    // Not verified: Berth's texts.
    if (key === '') throw new InvalidTagParameterException('Tag keys must not be empty.');
    if (key.toLowerCase().startsWith('aws:')) throw new InvalidTagParameterException("Tag keys starting with 'aws:' are reserved for AWS use.");
    byKey.delete(key);
    byKey.set(key, tag.Value ?? '');
  }
  if (byKey.size > MAX_TAGS) throw new TooManyTagsException(`A resource can have at most ${MAX_TAGS} tags.`);
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

const ARN = /^arn:aws:ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)$/;

export function tagOperations(deps: EcrDeps) {
  async function resolve(tx: StoreTx, arn: string | undefined, ctx: RequestContext): Promise<RepositoryRecord> {
    const match = ARN.exec(arn ?? '');
    // Not verified: Berth's text for an ARN that is not an ECR repository's.
    if (!match?.[3]) throw new InvalidParameterException(`Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'`);
    const scope = regionalScope(ctx);
    // Berth serves each caller's own account and region: a repository elsewhere is not found.
    if (match[1] !== scope.region || match[2] !== scope.account) throw new RepositoryNotFoundException(match[3], match[2] ?? '');
    return repositoryOf(tx, scope, match[3]);
  }
  const save = (tx: StoreTx, ctx: RequestContext, record: RepositoryRecord) =>
    tx.put('ecr.repository', regionalScope(ctx), { id: record.repositoryName, name: record.repositoryName, body: record });

  return {
    TagResource: async (input: TagResourceRequest, ctx) => {
      const added = validateNewTags(input.tags);
      await deps.store.write(async (tx) => {
        const record = await resolve(tx, input.resourceArn, ctx);
        const merged = validateNewTags([...record.tags, ...added]);
        await save(tx, ctx, { ...record, tags: merged });
      });
      return {};
    },
    UntagResource: async (input: UntagResourceRequest, ctx) => {
      const keys = new Set(input.tagKeys ?? []);
      await deps.store.write(async (tx) => {
        const record = await resolve(tx, input.resourceArn, ctx);
        await save(tx, ctx, { ...record, tags: record.tags.filter((t) => !keys.has(t.Key)) });
      });
      return {};
    },
    ListTagsForResource: async (input: ListTagsForResourceRequest, ctx) =>
      ({ tags: (await deps.store.read((tx) => resolve(tx, input.resourceArn, ctx))).tags }),
  } satisfies ServiceOperations<{
    TagResource: [TagResourceRequest, TagResourceResponse];
    UntagResource: [UntagResourceRequest, UntagResourceResponse];
    ListTagsForResource: [ListTagsForResourceRequest, ListTagsForResourceResponse];
  }>;
}
