import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { planExpiry, storedRules, type LifecycleImage, type LifecycleRule } from './lifecycle.ts';

const NOW = new Date('2025-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 24 * 3600_000);
const image = (digest: string, tags: string[], age: number, referenced = false): LifecycleImage => ({ digest, tags, pushedAt: daysAgo(age), referenced });
const keep = (rulePriority: number, tagStatus: LifecycleRule['tagStatus'], countNumber: number, lists: Partial<LifecycleRule> = {}): LifecycleRule =>
  ({ rulePriority, tagStatus, countType: 'imageCountMoreThan', countNumber, ...lists });
const expired = (rules: LifecycleRule[], images: LifecycleImage[]) => planExpiry(rules, images, NOW).map((e) => `${e.image.digest}@${e.rulePriority}`);

// The ECR User Guide's examples (lifecycle_policy_examples, "Filtering on multiple rules").
const repo = [image('A', ['beta-1', 'prod-1'], 10), image('B', ['beta-2', 'prod-2'], 9), image('C', ['beta-3'], 8)];

test('User Guide example A: rule 1 (prod, keep 1) expires A; B is protected from rule 2 by rule 1', () => {
  assert.deepEqual(expired([keep(1, 'tagged', 1, { tagPrefixList: ['prod'] }), keep(2, 'tagged', 1, { tagPrefixList: ['beta'] })], repo), ['A@1']);
});

test('User Guide example B: rule 1 (beta, keep 1) expires A and B; rule 2 sees nothing left', () => {
  assert.deepEqual(expired([keep(1, 'tagged', 1, { tagPrefixList: ['beta'] }), keep(2, 'tagged', 1, { tagPrefixList: ['prod'] })], repo), ['A@1', 'B@1']);
});

test('User Guide: several prefixes in one rule select images having all of them', () => {
  const images = [image('A', ['alpha-1'], 12), image('B', ['beta-1'], 11), image('C', ['alpha-2', 'beta-2'], 10),
    image('D', ['alpha-3'], 4), image('E', ['beta-3'], 3), image('F', ['alpha-4', 'beta-4'], 2)];
  const old: LifecycleRule = { rulePriority: 1, tagStatus: 'tagged', tagPrefixList: ['alpha', 'beta'], countType: 'sinceImagePushed', countNumber: 5 };
  assert.deepEqual(expired([old], images), ['C@1']);
  const tags = [image('A', ['alpha-1', 'beta-1', 'gamma-1'], 10), image('B', ['alpha-2', 'beta-2'], 9), image('C', ['alpha-3', 'beta-3', 'gamma-2'], 8)];
  assert.deepEqual(expired([keep(1, 'tagged', 1, { tagPrefixList: ['alpha', 'beta'] })], tags), ['A@1', 'B@1']);
});

test('untagged and any rules; patterns with wildcards; index children are never expired', () => {
  const images = [image('u1', [], 5), image('u2', [], 4), image('child', [], 3, true), image('u3', [], 2), image('v1', ['release-1.0'], 6),
    image('v2', ['release-2.0-rc'], 1)];
  assert.deepEqual(expired([keep(1, 'untagged', 1)], images), ['u1@1', 'u2@1']);
  assert.deepEqual(expired([keep(1, 'tagged', 1, { tagPatternList: ['release-*.0'] })], images), []);
  assert.deepEqual(expired([keep(1, 'tagged', 1, { tagPatternList: ['release-*'] })], images), ['v1@1']);
  // An index child counts among the newest it keeps, though it cannot be expired itself.
  assert.deepEqual(expired([keep(1, 'untagged', 2), keep(2, 'any', 2)], images), ['v1@2', 'u1@1', 'u2@1']);
  const aged: LifecycleRule = { rulePriority: 1, tagStatus: 'any', countType: 'sinceImagePushed', countNumber: 4 };
  assert.deepEqual(expired([aged], images), ['v1@1', 'u1@1']);
});

test('stored policies yield their rules; texts stored before validation yield none', () => {
  const text = JSON.stringify({ rules: [{ rulePriority: 3, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 2 }, action: { type: 'expire' } }] });
  assert.deepEqual(storedRules(text), [{ rulePriority: 3, tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 2 }]);
  assert.deepEqual(storedRules('{"rules": "x"}'), []);
  assert.deepEqual(storedRules('{"policy": 1}'), []);
});

const arbImages = fc.uniqueArray(fc.record({
  digest: fc.integer({ min: 0, max: 9999 }).map((n) => `d${n}`),
  tags: fc.uniqueArray(fc.constantFrom('prod-1', 'prod-2', 'beta-1', 'dev', 'latest'), { maxLength: 3 }),
  pushedAt: fc.integer({ min: 0, max: 30 }).map(daysAgo),
  referenced: fc.boolean(),
}), { selector: (i) => i.digest, maxLength: 12 });
const arbRules = fc.uniqueArray(fc.record({
  rulePriority: fc.integer({ min: 1, max: 20 }),
  tagStatus: fc.constantFrom('tagged' as const, 'untagged' as const, 'any' as const),
  tagPrefixList: fc.constantFrom(['prod'], ['beta'], ['prod', 'beta'], ['d']).map((l): string[] => [...l]),
  countType: fc.constantFrom('imageCountMoreThan' as const, 'sinceImagePushed' as const),
  countNumber: fc.integer({ min: 1, max: 10 }),
}), { selector: (r) => r.rulePriority, maxLength: 4 }).map((rules) => rules.map((r) => (r.tagStatus === 'tagged' ? r : { ...r, tagPrefixList: undefined })));

test('property: an image is expired at most once, by the first rule that selects it, never while an index references it', () => {
  fc.assert(fc.property(arbImages, arbRules, (images, rules) => {
    const plan = planExpiry(rules, images, NOW);
    assert.equal(new Set(plan.map((p) => p.image.digest)).size, plan.length);
    const ordered = [...rules].sort((a, b) => a.rulePriority - b.rulePriority);
    for (const { image: i, rulePriority } of plan) {
      assert.ok(!i.referenced);
      const first = ordered.find((r) => r.tagStatus === 'any' || (r.tagStatus === 'untagged' ? i.tags.length === 0
        : i.tags.length > 0 && (r.tagPrefixList ?? []).every((p) => i.tags.some((t) => t.startsWith(p)))));
      assert.equal(first?.rulePriority, rulePriority);
    }
    // Oldest first.
    for (let k = 1; k < plan.length; k++) assert.ok((plan[k - 1]?.image.pushedAt.getTime() ?? 0) <= (plan[k]?.image.pushedAt.getTime() ?? 0));
  }));
});

test('property: one imageCountMoreThan rule keeps exactly the newest countNumber of what it selects (no index children)', () => {
  fc.assert(fc.property(arbImages, fc.integer({ min: 1, max: 6 }), (images, n) => {
    const plain = images.map((i) => ({ ...i, referenced: false }));
    const plan = planExpiry([keep(1, 'any', n)], plain, NOW);
    assert.equal(plan.length, Math.max(0, plain.length - n));
    const newestExpired = Math.max(...plan.map((p) => p.image.pushedAt.getTime()));
    const kept = plain.filter((i) => !plan.some((p) => p.image === i));
    for (const k of kept) assert.ok(k.pushedAt.getTime() >= newestExpired || plan.length === 0);
  }));
});
