// Strict mode: SigV4 signatures are verified (with the official signer) and bad or missing ones
// are refused with AWS's codes, per protocol family.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { EC2Client, DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ strictAuth: true, rootAccessKeyId: 'AKIAROOTROOTROOTROOT', rootSecretAccessKey: 'root-secret' });
});
after(async () => { await server.stop(); });

type SdkError = Error & { $metadata?: { httpStatusCode?: number } };

function expectError(name: string, status: number) {
  return (error: SdkError) => {
    assert.equal(error.name, name);
    assert.equal(error.$metadata?.httpStatusCode, status);
    return true;
  };
}

test('a request signed with the root key pair is accepted, in the signed region', async () => {
  const sts = new STSClient(server.clientConfigFor({ accessKeyId: 'AKIAROOTROOTROOTROOT', secretAccessKey: 'root-secret' }, 'eu-west-1'));
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(identity.Arn, 'arn:aws:iam::123456789012:root');
});

test('a wrong secret is SignatureDoesNotMatch on Query services', async () => {
  const sts = new STSClient(server.clientConfigFor({ accessKeyId: 'AKIAROOTROOTROOTROOT', secretAccessKey: 'wrong' }));
  await assert.rejects(sts.send(new GetCallerIdentityCommand({})), expectError('SignatureDoesNotMatch', 403));
});

test('a wrong secret is InvalidSignatureException on JSON services', async () => {
  const ecs = new ECSClient(server.clientConfigFor({ accessKeyId: 'AKIAROOTROOTROOTROOT', secretAccessKey: 'wrong' }));
  await assert.rejects(ecs.send(new ListClustersCommand({})), expectError('InvalidSignatureException', 400));
});

test('a wrong secret is AuthFailure on EC2', async () => {
  const ec2 = new EC2Client(server.clientConfigFor({ accessKeyId: 'AKIAROOTROOTROOTROOT', secretAccessKey: 'wrong' }));
  await assert.rejects(ec2.send(new DescribeAvailabilityZonesCommand({})), expectError('AuthFailure', 401));
});

test('an access key Berth never issued is InvalidClientTokenId / UnrecognizedClientException', async () => {
  const sts = new STSClient(server.clientConfigFor({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }));
  await assert.rejects(sts.send(new GetCallerIdentityCommand({})), expectError('InvalidClientTokenId', 403));
  const ecs = new ECSClient(server.clientConfigFor({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }));
  await assert.rejects(ecs.send(new ListClustersCommand({})), expectError('UnrecognizedClientException', 400));
});

test('an unsigned request is refused', async () => {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
  });
  assert.equal(response.status, 403);
  assert.match(await response.text(), /<Code>MissingAuthenticationToken<\/Code>/);
});

test('a body changed after signing no longer matches its signature', async () => {
  const sts = new STSClient(server.clientConfigFor({ accessKeyId: 'AKIAROOTROOTROOTROOT', secretAccessKey: 'root-secret' }));
  const tamper: FinalizeRequestMiddleware<object, MetadataBearer> = (next) => async (args) => {
    // Same length and meaning, different bytes: only the signature can tell.
    const request = args.request as { body?: string };
    request.body = (request.body ?? '').split('&').reverse().join('&');
    return next(args);
  };
  sts.middlewareStack.addRelativeTo(tamper, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'tamper-after-signing' });
  await assert.rejects(sts.send(new GetCallerIdentityCommand({})), expectError('SignatureDoesNotMatch', 403));
});
