import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { iamRequestsFor, type IamRequest } from '../../aws/authz/iam-request.ts';
import type { Principal, RequestContext } from '../../aws/context.ts';
import { cryptoIds } from '../../platform/ids.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';
import { denyOn, describeResult, ignoredContextKeys, simulate, TEST_ACCOUNT, TEST_USER_ARN } from '../../../test/support/iam-map-simulation.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { roleOperations } from '../iam/roles.ts';
import { userOperations } from '../iam/users.ts';
import { stsServiceIam } from './iam-requests.ts';
import { createStsService } from './index.ts';

const A = TEST_ACCOUNT;
const TRUSTS_ALICE = `arn:aws:iam::${A}:role/svc/trusts-alice`;
const TRUSTS_ACCOUNT = `arn:aws:iam::${A}:role/trusts-account`;
const TRUSTS_ECS = `arn:aws:iam::${A}:role/trusts-ecs`;
const TRUSTS_ROLE = `arn:aws:iam::${A}:role/trusts-role`;
const NOTHING = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
const SESSION = `arn:aws:sts::${A}:assumed-role/trusts-alice/s1`;

const trust = (principal: object): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] }] });

const root: Principal = { accountId: A, arn: `arn:aws:iam::${A}:root`, userId: A, accessKeyId: 'root', kind: 'root' };
const alice: Principal = { accountId: A, arn: TEST_USER_ARN, userId: 'AIDAALICE', accessKeyId: 'AKIAALICE', kind: 'user' };
const ctxOf = (principal: Principal): RequestContext => ({ requestId: 'r', region: 'us-east-1', now: new Date('2030-01-01T00:00:00Z'), principal });

let dataDir: string;
let store: Store;
let deps: ServiceDeps;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-sts-iam-requests-'));
  store = await openSqliteStore(dataDir);
  deps = { store, ids: cryptoIds, defaultAccountId: A };
  // A trust policy may name only principals that exist.
  await userOperations(deps).CreateUser({ UserName: 'alice' }, ctxOf(root));
  const roles = roleOperations(deps);
  await roles.CreateRole({ RoleName: 'trusts-alice', Path: '/svc/', AssumeRolePolicyDocument: trust({ AWS: TEST_USER_ARN }) }, ctxOf(root));
  await roles.CreateRole({ RoleName: 'trusts-account', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${A}:root` }) }, ctxOf(root));
  await roles.CreateRole({ RoleName: 'trusts-ecs', AssumeRolePolicyDocument: trust({ Service: 'ecs-tasks.amazonaws.com' }) }, ctxOf(root));
  await roles.CreateRole({ RoleName: 'trusts-role', AssumeRolePolicyDocument: trust({ AWS: TRUSTS_ALICE }) }, ctxOf(root));
});
after(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A valid input for every served operation, and whether AWS asks IAM anything for it. */
const REPRESENTATIVE: Record<string, { input: object; free?: true }> = {
  GetCallerIdentity: { input: {}, free: true },
  GetSessionToken: { input: { DurationSeconds: 3600 }, free: true },
  GetAccessKeyInfo: { input: { AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' } },
  AssumeRole: { input: { RoleArn: TRUSTS_ALICE, RoleSessionName: 's1', ExternalId: 'x-1', DurationSeconds: 900 } },
};

async function assumeRequests(input: object, principal: Principal = alice): Promise<IamRequest[]> {
  return iamRequestsFor(stsServiceIam(deps), 'AssumeRole', input, ctxOf(principal));
}

async function overall(request: IamRequest | undefined, options: Parameters<typeof simulate>[1] = {}): Promise<string> {
  assert.ok(request);
  const result = await simulate(request, options);
  assert.notEqual(result.resultType, 'error', describeResult(result));
  return result.resultType === 'error' ? 'error' : result.overallResult;
}

test('every served STS operation maps to what the Service Authorization Reference accepts, or to nothing where AWS asks nothing', async () => {
  const iam = stsServiceIam(deps);
  for (const operation of Object.keys(createStsService(deps).operations)) {
    const entry = REPRESENTATIVE[operation];
    assert.ok(entry, `no representative input for ${operation}: add one and check its IAM mapping`);
    const requests = await iamRequestsFor(iam, operation, entry.input, ctxOf(alice));
    if (entry.free) {
      assert.deepEqual(requests, [], `${operation} needs no permission on AWS`);
      continue;
    }
    assert.ok(requests.length > 0, `${operation} asks nothing of IAM`);
    for (const request of requests) {
      const result = await simulate(request);
      assert.notEqual(result.resultType, 'error', `${operation} → ${request.action} on ${request.resource}: ${describeResult(result)}`);
      assert.equal(result.resultType !== 'error' && result.overallResult, 'Allowed', `${operation}: ${describeResult(result)}`);
      assert.deepEqual(ignoredContextKeys(result), [], `${operation} sets condition keys ${request.action} does not know`);
    }
  }
});

test('AssumeRole carries the role trust policy, read where the ARN (path included) names the role', async () => {
  const [request] = await assumeRequests({ RoleArn: TRUSTS_ALICE, RoleSessionName: 's1', ExternalId: 'x-1' });
  assert.equal(request?.action, 'sts:AssumeRole');
  assert.equal(request?.resource, TRUSTS_ALICE);
  assert.deepEqual(JSON.parse(request?.resourcePolicy ?? '{}'), JSON.parse(trust({ AWS: TEST_USER_ARN })));
  assert.deepEqual(request?.context, { 'sts:RoleSessionName': 's1', 'sts:ExternalId': 'x-1' });
  // The same name without its path is not that role (AWS: AccessDenied from the operation), so no trust policy.
  const [pathless] = await assumeRequests({ RoleArn: `arn:aws:iam::${A}:role/trusts-alice`, RoleSessionName: 's1' });
  assert.equal(pathless?.resourcePolicy, undefined);
  const [absent] = await assumeRequests({ RoleArn: `arn:aws:iam::${A}:role/none`, RoleSessionName: 's1' });
  assert.equal(absent?.resourcePolicy, undefined);
});

test('the trust policy decides with the identity policies as IAM does within one account', async () => {
  const [namesAlice] = await assumeRequests({ RoleArn: TRUSTS_ALICE, RoleSessionName: 's' });
  // A trust policy naming the caller allows it without any identity policy.
  assert.equal(await overall(namesAlice, { policy: NOTHING }), 'Allowed');
  const [namesAccount] = await assumeRequests({ RoleArn: TRUSTS_ACCOUNT, RoleSessionName: 's' });
  // Naming the account delegates to the account's identity policies.
  assert.equal(await overall(namesAccount), 'Allowed');
  assert.equal(await overall(namesAccount, { policy: NOTHING }), 'ImplicitlyDenied');
  // A trust policy that does not admit the caller refuses it whatever its identity policies allow.
  const [onlyEcs] = await assumeRequests({ RoleArn: TRUSTS_ECS, RoleSessionName: 's' });
  assert.equal(await overall(onlyEcs), 'ImplicitlyDenied');
  // A role ARN in a trust policy admits that role's sessions.
  const [chained] = await assumeRequests({ RoleArn: TRUSTS_ROLE, RoleSessionName: 's' });
  assert.equal(await overall(chained, { principal: SESSION, policy: NOTHING }), 'Allowed');
  assert.equal(await overall(chained, { policy: NOTHING }), 'ImplicitlyDenied');
});

test('a Deny on the role ARN denies AssumeRole explicitly, even where the trust policy names the caller', async () => {
  const [request] = await assumeRequests({ RoleArn: TRUSTS_ALICE, RoleSessionName: 's' });
  assert.equal(await overall(request, { policy: denyOn('sts:AssumeRole', TRUSTS_ALICE) }), 'ExplicitlyDenied');
});

test('session tags ask for sts:TagSession and a source identity for sts:SetSourceIdentity, both under the trust policy', async () => {
  const requests = await assumeRequests({
    RoleArn: TRUSTS_ALICE, RoleSessionName: 's', Tags: [{ Key: 'team', Value: 'web' }], TransitiveTagKeys: ['team'], SourceIdentity: 'alice',
  });
  assert.deepEqual(requests.map((r) => r.action), ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']);
  assert.deepEqual(requests[1]?.context, { 'aws:RequestTag/team': 'web', 'aws:TagKeys': ['team'], 'sts:TransitiveTagKeys': ['team'] });
  assert.deepEqual(requests[2]?.context, { 'sts:SourceIdentity': 'alice' });
  for (const request of requests) {
    assert.ok(request.resourcePolicy);
    const result = await simulate(request);
    assert.equal(result.resultType !== 'error' && result.overallResult, 'Allowed', `${request.action}: ${describeResult(result)}`);
    assert.deepEqual(ignoredContextKeys(result), []);
  }
});

test('accessDenied is STS\'s AccessDenied, 403', () => {
  const error = stsServiceIam(deps).accessDenied('User: x is not authorized to perform: sts:AssumeRole on resource: y');
  assert.equal(error.code, 'AccessDenied');
  assert.equal(error.httpStatus, 403);
});
