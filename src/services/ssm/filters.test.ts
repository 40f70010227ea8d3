// ParameterFilters: which keys and options each operation accepts, and how a parameter matches; label moves and limits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkFilters, matchesAll, type FilterView } from './filters.ts';
import { applyLabels } from './labels.ts';
import type { ParameterVersionRecord } from './records.ts';

const view: FilterView = {
  name: '/prod/db/url', type: 'SecureString', keyId: 'alias/aws/ssm', tier: 'Standard', dataType: 'text',
  tags: [{ Key: 'team', Value: 'payments' }], labels: ['live'],
};

test('filters: keys per operation, duplicates, options and values are checked', () => {
  assert.throws(() => checkFilters([{ Key: 'Label', Values: ['x'] }], 'describe'), { code: 'InvalidFilterKey' });
  assert.throws(() => checkFilters([{ Key: 'Name', Values: ['x'] }], 'by-path'), { code: 'InvalidFilterKey', message: /Valid filter keys include: \[Type, KeyId, Label\]/ });
  assert.throws(() => checkFilters([{ Key: 'tag:a' }], 'by-path'), { code: 'InvalidFilterKey' });
  assert.throws(() => checkFilters([{ Key: 'Type', Values: ['String'] }, { Key: 'Type', Values: ['String'] }], 'describe'), { code: 'InvalidFilterKey', message: /duplicated/ });
  assert.throws(() => checkFilters([{ Key: 'Path', Option: 'Equals', Values: ['/a'] }], 'describe'), { code: 'InvalidFilterOption' });
  assert.throws(() => checkFilters([{ Key: 'Type', Option: 'Contains', Values: ['String'] }], 'describe'), { code: 'InvalidFilterOption' });
  assert.throws(() => checkFilters([{ Key: 'Type', Values: ['Bogus'] }], 'describe'), { code: 'InvalidFilterValue' });
  assert.throws(() => checkFilters([{ Key: 'Type' }], 'describe'), { code: 'InvalidFilterValue' });
  assert.throws(() => checkFilters([{ Key: 'Path', Values: ['no-slash'] }], 'describe'), { code: 'ValidationException' });
  assert.deepEqual(checkFilters([{ Key: 'Path', Values: ['/a'] }], 'describe'), [{ key: 'Path', option: 'OneLevel', values: ['/a'] }]);
});

test('filters: a parameter matches when every filter does', () => {
  const match = (filters: Parameters<typeof checkFilters>[0]) => matchesAll(view, checkFilters(filters, 'describe'));
  assert.equal(match([{ Key: 'Name', Values: ['/prod/db/url'] }]), true);
  assert.equal(match([{ Key: 'Name', Values: ['prod/db/url'] }]), true);
  assert.equal(match([{ Key: 'Name', Option: 'BeginsWith', Values: ['/prod/'] }]), true);
  assert.equal(match([{ Key: 'Name', Option: 'Contains', Values: ['db'] }]), true);
  assert.equal(match([{ Key: 'Path', Values: ['/prod'] }]), false);
  assert.equal(match([{ Key: 'Path', Option: 'Recursive', Values: ['/prod'] }]), true);
  assert.equal(match([{ Key: 'Path', Values: ['/prod/db'] }, { Key: 'Type', Values: ['SecureString'] }]), true);
  assert.equal(match([{ Key: 'Type', Values: ['String'] }]), false);
  assert.equal(match([{ Key: 'KeyId', Values: ['alias/aws/ssm'] }]), true);
  assert.equal(match([{ Key: 'tag:team' }]), true);
  assert.equal(match([{ Key: 'tag:team', Values: ['ops'] }]), false);
  assert.equal(match([{ Key: 'tag:owner' }]), false);
  assert.equal(match([{ Key: 'Tier', Values: ['Advanced'] }]), false);
  assert.equal(match([{ Key: 'DataType', Values: ['text'] }]), true);
});

const version = (n: number, labels: string[] = []): ParameterVersionRecord => ({
  version: n, type: 'String', value: `v${n}`, tier: 'Standard', dataType: 'text', labels,
  lastModifiedDate: new Date(0), lastModifiedUser: 'arn:aws:iam::123456789012:root',
});

test('labels move to the version named; bad ones are returned; more than 10 on a version is refused', () => {
  const moved = applyLabels([version(1, ['live']), version(2)], 2, ['live', '1bad', 'next']);
  assert.deepEqual(moved.invalid, ['1bad']);
  assert.deepEqual(moved.versions.map((v) => v.labels), [[], ['live', 'next']]);
  const full = version(1, Array.from({ length: 10 }, (_, i) => `l${i}`));
  assert.throws(() => applyLabels([full], 1, ['one-more']), { code: 'ParameterVersionLabelLimitExceeded' });
  assert.deepEqual(applyLabels([full], 1, ['l3']).versions[0]?.labels.length, 10);
});

test('labels: after any sequence of labellings, each label sits on at most one version', () => {
  const label = fc.constantFrom('a', 'b', 'c', 'd');
  fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.array(label, { minLength: 1, maxLength: 3 })), { maxLength: 20 }), (steps) => {
    let versions = [1, 2, 3, 4].map((n) => version(n));
    for (const [target, labels] of steps) versions = applyLabels(versions, target, labels).versions;
    const all = versions.flatMap((v) => v.labels);
    assert.equal(new Set(all).size, all.length);
    const last = new Map<string, number>();
    for (const [target, labels] of steps) for (const l of labels) last.set(l, target);
    for (const [l, target] of last) assert.ok(versions.find((v) => v.version === target)?.labels.includes(l));
  }));
});
