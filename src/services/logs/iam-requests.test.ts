import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { iamRequestsFor } from '../../aws/authz/iam-request.ts';
import { cryptoIds } from '../../platform/ids.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import { ACCOUNT, assertEveryOperationMaps, REGION, resultWithDeny, roleContext } from '../../../test/support/service-iam-checks.ts';
import { logsIam } from './iam-requests.ts';
import { createLogsService } from './index.ts';

const GROUP = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/ecs/web`;
const ctx = roleContext();
const iam = logsIam();

function representativeInputs(): Record<string, object> {
  const group = { logGroupName: '/ecs/web' };
  const stream = { ...group, logStreamName: 'ecs/app/0123' };
  return {
    CreateLogGroup: { ...group, tags: { team: 'web' } },
    DeleteLogGroup: group,
    DescribeLogGroups: { logGroupNamePrefix: '/ecs' },
    PutRetentionPolicy: { ...group, retentionInDays: 7 },
    DeleteRetentionPolicy: group,
    CreateLogStream: stream,
    DeleteLogStream: stream,
    DescribeLogStreams: { logGroupIdentifier: `${GROUP}:*` },
    PutLogEvents: { ...stream, logEvents: [{ timestamp: 0, message: 'm' }] },
    GetLogEvents: stream,
    FilterLogEvents: { ...group, filterPattern: 'ERROR' },
    TagLogGroup: { ...group, tags: { tier: '1' } },
    UntagLogGroup: { ...group, tags: ['tier'] },
    ListTagsLogGroup: group,
    TagResource: { resourceArn: GROUP, tags: { tier: '1' } },
    UntagResource: { resourceArn: GROUP, tagKeys: ['tier'] },
    ListTagsForResource: { resourceArn: GROUP },
  };
}

test('every served CloudWatch Logs operation maps to actions, log ARNs and condition keys IAM accepts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-logs-iam-'));
  const store = await openSqliteStore(dir);
  try {
    const service = createLogsService({ store, ids: cryptoIds, defaultAccountId: ACCOUNT });
    await assertEveryOperationMaps(service.operations, iam, representativeInputs(), ctx);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('log-group actions are asked on `log-group:<name>:log-stream:`, stream actions on the stream', async () => {
  const resource = async (operation: string, input: object) => (await iamRequestsFor(iam, operation, input, ctx)).map((r) => r.resource);
  assert.deepEqual(await resource('DeleteLogGroup', { logGroupName: '/ecs/web' }), [`${GROUP}:log-stream:`]);
  // A group named by ARN (with or without DescribeLogGroups' trailing `:*`) is the same group.
  assert.deepEqual(await resource('FilterLogEvents', { logGroupIdentifier: GROUP }), [`${GROUP}:log-stream:`]);
  assert.deepEqual(await resource('DescribeLogStreams', { logGroupIdentifier: `${GROUP}:*` }), [`${GROUP}:log-stream:`]);
  assert.deepEqual(await resource('PutLogEvents', { logGroupName: '/ecs/web', logStreamName: 'ecs/app/1' }), [`${GROUP}:log-stream:ecs/app/1`]);
  assert.deepEqual(await resource('GetLogEvents', { logGroupIdentifier: GROUP, logStreamName: 's' }), [`${GROUP}:log-stream:s`]);
  assert.deepEqual(await resource('TagResource', { resourceArn: GROUP, tags: { a: 'b' } }), [GROUP]);
  assert.deepEqual(await resource('DescribeLogGroups', {}), ['*']);
});

test('CreateLogGroup with tags also asks logs:TagResource, both with the request tags', async () => {
  const requests = await iamRequestsFor(iam, 'CreateLogGroup', { logGroupName: '/ecs/web', tags: { team: 'web' } }, ctx);
  const tags = { 'aws:RequestTag/team': 'web', 'aws:TagKeys': ['team'] };
  assert.deepEqual(requests, [
    { action: 'logs:CreateLogGroup', resource: `${GROUP}:log-stream:`, context: tags },
    { action: 'logs:TagResource', resource: GROUP, context: tags },
  ]);
  assert.equal((await iamRequestsFor(iam, 'CreateLogGroup', { logGroupName: '/ecs/web' }, ctx)).length, 1);
});

test('`log-group:<name>:*` in a Deny covers the group and its streams; the bare group ARN does not cover group actions', async () => {
  const [create] = await iamRequestsFor(iam, 'CreateLogGroup', { logGroupName: '/ecs/web' }, ctx);
  const [put] = await iamRequestsFor(iam, 'PutLogEvents', { logGroupName: '/ecs/web', logStreamName: 's' }, ctx);
  assert.ok(create && put);
  assert.equal(await resultWithDeny(create), 'ExplicitlyDenied');
  assert.equal(await resultWithDeny(create, `${GROUP}:*`), 'ExplicitlyDenied');
  assert.equal(await resultWithDeny(put, `${GROUP}:*`), 'ExplicitlyDenied');
  assert.equal(await resultWithDeny(create, GROUP), 'Allowed');
  assert.equal(await resultWithDeny(put, `${GROUP}-other:*`), 'Allowed');
});

test('accessDenied is AccessDeniedException, 400', () => {
  const error = iam.accessDenied('User: x is not authorized to perform: logs:PutLogEvents on resource: y');
  assert.equal(error.code, 'AccessDeniedException');
  assert.equal(error.httpStatus, 400);
});
