// ECS resource tags: TagResource, UntagResource, ListTagsForResource, and the tag store every
// taggable ECS resource shares.
//
// Tags live in their own kind keyed by the resource's ARN, so a resource family only has to say
// how to tell whether an ARN names one of its resources (a TaggableResource); services and
// container instances plug in the same way when they exist.
import type {
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  Tag,
  TagResourceRequest,
  TagResourceResponse,
  UntagResourceRequest,
  UntagResourceResponse,
} from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { isInScope, parseEcsArn, type EcsArn } from './arns.ts';
import { InvalidParameterException, ResourceNotFoundException } from './errors.ts';

export interface TagsRecord {
  resourceArn: string;
  tags: Tag[];
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    'ecs.tags': TagsRecord;
  }
}

/** How a resource family answers "does this ARN name one of yours?" for the tagging operations. */
export interface TaggableResource {
  /** The ARN resource type it owns (`cluster`, `task-definition`, `capacity-provider`). */
  readonly resourceType: string;
  /** Resolves when the resource exists; throws the AWS error for a missing one otherwise. */
  assertExists(tx: StoreTx, arn: EcsArn, ctx: RequestContext): Promise<void>;
}

/** Per resource, user tags only (TagResource API reference: "Maximum number of tags per resource - 50"). */
export const MAX_TAGS_PER_RESOURCE = 50;

/** "The ARN provided is invalid." — ECS's answer to an ARN it cannot read (boto3 #2774, ListTagsForResource on an ECR ARN). */
export const INVALID_ARN_MESSAGE = 'The ARN provided is invalid.';

/** ECS resource types that exist on AWS but not yet in Berth: their ARNs are well formed, their resources never found. */
const KNOWN_RESOURCE_TYPES = new Set(['service', 'container-instance', 'task-set', 'daemon']);

/**
 * AWS reserves the `aws:` prefix, in any letter case, for keys and values ("Do not use aws:, AWS:,
 * or any upper or lowercase combination of such as a prefix for either keys or values").
 */
function isReserved(text: string | undefined): boolean {
  return text !== undefined && text.toLowerCase().startsWith('aws:');
}

/**
 * Checks tags a caller asks to set and returns them with values defaulted to '' and later
 * duplicates winning. Throws InvalidParameterException for a missing key or the reserved prefix.
 * Lengths and the 50-per-request limit are the model's and were checked before the operation.
 */
export function validateNewTags(tags: readonly Tag[] | undefined): Tag[] {
  const byKey = new Map<string, string>();
  for (const tag of tags ?? []) {
    // Not verified: Berth's texts; ECS answers both cases with InvalidParameterException.
    if (tag.key === undefined || tag.key === '') throw new InvalidParameterException('Tag keys must not be empty.');
    if (isReserved(tag.key) || isReserved(tag.value)) {
      throw new InvalidParameterException("Tag keys and values starting with 'aws:' are reserved for AWS use and cannot be set or removed.");
    }
    byKey.delete(tag.key);
    byKey.set(tag.key, tag.value ?? '');
  }
  return [...byKey].map(([key, value]) => ({ key, value }));
}

/** The tags of a resource ([] when it has none). */
export async function readTags(tx: StoreTx, scope: Scope, resourceArn: string): Promise<Tag[]> {
  return (await tx.get('ecs.tags', scope, resourceArn))?.tags ?? [];
}

/** Replaces a resource's tags (creation); `tags` must have passed validateNewTags. */
export async function writeTags(tx: StoreTx, scope: Scope, resourceArn: string, tags: Tag[]): Promise<void> {
  if (tags.length === 0) {
    await tx.delete('ecs.tags', scope, resourceArn);
    return;
  }
  await tx.put('ecs.tags', scope, { id: resourceArn, body: { resourceArn, tags } });
}

/** Existing tags updated in place, new keys appended; throws when the result passes the per-resource limit. */
function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const merged = new Map(existing.map((t) => [t.key ?? '', t.value ?? '']));
  for (const tag of added) merged.set(tag.key ?? '', tag.value ?? '');
  if (merged.size > MAX_TAGS_PER_RESOURCE) {
    // Not verified: Berth's text for the documented limit.
    throw new InvalidParameterException(`A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags; this request would leave it with ${merged.size}.`);
  }
  return [...merged].map(([key, value]) => ({ key, value }));
}

export function tagOperations(deps: ServiceDeps, taggables: readonly TaggableResource[]) {
  const byType = new Map(taggables.map((t) => [t.resourceType, t]));

  /** The parsed ARN of a resource that exists, or the error ECS gives for it. */
  async function resolve(tx: StoreTx, resourceArn: string, ctx: RequestContext): Promise<EcsArn> {
    const arn = parseEcsArn(resourceArn);
    if (!arn) throw new InvalidParameterException(INVALID_ARN_MESSAGE);
    const taggable = byType.get(arn.resourceType);
    if (!taggable) {
      if (KNOWN_RESOURCE_TYPES.has(arn.resourceType)) {
        throw new ResourceNotFoundException(`The specified ${arn.resourceType} does not exist in this account and Region.`);
      }
      throw new InvalidParameterException(INVALID_ARN_MESSAGE);
    }
    if (!isInScope(arn, ctx)) {
      // Not verified: Berth's text. Berth serves one account and Region per request, so a resource elsewhere is never found.
      throw new ResourceNotFoundException('The specified resource could not be found in the account and Region of the request.');
    }
    await taggable.assertExists(tx, arn, ctx);
    return arn;
  }

  return {
    TagResource: async (input: TagResourceRequest, ctx) => {
      const added = validateNewTags(input.tags);
      const scope = regionalScope(ctx);
      await deps.store.write(async (tx) => {
        const resourceArn = input.resourceArn ?? '';
        await resolve(tx, resourceArn, ctx);
        await writeTags(tx, scope, resourceArn, mergeTags(await readTags(tx, scope, resourceArn), added));
      });
      return {};
    },

    UntagResource: async (input: UntagResourceRequest, ctx) => {
      const keys = new Set(input.tagKeys ?? []);
      if ([...keys].some(isReserved)) {
        throw new InvalidParameterException("Tag keys and values starting with 'aws:' are reserved for AWS use and cannot be set or removed.");
      }
      const scope = regionalScope(ctx);
      await deps.store.write(async (tx) => {
        const resourceArn = input.resourceArn ?? '';
        await resolve(tx, resourceArn, ctx);
        const kept = (await readTags(tx, scope, resourceArn)).filter((t) => !keys.has(t.key ?? ''));
        await writeTags(tx, scope, resourceArn, kept);
      });
      return {};
    },

    ListTagsForResource: async (input: ListTagsForResourceRequest, ctx) => {
      const scope = regionalScope(ctx);
      return deps.store.read(async (tx) => {
        const resourceArn = input.resourceArn ?? '';
        await resolve(tx, resourceArn, ctx);
        return { tags: await readTags(tx, scope, resourceArn) };
      });
    },
  } satisfies ServiceOperations<{
    TagResource: [TagResourceRequest, TagResourceResponse];
    UntagResource: [UntagResourceRequest, UntagResourceResponse];
    ListTagsForResource: [ListTagsForResourceRequest, ListTagsForResourceResponse];
  }>;
}
