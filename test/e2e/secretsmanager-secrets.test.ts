// Secrets Manager through the official SDK: secrets and their values, versions and stages, deletion and
// restore, listing with filters, tags, random passwords, batch reads and resource policies.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  BatchGetSecretValueCommand, CreateSecretCommand, DeleteResourcePolicyCommand, DeleteSecretCommand, DescribeSecretCommand,
  GetRandomPasswordCommand, GetResourcePolicyCommand, GetSecretValueCommand, ListSecretsCommand, ListSecretVersionIdsCommand,
  PutResourcePolicyCommand, PutSecretValueCommand, RestoreSecretCommand, SecretsManagerClient, TagResourceCommand,
  UntagResourceCommand, UpdateSecretCommand, UpdateSecretVersionStageCommand, ValidateResourcePolicyCommand, type ListSecretsCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let sm: SecretsManagerClient;
before(async () => {
  server = await startTestServer();
  sm = new SecretsManagerClient(server.clientConfig);
});
after(async () => {
  sm.destroy();
  await server.stop();
});

const NOT_FOUND = "Secrets Manager can't find the specified secret.";
const MARKED = "You can't perform this operation on the secret because it was marked for deletion.";

test('CreateSecret: ARN with a 6-character suffix, value read back by name, full ARN and partial ARN', async () => {
  const created = await sm.send(new CreateSecretCommand({ Name: 'prod/db-url', SecretString: 'postgres://u:p@db/app', Description: 'db', KmsKeyId: 'alias/k', Tags: [{ Key: 'team', Value: 'pay' }] }));
  assert.equal(created.$metadata.httpStatusCode, 200);
  assert.match(created.ARN ?? '', /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:prod\/db-url-[A-Za-z0-9]{6}$/);
  assert.equal(created.Name, 'prod/db-url');
  assert.match(created.VersionId ?? '', /^[0-9a-f-]{36}$/);
  const partial = (created.ARN ?? '').slice(0, -7);
  for (const SecretId of ['prod/db-url', created.ARN, partial]) {
    const got = await sm.send(new GetSecretValueCommand({ SecretId }));
    assert.equal(got.SecretString, 'postgres://u:p@db/app');
    assert.equal(got.ARN, created.ARN);
    assert.equal(got.VersionId, created.VersionId);
    assert.deepEqual(got.VersionStages, ['AWSCURRENT']);
    assert.ok(got.CreatedDate instanceof Date);
  }
  await rejects(sm.send(new CreateSecretCommand({ Name: 'prod/db-url', SecretString: 'x' })), 'ResourceExistsException');
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: 'nope' })), 'ResourceNotFoundException', NOT_FOUND);
  await rejects(sm.send(new CreateSecretCommand({ Name: 'bad name!', SecretString: 'x' })), 'InvalidParameterException');
  await rejects(sm.send(new CreateSecretCommand({ Name: 'both', SecretString: 'x', SecretBinary: Buffer.from('y') })), 'InvalidParameterException');
  const described = await sm.send(new DescribeSecretCommand({ SecretId: 'prod/db-url' }));
  assert.equal(described.Description, 'db');
  assert.equal(described.KmsKeyId, 'alias/k');
  assert.deepEqual(described.Tags, [{ Key: 'team', Value: 'pay' }]);
  assert.deepEqual(described.VersionIdsToStages, { [created.VersionId ?? '']: ['AWSCURRENT'] });
  assert.ok(!('SecretString' in described) && !('SecretBinary' in described));
});

test('ClientRequestToken: idempotent with the same value, ResourceExistsException with another', async () => {
  const token = '11111111-2222-3333-4444-555555555555';
  const first = await sm.send(new CreateSecretCommand({ Name: 'idem', SecretString: 'v', ClientRequestToken: token }));
  assert.equal(first.VersionId, token);
  const again = await sm.send(new CreateSecretCommand({ Name: 'idem', SecretString: 'v', ClientRequestToken: token }));
  assert.equal(again.ARN, first.ARN);
  await rejects(sm.send(new CreateSecretCommand({ Name: 'idem', SecretString: 'other', ClientRequestToken: token })), 'ResourceExistsException');
  const put = await sm.send(new PutSecretValueCommand({ SecretId: 'idem', SecretString: 'v', ClientRequestToken: token }));
  assert.equal(put.VersionId, token);
  await rejects(sm.send(new PutSecretValueCommand({ SecretId: 'idem', SecretString: 'changed', ClientRequestToken: token })), 'ResourceExistsException');
});

test('PutSecretValue and stages: AWSCURRENT moves, AWSPREVIOUS follows, custom stages and UpdateSecretVersionStage', async () => {
  const v1 = (await sm.send(new CreateSecretCommand({ Name: 'staged', SecretBinary: Buffer.from([1, 2, 3]) }))).VersionId ?? '';
  const got1 = await sm.send(new GetSecretValueCommand({ SecretId: 'staged' }));
  assert.deepEqual(Buffer.from(got1.SecretBinary ?? []), Buffer.from([1, 2, 3]));
  assert.equal(got1.SecretString, undefined);
  const put = await sm.send(new PutSecretValueCommand({ SecretId: 'staged', SecretString: 'two' }));
  const v2 = put.VersionId ?? '';
  assert.deepEqual(put.VersionStages, ['AWSCURRENT']);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'staged' }))).SecretString, 'two');
  const previous = await sm.send(new GetSecretValueCommand({ SecretId: 'staged', VersionStage: 'AWSPREVIOUS' }));
  assert.equal(previous.VersionId, v1);
  assert.deepEqual(previous.VersionStages, ['AWSPREVIOUS']);
  const v3 = (await sm.send(new PutSecretValueCommand({ SecretId: 'staged', SecretString: 'three', VersionStages: ['canary'] }))).VersionId ?? '';
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'staged', VersionStage: 'canary' }))).SecretString, 'three');
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'staged', VersionId: v1 }))).VersionId, v1);
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: 'staged', VersionStage: 'nope' })), 'ResourceNotFoundException');
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: 'staged', VersionId: '00000000-0000-0000-0000-000000000000' })), 'ResourceNotFoundException');

  await rejects(sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'staged', VersionStage: 'AWSCURRENT', MoveToVersionId: v3 })), 'InvalidParameterException');
  await sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'staged', VersionStage: 'AWSCURRENT', MoveToVersionId: v3, RemoveFromVersionId: v2 }));
  const stages = (await sm.send(new DescribeSecretCommand({ SecretId: 'staged' }))).VersionIdsToStages;
  assert.deepEqual(stages, { [v2]: ['AWSPREVIOUS'], [v3]: ['canary', 'AWSCURRENT'] });

  const listed = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'staged' }));
  assert.deepEqual(listed.Versions?.map((v) => v.VersionId).sort(), [v2, v3].sort());
  const all = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'staged', IncludeDeprecated: true, MaxResults: 2 }));
  assert.equal(all.Versions?.length, 2);
  assert.ok(all.NextToken);
  const rest = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'staged', IncludeDeprecated: true, NextToken: all.NextToken }));
  assert.deepEqual(rest.Versions?.map((v) => v.VersionId), [v3]);
});

test('UpdateSecret: description and key without a new version; a value makes one', async () => {
  await sm.send(new CreateSecretCommand({ Name: 'upd', SecretString: 'a' }));
  const plain = await sm.send(new UpdateSecretCommand({ SecretId: 'upd', Description: 'new', KmsKeyId: 'alias/other' }));
  assert.equal(plain.VersionId, undefined);
  const withValue = await sm.send(new UpdateSecretCommand({ SecretId: 'upd', SecretString: 'b' }));
  assert.ok(withValue.VersionId);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'upd' }))).SecretString, 'b');
  const described = await sm.send(new DescribeSecretCommand({ SecretId: 'upd' }));
  assert.equal(described.Description, 'new');
  assert.equal(described.KmsKeyId, 'alias/other');
});

test('DeleteSecret: recovery window rules, a deleted secret cannot be read, RestoreSecret, forced deletion', async () => {
  await sm.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 's' }));
  await rejects(sm.send(new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true })), 'InvalidParameterException');
  await rejects(sm.send(new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 31 })), 'InvalidParameterException', 'The RecoveryWindowInDays value must be less than or equal to 30.');
  await rejects(sm.send(new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 6 })), 'InvalidParameterException');
  const before = Date.now();
  const deleted = await sm.send(new DeleteSecretCommand({ SecretId: 'doomed' }));
  const days = ((deleted.DeletionDate?.getTime() ?? 0) - before) / 86_400_000;
  assert.ok(days > 29.9 && days < 30.1, `deletion in ${days} days`);
  await rejects(sm.send(new GetSecretValueCommand({ SecretId: 'doomed' })), 'InvalidRequestException', MARKED);
  await rejects(sm.send(new PutSecretValueCommand({ SecretId: 'doomed', SecretString: 'x' })), 'InvalidRequestException', MARKED);
  await rejects(sm.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'x' })), 'InvalidRequestException',
    "You can't create this secret because a secret with this name is already scheduled for deletion.");
  assert.ok((await sm.send(new DescribeSecretCommand({ SecretId: 'doomed' }))).DeletedDate instanceof Date);
  const names = async (include: boolean) => (await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: include, Filters: [{ Key: 'name', Values: ['doomed'] }] }))).SecretList?.map((s) => s.Name);
  assert.deepEqual(await names(false), []);
  assert.deepEqual(await names(true), ['doomed']);
  await sm.send(new RestoreSecretCommand({ SecretId: 'doomed' }));
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'doomed' }))).SecretString, 's');
  await sm.send(new DeleteSecretCommand({ SecretId: 'doomed', ForceDeleteWithoutRecovery: true }));
  await rejects(sm.send(new DescribeSecretCommand({ SecretId: 'doomed' })), 'ResourceNotFoundException', NOT_FOUND);
  await sm.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'again' }));
});

test('ListSecrets: filters, sort order and paging; tags', async () => {
  for (const n of ['ls/a', 'ls/b', 'ls/c']) await sm.send(new CreateSecretCommand({ Name: n, SecretString: n, Description: `About ${n}` }));
  await sm.send(new TagResourceCommand({ SecretId: 'ls/b', Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'x', Value: 'y' }] }));
  await sm.send(new UntagResourceCommand({ SecretId: 'ls/b', TagKeys: ['x'] }));
  const list = async (input: ListSecretsCommandInput) => (await sm.send(new ListSecretsCommand(input))).SecretList?.map((s) => s.Name);
  assert.deepEqual(await list({ Filters: [{ Key: 'name', Values: ['ls/'] }] }), ['ls/a', 'ls/b', 'ls/c']);
  assert.deepEqual(await list({ Filters: [{ Key: 'name', Values: ['ls/'] }], SortOrder: 'desc' }), ['ls/c', 'ls/b', 'ls/a']);
  assert.deepEqual(await list({ Filters: [{ Key: 'tag-key', Values: ['env'] }] }), ['ls/b']);
  assert.deepEqual(await list({ Filters: [{ Key: 'tag-value', Values: ['prod'] }, { Key: 'name', Values: ['ls/'] }] }), ['ls/b']);
  assert.deepEqual(await list({ Filters: [{ Key: 'description', Values: ['about ls/c'] }] }), ['ls/c']);
  assert.deepEqual(await list({ Filters: [{ Key: 'name', Values: ['ls/'] }, { Key: 'name', Values: ['!ls/a'] }] }), ['ls/b', 'ls/c']);
  const page1 = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['ls/'] }], MaxResults: 2 }));
  assert.equal(page1.SecretList?.length, 2);
  assert.ok(page1.SecretList?.[0]?.SecretVersionsToStages);
  const page2 = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['ls/'] }], MaxResults: 2, NextToken: page1.NextToken }));
  assert.deepEqual(page2.SecretList?.map((s) => s.Name), ['ls/c']);
  assert.equal(page2.NextToken, undefined);
  await rejects(sm.send(new ListSecretsCommand({ NextToken: 'garbage' })), 'InvalidNextTokenException');
  assert.deepEqual((await sm.send(new DescribeSecretCommand({ SecretId: 'ls/b' }))).Tags, [{ Key: 'env', Value: 'prod' }]);
});

test('GetRandomPassword: length and character types', async () => {
  const plain = await sm.send(new GetRandomPasswordCommand({}));
  assert.equal(plain.RandomPassword?.length, 32);
  const digits = await sm.send(new GetRandomPasswordCommand({ PasswordLength: 50, ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true }));
  assert.match(digits.RandomPassword ?? '', /^[0-9]{50}$/);
  await rejects(sm.send(new GetRandomPasswordCommand({ PasswordLength: 5000 })), 'ValidationException');
});

test('BatchGetSecretValue: by ids with per-secret errors, and by filters', async () => {
  await sm.send(new CreateSecretCommand({ Name: 'batch/one', SecretString: '1' }));
  await sm.send(new CreateSecretCommand({ Name: 'batch/two', SecretString: '2' }));
  const byIds = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: ['batch/one', 'batch/missing'] }));
  assert.deepEqual(byIds.SecretValues?.map((v) => v.SecretString), ['1']);
  assert.deepEqual(byIds.Errors?.map((e) => [e.SecretId, e.ErrorCode]), [['batch/missing', 'ResourceNotFoundException']]);
  const byFilter = await sm.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['batch/'] }] }));
  assert.deepEqual(byFilter.SecretValues?.map((v) => v.Name), ['batch/one', 'batch/two']);
  await rejects(sm.send(new BatchGetSecretValueCommand({ SecretIdList: ['a'], Filters: [{ Key: 'name', Values: ['b'] }] })), 'InvalidParameterException');
});

test('resource policies: put (validated), get, delete, validate', async () => {
  await sm.send(new CreateSecretCommand({ Name: 'policed', SecretString: 'p' }));
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }] });
  await rejects(sm.send(new PutResourcePolicyCommand({ SecretId: 'policed', ResourcePolicy: '{not json' })), 'MalformedPolicyDocumentException');
  await sm.send(new PutResourcePolicyCommand({ SecretId: 'policed', ResourcePolicy: policy, BlockPublicPolicy: true }));
  assert.equal((await sm.send(new GetResourcePolicyCommand({ SecretId: 'policed' }))).ResourcePolicy, policy);
  await sm.send(new DeleteResourcePolicyCommand({ SecretId: 'policed' }));
  assert.equal((await sm.send(new GetResourcePolicyCommand({ SecretId: 'policed' }))).ResourcePolicy, undefined);
  assert.equal((await sm.send(new ValidateResourcePolicyCommand({ ResourcePolicy: policy }))).PolicyValidationPassed, true);
  const bad = await sm.send(new ValidateResourcePolicyCommand({ ResourcePolicy: '{"Statement":[{"Effect":"Maybe"}]}' }));
  assert.equal(bad.PolicyValidationPassed, false);
  assert.ok((bad.ValidationErrors?.length ?? 0) > 0);
});
