import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidParameterException } from './errors.ts';
import { validateLifecyclePolicy } from './lifecycle-validation.ts';

const PREFIX = "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ";
const rule = (priority: number, selection: Record<string, unknown>, action: Record<string, unknown> = { type: 'expire' }) =>
  ({ rulePriority: priority, selection, action });
const refusal = (policy: unknown) => {
  try {
    validateLifecyclePolicy(typeof policy === 'string' ? policy : JSON.stringify(policy));
  } catch (error) {
    assert.ok(error instanceof InvalidParameterException);
    return error.message;
  }
  return assert.fail('the policy was accepted');
};
const untagged = { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 };

test('valid policies give their rules', () => {
  assert.deepEqual(validateLifecyclePolicy(JSON.stringify({ rules: [
    { ...rule(10, { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 5 }), description: 'keep 5' },
    rule(20, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }),
    rule(30, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 50 }),
  ] })), [
    { rulePriority: 10, tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 5 },
    { rulePriority: 20, tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 7 },
    { rulePriority: 30, tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 50 },
  ]);
});

test('schema errors carry the validator\'s texts', () => {
  assert.equal(refusal('not json'), `${PREFIX}Could not map policyString into LifecyclePolicy.'`);
  assert.equal(refusal({ policy: [] }), `${PREFIX}object has missing required properties (["rules"])'`);
  assert.equal(refusal({ rules: ['x'] }), `${PREFIX}instance type (string) does not match any allowed primitive type (allowed: ["object"])'`);
  assert.equal(refusal({ rules: [{ selection: untagged }] }), `${PREFIX}object has missing required properties (["action","rulePriority"])'`);
  assert.equal(refusal({ rules: [{ ...rule(1, untagged), extra: 1 }] }), `${PREFIX}object instance has properties which are not allowed by the schema: (["extra"])'`);
  assert.equal(refusal({ rules: [rule(0, untagged)] }), `${PREFIX}numeric instance is lower than the required minimum (minimum: 1, found: 0)'`);
  assert.equal(refusal({ rules: [rule(1, { ...untagged, countNumber: 0 })] }), `${PREFIX}numeric instance is lower than the required minimum (minimum: 1, found: 0)'`);
  assert.equal(refusal({ rules: [rule(1, { ...untagged, tagStatus: 'some' })] }), `${PREFIX}instance value ("some") not found in enum (possible values: ["any","tagged","untagged"])'`);
  assert.equal(refusal({ rules: [rule(1, untagged, { type: 'delete' })] }), `${PREFIX}instance value ("delete") not found in enum (possible values: ["expire"])'`);
  // Seen on AWS: countUnit with imageCountMoreThan, or none with sinceImagePushed.
  const oneOf = `${PREFIX}instance failed to match exactly one schema (matched 0 out of 2)'`;
  assert.equal(refusal({ rules: [rule(1, { ...untagged, countUnit: 'days' })] }), oneOf);
  assert.equal(refusal({ rules: [rule(1, { ...untagged, countType: 'sinceImagePushed' })] }), oneOf);
  assert.equal(refusal({ rules: [rule(1, { ...untagged, countType: 'olderThan' })] }), oneOf);
});

test('rule checks: tagged needs a list, untagged once, any last, unique priorities', () => {
  assert.equal(refusal({ rules: [rule(1, { ...untagged, tagStatus: 'tagged' })] }), `${PREFIX}Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.'`);
  assert.equal(refusal({ rules: [rule(1, untagged), rule(2, untagged)] }), `${PREFIX}Only one rule can select Untagged images per storage class'`);
  assert.equal(refusal({ rules: [rule(1, { ...untagged, tagStatus: 'any' }), rule(2, untagged)] }), `${PREFIX}Rule for tagStatus=ANY must have the lowest priority per storage class'`);
  assert.match(refusal({ rules: [rule(1, untagged), rule(1, { ...untagged, tagStatus: 'any' })] }), /Rule priorities must be unique/);
  assert.match(refusal({ rules: [rule(1, { ...untagged, tagPrefixList: ['v'] })] }), /only be used when tagStatus=TAGGED/);
  assert.match(refusal({ rules: [rule(1, { ...untagged, tagStatus: 'tagged', tagPrefixList: ['a'], tagPatternList: ['b*'] })] }), /not both/);
  assert.match(refusal({ rules: [rule(1, { ...untagged, tagStatus: 'tagged', tagPatternList: ['*a*b*c*d*e'] })] }), /more than 4 wildcards/);
  assert.match(refusal({ rules: [rule(1, untagged, { type: 'transition', targetStorageClass: 'archive' })] }), /^Berth does not support the transition action/);
});
