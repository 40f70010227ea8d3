// Tag, Untag and List…Tags for roles, users, instance profiles and customer managed policies (tags.ts holds the rules).
import type {
  ListInstanceProfileTagsRequest, ListInstanceProfileTagsResponse, TagInstanceProfileRequest, UntagInstanceProfileRequest,
  ListPolicyTagsRequest, ListPolicyTagsResponse, ListRoleTagsRequest, ListRoleTagsResponse, ListUserTagsRequest,
  ListUserTagsResponse, Tag, TagPolicyRequest, TagRoleRequest, TagUserRequest, UntagPolicyRequest, UntagRoleRequest,
  UntagUserRequest,
} from '@aws-sdk/client-iam';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { globalScope } from '../common/scope.ts';
import { putInstanceProfile, requireInstanceProfile } from './instance-profiles.ts';
import { notYourPolicy } from './managed-policies.ts';
import { pageArray, type PageInput } from './paging.ts';
import { requirePolicy } from './policy-lookup.ts';
import { entityKey, putRole, putUser, requireRole, requireUser } from './records.ts';
import type { Empty } from './responses.ts';
import { checkRequestTags, mergeTags, removeTags, sortedTags } from './tags.ts';
import { required } from './validation.ts';

/** A taggable resource loaded inside a transaction: its tags, and how to store new ones. */
interface Tagged {
  tags: Tag[];
  save(tags: Tag[]): Promise<void>;
}

type Loader = (tx: StoreTx, scope: Scope, ctx: RequestContext, action: 'Tag' | 'Untag' | 'List') => Promise<Tagged>;

function roleLoader(name: string): Loader {
  return async (tx, scope) => {
    const role = await requireRole(tx, scope, name);
    return { tags: role.tags, save: (tags) => putRole(tx, scope, { ...role, tags }) };
  };
}

function userLoader(name: string): Loader {
  return async (tx, scope) => {
    const user = await requireUser(tx, scope, name);
    return { tags: user.tags, save: (tags) => putUser(tx, scope, { ...user, tags }) };
  };
}

function instanceProfileLoader(name: string): Loader {
  return async (tx, scope) => {
    const profile = await requireInstanceProfile(tx, scope, name);
    return { tags: profile.tags, save: (tags) => putInstanceProfile(tx, scope, { ...profile, tags }) };
  };
}

/** Customer managed policies carry tags; AWS managed ones have none and cannot be tagged. */
function policyLoader(arn: string): Loader {
  return async (tx, scope, ctx, action) => {
    const view = await requirePolicy(tx, scope, arn);
    const policy = view.local;
    if (!policy) {
      if (action !== 'List') throw notYourPolicy(ctx.principal, `${action}Policy`, arn);
      return { tags: [], save: async () => undefined };
    }
    return { tags: policy.tags, save: (tags) => tx.put('iam.policy', scope, { id: entityKey(policy.policyName), name: policy.path, body: { ...policy, tags } }) };
  };
}

async function tag(deps: ServiceDeps, ctx: RequestContext, load: Loader, tags: Tag[] | undefined, quotaName: string): Promise<Empty> {
  const incoming = checkRequestTags(required(tags, 'Tags'));
  const scope = globalScope(ctx);
  await deps.store.write(async (tx) => {
    const resource = await load(tx, scope, ctx, 'Tag');
    await resource.save(mergeTags(resource.tags, incoming, quotaName));
  });
  return {};
}

async function untag(deps: ServiceDeps, ctx: RequestContext, load: Loader, keys: string[] | undefined): Promise<Empty> {
  const tagKeys = required(keys, 'TagKeys');
  const scope = globalScope(ctx);
  await deps.store.write(async (tx) => {
    const resource = await load(tx, scope, ctx, 'Untag');
    await resource.save(removeTags(resource.tags, tagKeys));
  });
  return {};
}

async function listTags(deps: ServiceDeps, ctx: RequestContext, load: Loader, page: PageInput): Promise<{ Tags: Tag[]; IsTruncated: boolean; Marker: string | undefined }> {
  const scope = globalScope(ctx);
  const tags = await deps.store.read(async (tx) => (await load(tx, scope, ctx, 'List')).tags);
  const result = pageArray(sortedTags(tags), page);
  return { Tags: result.items, IsTruncated: result.IsTruncated, Marker: result.Marker };
}

export function taggingOperations(deps: ServiceDeps): ServiceOperations<{
  TagRole: [TagRoleRequest, Empty];
  UntagRole: [UntagRoleRequest, Empty];
  ListRoleTags: [ListRoleTagsRequest, ListRoleTagsResponse];
  TagUser: [TagUserRequest, Empty];
  UntagUser: [UntagUserRequest, Empty];
  ListUserTags: [ListUserTagsRequest, ListUserTagsResponse];
  TagPolicy: [TagPolicyRequest, Empty];
  UntagPolicy: [UntagPolicyRequest, Empty];
  ListPolicyTags: [ListPolicyTagsRequest, ListPolicyTagsResponse];
  TagInstanceProfile: [TagInstanceProfileRequest, Empty];
  UntagInstanceProfile: [UntagInstanceProfileRequest, Empty];
  ListInstanceProfileTags: [ListInstanceProfileTagsRequest, ListInstanceProfileTagsResponse];
}> {
  return {
    TagRole: async (input, ctx) => tag(deps, ctx, roleLoader(required(input.RoleName, 'RoleName')), input.Tags, 'TagsPerRole'),
    UntagRole: async (input, ctx) => untag(deps, ctx, roleLoader(required(input.RoleName, 'RoleName')), input.TagKeys),
    ListRoleTags: async (input, ctx) => listTags(deps, ctx, roleLoader(required(input.RoleName, 'RoleName')), input),
    TagUser: async (input, ctx) => tag(deps, ctx, userLoader(required(input.UserName, 'UserName')), input.Tags, 'TagsPerUser'),
    UntagUser: async (input, ctx) => untag(deps, ctx, userLoader(required(input.UserName, 'UserName')), input.TagKeys),
    ListUserTags: async (input, ctx) => listTags(deps, ctx, userLoader(required(input.UserName, 'UserName')), input),
    TagPolicy: async (input, ctx) => tag(deps, ctx, policyLoader(required(input.PolicyArn, 'PolicyArn')), input.Tags, 'TagsPerPolicy'),
    UntagPolicy: async (input, ctx) => untag(deps, ctx, policyLoader(required(input.PolicyArn, 'PolicyArn')), input.TagKeys),
    ListPolicyTags: async (input, ctx) => listTags(deps, ctx, policyLoader(required(input.PolicyArn, 'PolicyArn')), input),
    TagInstanceProfile: async (input, ctx) =>
      tag(deps, ctx, instanceProfileLoader(required(input.InstanceProfileName, 'InstanceProfileName')), input.Tags, 'TagsPerInstanceProfile'),
    UntagInstanceProfile: async (input, ctx) =>
      untag(deps, ctx, instanceProfileLoader(required(input.InstanceProfileName, 'InstanceProfileName')), input.TagKeys),
    ListInstanceProfileTags: async (input, ctx) =>
      listTags(deps, ctx, instanceProfileLoader(required(input.InstanceProfileName, 'InstanceProfileName')), input),
  };
}
