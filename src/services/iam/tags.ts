// IAM tags on roles, users and managed policies: validation, merge and removal.
//
// Facts: tag keys are case-insensitive — two keys differing only in case in one request are
// refused with InvalidInput "Duplicate tag keys found. Please note that Tag keys are case
// insensitive." (verified: terraform-aws-modules/terraform-aws-rds-aurora#189, kubernetes/kops#11727),
// and tagging an existing key in another case replaces the tag, keeping the new spelling
// (aws/aws-cdk#26253). At most 50 tags per resource (IAM User Guide, "IAM and AWS STS quotas";
// the model's tagListType max 50). ListRoleTags/ListUserTags/ListPolicyTags "sorted by tag key".
import type { Tag } from '@aws-sdk/client-iam';
import { InvalidInputException, LimitExceededException } from './errors.ts';

export const MAX_TAGS = 50;

/** A tag as stored: both members present. */
export interface StoredTag {
  Key: string;
  Value: string;
}

/** Validates the tags of a request (case-insensitive duplicates; the protocol layer checked the patterns) and returns them. */
export function checkRequestTags(tags: readonly Tag[] | undefined): StoredTag[] {
  if (!tags) return [];
  const seen = new Set<string>();
  for (const tag of tags) {
    const key = (tag.Key ?? '').toLowerCase();
    if (seen.has(key)) throw new InvalidInputException('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(key);
  }
  return tags.map((tag) => ({ Key: tag.Key ?? '', Value: tag.Value ?? '' }));
}

/**
 * `existing` with `incoming` set over it (keys compared without case). Throws LimitExceeded past
 * 50 tags; the wording follows IAM's "Cannot exceed quota for <Quota>: <n>" family (unverified
 * for tags: no IAM answer quoting it was found).
 */
export function mergeTags(existing: readonly Tag[], incoming: readonly StoredTag[], quotaName: string): StoredTag[] {
  const incomingKeys = new Set(incoming.map((t) => t.Key.toLowerCase()));
  const kept = existing.filter((t) => !incomingKeys.has((t.Key ?? '').toLowerCase()))
    .map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
  const merged = [...kept, ...incoming];
  if (merged.length > MAX_TAGS) throw new LimitExceededException(`Cannot exceed quota for ${quotaName}: ${MAX_TAGS}`);
  return merged;
}

/** `existing` without the named keys (compared without case); unknown keys are ignored, as IAM does. */
export function removeTags(existing: readonly Tag[], keys: readonly string[]): Tag[] {
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has((t.Key ?? '').toLowerCase()));
}

export function sortedTags(tags: readonly Tag[]): Tag[] {
  return [...tags].sort((a, b) => ((a.Key ?? '') < (b.Key ?? '') ? -1 : (a.Key ?? '') > (b.Key ?? '') ? 1 : 0));
}

/** Tags as responses carry them: the member is left out when there are none. */
export function tagsOrUndefined(tags: readonly Tag[]): Tag[] | undefined {
  return tags.length > 0 ? [...tags] : undefined;
}
