// IAM policies through the official SDK: inline role policies, customer managed policies and
// their versions, AWS managed policies, attachments, and IAM's errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AttachRolePolicyCommand, CreatePolicyCommand, CreatePolicyVersionCommand, CreateRoleCommand, DeletePolicyCommand,
  DeletePolicyVersionCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand, GetPolicyCommand, GetPolicyVersionCommand,
  GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, ListEntitiesForPolicyCommand, ListPoliciesCommand,
  ListPolicyTagsCommand, ListPolicyVersionsCommand, ListRolePoliciesCommand, PutRolePolicyCommand, SetDefaultPolicyVersionCommand,
  TagPolicyCommand,
} from '@aws-sdk/client-iam';
import { failure } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let iam: IAMClient;
before(async () => {
  server = await startTestServer();
  iam = new IAMClient(server.clientConfig);
  await iam.send(new CreateRoleCommand({ RoleName: 'ecsTaskExecutionRole', AssumeRolePolicyDocument: ECS_TASKS_TRUST }));
});
after(async () => { await server.stop(); });

const ECS_TASKS_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const EXECUTION_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';

function document(actions: string[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });
}

test('the seed: attach AmazonECSTaskExecutionRolePolicy and embed a secrets policy', async () => {
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'ecsTaskExecutionRole', PolicyArn: EXECUTION_POLICY }));
  // Attaching again changes nothing.
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'ecsTaskExecutionRole', PolicyArn: EXECUTION_POLICY }));
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'ecsTaskExecutionRole' }));
  assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: 'AmazonECSTaskExecutionRolePolicy', PolicyArn: EXECUTION_POLICY }]);
  assert.equal(attached.IsTruncated, false);

  const secrets = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'ssm:GetParameters'], Resource: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/*'] }],
  }, null, 2);
  await iam.send(new PutRolePolicyCommand({ RoleName: 'ecsTaskExecutionRole', PolicyName: 'SecretsAccess', PolicyDocument: secrets }));
  const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'ecsTaskExecutionRole', PolicyName: 'SecretsAccess' }));
  assert.equal(got.RoleName, 'ecsTaskExecutionRole');
  // The document comes back as written (white space included), URL-encoded.
  assert.equal(decodeURIComponent(got.PolicyDocument ?? ''), secrets);
  const listed = await iam.send(new ListRolePoliciesCommand({ RoleName: 'ecsTaskExecutionRole' }));
  assert.deepEqual(listed.PolicyNames, ['SecretsAccess']);
});

test('AWS managed policies are readable: GetPolicy counts this account\'s attachments, GetPolicyVersion has the document', async () => {
  const policy = await iam.send(new GetPolicyCommand({ PolicyArn: EXECUTION_POLICY }));
  assert.equal(policy.Policy?.PolicyName, 'AmazonECSTaskExecutionRolePolicy');
  assert.equal(policy.Policy?.Path, '/service-role/');
  assert.equal(policy.Policy?.AttachmentCount, 1);
  assert.equal(policy.Policy?.IsAttachable, true);
  assert.match(policy.Policy?.PolicyId ?? '', /^ANPA[A-Z2-7]{17}$/);

  const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: EXECUTION_POLICY, VersionId: policy.Policy?.DefaultVersionId }));
  assert.equal(version.PolicyVersion?.IsDefaultVersion, true);
  const doc = JSON.parse(decodeURIComponent(version.PolicyVersion?.Document ?? '')) as { Statement: { Action: string[] }[] };
  assert.ok(doc.Statement[0]?.Action.includes('ecr:GetAuthorizationToken'));

  const aws = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', OnlyAttached: true }));
  assert.deepEqual(aws.Policies?.map((p) => p.Arn), [EXECUTION_POLICY]);
});

test('attaching a policy that does not exist is NoSuchEntity, 404; detaching one not attached too', async () => {
  const arn = 'arn:aws:iam::aws:policy/NoSuchPolicyAnywhere';
  const error = await failure(iam.send(new AttachRolePolicyCommand({ RoleName: 'ecsTaskExecutionRole', PolicyArn: arn })));
  assert.equal(error.code, 'NoSuchEntity');
  assert.equal(error.status, 404);
  assert.equal(error.message, `Policy ${arn} does not exist or is not attachable.`);

  const detach = await failure(iam.send(new DetachRolePolicyCommand({ RoleName: 'ecsTaskExecutionRole', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' })));
  assert.equal(detach.code, 'NoSuchEntity');

  const noRole = await failure(iam.send(new AttachRolePolicyCommand({ RoleName: 'ghost', PolicyArn: EXECUTION_POLICY })));
  assert.equal(noRole.message, 'The role with name ghost cannot be found.');
});

test('inline policies are validated as identity policies; unknown ones are NoSuchEntity', async () => {
  const withPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] });
  const malformed = await failure(iam.send(new PutRolePolicyCommand({ RoleName: 'ecsTaskExecutionRole', PolicyName: 'bad', PolicyDocument: withPrincipal })));
  assert.equal(malformed.code, 'MalformedPolicyDocument');
  assert.equal(malformed.status, 400);
  assert.equal(malformed.message, 'Policy document should not specify a principal.');

  const missing = await failure(iam.send(new GetRolePolicyCommand({ RoleName: 'ecsTaskExecutionRole', PolicyName: 'nope' })));
  assert.equal(missing.code, 'NoSuchEntity');
  assert.equal(missing.message, 'The role policy with name nope cannot be found.');
  assert.equal((await failure(iam.send(new DeleteRolePolicyCommand({ RoleName: 'ecsTaskExecutionRole', PolicyName: 'nope' })))).status, 404);
});

test('CreatePolicy: ANPA id, ARN with path, v1 default; duplicate names are EntityAlreadyExists, 409', async () => {
  const created = await iam.send(new CreatePolicyCommand({ PolicyName: 'AppPermissions', Path: '/app/', PolicyDocument: document(['s3:GetObject']), Description: 'app' }));
  const policy = created.Policy;
  assert.equal(policy?.Arn, 'arn:aws:iam::123456789012:policy/app/AppPermissions');
  assert.match(policy?.PolicyId ?? '', /^ANPA[A-Z2-7]{17}$/);
  assert.equal(policy?.DefaultVersionId, 'v1');
  assert.equal(policy?.AttachmentCount, 0);
  assert.equal(policy?.IsAttachable, true);

  const got = await iam.send(new GetPolicyCommand({ PolicyArn: policy?.Arn }));
  assert.equal(got.Policy?.Description, 'app');

  const duplicate = await failure(iam.send(new CreatePolicyCommand({ PolicyName: 'apppermissions', PolicyDocument: document(['s3:GetObject']) })));
  assert.equal(duplicate.code, 'EntityAlreadyExists');
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.message, 'A policy called apppermissions already exists. Duplicate names are not allowed.');

  const noVersion = await failure(iam.send(new CreatePolicyCommand({ PolicyName: 'Old', PolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) })));
  assert.equal(noVersion.code, 'MalformedPolicyDocument');

  const local = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
  assert.deepEqual(local.Policies?.map((p) => p.PolicyName), ['AppPermissions']);
  assert.equal(local.Policies?.[0]?.Description, undefined);
});

test('policy versions: at most five, default cannot be deleted, SetDefaultPolicyVersion switches', async () => {
  const { Policy: policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'Versioned', PolicyDocument: document(['s3:GetObject']) }));
  const arn = policy?.Arn ?? '';
  for (let i = 2; i <= 5; i++) {
    const v = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: document([`s3:Action${i}`]), SetAsDefault: i === 3 }));
    assert.equal(v.PolicyVersion?.VersionId, `v${i}`);
    assert.equal(v.PolicyVersion?.IsDefaultVersion, i === 3);
  }
  const sixth = await failure(iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: document(['s3:Too']) })));
  assert.equal(sixth.code, 'LimitExceeded');
  assert.equal(sixth.status, 409);
  assert.equal(sixth.message, 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');

  const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
  assert.deepEqual(versions.Versions?.map((v) => [v.VersionId, v.IsDefaultVersion]),
    [['v5', false], ['v4', false], ['v3', true], ['v2', false], ['v1', false]]);

  const deleteDefault = await failure(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' })));
  assert.equal(deleteDefault.code, 'DeleteConflict');
  assert.equal(deleteDefault.message, 'Cannot delete the default version of a policy.');

  await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
  // Version ids are not reused.
  const next = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: document(['s3:Again']) }));
  assert.equal(next.PolicyVersion?.VersionId, 'v6');

  await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v6' }));
  const got = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  assert.equal(got.Policy?.DefaultVersionId, 'v6');
  const v6 = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v6' }));
  assert.equal(decodeURIComponent(v6.PolicyVersion?.Document ?? ''), document(['s3:Again']));

  const gone = await failure(iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' })));
  assert.equal(gone.code, 'NoSuchEntity');

  const withVersions = await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
  assert.equal(withVersions.code, 'DeleteConflict');
  assert.equal(withVersions.message, 'This policy has more than one version. Before you delete a policy, you must delete the policy\'s versions. The default version is deleted with the policy.');
  for (const v of ['v2', 'v3', 'v4', 'v5']) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v }));
  await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
  const deleted = await failure(iam.send(new GetPolicyCommand({ PolicyArn: arn })));
  assert.equal(deleted.message, `Policy ${arn} was not found.`);
});

test('customer managed policies attach; DeletePolicy refuses while attached; ListEntitiesForPolicy names the roles', async () => {
  const { Policy: policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'Attachable', PolicyDocument: document(['logs:*']) }));
  const arn = policy?.Arn ?? '';
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'ecsTaskExecutionRole', PolicyArn: arn }));
  assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount, 1);

  const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
  assert.deepEqual(entities.PolicyRoles?.map((r) => r.RoleName), ['ecsTaskExecutionRole']);
  assert.deepEqual(entities.PolicyUsers, []);
  const onlyUsers = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, EntityFilter: 'User' }));
  assert.deepEqual(onlyUsers.PolicyRoles, []);

  const attached = await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
  assert.equal(attached.code, 'DeleteConflict');
  assert.equal(attached.status, 409);
  assert.equal(attached.message, 'Cannot delete a policy attached to entities.');

  await iam.send(new DetachRolePolicyCommand({ RoleName: 'ecsTaskExecutionRole', PolicyArn: arn }));
  await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
});

test('a role holds at most 10 managed policies: LimitExceeded, 409', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'crowded', AssumeRolePolicyDocument: ECS_TASKS_TRUST }));
  for (let i = 0; i < 11; i++) {
    const { Policy: policy } = await iam.send(new CreatePolicyCommand({ PolicyName: `p${i}`, PolicyDocument: document([`s3:A${i}`]) }));
    const attach = iam.send(new AttachRolePolicyCommand({ RoleName: 'crowded', PolicyArn: policy?.Arn }));
    if (i < 10) {
      await attach;
      continue;
    }
    const error = await failure(attach);
    assert.equal(error.code, 'LimitExceeded');
    assert.equal(error.status, 409);
    assert.equal(error.message, 'Cannot exceed quota for PoliciesPerRole: 10');
  }
  const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'crowded', MaxItems: 4 }));
  assert.equal(page.AttachedPolicies?.length, 4);
  assert.equal(page.IsTruncated, true);
});

test('managed policy tags; AWS managed policies cannot be changed', async () => {
  const { Policy: policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'Tagged', PolicyDocument: document(['s3:GetObject']), Tags: [{ Key: 'b', Value: '2' }] }));
  await iam.send(new TagPolicyCommand({ PolicyArn: policy?.Arn, Tags: [{ Key: 'a', Value: '1' }] }));
  const tags = await iam.send(new ListPolicyTagsCommand({ PolicyArn: policy?.Arn }));
  assert.deepEqual(tags.Tags, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]);

  const denied = await failure(iam.send(new DeletePolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' })));
  assert.equal(denied.code, 'AccessDenied');
  assert.equal(denied.status, 403);
});
