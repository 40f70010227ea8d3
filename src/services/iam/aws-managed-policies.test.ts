// The bundled AWS managed policies: metadata formats, lookups, and documents that IAM's grammar accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { AWS_MANAGED_POLICIES, findAwsManagedPolicy, isAwsManagedPolicyArn } from './aws-managed-policies.ts';
import { isUniqueId } from './ids.ts';
import { checkManagedPolicySize, parsePolicyDocument } from './policy-document.ts';

const ECS_SETUP_POLICIES = [
  'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
  'arn:aws:iam::aws:policy/CloudWatchLogsFullAccess',
  'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
  'arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS',
  'arn:aws:iam::aws:policy/AmazonECS_FullAccess',
  'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole',
  'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role',
  'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceAutoscaleRole',
  'arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers',
  'arn:aws:iam::aws:policy/SecretsManagerReadWrite',
  'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
  'arn:aws:iam::aws:policy/AdministratorAccess',
];

void test('every policy an ECS setup references is found by its ARN', () => {
  for (const arn of ECS_SETUP_POLICIES) {
    const policy = findAwsManagedPolicy(arn);
    assert.ok(policy, arn);
    assert.equal(policy.arn, arn);
    assert.ok(isAwsManagedPolicyArn(arn));
  }
  assert.equal(AWS_MANAGED_POLICIES.length, ECS_SETUP_POLICIES.length);
  assert.equal(findAwsManagedPolicy('arn:aws:iam::aws:policy/NoSuchPolicy'), undefined);
  assert.ok(!isAwsManagedPolicyArn('arn:aws:iam::123456789012:policy/mine'));
});

void test('every document is a valid managed identity policy within the size quota', () => {
  for (const policy of AWS_MANAGED_POLICIES) {
    const doc = parsePolicyDocument(policy.documentText, 'identity', { managed: true });
    assert.ok(doc.statements.length > 0, policy.policyName);
    checkManagedPolicySize(policy.documentText);
  }
});

void test('metadata has AWS formats: ids, version ids, dates, paths, sources', () => {
  for (const p of AWS_MANAGED_POLICIES) {
    if (p.policyId !== null) {
      assert.ok(isUniqueId(p.policyId, 'managedPolicy'), `${p.policyName} ${p.policyId}`);
      assert.ok(p.sources.policyId?.startsWith('https://'), `${p.policyName} names where its id comes from`);
    }
    assert.match(p.defaultVersionId, /^v[1-9]\d*$/);
    assert.match(p.createDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(p.updateDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(p.createDate <= p.updateDate, `${p.policyName} created before it was updated`);
    if (p.defaultVersionId === 'v1') assert.equal(p.createDate, p.updateDate, p.policyName);
    assert.match(p.path, /^\/([\w+=,.@-]+\/)*$/);
    assert.ok(p.sources.document.length > 0 && p.sources.document.every((u) => u.startsWith('https://')), p.policyName);
    assert.ok(p.isAttachable);
  }
});

void test('the task execution role policy grants what pulling from ECR and shipping logs needs', () => {
  const policy = findAwsManagedPolicy('arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy');
  assert.ok(policy);
  assert.equal(policy.path, '/service-role/');
  const doc = parsePolicyDocument(policy.documentText, 'identity');
  assert.deepEqual(doc.statements[0]?.action.values, [
    'ecr:GetAuthorizationToken',
    'ecr:BatchCheckLayerAvailability',
    'ecr:GetDownloadUrlForLayer',
    'ecr:BatchGetImage',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
  ]);
});

void test('policies and their data are frozen', () => {
  const policy = AWS_MANAGED_POLICIES[0];
  assert.ok(policy && Object.isFrozen(policy));
  assert.ok(Object.isFrozen(AWS_MANAGED_POLICIES));
});
