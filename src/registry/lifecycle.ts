// ECR lifecycle policies applied: which images a repository's rules expire (a pure planner, as the
// ECR User Guide's "Lifecycle policy evaluation rules" describe it) and the applier that deletes
// them as BatchDeleteImage does. Shared by the ECR API (PutLifecyclePolicy, PutImage, previews),
// the registry (a manifest pushed by tag) and the periodic controller (applyLifecyclePolicies).
import { SYSTEM_SCOPE } from '../services/common/scope.ts';
import type { Scope, Store, StoreTx } from '../store/store.ts';
import { deleteImage, getRepository, listImages, tagsByDigest, type RepositoryRecord } from './records.ts';

/** One rule of a validated policy (src/services/ecr/lifecycle-validation.ts checks the text). */
export interface LifecycleRule {
  rulePriority: number;
  tagStatus: 'tagged' | 'untagged' | 'any';
  tagPrefixList?: string[];
  tagPatternList?: string[];
  countType: 'imageCountMoreThan' | 'sinceImagePushed';
  countNumber: number;
}

export interface LifecycleImage {
  digest: string;
  tags: string[];
  pushedAt: Date;
  /** A child of an image index in the repository: ECR never expires one while its index exists. */
  referenced: boolean;
}

export interface PlannedExpiry {
  image: LifecycleImage;
  rulePriority: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** `*` matches any run of characters (tagPatternList); everything else literally. */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/**
 * Whether a rule's tagging selects an image. With several prefixes or patterns, "only the images
 * with all specified tags are selected" (User Guide): each must match one of the image's tags.
 */
function selects(rule: LifecycleRule, image: LifecycleImage): boolean {
  if (rule.tagStatus === 'any') return true;
  if (rule.tagStatus === 'untagged') return image.tags.length === 0;
  if (image.tags.length === 0) return false;
  const prefixes = rule.tagPrefixList ?? [];
  const patterns = (rule.tagPatternList ?? []).map(wildcard);
  return prefixes.every((p) => image.tags.some((t) => t.startsWith(p))) && patterns.every((p) => image.tags.some((t) => p.test(t)));
}

/**
 * The images a policy expires, oldest first. ECR's evaluation rules (User Guide, "Lifecycle policy
 * evaluation rules"): every rule is evaluated at once over all the images its tagging selects —
 * imageCountMoreThan keeps the newest countNumber by push time, sinceImagePushed marks those pushed
 * more than countNumber days ago — and then applied by priority: an image belongs to the first
 * rule (lowest rulePriority) whose tagging selects it, and only that rule can expire it; so an
 * image is expired by exactly one rule or none. The User Guide's examples (lifecycle_policy_examples,
 * "Filtering on multiple rules" A and B) come out as documented.
 */
export function planExpiry(rules: readonly LifecycleRule[], images: readonly LifecycleImage[], now: Date): PlannedExpiry[] {
  const ordered = [...rules].sort((a, b) => a.rulePriority - b.rulePriority);
  // Newest first; images pushed in the same millisecond keep their listing (push) order.
  const newestFirst = images.map((image, order) => ({ image, order }))
    .sort((a, b) => b.image.pushedAt.getTime() - a.image.pushedAt.getTime() || b.order - a.order)
    .map((e) => e.image);
  const evaluated = ordered.map((rule) => {
    const selected = newestFirst.filter((image) => selects(rule, image));
    const marked = rule.countType === 'imageCountMoreThan'
      ? selected.slice(rule.countNumber)
      : selected.filter((image) => now.getTime() - image.pushedAt.getTime() > rule.countNumber * DAY_MS);
    return { rule, selected: new Set(selected), marked: new Set(marked) };
  });
  const expired: PlannedExpiry[] = [];
  for (const image of [...newestFirst].reverse()) {
    const owner = evaluated.find((e) => e.selected.has(image));
    if (owner?.marked.has(image) && !image.referenced) expired.push({ image, rulePriority: owner.rule.rulePriority });
  }
  return expired;
}

/**
 * The rules of a policy text PutLifecyclePolicy validated. A text stored before policies were
 * validated (only JSON was checked then) yields the rules that have the shape, or none.
 */
export function storedRules(text: string): LifecycleRule[] {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    return [];
  }
  const rules = (policy as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((r: { rulePriority?: unknown; selection?: Partial<LifecycleRule> }) => {
    const s = r.selection;
    const valid = typeof r.rulePriority === 'number' && s !== undefined && typeof s.countNumber === 'number'
      && ['tagged', 'untagged', 'any'].includes(String(s.tagStatus)) && ['imageCountMoreThan', 'sinceImagePushed'].includes(String(s.countType));
    return valid ? [{ ...(s as LifecycleRule), rulePriority: r.rulePriority as number }] : [];
  });
}

/** A repository's images as the planner sees them. */
export async function lifecycleImages(tx: StoreTx, scope: Scope, repository: string): Promise<LifecycleImage[]> {
  const images = await listImages(tx, scope, repository);
  const tags = await tagsByDigest(tx, scope, repository);
  const children = new Set(images.flatMap((i) => i.manifests));
  return images.map((i) => ({ digest: i.digest, tags: tags.get(i.digest) ?? [], pushedAt: i.pushedAt, referenced: children.has(i.digest) }));
}

/** The system-scope index of repositories with a lifecycle policy, so the controller finds every account and region. */
export interface LifecycleIndexRecord {
  account: string;
  region: string;
  repositoryName: string;
}

declare module '../store/store.ts' {
  interface ResourceKinds {
    'ecr.lifecycle-index': LifecycleIndexRecord;
  }
}

const indexId = (scope: Scope, repository: string) => `${scope.account}/${scope.region}/${repository}`;

/** Records (policy set) or drops (policy deleted, repository deleted) a repository in the index. */
export async function indexLifecyclePolicy(tx: StoreTx, scope: Scope, repository: string, present: boolean): Promise<void> {
  const id = indexId(scope, repository);
  if (!present) {
    await tx.delete('ecr.lifecycle-index', SYSTEM_SCOPE, id);
    return;
  }
  if (!(await tx.get('ecr.lifecycle-index', SYSTEM_SCOPE, id))) {
    await tx.put('ecr.lifecycle-index', SYSTEM_SCOPE, { id, body: { account: scope.account, region: scope.region, repositoryName: repository } });
  }
}

/**
 * Applies a repository's lifecycle policy now, in the caller's transaction: deletes what it expires
 * (each image with all its tags, as BatchDeleteImage does) and records when it was evaluated
 * (GetLifecyclePolicy's lastEvaluatedAt). Returns the digests expired; none without a policy.
 */
export async function applyLifecyclePolicy(tx: StoreTx, scope: Scope, repository: string, now: Date): Promise<string[]> {
  const record = await getRepository(tx, scope, repository);
  if (!record) await indexLifecyclePolicy(tx, scope, repository, false);
  if (record?.lifecyclePolicyText === undefined) return [];
  const plan = planExpiry(storedRules(record.lifecyclePolicyText), await lifecycleImages(tx, scope, repository), now);
  for (const { image } of plan) await deleteImage(tx, scope, repository, image.digest);
  const evaluated: RepositoryRecord = { ...record, lifecycleEvaluatedAt: now };
  await tx.put('ecr.repository', scope, { id: repository, name: repository, body: evaluated });
  return plan.map((p) => p.image.digest);
}

/**
 * Applies every repository's lifecycle policy, in every account and region: what the periodic
 * controller calls (ECR applies policies "within 24 hours"). One transaction per repository.
 */
export async function applyLifecyclePolicies(store: Store, now: Date): Promise<{ expired: number }> {
  const repositories = await store.read((tx) => tx.list('ecr.lifecycle-index', SYSTEM_SCOPE));
  let expired = 0;
  for (const { body } of repositories) {
    const scope = { account: body.account, region: body.region };
    expired += (await store.write((tx) => applyLifecyclePolicy(tx, scope, body.repositoryName, now))).length;
  }
  return { expired };
}
