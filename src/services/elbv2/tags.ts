// Tags on load balancers, target groups, listeners and rules: AddTags, RemoveTags, DescribeTags, and the
// tags the Create operations take. Kept in their own kind, keyed by the resource's ARN.
import type {
  AddTagsInput, AddTagsOutput, DescribeTagsInput, DescribeTagsOutput, RemoveTagsInput, RemoveTagsOutput, Tag,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { DuplicateTagKeysException, TooManyTagsException, ValidationError } from './errors.ts';
import { requireListener, requireLoadBalancer, requireRule, requireTargetGroup } from './lookups.ts';

export interface TagsRecord {
  resourceArn: string;
  tags: Tag[];
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    /** id = the tagged resource's ARN. */
    'elbv2.tags': TagsRecord;
  }
}

/** "You can add up to 50 tags to each load balancer" (and target group, listener, rule): ELB user guides. */
export const MAX_TAGS_PER_RESOURCE = 50;

/** Checks a request's tags for repeated keys; returns them. */
export function checkTags(tags: readonly Tag[] | undefined): Tag[] {
  const seen = new Set<string>();
  for (const tag of tags ?? []) {
    const key = tag.Key ?? '';
    // Not verified: the wording (moto's); AWS answers DuplicateTagKeys for a key given twice.
    if (seen.has(key)) throw new DuplicateTagKeysException(`Tag key was specified more than once: ${key}`);
    seen.add(key);
  }
  return (tags ?? []).map((tag) => ({ Key: tag.Key ?? '', Value: tag.Value ?? '' }));
}

export async function tagsOf(tx: StoreTx, scope: Scope, arn: string): Promise<Tag[]> {
  return (await tx.get('elbv2.tags', scope, arn))?.tags ?? [];
}

/** Merges `tags` into the resource's tags (same key: new value) and enforces the quota. */
export async function addTags(tx: StoreTx, scope: Scope, arn: string, tags: readonly Tag[]): Promise<void> {
  if (tags.length === 0) return;
  const merged = new Map((await tagsOf(tx, scope, arn)).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
  for (const tag of tags) merged.set(tag.Key ?? '', tag.Value ?? '');
  // Not verified: the wording; the code and the limit are AWS's.
  if (merged.size > MAX_TAGS_PER_RESOURCE) throw new TooManyTagsException(`The quota for the number of tags that can be assigned to a resource has been reached (${MAX_TAGS_PER_RESOURCE})`);
  await tx.put('elbv2.tags', scope, { id: arn, body: { resourceArn: arn, tags: [...merged].map(([Key, Value]) => ({ Key, Value })) } });
}

export async function deleteTags(tx: StoreTx, scope: Scope, arn: string): Promise<void> {
  await tx.delete('elbv2.tags', scope, arn);
}

/** Throws the resource type's not-found error unless the ARN names an existing load balancer, group, listener or rule. */
async function requireTaggable(tx: StoreTx, scope: Scope, arn: string): Promise<void> {
  if (arn.includes(':loadbalancer/')) await requireLoadBalancer(tx, scope, arn);
  else if (arn.includes(':targetgroup/')) await requireTargetGroup(tx, scope, arn);
  else if (arn.includes(':listener-rule/')) await requireRule(tx, scope, arn);
  else if (arn.includes(':listener/')) await requireListener(tx, scope, arn);
  // Not verified: the wording for an ARN of no ELBv2 resource type.
  else throw new ValidationError(`'${arn}' is not a valid resource ARN`);
}

export function tagOperations(deps: ServiceDeps): ServiceOperations<{
  AddTags: [AddTagsInput, AddTagsOutput];
  RemoveTags: [RemoveTagsInput, RemoveTagsOutput];
  DescribeTags: [DescribeTagsInput, DescribeTagsOutput];
}> {
  const { store } = deps;
  return {
    AddTags: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const tags = checkTags(input.Tags);
      await store.write(async (tx) => {
        for (const arn of input.ResourceArns ?? []) {
          await requireTaggable(tx, scope, arn);
          await addTags(tx, scope, arn, tags);
        }
      });
      deps.taskEvents?.changed();
      return {};
    },
    RemoveTags: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const keys = new Set(input.TagKeys ?? []);
      await store.write(async (tx) => {
        for (const arn of input.ResourceArns ?? []) {
          await requireTaggable(tx, scope, arn);
          const kept = (await tagsOf(tx, scope, arn)).filter((tag) => !keys.has(tag.Key ?? ''));
          await tx.put('elbv2.tags', scope, { id: arn, body: { resourceArn: arn, tags: kept } });
        }
      });
      deps.taskEvents?.changed();
      return {};
    },
    DescribeTags: async (input, ctx) => {
      const scope = regionalScope(ctx);
      return store.read(async (tx) => {
        const descriptions = [];
        for (const arn of input.ResourceArns ?? []) {
          await requireTaggable(tx, scope, arn);
          descriptions.push({ ResourceArn: arn, Tags: await tagsOf(tx, scope, arn) });
        }
        return { TagDescriptions: descriptions };
      });
    },
  };
}
