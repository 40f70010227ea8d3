// STS AssumeRole and GetSessionToken through the official SDK: trust policies decide who may
// assume a role; the temporary credentials sign requests as the role session until they expire.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, GetRoleCommand, IAMClient, UpdateRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_SETTINGS } from '../../src/config/settings.ts';
import { startBerth } from '../../src/main.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { failure } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let iam: IAMClient;
let sts: STSClient;
before(async () => {
  server = await startTestServer();
  iam = new IAMClient(server.clientConfig);
  sts = new STSClient(server.clientConfig);
});
after(async () => { await server.stop(); });

function trust(statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

const ACCOUNT_TRUST = trust([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }]);
const ECS_TASKS_TRUST = trust([{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }]);

async function createRole(name: string, document: string, maxSessionDuration?: number): Promise<string> {
  const { Role: role } = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: document, MaxSessionDuration: maxSessionDuration }));
  return role?.Arn ?? '';
}

test('AssumeRole answers ASIA credentials that sign as the assumed-role session', async () => {
  const roleArn = await createRole('deployer', ACCOUNT_TRUST);
  const started = Date.now();
  const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ci-run-1' }));
  const creds = assumed.Credentials;
  assert.match(creds?.AccessKeyId ?? '', /^ASIA[A-Z2-7]{16}$/);
  assert.equal(creds?.SecretAccessKey?.length, 40);
  assert.ok((creds?.SessionToken ?? '').length > 100);
  // The default duration is one hour.
  const expiresIn = (creds?.Expiration?.getTime() ?? 0) - started;
  assert.ok(expiresIn > 3500_000 && expiresIn <= 3605_000, `expires in ${expiresIn} ms`);
  assert.equal(assumed.AssumedRoleUser?.Arn, 'arn:aws:sts::123456789012:assumed-role/deployer/ci-run-1');
  const { Role: role } = await iam.send(new GetRoleCommand({ RoleName: 'deployer' }));
  assert.equal(assumed.AssumedRoleUser?.AssumedRoleId, `${role?.RoleId}:ci-run-1`);
  assert.ok(role?.RoleLastUsed?.LastUsedDate instanceof Date);
  assert.equal(role?.RoleLastUsed?.Region, 'us-east-1');

  const asRole = new STSClient(server.clientConfigFor({
    accessKeyId: creds?.AccessKeyId ?? '', secretAccessKey: creds?.SecretAccessKey ?? '', sessionToken: creds?.SessionToken ?? '',
  }));
  const identity = await asRole.send(new GetCallerIdentityCommand({}));
  assert.equal(identity.Arn, 'arn:aws:sts::123456789012:assumed-role/deployer/ci-run-1');
  assert.equal(identity.UserId, `${role?.RoleId}:ci-run-1`);
  assert.equal(identity.Account, '123456789012');

  // The session token is part of the credentials.
  const withoutToken = new STSClient(server.clientConfigFor({ accessKeyId: creds?.AccessKeyId ?? '', secretAccessKey: creds?.SecretAccessKey ?? '' }));
  assert.equal((await failure(withoutToken.send(new GetCallerIdentityCommand({})))).code, 'InvalidClientTokenId');
});

test('a trust policy that does not admit the caller, or no role at all, is AccessDenied, 403', async () => {
  const roleArn = await createRole('ecsTaskRole', ECS_TASKS_TRUST);
  const denied = await failure(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'me' })));
  assert.equal(denied.code, 'AccessDenied');
  assert.equal(denied.status, 403);
  assert.equal(denied.message, `User: arn:aws:iam::123456789012:root is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);

  const ghost = 'arn:aws:iam::123456789012:role/ghost';
  const missing = await failure(sts.send(new AssumeRoleCommand({ RoleArn: ghost, RoleSessionName: 'me' })));
  assert.equal(missing.code, 'AccessDenied');
  assert.equal(missing.message, `User: arn:aws:iam::123456789012:root is not authorized to perform: sts:AssumeRole on resource: ${ghost}`);
});

test('DurationSeconds: 900 up to the role\'s MaxSessionDuration', async () => {
  const roleArn = await createRole('short', ACCOUNT_TRUST);
  const tooLong = await failure(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'short-session', DurationSeconds: 7200 })));
  assert.equal(tooLong.code, 'ValidationError');
  assert.equal(tooLong.status, 400);
  assert.equal(tooLong.message, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');

  const tooShort = await failure(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'short-session', DurationSeconds: 60 })));
  assert.equal(tooShort.code, 'ValidationError');

  await iam.send(new UpdateRoleCommand({ RoleName: 'short', MaxSessionDuration: 7200 }));
  const ok = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'short-session', DurationSeconds: 7200 }));
  assert.ok((ok.Credentials?.Expiration?.getTime() ?? 0) - Date.now() > 7000_000);
});

test('RoleSessionName must match [\\w+=,.@-]*: ValidationError', async () => {
  const roleArn = await createRole('named', ACCOUNT_TRUST);
  const error = await failure(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'has space' })));
  assert.equal(error.code, 'ValidationError');
  assert.equal(error.message,
    "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
});

test('role chaining: a role session may assume a role it is trusted by, for at most an hour', async () => {
  const first = await createRole('hop-1', ACCOUNT_TRUST);
  const second = await createRole('hop-2', trust([{ Effect: 'Allow', Principal: { AWS: first }, Action: 'sts:AssumeRole' }]), 43200);
  const { Credentials: creds } = await sts.send(new AssumeRoleCommand({ RoleArn: first, RoleSessionName: 'one' }));
  const asFirst = new STSClient(server.clientConfigFor({
    accessKeyId: creds?.AccessKeyId ?? '', secretAccessKey: creds?.SecretAccessKey ?? '', sessionToken: creds?.SessionToken ?? '',
  }));
  const chained = await failure(asFirst.send(new AssumeRoleCommand({ RoleArn: second, RoleSessionName: 'two', DurationSeconds: 7200 })));
  assert.equal(chained.code, 'ValidationError');
  assert.equal(chained.message, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  const hop = await asFirst.send(new AssumeRoleCommand({ RoleArn: second, RoleSessionName: 'two' }));
  assert.equal(hop.AssumedRoleUser?.Arn, 'arn:aws:sts::123456789012:assumed-role/hop-2/two');

  // The root is not the role named in hop-2's trust policy.
  assert.equal((await failure(sts.send(new AssumeRoleCommand({ RoleArn: second, RoleSessionName: 'xx' })))).code, 'AccessDenied');
});

test('trust policy conditions and Deny statements', async () => {
  const external = await createRole('partner', trust([{
    Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'secret-42' } },
  }]));
  assert.equal((await failure(sts.send(new AssumeRoleCommand({ RoleArn: external, RoleSessionName: 'pp' })))).code, 'AccessDenied');
  assert.equal((await failure(sts.send(new AssumeRoleCommand({ RoleArn: external, RoleSessionName: 'pp', ExternalId: 'wrong-one' })))).code, 'AccessDenied');
  await sts.send(new AssumeRoleCommand({ RoleArn: external, RoleSessionName: 'pp', ExternalId: 'secret-42' }));

  const like = await createRole('like', trust([{
    Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringLike: { 'sts:RoleSessionName': 'ci-*' } },
  }]));
  await sts.send(new AssumeRoleCommand({ RoleArn: like, RoleSessionName: 'ci-7' }));
  assert.equal((await failure(sts.send(new AssumeRoleCommand({ RoleArn: like, RoleSessionName: 'dev-7' })))).code, 'AccessDenied');

  const denied = await createRole('denied', trust([
    { Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' },
    { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:*' },
  ]));
  assert.equal((await failure(sts.send(new AssumeRoleCommand({ RoleArn: denied, RoleSessionName: 'dd' })))).code, 'AccessDenied');

  // A condition Berth cannot evaluate never grants access.
  const unsupported = await createRole('mfa-only', trust([{
    Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
  }]));
  assert.equal((await failure(sts.send(new AssumeRoleCommand({ RoleArn: unsupported, RoleSessionName: 'mm' })))).code, 'AccessDenied');
});

test('a trust policy naming an IAM user admits that user only', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'ops' }));
  await iam.send(new CreateUserCommand({ UserName: 'intern' }));
  const roleArn = await createRole('ops-role', trust([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/ops' }, Action: 'sts:AssumeRole' }]));
  const keyOf = async (user: string): Promise<{ accessKeyId: string; secretAccessKey: string }> => {
    const { AccessKey: key } = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
    return { accessKeyId: key?.AccessKeyId ?? '', secretAccessKey: key?.SecretAccessKey ?? '' };
  };
  const asOps = new STSClient(server.clientConfigFor(await keyOf('ops')));
  const session = await asOps.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ops' }));
  assert.equal(session.AssumedRoleUser?.Arn, 'arn:aws:sts::123456789012:assumed-role/ops-role/ops');
  const asIntern = new STSClient(server.clientConfigFor(await keyOf('intern')));
  const denied = await failure(asIntern.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'intern' })));
  assert.equal(denied.message, `User: arn:aws:iam::123456789012:user/intern is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);

  // GetSessionToken keeps the user's identity; session credentials cannot ask for another.
  const token = await asOps.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
  const asOpsSession = new STSClient(server.clientConfigFor({
    accessKeyId: token.Credentials?.AccessKeyId ?? '', secretAccessKey: token.Credentials?.SecretAccessKey ?? '', sessionToken: token.Credentials?.SessionToken ?? '',
  }));
  assert.equal((await asOpsSession.send(new GetCallerIdentityCommand({}))).Arn, 'arn:aws:iam::123456789012:user/ops');
  const again = await failure(asOpsSession.send(new GetSessionTokenCommand({})));
  assert.equal(again.code, 'AccessDenied');
  assert.equal(again.status, 403);
  assert.equal(again.message, 'Cannot call GetSessionToken with session credentials');
});

test('GetSessionToken for the root lasts at most an hour', async () => {
  const token = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 36_000 }));
  const lasts = (token.Credentials?.Expiration?.getTime() ?? 0) - Date.now();
  assert.ok(lasts <= 3_600_000 && lasts > 3_500_000, `lasts ${lasts} ms`);
});

test('strict authentication: STS credentials work until they expire, then ExpiredToken', async () => {
  const clock = new ManualClock(new Date());
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-test-'));
  const berth = await startBerth({ ...DEFAULT_SETTINGS, port: 0, dataDir, strictAuth: true }, { clock, log: () => undefined });
  try {
    // Clients sign with the server's (manual) time: the SDK's clock offset follows it.
    const config = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => ({
      endpoint: berth.url, region: 'us-east-1', credentials, maxAttempts: 1, systemClockOffset: clock.now().getTime() - Date.now(),
    });
    const root = { accessKeyId: DEFAULT_SETTINGS.rootAccessKeyId, secretAccessKey: DEFAULT_SETTINGS.rootSecretAccessKey };
    const { Role: role } = await new IAMClient(config(root)).send(new CreateRoleCommand({ RoleName: 'strict-role', AssumeRolePolicyDocument: ACCOUNT_TRUST }));
    const { Credentials: creds } = await new STSClient(config(root)).send(new AssumeRoleCommand({ RoleArn: role?.Arn, RoleSessionName: 'strict', DurationSeconds: 900 }));
    const temporary = { accessKeyId: creds?.AccessKeyId ?? '', secretAccessKey: creds?.SecretAccessKey ?? '', sessionToken: creds?.SessionToken ?? '' };
    const identity = await new STSClient(config(temporary)).send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, 'arn:aws:sts::123456789012:assumed-role/strict-role/strict');

    const wrongSecret = await failure(new STSClient(config({ ...temporary, secretAccessKey: 'y'.repeat(40) })).send(new GetCallerIdentityCommand({})));
    assert.equal(wrongSecret.code, 'SignatureDoesNotMatch');

    clock.advance(901_000);
    const expired = await failure(new STSClient(config(temporary)).send(new GetCallerIdentityCommand({})));
    assert.equal(expired.code, 'ExpiredToken');
    assert.equal(expired.status, 403);
  } finally {
    await berth.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
