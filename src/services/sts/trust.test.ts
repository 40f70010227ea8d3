import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Principal } from '../../aws/context.ts';
import { parsePolicyDocument } from '../iam/policy-document.ts';
import { trustAllows, type TrustCaller, type TrustRequest } from './trust.ts';

const ROOT: Principal = { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root', userId: '123456789012', accessKeyId: 'test', kind: 'root' };
const ALICE: Principal = { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/devs/alice', userId: 'AIDAEXAMPLE', accessKeyId: 'AKIA1', kind: 'user' };
const SESSION: Principal = {
  accountId: '123456789012', arn: 'arn:aws:sts::123456789012:assumed-role/builder/run-1', userId: 'AROAEXAMPLE:run-1', accessKeyId: 'ASIA1',
  kind: 'assumed-role', roleArn: 'arn:aws:iam::123456789012:role/ci/builder',
};
const OTHER: Principal = { accountId: '210987654321', arn: 'arn:aws:iam::210987654321:root', userId: '210987654321', accessKeyId: 'x', kind: 'root' };
const ECS: TrustCaller = { kind: 'service', service: 'ecs-tasks.amazonaws.com' };

function allows(statements: object[], caller: TrustCaller, context: Record<string, string> = {}, action = 'sts:AssumeRole'): boolean {
  const doc = parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'trust');
  const request: TrustRequest = { caller, action, context };
  return trustAllows(doc, request);
}

const aws = (principal: Principal): TrustCaller => ({ kind: 'aws', principal });
const allow = (principal: object, extra: object = {}): object => ({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra });

test('an account id or its root ARN admits every principal of that account, and no other', () => {
  for (const value of ['123456789012', 'arn:aws:iam::123456789012:root']) {
    assert.equal(allows([allow({ AWS: value })], aws(ROOT)), true);
    assert.equal(allows([allow({ AWS: value })], aws(ALICE)), true);
    assert.equal(allows([allow({ AWS: value })], aws(SESSION)), true);
    assert.equal(allows([allow({ AWS: value })], aws(OTHER)), false);
    assert.equal(allows([allow({ AWS: value })], ECS), false);
  }
});

test('a user ARN admits that user; a role ARN admits the role\'s sessions; a session ARN that session', () => {
  assert.equal(allows([allow({ AWS: ALICE.arn })], aws(ALICE)), true);
  assert.equal(allows([allow({ AWS: ALICE.arn })], aws(ROOT)), false);
  assert.equal(allows([allow({ AWS: 'arn:aws:iam::123456789012:role/ci/builder' })], aws(SESSION)), true);
  assert.equal(allows([allow({ AWS: 'arn:aws:iam::123456789012:role/ci/builder' })], aws(ALICE)), false);
  assert.equal(allows([allow({ AWS: SESSION.arn })], aws(SESSION)), true);
  // Wildcards inside a principal ARN match nothing but themselves.
  assert.equal(allows([allow({ AWS: 'arn:aws:iam::123456789012:user/*' })], aws(ALICE)), false);
});

test('"*" admits everyone; Service principals admit only that service', () => {
  assert.equal(allows([allow('*' as unknown as object)], ECS), true);
  assert.equal(allows([allow({ AWS: '*' })], aws(OTHER)), true);
  assert.equal(allows([allow({ AWS: '*' })], ECS), false);
  assert.equal(allows([allow({ Service: 'ecs-tasks.amazonaws.com' })], ECS), true);
  assert.equal(allows([allow({ Service: ['ec2.amazonaws.com', 'ecs-tasks.amazonaws.com'] })], ECS), true);
  assert.equal(allows([allow({ Service: 'ec2.amazonaws.com' })], ECS), false);
  assert.equal(allows([allow({ Service: 'ecs-tasks.amazonaws.com' })], aws(ROOT)), false);
});

test('actions match with wildcards and without case; NotAction inverts', () => {
  assert.equal(allows([{ Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:*' }], aws(ROOT)), true);
  assert.equal(allows([{ Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'STS:assumerole' }], aws(ROOT)), true);
  assert.equal(allows([{ Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:TagSession' }], aws(ROOT)), false);
  assert.equal(allows([{ Effect: 'Allow', Principal: { AWS: '123456789012' }, NotAction: 'sts:TagSession' }], aws(ROOT)), true);
});

test('an applicable Deny wins; NotPrincipal in a Deny spares the named principal', () => {
  const base = allow({ AWS: '123456789012' });
  assert.equal(allows([base, { Effect: 'Deny', Principal: { AWS: ALICE.arn }, Action: 'sts:AssumeRole' }], aws(ALICE)), false);
  assert.equal(allows([base, { Effect: 'Deny', Principal: { AWS: ALICE.arn }, Action: 'sts:AssumeRole' }], aws(ROOT)), true);
  const exceptAlice = { Effect: 'Deny', NotPrincipal: { AWS: ALICE.arn }, Action: 'sts:AssumeRole' };
  assert.equal(allows([base, exceptAlice], aws(ALICE)), true);
  assert.equal(allows([base, exceptAlice], aws(ROOT)), false);
});

test('String and Arn conditions on the ECS confused-deputy keys', () => {
  const statement = allow({ Service: 'ecs-tasks.amazonaws.com' }, {
    Condition: {
      ArnLike: { 'aws:SourceArn': 'arn:aws:ecs:us-west-2:111122223333:*' },
      StringEquals: { 'aws:SourceAccount': '111122223333' },
    },
  });
  const task = { 'aws:SourceAccount': '111122223333', 'aws:SourceArn': 'arn:aws:ecs:us-west-2:111122223333:task/c/abc' };
  assert.equal(allows([statement], ECS, task), true);
  assert.equal(allows([statement], ECS, { ...task, 'aws:SourceAccount': '999999999999' }), false);
  assert.equal(allows([statement], ECS, { ...task, 'aws:SourceArn': 'arn:aws:ecs:eu-west-1:111122223333:task/c/abc' }), false);
  assert.equal(allows([statement], ECS, {}), false);
});

test('condition keys ignore case; IfExists and negated operators hold when the key is absent', () => {
  const ext = (condition: object): object[] => [allow({ AWS: '123456789012' }, { Condition: condition })];
  assert.equal(allows(ext({ StringEquals: { 'STS:EXTERNALID': 'abc' } }), aws(ROOT), { 'sts:ExternalId': 'abc' }), true);
  assert.equal(allows(ext({ StringEqualsIfExists: { 'sts:ExternalId': 'abc' } }), aws(ROOT)), true);
  assert.equal(allows(ext({ StringEqualsIfExists: { 'sts:ExternalId': 'abc' } }), aws(ROOT), { 'sts:ExternalId': 'nope' }), false);
  assert.equal(allows(ext({ StringNotEquals: { 'sts:ExternalId': 'abc' } }), aws(ROOT)), true);
  assert.equal(allows(ext({ StringNotEquals: { 'sts:ExternalId': 'abc' } }), aws(ROOT), { 'sts:ExternalId': 'abc' }), false);
  assert.equal(allows(ext({ StringLike: { 'sts:ExternalId': ['x-*', 'y-?'] } }), aws(ROOT), { 'sts:ExternalId': 'y-1' }), true);
  assert.equal(allows(ext({ StringEqualsIgnoreCase: { 'sts:ExternalId': 'ABC' } }), aws(ROOT), { 'sts:ExternalId': 'abc' }), true);
});

test('conditions Berth cannot evaluate never grant: an Allow using one does not apply, a Deny using one does', () => {
  const unsupportedOperator = { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } };
  const unsupportedKey = { StringEquals: { 'aws:PrincipalTag/team': 'core' } };
  const qualified = { 'ForAnyValue:StringEquals': { 'sts:ExternalId': 'abc' } };
  for (const condition of [unsupportedOperator, unsupportedKey, qualified]) {
    assert.equal(allows([allow({ AWS: '123456789012' }, { Condition: condition })], aws(ROOT), { 'sts:ExternalId': 'abc' }), false);
    const deny = { Effect: 'Deny', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole', Condition: condition };
    assert.equal(allows([allow({ AWS: '123456789012' }), deny], aws(ROOT), { 'sts:ExternalId': 'abc' }), false);
  }
});

test('property: adding a statement Berth cannot evaluate never turns a denial into an allow', () => {
  const principals = fc.constantFrom(ROOT, ALICE, SESSION, OTHER);
  const values = fc.constantFrom('123456789012', 'arn:aws:iam::210987654321:root', ALICE.arn, '*');
  fc.assert(fc.property(principals, values, fc.constantFrom('Allow', 'Deny'), (principal, value, effect) => {
    const base = [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/devs/alice' }, Action: 'sts:AssumeRole' }];
    const before = allows(base, aws(principal));
    const extra = { Effect: effect, Principal: { AWS: value }, Action: 'sts:AssumeRole', Condition: { DateLessThan: { 'aws:CurrentTime': '2999-01-01T00:00:00Z' } } };
    const after = allows([...base, extra], aws(principal));
    return before || !after;
  }));
});
