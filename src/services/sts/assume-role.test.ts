import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import { cryptoIds } from '../../platform/ids.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { StoreCredentialLookup } from '../iam/issued-credentials.ts';
import { roleOperations } from '../iam/roles.ts';
import { assumeRoleAsService } from './assume-role.ts';

let dataDir: string;
let store: Store;
let deps: ServiceDeps;
const NOW = new Date('2030-01-01T00:00:00Z');
const ctx: RequestContext = {
  requestId: 'r', region: 'us-east-1', now: NOW,
  principal: { accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root', userId: '111122223333', accessKeyId: 'test', kind: 'root' },
};

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-sts-'));
  store = await openSqliteStore(dataDir);
  deps = { store, ids: cryptoIds, defaultAccountId: '111122223333' };
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
    }],
  });
  await roleOperations(deps).CreateRole({ RoleName: 'app-task-role', AssumeRolePolicyDocument: trust }, ctx);
});
after(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const ROLE = 'arn:aws:iam::111122223333:role/app-task-role';

test('assumeRoleAsService issues session credentials the authenticator resolves to the role session', async () => {
  const assumed = await store.write((tx) => assumeRoleAsService(tx, ROLE, 'ecs-tasks.amazonaws.com', 'task-abc', NOW, cryptoIds,
    { sourceAccount: '111122223333', sourceArn: 'arn:aws:ecs:us-east-1:111122223333:task/c/abc' }));
  assert.equal(assumed.AssumedRoleUser.Arn, 'arn:aws:sts::111122223333:assumed-role/app-task-role/task-abc');
  assert.equal(assumed.Credentials.Expiration?.toISOString(), '2030-01-01T01:00:00.000Z');

  const issued = await new StoreCredentialLookup(store).find(assumed.Credentials.AccessKeyId ?? '');
  assert.equal(issued?.principal.kind, 'assumed-role');
  assert.equal(issued?.principal.roleArn, ROLE);
  assert.equal(issued?.principal.arn, assumed.AssumedRoleUser.Arn);
  assert.equal(issued?.sessionToken, assumed.Credentials.SessionToken);
});

test('assumeRoleAsService refuses a service or source the trust policy does not admit, and unknown roles', async () => {
  const attempts = [
    () => store.write((tx) => assumeRoleAsService(tx, ROLE, 'ec2.amazonaws.com', 'x1', NOW, cryptoIds, { sourceAccount: '111122223333' })),
    () => store.write((tx) => assumeRoleAsService(tx, ROLE, 'ecs-tasks.amazonaws.com', 'x2', NOW, cryptoIds, { sourceAccount: '999999999999' })),
    () => store.write((tx) => assumeRoleAsService(tx, ROLE, 'ecs-tasks.amazonaws.com', 'x3', NOW, cryptoIds)),
    () => store.write((tx) => assumeRoleAsService(tx, 'arn:aws:iam::111122223333:role/none', 'ecs-tasks.amazonaws.com', 'x4', NOW, cryptoIds)),
  ];
  for (const attempt of attempts) {
    await assert.rejects(attempt, (error: unknown) => error instanceof AwsError && error.code === 'AccessDenied' && error.httpStatus === 403);
  }
});
