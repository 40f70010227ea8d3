import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { iamRequestsFor } from '../../aws/authz/iam-request.ts';
import type { RequestContext } from '../../aws/context.ts';
import type { AwsService } from '../../aws/service.ts';
import { cryptoIds } from '../../platform/ids.ts';
import { SecretBox } from '../../platform/secret-box.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';
import {
  ACCOUNT, assertEveryOperationMaps, REGION, resultWithDeny, roleContext, simulateRequest,
} from '../../../test/support/service-iam-checks.ts';
import { secretsManagerIam } from './iam-requests.ts';
import { createSecretsManagerService } from './index.ts';

const PREFIX = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:`;
const ALLOW_ACCOUNT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'secretsmanager:*', Resource: '*' }],
});
const DENY_READS = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
});

let dir: string;
let store: Store;
let service: AwsService;
let iam: ReturnType<typeof secretsManagerIam>;
let dbArn = '';
let lockedArn = '';
let plainArn = '';
const ctx: RequestContext = roleContext();

async function call(operation: string, input: object): Promise<Record<string, unknown>> {
  const handler = service.operations[operation] ?? assert.fail(`no operation ${operation}`);
  // The operations run as the account's root: setting up, not under test.
  const root = { ...ctx, principal: { ...ctx.principal, arn: `arn:aws:iam::${ACCOUNT}:root`, kind: 'root' as const } };
  return (await handler(input as never, root)) as Record<string, unknown>;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-sm-iam-'));
  store = await openSqliteStore(dir);
  const deps = { store, ids: cryptoIds, defaultAccountId: ACCOUNT };
  service = createSecretsManagerService(deps, { box: new SecretBox(Buffer.alloc(32, 3)) });
  iam = secretsManagerIam(deps);
  dbArn = String((await call('CreateSecret', { Name: 'prod/db', SecretString: 'x', Tags: [{ Key: 'team', Value: 'web' }] })).ARN);
  await call('PutResourcePolicy', { SecretId: 'prod/db', ResourcePolicy: ALLOW_ACCOUNT });
  lockedArn = String((await call('CreateSecret', { Name: 'prod/locked', SecretString: 'y' })).ARN);
  await call('PutResourcePolicy', { SecretId: 'prod/locked', ResourcePolicy: DENY_READS });
  plainArn = String((await call('CreateSecret', { Name: 'prod/plain', SecretString: 'z' })).ARN);
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function representativeInputs(): Record<string, object> {
  const id = { SecretId: 'prod/db' };
  return {
    CreateSecret: { Name: 'prod/new', SecretString: 'v', Description: 'd', KmsKeyId: 'alias/aws/secretsmanager', Tags: [{ Key: 'team', Value: 'web' }] },
    GetSecretValue: { ...id, VersionStage: 'AWSPREVIOUS', VersionId: 'EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE' },
    BatchGetSecretValue: { SecretIdList: ['prod/db', 'prod/plain'] },
    PutSecretValue: { ...id, SecretString: 'w' },
    DescribeSecret: id,
    ListSecretVersionIds: id,
    UpdateSecret: { ...id, Description: 'new' },
    UpdateSecretVersionStage: { ...id, VersionStage: 'custom', MoveToVersionId: 'v1' },
    DeleteSecret: { ...id, RecoveryWindowInDays: 7 },
    RestoreSecret: id,
    PutResourcePolicy: { ...id, ResourcePolicy: ALLOW_ACCOUNT, BlockPublicPolicy: true },
    GetResourcePolicy: id,
    DeleteResourcePolicy: id,
    ValidateResourcePolicy: { ...id, ResourcePolicy: ALLOW_ACCOUNT },
    TagResource: { ...id, Tags: [{ Key: 'tier', Value: 'db' }] },
    UntagResource: { ...id, TagKeys: ['team'] },
    ListSecrets: {},
    GetRandomPassword: { PasswordLength: 20 },
  };
}

test('every served Secrets Manager operation maps to actions, secret ARNs and condition keys IAM accepts', async () => {
  await assertEveryOperationMaps(service.operations, iam, representativeInputs(), ctx);
});

test('a secret named by name, partial ARN or full ARN is authorized on its full suffixed ARN with its policy and tags', async () => {
  assert.match(dbArn, new RegExp(`^${PREFIX}prod/db-[A-Za-z0-9]{6}$`));
  for (const SecretId of ['prod/db', `${PREFIX}prod/db`, dbArn]) {
    const [request] = await iamRequestsFor(iam, 'GetSecretValue', { SecretId, VersionStage: 'AWSCURRENT' }, ctx);
    assert.deepEqual(request, {
      action: 'secretsmanager:GetSecretValue', resource: dbArn, resourcePolicy: ALLOW_ACCOUNT,
      context: {
        'secretsmanager:SecretId': dbArn, 'aws:ResourceTag/team': 'web',
        'secretsmanager:VersionStage': 'AWSCURRENT',
      },
    });
  }
});

test('a SecretId that names no secret stays as given, as AWS prints it, and never throws', async () => {
  assert.deepEqual(await iamRequestsFor(iam, 'GetSecretValue', { SecretId: 'prod/missing' }, ctx),
    [{ action: 'secretsmanager:GetSecretValue', resource: 'prod/missing', context: {} }]);
  const arn = `${PREFIX}prod/missing-AbCdEf`;
  assert.deepEqual((await iamRequestsFor(iam, 'DescribeSecret', { SecretId: arn }, ctx)).map((r) => r.resource), [arn]);
});

test('BatchGetSecretValue: the batch action on *, GetSecretValue per secret, ListSecrets when filtering', async () => {
  const byIds = await iamRequestsFor(iam, 'BatchGetSecretValue', { SecretIdList: ['prod/db', 'prod/locked'] }, ctx);
  assert.deepEqual(byIds.map((r) => [r.action, r.resource]), [
    ['secretsmanager:BatchGetSecretValue', '*'], ['secretsmanager:GetSecretValue', dbArn], ['secretsmanager:GetSecretValue', lockedArn],
  ]);
  const byFilter = await iamRequestsFor(iam, 'BatchGetSecretValue', { Filters: [{ Key: 'name', Values: ['prod/'] }] }, ctx);
  assert.deepEqual(byFilter.map((r) => [r.action, r.resource]), [
    ['secretsmanager:BatchGetSecretValue', '*'], ['secretsmanager:ListSecrets', '*'],
    ['secretsmanager:GetSecretValue', dbArn], ['secretsmanager:GetSecretValue', lockedArn], ['secretsmanager:GetSecretValue', plainArn],
  ]);
  const badToken = await iamRequestsFor(iam, 'BatchGetSecretValue', { Filters: [], NextToken: '!!' }, ctx);
  assert.deepEqual(badToken.map((r) => r.action), ['secretsmanager:BatchGetSecretValue', 'secretsmanager:ListSecrets']);
});

test('CreateSecret: a fresh suffixed ARN for the new name, and TagResource when it carries tags', async () => {
  const requests = await iamRequestsFor(iam, 'CreateSecret', { Name: 'app/key', Tags: [{ Key: 'env', Value: 'prod' }] }, ctx);
  assert.deepEqual(requests.map((r) => r.action), ['secretsmanager:CreateSecret', 'secretsmanager:TagResource']);
  assert.match(requests[0]?.resource ?? '', new RegExp(`^${PREFIX}app/key-[A-Za-z0-9]{6}$`));
  assert.deepEqual(requests[0]?.context, { 'secretsmanager:Name': 'app/key', 'aws:RequestTag/env': 'prod', 'aws:TagKeys': ['env'] });
  assert.equal((await iamRequestsFor(iam, 'CreateSecret', { Name: 'app/key' }, ctx)).length, 1);
});

test('a Deny on the secret ARN denies explicitly; one on another secret does not', async () => {
  const [request] = await iamRequestsFor(iam, 'GetSecretValue', { SecretId: 'prod/db' }, ctx);
  assert.ok(request);
  assert.equal(await resultWithDeny(request), 'ExplicitlyDenied');
  assert.equal(await resultWithDeny(request, `${PREFIX}prod/db-*`), 'ExplicitlyDenied');
  assert.equal(await resultWithDeny(request, `${PREFIX}prod/other-*`), 'Allowed');
});

test('the secret\'s resource policy takes part: its Deny denies even an identity policy that allows', async () => {
  const [request] = await iamRequestsFor(iam, 'GetSecretValue', { SecretId: 'prod/locked' }, ctx);
  assert.equal(request?.resourcePolicy, DENY_READS);
  const result = await simulateRequest(request ?? assert.fail());
  assert.equal(result.resultType !== 'error' && result.overallResult, 'ExplicitlyDenied');
});

test('accessDenied is AccessDeniedException, 400', () => {
  const error = iam.accessDenied('User: x is not authorized to perform: secretsmanager:GetSecretValue on resource: y');
  assert.equal(error.code, 'AccessDeniedException');
  assert.equal(error.httpStatus, 400);
  assert.equal(error.message, 'User: x is not authorized to perform: secretsmanager:GetSecretValue on resource: y');
});
