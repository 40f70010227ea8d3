// STS through the official SDK: the caller's identity.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
before(async () => { server = await startTestServer(); });
after(async () => { await server.stop(); });

test('GetCallerIdentity answers the default account root for keys Berth did not issue', async () => {
  const sts = new STSClient(server.clientConfig);
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(identity.Account, '123456789012');
  assert.equal(identity.Arn, 'arn:aws:iam::123456789012:root');
  assert.equal(identity.UserId, '123456789012');
});
