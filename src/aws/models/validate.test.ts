import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelIndex } from './model-index.ts';
import { describeViolations, validateShape } from './validate.ts';

const model = ModelIndex.load('iam');

test('required members, lengths and ranges are reported as AWS words them', () => {
  const violations = validateShape(model, 'CreateRoleRequest', { RoleName: 'r'.repeat(65), MaxSessionDuration: 10 });
  assert.equal(describeViolations(violations),
    "3 validation errors detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null; " +
    `Value '${'r'.repeat(65)}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64; ` +
    "Value '10' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600");
});

test('list members are addressed as name.N.member.field, enums list their values', () => {
  const ecs = ModelIndex.load('ecs');
  const violations = validateShape(ecs, 'ListTaskDefinitionsRequest', { status: 'GONE' });
  assert.equal(violations[0]?.constraint, 'Member must satisfy enum value set: [ACTIVE, INACTIVE, DELETE_IN_PROGRESS]');
  const tags = validateShape(ecs, 'TagResourceRequest', { resourceArn: 'a', tags: [{ key: '' }] });
  assert.deepEqual(tags.map((v) => v.path), ['tags.1.member.key']);
});

test('a valid input has no violations', () => {
  assert.deepEqual(validateShape(model, 'CreateRoleRequest', { RoleName: 'r', AssumeRolePolicyDocument: '{}' }), []);
});

test('patterns from the model are checked on the whole string, Java code-point escapes included', () => {
  const bad = validateShape(model, 'GetRoleRequest', { RoleName: 'has space' });
  assert.equal(bad[0]?.constraint, 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
  assert.deepEqual(validateShape(model, 'GetRoleRequest', { RoleName: 'ecsTaskExecutionRole' }), []);
  const sts = ModelIndex.load('sts');
  assert.ok(sts.pattern('arnType')?.test('arn:aws:iam::123456789012:role/\u{1F600}'), 'astral code points are in \\u10000-\\u10FFFF');
});
