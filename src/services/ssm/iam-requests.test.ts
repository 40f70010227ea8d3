import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { iamRequestsFor } from '../../aws/authz/iam-request.ts';
import type { AwsService } from '../../aws/service.ts';
import { cryptoIds } from '../../platform/ids.ts';
import { SecretBox } from '../../platform/secret-box.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';
import { ACCOUNT, assertEveryOperationMaps, REGION, resultWithDeny, roleContext } from '../../../test/support/service-iam-checks.ts';
import { ssmIam } from './iam-requests.ts';
import { createSsmService } from './index.ts';

const PARAM = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/`;
const ctx = roleContext();

let dir: string;
let store: Store;
let service: AwsService;
let iam: ReturnType<typeof ssmIam>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-ssm-iam-'));
  store = await openSqliteStore(dir);
  const deps = { store, ids: cryptoIds, defaultAccountId: ACCOUNT };
  service = createSsmService(deps, { box: new SecretBox(Buffer.alloc(32, 5)) });
  iam = ssmIam(deps);
  const put = service.operations['PutParameter'] ?? assert.fail();
  await put({ Name: '/prod/api-key', Type: 'SecureString', Value: 's3cr3t', Tags: [{ Key: 'team', Value: 'web' }] } as never, ctx);
  await put({ Name: 'plain', Type: 'String', Value: 'v' } as never, ctx);
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function representativeInputs(): Record<string, object> {
  const name = { Name: '/prod/api-key' };
  return {
    PutParameter: { Name: '/prod/new', Type: 'String', Value: 'v', Overwrite: false, Tags: [{ Key: 'team', Value: 'web' }] },
    GetParameter: { ...name, WithDecryption: true },
    GetParameters: { Names: ['/prod/api-key:1', 'plain'], WithDecryption: true },
    GetParametersByPath: { Path: '/prod', Recursive: true },
    GetParameterHistory: name,
    DeleteParameter: name,
    DeleteParameters: { Names: ['/prod/api-key', 'plain'] },
    DescribeParameters: {},
    LabelParameterVersion: { ...name, ParameterVersion: 1, Labels: ['live'] },
    UnlabelParameterVersion: { ...name, ParameterVersion: 1, Labels: ['live'] },
    AddTagsToResource: { ResourceType: 'Parameter', ResourceId: '/prod/api-key', Tags: [{ Key: 'tier', Value: '1' }] },
    RemoveTagsFromResource: { ResourceType: 'Parameter', ResourceId: '/prod/api-key', TagKeys: ['team'] },
    ListTagsForResource: { ResourceType: 'Parameter', ResourceId: '/prod/api-key' },
  };
}

test('every served Parameter Store operation maps to actions, parameter ARNs and condition keys IAM accepts', async () => {
  await assertEveryOperationMaps(service.operations, iam, representativeInputs(), ctx);
});

test('names, selectors and ARNs become the parameter ARN without its leading slash or selector, with its tags', async () => {
  for (const Name of ['/prod/api-key', '/prod/api-key:1', '/prod/api-key:live', `${PARAM}prod/api-key`, `${PARAM}prod/api-key:1`]) {
    assert.deepEqual(await iamRequestsFor(iam, 'GetParameter', { Name }, ctx),
      [{ action: 'ssm:GetParameter', resource: `${PARAM}prod/api-key`, context: { 'aws:ResourceTag/team': 'web' } }], Name);
  }
  assert.deepEqual((await iamRequestsFor(iam, 'GetParameter', { Name: 'plain' }, ctx)).map((r) => r.resource), [`${PARAM}plain`]);
  // A parameter that does not exist is named all the same, without tags.
  assert.deepEqual(await iamRequestsFor(iam, 'GetParameter', { Name: '/nope' }, ctx), [{ action: 'ssm:GetParameter', resource: `${PARAM}nope`, context: {} }]);
  // Another Region's ARN keeps its Region.
  const west = `arn:aws:ssm:us-west-2:${ACCOUNT}:parameter/x/y`;
  assert.deepEqual((await iamRequestsFor(iam, 'GetParameter', { Name: west }, ctx)).map((r) => r.resource), [west]);
});

test('GetParameters and DeleteParameters: one request per parameter', async () => {
  for (const operation of ['GetParameters', 'DeleteParameters']) {
    const requests = await iamRequestsFor(iam, operation, { Names: ['/prod/api-key', 'plain', '/a/b:3'] }, ctx);
    assert.deepEqual(requests.map((r) => [r.action, r.resource]), [
      [`ssm:${operation}`, `${PARAM}prod/api-key`], [`ssm:${operation}`, `${PARAM}plain`], [`ssm:${operation}`, `${PARAM}a/b`],
    ]);
  }
});

test('GetParametersByPath is authorized on the path itself, with ssm:Recursive', async () => {
  assert.deepEqual(await iamRequestsFor(iam, 'GetParametersByPath', { Path: '/prod/db', Recursive: true }, ctx),
    [{ action: 'ssm:GetParametersByPath', resource: `${PARAM}prod/db`, context: { 'ssm:Recursive': 'true' } }]);
  assert.deepEqual((await iamRequestsFor(iam, 'GetParametersByPath', { Path: '/prod/db/' }, ctx)).map((r) => r.resource), [`${PARAM}prod/db/`]);
  // The root path: `parameter/`, which iam-data's pattern (a non-empty name) does not describe; the evaluator decides it unvalidated.
  assert.deepEqual((await iamRequestsFor(iam, 'GetParametersByPath', { Path: '/' }, ctx)).map((r) => r.resource), [PARAM]);
});

test('PutParameter carries ssm:Overwrite and the request tags', async () => {
  const [request] = await iamRequestsFor(iam, 'PutParameter', { Name: ' /prod/x ', Overwrite: true, Tags: [{ Key: 'a', Value: 'b' }] }, ctx);
  assert.deepEqual(request, {
    action: 'ssm:PutParameter', resource: `${PARAM}prod/x`, context: { 'ssm:Overwrite': 'true', 'aws:RequestTag/a': 'b', 'aws:TagKeys': ['a'] },
  });
});

test('a Deny on the parameter ARN denies explicitly; a Deny on the hierarchy below it too; another does not', async () => {
  const [request] = await iamRequestsFor(iam, 'GetParameter', { Name: '/prod/api-key' }, ctx);
  assert.ok(request);
  assert.equal(await resultWithDeny(request), 'ExplicitlyDenied');
  assert.equal(await resultWithDeny(request, `${PARAM}prod/*`), 'ExplicitlyDenied');
  assert.equal(await resultWithDeny(request, `${PARAM}dev/*`), 'Allowed');
});

test('accessDenied is AccessDeniedException, 400', () => {
  const error = iam.accessDenied('User: x is not authorized to perform: ssm:GetParameters on resource: y');
  assert.equal(error.code, 'AccessDeniedException');
  assert.equal(error.httpStatus, 400);
});
