// Log group tags: TagResource, UntagResource, ListTagsForResource (by ARN) and the older
// TagLogGroup, UntagLogGroup, ListTagsLogGroup (by name). Tags live in the group's record.
import type {
  ListTagsForResourceRequest, ListTagsForResourceResponse, ListTagsLogGroupRequest, ListTagsLogGroupResponse,
  TagLogGroupRequest, TagResourceRequest, UntagLogGroupRequest, UntagResourceRequest,
} from '@aws-sdk/client-cloudwatch-logs';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { InvalidParameterException, ResourceNotFoundException, TooManyTagsException } from './errors.ts';
import { groupNameFromArn, putGroup, requireGroup, type LogGroupRecord } from './records.ts';

/** "You can associate as many as 50 tags with a log group" (TagResource API reference). */
export const MAX_TAGS = 50;

/**
 * Checks tags a caller asks to set. AWS reserves the `aws:` prefix. Not verified: Berth's text
 * (AWS answers InvalidParameterException). Lengths and patterns were checked by the model.
 */
export function validateTags(tags: Record<string, string> | undefined): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags ?? {})) {
    if (key.toLowerCase().startsWith('aws:')) throw new InvalidParameterException("Tag keys starting with 'aws:' are reserved for AWS use.");
    checked[key] = value;
  }
  return checked;
}

/** The tags after adding `added`; TooManyTagsException past the limit (not verified: the text). */
export function mergeTags(existing: Record<string, string>, added: Record<string, string>, resourceName: string): Record<string, string> {
  const merged = { ...existing, ...added };
  if (Object.keys(merged).length > MAX_TAGS) {
    throw new TooManyTagsException(`A resource can have no more than ${MAX_TAGS} tags; ${resourceName} would have ${Object.keys(merged).length}.`);
  }
  return merged;
}

/** The log group an ARN names; InvalidParameterException for an ARN that is not a log group's (not verified: texts). */
async function groupByArn(tx: StoreTx, scope: Scope, arn: string): Promise<LogGroupRecord> {
  if (!arn.startsWith('arn:aws:logs:') || !arn.includes(':log-group:')) throw new InvalidParameterException(`Invalid resource ARN: ${arn}`);
  const name = groupNameFromArn(scope, arn);
  const group = name === undefined ? undefined : await tx.get('logs.group', scope, name);
  if (!group) throw new ResourceNotFoundException(`The specified resource does not exist: ${arn}`);
  return group;
}

export function tagOperations(deps: ServiceDeps) {
  async function change(ctx: RequestContext, find: (tx: StoreTx, scope: Scope) => Promise<LogGroupRecord>,
    edit: (tags: Record<string, string>, group: LogGroupRecord) => Record<string, string>): Promise<Record<string, never>> {
    const scope = regionalScope(ctx);
    await deps.store.write(async (tx) => {
      const group = await find(tx, scope);
      await putGroup(tx, scope, { ...group, tags: edit(group.tags, group) });
    });
    return {};
  }

  const without = (tags: Record<string, string>, keys: readonly string[]) =>
    Object.fromEntries(Object.entries(tags).filter(([key]) => !keys.includes(key)));

  return {
    TagResource: async (input: TagResourceRequest, ctx) => {
      const added = validateTags(input.tags);
      return change(ctx, (tx, scope) => groupByArn(tx, scope, input.resourceArn ?? ''), (tags) => mergeTags(tags, added, input.resourceArn ?? ''));
    },
    UntagResource: async (input: UntagResourceRequest, ctx) =>
      change(ctx, (tx, scope) => groupByArn(tx, scope, input.resourceArn ?? ''), (tags) => without(tags, input.tagKeys ?? [])),
    ListTagsForResource: async (input: ListTagsForResourceRequest, ctx) =>
      deps.store.read(async (tx) => ({ tags: (await groupByArn(tx, regionalScope(ctx), input.resourceArn ?? '')).tags })),
    TagLogGroup: async (input: TagLogGroupRequest, ctx) => {
      const added = validateTags(input.tags);
      return change(ctx, (tx, scope) => requireGroup(tx, scope, input.logGroupName ?? ''), (tags) => mergeTags(tags, added, input.logGroupName ?? ''));
    },
    UntagLogGroup: async (input: UntagLogGroupRequest, ctx) =>
      change(ctx, (tx, scope) => requireGroup(tx, scope, input.logGroupName ?? ''), (tags) => without(tags, input.tags ?? [])),
    ListTagsLogGroup: async (input: ListTagsLogGroupRequest, ctx) =>
      deps.store.read(async (tx) => ({ tags: (await requireGroup(tx, regionalScope(ctx), input.logGroupName ?? '')).tags })),
  } satisfies ServiceOperations<{
    TagResource: [TagResourceRequest, Record<string, never>];
    UntagResource: [UntagResourceRequest, Record<string, never>];
    ListTagsForResource: [ListTagsForResourceRequest, ListTagsForResourceResponse];
    TagLogGroup: [TagLogGroupRequest, Record<string, never>];
    UntagLogGroup: [UntagLogGroupRequest, Record<string, never>];
    ListTagsLogGroup: [ListTagsLogGroupRequest, ListTagsLogGroupResponse];
  }>;
}
