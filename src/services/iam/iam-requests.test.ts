import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { iamRequestsFor } from '../../aws/authz/iam-request.ts';
import type { Principal, RequestContext } from '../../aws/context.ts';
import { cryptoIds } from '../../platform/ids.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';
import { denyOn, describeResult, ignoredContextKeys, simulate, TEST_ACCOUNT, TEST_USER_ARN } from '../../../test/support/iam-map-simulation.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { iamServiceIam } from './iam-requests.ts';
import { createIamService } from './index.ts';

const A = TEST_ACCOUNT;
const ROLE = `arn:aws:iam::${A}:role/svc/app-role`;
const USER = `arn:aws:iam::${A}:user/team/bob`;
const GROUP = `arn:aws:iam::${A}:group/ops/admins`;
const PROFILE = `arn:aws:iam::${A}:instance-profile/web/web-profile`;
const POLICY = `arn:aws:iam::${A}:policy/app/app-policy`;
const MANAGED = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';
const BOUNDARY = `arn:aws:iam::${A}:policy/boundary`;
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

const root: Principal = { accountId: A, arn: `arn:aws:iam::${A}:root`, userId: A, accessKeyId: 'root', kind: 'root' };
const alice: Principal = { accountId: A, arn: TEST_USER_ARN, userId: 'AIDAALICE', accessKeyId: 'AKIAALICE', kind: 'user' };
const session: Principal = {
  accountId: A, arn: `arn:aws:sts::${A}:assumed-role/app-role/s1`, userId: 'AROA:s1', accessKeyId: 'ASIA1', kind: 'assumed-role', roleArn: ROLE,
};
const ctxOf = (principal: Principal): RequestContext => ({ requestId: 'r', region: 'us-east-1', now: new Date('2030-01-01T00:00:00Z'), principal });

let dataDir: string;
let store: Store;
let deps: ServiceDeps;
let bobKey = '';

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-iam-requests-'));
  store = await openSqliteStore(dataDir);
  deps = { store, ids: cryptoIds, defaultAccountId: A };
  const ops = createIamService(deps).operations as Record<string, (input: unknown, ctx: RequestContext) => Promise<unknown>>;
  const call = (op: string, input: unknown): Promise<unknown> => (ops[op] as (i: unknown, c: RequestContext) => Promise<unknown>)(input, ctxOf(root));
  await call('CreatePolicy', { PolicyName: 'boundary', PolicyDocument: DOC });
  await call('CreateRole', { RoleName: 'app-role', Path: '/svc/', AssumeRolePolicyDocument: TRUST, PermissionsBoundary: BOUNDARY });
  await call('CreateUser', { UserName: 'bob', Path: '/team/' });
  await call('CreateGroup', { GroupName: 'admins', Path: '/ops/' });
  await call('CreateInstanceProfile', { InstanceProfileName: 'web-profile', Path: '/web/' });
  await call('CreatePolicy', { PolicyName: 'app-policy', Path: '/app/', PolicyDocument: DOC });
  const key = await call('CreateAccessKey', { UserName: 'bob' }) as { AccessKey: { AccessKeyId: string } };
  bobKey = key.AccessKey.AccessKeyId;
});
after(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const role = { RoleName: 'app-role' };
const user = { UserName: 'bob' };
const group = { GroupName: 'admins' };
const profile = { InstanceProfileName: 'web-profile' };
const policy = { PolicyArn: POLICY };
const tags = [{ Key: 'team', Value: 'web' }];

/** A valid input for every operation the IAM service serves. */
function representativeInputs(): Record<string, object> {
  return {
    CreateRole: { RoleName: 'new-role', Path: '/svc/', AssumeRolePolicyDocument: TRUST, PermissionsBoundary: BOUNDARY, Tags: tags },
    GetRole: role, ListRoles: {}, UpdateRole: { ...role, MaxSessionDuration: 7200 }, UpdateRoleDescription: { ...role, Description: 'd' },
    UpdateAssumeRolePolicy: { ...role, PolicyDocument: TRUST }, DeleteRole: role,
    PutRolePermissionsBoundary: { ...role, PermissionsBoundary: BOUNDARY }, DeleteRolePermissionsBoundary: role,
    PutRolePolicy: { ...role, PolicyName: 'p', PolicyDocument: DOC }, GetRolePolicy: { ...role, PolicyName: 'p' },
    ListRolePolicies: role, DeleteRolePolicy: { ...role, PolicyName: 'p' },
    PutUserPolicy: { ...user, PolicyName: 'p', PolicyDocument: DOC }, GetUserPolicy: { ...user, PolicyName: 'p' },
    ListUserPolicies: user, DeleteUserPolicy: { ...user, PolicyName: 'p' },
    PutGroupPolicy: { ...group, PolicyName: 'p', PolicyDocument: DOC }, GetGroupPolicy: { ...group, PolicyName: 'p' },
    ListGroupPolicies: group, DeleteGroupPolicy: { ...group, PolicyName: 'p' },
    CreatePolicy: { PolicyName: 'new-policy', Path: '/app/', PolicyDocument: DOC, Tags: tags }, GetPolicy: { PolicyArn: MANAGED },
    ListPolicies: {}, DeletePolicy: policy, CreatePolicyVersion: { ...policy, PolicyDocument: DOC }, GetPolicyVersion: { ...policy, VersionId: 'v1' },
    ListPolicyVersions: policy, DeletePolicyVersion: { ...policy, VersionId: 'v2' }, SetDefaultPolicyVersion: { ...policy, VersionId: 'v2' },
    AttachRolePolicy: { ...role, PolicyArn: MANAGED }, DetachRolePolicy: { ...role, PolicyArn: MANAGED }, ListAttachedRolePolicies: role,
    AttachUserPolicy: { ...user, PolicyArn: POLICY }, DetachUserPolicy: { ...user, PolicyArn: POLICY }, ListAttachedUserPolicies: user,
    AttachGroupPolicy: { ...group, PolicyArn: POLICY }, DetachGroupPolicy: { ...group, PolicyArn: POLICY }, ListAttachedGroupPolicies: group,
    ListEntitiesForPolicy: policy,
    CreateUser: { UserName: 'carol', Path: '/team/', Tags: tags }, GetUser: user, ListUsers: {}, DeleteUser: user,
    PutUserPermissionsBoundary: { ...user, PermissionsBoundary: BOUNDARY }, DeleteUserPermissionsBoundary: user,
    CreateAccessKey: user, ListAccessKeys: {}, UpdateAccessKey: { ...user, AccessKeyId: bobKey, Status: 'Inactive' },
    DeleteAccessKey: { ...user, AccessKeyId: bobKey }, GetAccessKeyLastUsed: { AccessKeyId: bobKey },
    TagRole: { ...role, Tags: tags }, UntagRole: { ...role, TagKeys: ['team'] }, ListRoleTags: role,
    TagUser: { ...user, Tags: tags }, UntagUser: { ...user, TagKeys: ['team'] }, ListUserTags: user,
    TagPolicy: { ...policy, Tags: tags }, UntagPolicy: { ...policy, TagKeys: ['team'] }, ListPolicyTags: policy,
    TagInstanceProfile: { ...profile, Tags: tags }, UntagInstanceProfile: { ...profile, TagKeys: ['team'] }, ListInstanceProfileTags: profile,
    CreateInstanceProfile: { InstanceProfileName: 'new-profile', Path: '/web/', Tags: tags }, GetInstanceProfile: profile,
    ListInstanceProfiles: {}, DeleteInstanceProfile: profile, AddRoleToInstanceProfile: { ...profile, ...role },
    RemoveRoleFromInstanceProfile: { ...profile, ...role }, ListInstanceProfilesForRole: role,
    CreateServiceLinkedRole: { AWSServiceName: 'ecs.amazonaws.com' }, DeleteServiceLinkedRole: { RoleName: 'AWSServiceRoleForECS' },
    GetServiceLinkedRoleDeletionStatus: { DeletionTaskId: 'task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/0f4b8a52-3b0c-4c7e-9a55-2f1d8e8f4a11' },
    CreateGroup: { GroupName: 'devs', Path: '/ops/' }, GetGroup: group, ListGroups: {}, DeleteGroup: group,
    AddUserToGroup: { ...group, ...user }, RemoveUserFromGroup: { ...group, ...user }, ListGroupsForUser: user,
  };
}

test('every served IAM operation maps to actions and resources the Service Authorization Reference accepts', async () => {
  const service = createIamService(deps);
  const iam = iamServiceIam(deps);
  const inputs = representativeInputs();
  for (const operation of Object.keys(service.operations)) {
    const input = inputs[operation];
    assert.ok(input, `no representative input for ${operation}: add one and check its IAM mapping`);
    const requests = await iamRequestsFor(iam, operation, input, ctxOf(alice));
    assert.ok(requests.length > 0, `${operation} asks nothing of IAM`);
    for (const request of requests) {
      assert.ok(request.action.startsWith('iam:'), `${operation}: ${request.action}`);
      const result = await simulate(request);
      assert.notEqual(result.resultType, 'error', `${operation} → ${request.action} on ${request.resource}: ${describeResult(result)}`);
      assert.equal(result.resultType !== 'error' && result.overallResult, 'Allowed', `${operation}: ${describeResult(result)}`);
      assert.deepEqual(ignoredContextKeys(result), [], `${operation} sets condition keys ${request.action} does not know`);
    }
  }
});

test('IAM ARNs carry the entity path from the store, and the request path for entities being created', async () => {
  const iam = iamServiceIam(deps);
  const ctx = ctxOf(alice);
  const resources = async (op: string, input: object): Promise<string[]> => (await iamRequestsFor(iam, op, input, ctx)).map((r) => r.resource);
  assert.deepEqual(await resources('GetRole', role), [ROLE]);
  // Names are case-insensitive in IAM; the stored spelling names the resource.
  assert.deepEqual(await resources('GetRole', { RoleName: 'APP-ROLE' }), [ROLE]);
  assert.deepEqual(await resources('DeleteUser', user), [USER]);
  assert.deepEqual(await resources('GetGroup', group), [GROUP]);
  assert.deepEqual(await resources('GetInstanceProfile', profile), [PROFILE]);
  assert.deepEqual(await resources('GetRole', { RoleName: 'absent' }), [`arn:aws:iam::${A}:role/absent`]);
  assert.deepEqual(await resources('CreateRole', { RoleName: 'r2', Path: '/a/b/', AssumeRolePolicyDocument: TRUST }), [`arn:aws:iam::${A}:role/a/b/r2`]);
  assert.deepEqual(await resources('AddRoleToInstanceProfile', { ...profile, ...role }), [PROFILE, ROLE]);
  assert.deepEqual((await iamRequestsFor(iam, 'AddRoleToInstanceProfile', { ...profile, ...role }, ctx)).map((r) => r.action),
    ['iam:AddRoleToInstanceProfile', 'iam:PassRole']);
  assert.deepEqual(await resources('GetAccessKeyLastUsed', { AccessKeyId: bobKey }), [USER]);
  assert.deepEqual(await resources('CreateServiceLinkedRole', { AWSServiceName: 'elasticloadbalancing.amazonaws.com' }),
    [`arn:aws:iam::${A}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`]);
});

test('IAM condition keys: tags, the permissions boundary, the attached policy and the service name', async () => {
  const iam = iamServiceIam(deps);
  const ctx = ctxOf(alice);
  const create = await iamRequestsFor(iam, 'CreateRole', representativeInputs()['CreateRole'], ctx);
  assert.deepEqual(create.map((r) => r.action), ['iam:CreateRole', 'iam:TagRole']);
  assert.deepEqual(create[0]?.context, { 'aws:RequestTag/team': 'web', 'aws:TagKeys': ['team'], 'iam:PermissionsBoundary': BOUNDARY });
  // The role's current boundary, read from the store, for actions that list iam:PermissionsBoundary.
  const [put] = await iamRequestsFor(iam, 'PutRolePolicy', { ...role, PolicyName: 'p', PolicyDocument: DOC }, ctx);
  assert.deepEqual(put?.context, { 'iam:PermissionsBoundary': BOUNDARY });
  const [attach] = await iamRequestsFor(iam, 'AttachRolePolicy', { ...role, PolicyArn: MANAGED }, ctx);
  assert.deepEqual(attach?.context, { 'iam:PermissionsBoundary': BOUNDARY, 'iam:PolicyARN': MANAGED });
  const [untag] = await iamRequestsFor(iam, 'UntagUser', { ...user, TagKeys: ['a', 'b'] }, ctx);
  assert.deepEqual(untag?.context, { 'aws:TagKeys': ['a', 'b'] });
  const [linked] = await iamRequestsFor(iam, 'CreateServiceLinkedRole', { AWSServiceName: 'ecs.amazonaws.com' }, ctx);
  assert.deepEqual(linked?.context, { 'iam:AWSServiceName': 'ecs.amazonaws.com' });
  // A deny conditioned on the boundary applies.
  const denyWithoutBoundary = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'iam:PutRolePolicy', Resource: '*', Condition: { StringNotEquals: { 'iam:PermissionsBoundary': BOUNDARY } } },
    ],
  };
  assert.equal(await overall(put, denyWithoutBoundary), 'Allowed');
  assert.ok(put);
  assert.equal(await overall({ ...put, context: {} }, denyWithoutBoundary), 'ExplicitlyDenied');
});

test('operations about the caller: its own user for IAM users, nothing asked for role sessions and the root', async () => {
  const iam = iamServiceIam(deps);
  assert.deepEqual(await iamRequestsFor(iam, 'ListAccessKeys', {}, ctxOf(alice)), [{ action: 'iam:ListAccessKeys', resource: TEST_USER_ARN }]);
  assert.deepEqual(await iamRequestsFor(iam, 'GetUser', {}, ctxOf(alice)), [{ action: 'iam:GetUser', resource: TEST_USER_ARN }]);
  assert.deepEqual(await iamRequestsFor(iam, 'ListAccessKeys', {}, ctxOf(session)), []);
  assert.deepEqual(await iamRequestsFor(iam, 'GetUser', {}, ctxOf(root)), []);
});

test('a Deny on the role path ARN denies explicitly', async () => {
  const iam = iamServiceIam(deps);
  const [request] = await iamRequestsFor(iam, 'DeleteRole', role, ctxOf(alice));
  assert.equal(await overall(request, denyOn('iam:DeleteRole', ROLE)), 'ExplicitlyDenied');
  assert.equal(await overall(request, denyOn('iam:DeleteRole', `arn:aws:iam::${A}:role/svc/*`)), 'ExplicitlyDenied');
  // `role/app-role` (no path) is another resource: IAM matches the ARN with its path.
  assert.equal(await overall(request, denyOn('iam:DeleteRole', `arn:aws:iam::${A}:role/app-role`)), 'Allowed');
});

test('accessDenied is IAM\'s AccessDenied, 403', () => {
  const error = iamServiceIam(deps).accessDenied('User: x is not authorized to perform: iam:GetRole on resource: y');
  assert.equal(error.code, 'AccessDenied');
  assert.equal(error.httpStatus, 403);
  assert.equal(error.message, 'User: x is not authorized to perform: iam:GetRole on resource: y');
});

async function overall(request: Parameters<typeof simulate>[0] | undefined, policy: object): Promise<string> {
  assert.ok(request);
  const result = await simulate(request, { policy });
  assert.notEqual(result.resultType, 'error', describeResult(result));
  return result.resultType === 'error' ? 'error' : result.overallResult;
}
