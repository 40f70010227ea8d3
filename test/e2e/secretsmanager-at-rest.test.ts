// Secret values never reach the database file in clear: the file and its write-ahead log are read as bytes
// after CreateSecret, PutSecretValue and UpdateSecret.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient, UpdateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { startTestServer } from './harness.ts';

test('secret values are sealed in berth.db and its WAL', async () => {
  const server = await startTestServer();
  const sm = new SecretsManagerClient(server.clientConfig);
  try {
    const values = ['clear-text-canary-7f3a91', 'second-canary-b81c2e', 'third-canary-5d04aa'];
    const binary = Buffer.from('binary-canary-0c9e77');
    await sm.send(new CreateSecretCommand({ Name: 'at-rest', SecretString: values[0] }));
    await sm.send(new PutSecretValueCommand({ SecretId: 'at-rest', SecretString: values[1] }));
    await sm.send(new UpdateSecretCommand({ SecretId: 'at-rest', SecretString: values[2] }));
    await sm.send(new CreateSecretCommand({ Name: 'at-rest-bin', SecretBinary: binary }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'at-rest' }))).SecretString, values[2]);
    const files = ['berth.db', 'berth.db-wal'].map((f) => join(server.dataDir, f)).filter((f) => existsSync(f));
    assert.ok(files.length > 0, 'the database file exists');
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    // The secret's name is stored in clear: the check would be meaningless if the file were empty or unread.
    assert.ok(bytes.includes(Buffer.from('at-rest-bin')), 'the secret names are in the file');
    for (const value of [...values.map((v) => Buffer.from(v)), binary]) {
      assert.equal(bytes.includes(value), false, `${value.toString()} appears in clear`);
      assert.equal(bytes.includes(Buffer.from(value.toString('base64'))), false, `${value.toString()} appears in base64`);
    }
  } finally {
    sm.destroy();
    await server.stop();
  }
});
