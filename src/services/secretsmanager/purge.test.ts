import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestContext } from '../../aws/context.ts';
import { cryptoIds } from '../../platform/ids.ts';
import { SecretBox } from '../../platform/secret-box.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import { createSecretsManagerService, purgeDeletedSecrets, readSecretValue } from './index.ts';
import { arnSuffix } from './records.ts';

const DAY = 86_400_000;

test('arnSuffix: six alphanumerics', () => {
  for (let i = 0; i < 200; i++) assert.match(arnSuffix(cryptoIds), /^[A-Za-z0-9]{6}$/);
});

test('readSecretValue answers as GetSecretValue; purgeDeletedSecrets erases secrets past their window only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-sm-'));
  const store = await openSqliteStore(dir);
  try {
    const box = new SecretBox(Buffer.alloc(32, 7));
    const service = createSecretsManagerService({ store, ids: cryptoIds, defaultAccountId: '123456789012' }, { box });
    const t0 = new Date('2026-01-01T00:00:00Z');
    const ctx = { requestId: 'r', region: 'us-east-1', principal: { accountId: '123456789012' }, now: t0 } as RequestContext;
    const call = (op: string, input: unknown, now = t0) =>
      (service.operations[op] as (i: unknown, c: RequestContext) => Promise<Record<string, unknown>>)(input, { ...ctx, now });
    const scope = { account: '123456789012', region: 'us-east-1' };

    await call('CreateSecret', { Name: 'short', SecretString: 'one' });
    await call('CreateSecret', { Name: 'long', SecretBinary: Buffer.from([9, 9]) });
    await call('CreateSecret', { Name: 'kept', SecretString: 'k' });
    await call('PutSecretValue', { SecretId: 'short', SecretString: 'two' });
    assert.equal(await readSecretValue(store, box, scope, { secretId: 'short' }), 'two');
    assert.equal(await readSecretValue(store, box, scope, { secretId: 'short', versionStage: 'AWSPREVIOUS' }), 'one');
    assert.deepEqual(await readSecretValue(store, box, scope, { secretId: 'long' }), Buffer.from([9, 9]));
    await assert.rejects(readSecretValue(store, box, scope, { secretId: 'missing' }), { code: 'ResourceNotFoundException' });

    await call('DeleteSecret', { SecretId: 'short', RecoveryWindowInDays: 7 });
    await call('DeleteSecret', { SecretId: 'long' });
    await assert.rejects(readSecretValue(store, box, scope, { secretId: 'short' }), { code: 'InvalidRequestException' });

    assert.equal(await purgeDeletedSecrets(store, new Date(t0.getTime() + 6 * DAY)), 0);
    assert.equal(await purgeDeletedSecrets(store, new Date(t0.getTime() + 7 * DAY)), 1);
    await assert.rejects(call('DescribeSecret', { SecretId: 'short' }), { code: 'ResourceNotFoundException' });
    assert.ok(await call('DescribeSecret', { SecretId: 'long' }));
    assert.equal(await purgeDeletedSecrets(store, new Date(t0.getTime() + 30 * DAY)), 1);
    assert.equal(await store.read((tx) => tx.count('secretsmanager.version', scope)), 1);
    assert.equal(await readSecretValue(store, box, scope, { secretId: 'kept' }), 'k');
    // Nothing is left pending: the scope left the index.
    assert.equal(await purgeDeletedSecrets(store, new Date(t0.getTime() + 60 * DAY)), 0);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
