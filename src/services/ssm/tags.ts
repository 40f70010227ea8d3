// Tags on parameters: AddTagsToResource, RemoveTagsFromResource, ListTagsForResource (ResourceType Parameter; the
// other SSM resource types are not served, so Berth holds none of them). Tags live in the parameter's record.
import type {
  AddTagsToResourceRequest, AddTagsToResourceResult, ListTagsForResourceRequest, ListTagsForResourceResult,
  RemoveTagsFromResourceRequest, RemoveTagsFromResourceResult, Tag,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { InvalidResourceId, TooManyTagsError, ValidationException } from './errors.ts';
import { findParameter, putParameterRecord, type ParameterRecord } from './records.ts';

/** "Each resource can have a maximum of 50 tags" (AddTagsToResource API reference). */
export const MAX_TAGS = 50;

/** Tags as a parameter keeps them: a later duplicate key wins; `aws:` keys are AWS's own. */
export function validateNewTags(tags: readonly Tag[] | undefined): Tag[] {
  const byKey = new Map<string, string>();
  for (const tag of tags ?? []) {
    const key = tag.Key ?? '';
    // Not verified: the text.
    if (key.toLowerCase().startsWith('aws:')) throw new ValidationException("Tag keys starting with 'aws:' are reserved for AWS use.");
    byKey.delete(key);
    byKey.set(key, tag.Value ?? '');
  }
  if (byKey.size > MAX_TAGS) throw new TooManyTagsError();
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

export function tagOperations(deps: ServiceDeps) {
  async function target(tx: StoreTx, ctx: RequestContext, type: string | undefined, id: string | undefined): Promise<ParameterRecord> {
    const record = type === 'Parameter' ? await findParameter(tx, regionalScope(ctx), id ?? '') : undefined;
    if (!record) throw new InvalidResourceId();
    return record;
  }

  return {
    AddTagsToResource: async (input: AddTagsToResourceRequest, ctx) => {
      const added = validateNewTags(input.Tags);
      await deps.store.write(async (tx) => {
        const record = await target(tx, ctx, input.ResourceType, input.ResourceId);
        await putParameterRecord(tx, regionalScope(ctx), { ...record, tags: validateNewTags([...record.tags, ...added]) });
      });
      return {};
    },
    RemoveTagsFromResource: async (input: RemoveTagsFromResourceRequest, ctx) => {
      const keys = new Set(input.TagKeys ?? []);
      await deps.store.write(async (tx) => {
        const record = await target(tx, ctx, input.ResourceType, input.ResourceId);
        await putParameterRecord(tx, regionalScope(ctx), { ...record, tags: record.tags.filter((t) => !keys.has(t.Key ?? '')) });
      });
      return {};
    },
    ListTagsForResource: async (input: ListTagsForResourceRequest, ctx) =>
      ({ TagList: (await deps.store.read((tx) => target(tx, ctx, input.ResourceType, input.ResourceId))).tags }),
  } satisfies ServiceOperations<{
    AddTagsToResource: [AddTagsToResourceRequest, AddTagsToResourceResult];
    RemoveTagsFromResource: [RemoveTagsFromResourceRequest, RemoveTagsFromResourceResult];
    ListTagsForResource: [ListTagsForResourceRequest, ListTagsForResourceResult];
  }>;
}
