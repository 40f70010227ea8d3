// IAM users and their access keys through the official SDK: users sign requests with the keys
// IAM issues them, in lenient and strict authentication.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AttachUserPolicyCommand, CreateAccessKeyCommand, CreateUserCommand, DeleteAccessKeyCommand, DeleteUserCommand,
  DeleteUserPolicyCommand, DetachUserPolicyCommand, GetAccessKeyLastUsedCommand, GetUserCommand, GetUserPolicyCommand, IAMClient,
  ListAccessKeysCommand, ListAttachedUserPoliciesCommand, ListUserPoliciesCommand, ListUsersCommand, ListUserTagsCommand,
  PutUserPolicyCommand, TagUserCommand, UntagUserCommand, UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { failure } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let strict: TestServer;
let iam: IAMClient;
before(async () => {
  server = await startTestServer();
  strict = await startTestServer({ strictAuth: true });
  iam = new IAMClient(server.clientConfig);
});
after(async () => {
  await server.stop();
  await strict.stop();
});

const S3_READ = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

test('CreateUser, GetUser, ListUsers: AIDA ids, ARNs with path; duplicates are EntityAlreadyExists', async () => {
  const created = await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/devs/', Tags: [{ Key: 'team', Value: 'core' }] }));
  assert.equal(created.User?.Arn, 'arn:aws:iam::123456789012:user/devs/alice');
  assert.match(created.User?.UserId ?? '', /^AIDA[A-Z2-7]{17}$/);
  const got = await iam.send(new GetUserCommand({ UserName: 'ALICE' }));
  assert.equal(got.User?.UserName, 'alice');
  assert.deepEqual(got.User?.Tags, [{ Key: 'team', Value: 'core' }]);

  const duplicate = await failure(iam.send(new CreateUserCommand({ UserName: 'Alice' })));
  assert.equal(duplicate.code, 'EntityAlreadyExists');
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.message, 'User with name Alice already exists.');

  await iam.send(new CreateUserCommand({ UserName: 'bob' }));
  const devs = await iam.send(new ListUsersCommand({ PathPrefix: '/devs/' }));
  assert.deepEqual(devs.Users?.map((u) => u.UserName), ['alice']);
  assert.equal(devs.Users?.[0]?.Tags, undefined);

  const missing = await failure(iam.send(new GetUserCommand({ UserName: 'carol' })));
  assert.equal(missing.code, 'NoSuchEntity');
  assert.equal(missing.status, 404);
  assert.equal(missing.message, 'The user with name carol cannot be found.');
});

test('GetUser without UserName answers the caller: the root, or the user whose key signed', async () => {
  const root = await iam.send(new GetUserCommand({}));
  assert.equal(root.User?.Arn, 'arn:aws:iam::123456789012:root');
  assert.equal(root.User?.UserId, '123456789012');

  await iam.send(new CreateUserCommand({ UserName: 'dave' }));
  // Policies are enforced for IAM users: dave may read his own user and keys (aws:username), nothing else.
  await iam.send(new PutUserPolicyCommand({ UserName: 'dave', PolicyName: 'self', PolicyDocument: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['iam:GetUser', 'iam:ListAccessKeys'], Resource: 'arn:aws:iam::123456789012:user/${aws:username}' }],
  }) }));
  const { AccessKey: key } = await iam.send(new CreateAccessKeyCommand({ UserName: 'dave' }));
  const asDave = new IAMClient(server.clientConfigFor({ accessKeyId: key?.AccessKeyId ?? '', secretAccessKey: key?.SecretAccessKey ?? '' }));
  const me = await asDave.send(new GetUserCommand({}));
  assert.equal(me.User?.UserName, 'dave');
  const identity = await new STSClient(server.clientConfigFor({ accessKeyId: key?.AccessKeyId ?? '', secretAccessKey: key?.SecretAccessKey ?? '' }))
    .send(new GetCallerIdentityCommand({}));
  assert.equal(identity.Arn, 'arn:aws:iam::123456789012:user/dave');
  assert.equal(identity.UserId, me.User?.UserId);
  // Without UserName, CreateAccessKey/ListAccessKeys act on the calling user.
  const mine = await asDave.send(new ListAccessKeysCommand({}));
  assert.deepEqual(mine.AccessKeyMetadata?.map((k) => k.AccessKeyId), [key?.AccessKeyId]);
  const others = await failure(asDave.send(new ListAccessKeysCommand({ UserName: 'erin' })));
  assert.equal(others.code, 'AccessDenied');
});

test('access keys: AKIA ids, 40-character secrets, at most two per user, Active/Inactive, delete', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'erin' }));
  const first = await iam.send(new CreateAccessKeyCommand({ UserName: 'erin' }));
  assert.match(first.AccessKey?.AccessKeyId ?? '', /^AKIA[A-Z2-7]{16}$/);
  assert.equal(first.AccessKey?.SecretAccessKey?.length, 40);
  assert.equal(first.AccessKey?.Status, 'Active');
  assert.equal(first.AccessKey?.UserName, 'erin');
  await iam.send(new CreateAccessKeyCommand({ UserName: 'erin' }));
  const third = await failure(iam.send(new CreateAccessKeyCommand({ UserName: 'erin' })));
  assert.equal(third.code, 'LimitExceeded');
  assert.equal(third.status, 409);
  assert.equal(third.message, 'Cannot exceed quota for AccessKeysPerUser: 2');

  const id = first.AccessKey?.AccessKeyId ?? '';
  await iam.send(new UpdateAccessKeyCommand({ UserName: 'erin', AccessKeyId: id, Status: 'Inactive' }));
  const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'erin' }));
  assert.equal(listed.AccessKeyMetadata?.find((k) => k.AccessKeyId === id)?.Status, 'Inactive');
  assert.equal(listed.AccessKeyMetadata?.some((k) => 'SecretAccessKey' in k), false);

  const lastUsed = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: id }));
  assert.equal(lastUsed.UserName, 'erin');
  assert.deepEqual(lastUsed.AccessKeyLastUsed, { ServiceName: 'N/A', Region: 'N/A' });

  const conflict = await failure(iam.send(new DeleteUserCommand({ UserName: 'erin' })));
  assert.equal(conflict.code, 'DeleteConflict');
  assert.equal(conflict.status, 409);
  assert.equal(conflict.message, 'Cannot delete entity, must delete access keys first.');

  const wrongUser = await failure(iam.send(new DeleteAccessKeyCommand({ UserName: 'bob', AccessKeyId: id })));
  assert.equal(wrongUser.code, 'NoSuchEntity');
  assert.equal(wrongUser.message, `The Access Key with id ${id} cannot be found.`);

  for (const key of listed.AccessKeyMetadata ?? []) await iam.send(new DeleteAccessKeyCommand({ UserName: 'erin', AccessKeyId: key.AccessKeyId }));
  await iam.send(new DeleteUserCommand({ UserName: 'erin' }));
});

test('user policies: inline and attached, and DeleteUser refuses until they are gone', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'frank' }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'frank', PolicyName: 'read', PolicyDocument: S3_READ }));
  const got = await iam.send(new GetUserPolicyCommand({ UserName: 'frank', PolicyName: 'read' }));
  assert.equal(decodeURIComponent(got.PolicyDocument ?? ''), S3_READ);
  assert.deepEqual((await iam.send(new ListUserPoliciesCommand({ UserName: 'frank' }))).PolicyNames, ['read']);
  const missing = await failure(iam.send(new GetUserPolicyCommand({ UserName: 'frank', PolicyName: 'write' })));
  assert.equal(missing.message, 'The user policy with name write cannot be found.');

  const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
  await iam.send(new AttachUserPolicyCommand({ UserName: 'frank', PolicyArn: admin }));
  assert.deepEqual((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'frank' }))).AttachedPolicies?.map((p) => p.PolicyArn), [admin]);

  assert.equal((await failure(iam.send(new DeleteUserCommand({ UserName: 'frank' })))).message, 'Cannot delete entity, must detach all policies first.');
  await iam.send(new DetachUserPolicyCommand({ UserName: 'frank', PolicyArn: admin }));
  assert.equal((await failure(iam.send(new DeleteUserCommand({ UserName: 'frank' })))).message, 'Cannot delete entity, must delete policies first.');
  await iam.send(new DeleteUserPolicyCommand({ UserName: 'frank', PolicyName: 'read' }));
  await iam.send(new DeleteUserCommand({ UserName: 'frank' }));
  assert.equal((await failure(iam.send(new GetUserCommand({ UserName: 'frank' })))).code, 'NoSuchEntity');
});

test('user tags', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'gina' }));
  await iam.send(new TagUserCommand({ UserName: 'gina', Tags: [{ Key: 'z', Value: '1' }, { Key: 'a', Value: '2' }] }));
  await iam.send(new UntagUserCommand({ UserName: 'gina', TagKeys: ['Z'] }));
  assert.deepEqual((await iam.send(new ListUserTagsCommand({ UserName: 'gina' }))).Tags, [{ Key: 'a', Value: '2' }]);
});

test('strict authentication: IAM user keys sign requests; wrong secrets and unknown keys are refused', async () => {
  const admin = new IAMClient(strict.clientConfig);
  await admin.send(new CreateUserCommand({ UserName: 'signer' }));
  const { AccessKey: key } = await admin.send(new CreateAccessKeyCommand({ UserName: 'signer' }));
  const credentials = { accessKeyId: key?.AccessKeyId ?? '', secretAccessKey: key?.SecretAccessKey ?? '' };

  const identity = await new STSClient(strict.clientConfigFor(credentials)).send(new GetCallerIdentityCommand({}));
  assert.equal(identity.Arn, 'arn:aws:iam::123456789012:user/signer');

  const wrongSecret = await failure(new STSClient(strict.clientConfigFor({ ...credentials, secretAccessKey: 'x'.repeat(40) })).send(new GetCallerIdentityCommand({})));
  assert.equal(wrongSecret.code, 'SignatureDoesNotMatch');
  assert.equal(wrongSecret.status, 403);

  const unknown = await failure(new STSClient(strict.clientConfigFor({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x'.repeat(40) })).send(new GetCallerIdentityCommand({})));
  assert.equal(unknown.code, 'InvalidClientTokenId');
  assert.equal(unknown.status, 403);

  // An Inactive key authenticates nothing; deleting the key revokes it too.
  await admin.send(new UpdateAccessKeyCommand({ UserName: 'signer', AccessKeyId: credentials.accessKeyId, Status: 'Inactive' }));
  assert.equal((await failure(new STSClient(strict.clientConfigFor(credentials)).send(new GetCallerIdentityCommand({})))).code, 'InvalidClientTokenId');
  await admin.send(new UpdateAccessKeyCommand({ UserName: 'signer', AccessKeyId: credentials.accessKeyId, Status: 'Active' }));
  assert.equal((await new STSClient(strict.clientConfigFor(credentials)).send(new GetCallerIdentityCommand({}))).Arn, identity.Arn);
  await admin.send(new DeleteAccessKeyCommand({ UserName: 'signer', AccessKeyId: credentials.accessKeyId }));
  assert.equal((await failure(new STSClient(strict.clientConfigFor(credentials)).send(new GetCallerIdentityCommand({})))).code, 'InvalidClientTokenId');
});

test('lenient authentication: an Inactive IAM key is refused, never treated as the account root', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'dormant' }));
  const { AccessKey: key } = await iam.send(new CreateAccessKeyCommand({ UserName: 'dormant' }));
  const credentials = { accessKeyId: key?.AccessKeyId ?? '', secretAccessKey: key?.SecretAccessKey ?? '' };
  await iam.send(new UpdateAccessKeyCommand({ UserName: 'dormant', AccessKeyId: credentials.accessKeyId, Status: 'Inactive' }));
  const refused = await failure(new STSClient(server.clientConfigFor(credentials)).send(new GetCallerIdentityCommand({})));
  assert.equal(refused.code, 'InvalidClientTokenId');
  assert.equal(refused.status, 403);
});
