// IAM roles through the official SDK: create/get/list/update/delete, trust policies, tags,
// permissions boundaries, and IAM's errors with their codes and HTTP statuses.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AttachRolePolicyCommand, CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand, GetRoleCommand,
  IAMClient, ListRolesCommand, ListRoleTagsCommand, PutRolePermissionsBoundaryCommand, PutRolePolicyCommand, TagRoleCommand,
  UntagRoleCommand, UpdateAssumeRolePolicyCommand, UpdateRoleCommand, UpdateRoleDescriptionCommand,
} from '@aws-sdk/client-iam';
import { failure } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let iam: IAMClient;
before(async () => {
  server = await startTestServer();
  iam = new IAMClient(server.clientConfig);
});
after(async () => { await server.stop(); });

const ECS_TASKS_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

test('CreateRole answers the role with AWS formats; GetRole adds MaxSessionDuration and RoleLastUsed', async () => {
  const created = await iam.send(new CreateRoleCommand({ RoleName: 'ecsTaskExecutionRole', AssumeRolePolicyDocument: ECS_TASKS_TRUST }));
  const role = created.Role;
  assert.ok(role);
  assert.equal(role.Arn, 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole');
  assert.equal(role.Path, '/');
  assert.match(role.RoleId ?? '', /^AROA[A-Z2-7]{17}$/);
  assert.ok(role.CreateDate instanceof Date);
  // IAM returns policy documents URL-encoded (RFC 3986).
  assert.match(role.AssumeRolePolicyDocument ?? '', /^%7B%22Version%22%3A%222012-10-17%22/);
  assert.equal(decodeURIComponent(role.AssumeRolePolicyDocument ?? ''), ECS_TASKS_TRUST);

  const got = await iam.send(new GetRoleCommand({ RoleName: 'ecsTaskExecutionRole' }));
  assert.equal(got.Role?.RoleId, role.RoleId);
  assert.equal(got.Role?.MaxSessionDuration, 3600);
  assert.deepEqual(got.Role?.RoleLastUsed ?? {}, {});
});

test('role names are unique without regard to case: EntityAlreadyExists, 409', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'api-task-role', AssumeRolePolicyDocument: ECS_TASKS_TRUST }));
  const error = await failure(iam.send(new CreateRoleCommand({ RoleName: 'API-Task-Role', AssumeRolePolicyDocument: ECS_TASKS_TRUST })));
  assert.equal(error.code, 'EntityAlreadyExists');
  assert.equal(error.status, 409);
  assert.equal(error.message, 'Role with name API-Task-Role already exists.');
  // Lookups ignore case too.
  const got = await iam.send(new GetRoleCommand({ RoleName: 'API-TASK-ROLE' }));
  assert.equal(got.Role?.RoleName, 'api-task-role');
});

test('invalid names are ValidationError, 400, worded as AWS words constraint violations', async () => {
  const tooLong = await failure(iam.send(new CreateRoleCommand({ RoleName: 'r'.repeat(65), AssumeRolePolicyDocument: ECS_TASKS_TRUST })));
  assert.equal(tooLong.code, 'ValidationError');
  assert.equal(tooLong.status, 400);
  assert.match(tooLong.message, /at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64/);

  const badChars = await failure(iam.send(new CreateRoleCommand({ RoleName: 'has space', AssumeRolePolicyDocument: ECS_TASKS_TRUST })));
  assert.equal(badChars.code, 'ValidationError');
  assert.equal(badChars.message,
    "1 validation error detected: Value 'has space' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");

  const badPath = await failure(iam.send(new CreateRoleCommand({ RoleName: 'p', Path: 'no-slashes', AssumeRolePolicyDocument: ECS_TASKS_TRUST })));
  assert.equal(badPath.code, 'ValidationError');
});

test('trust policies are validated: MalformedPolicyDocument, 400', async () => {
  const notJson = await failure(iam.send(new CreateRoleCommand({ RoleName: 'bad1', AssumeRolePolicyDocument: '{"Version":' })));
  assert.equal(notJson.code, 'MalformedPolicyDocument');
  assert.equal(notJson.status, 400);

  const missingPrincipal = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/does-not-exist' }, Action: 'sts:AssumeRole' }],
  });
  const error = await failure(iam.send(new CreateRoleCommand({ RoleName: 'bad2', AssumeRolePolicyDocument: missingPrincipal })));
  assert.equal(error.code, 'MalformedPolicyDocument');
  assert.equal(error.message, 'Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/does-not-exist"');
});

test('GetRole of an unknown role is NoSuchEntity, 404', async () => {
  const error = await failure(iam.send(new GetRoleCommand({ RoleName: 'nobody' })));
  assert.equal(error.code, 'NoSuchEntity');
  assert.equal(error.status, 404);
  assert.equal(error.message, 'The role with name nobody cannot be found.');
});

test('ListRoles filters by path prefix and pages with Marker/MaxItems/IsTruncated', async () => {
  for (const name of ['svc-a', 'svc-b', 'svc-c']) {
    await iam.send(new CreateRoleCommand({ RoleName: name, Path: '/service/', AssumeRolePolicyDocument: ECS_TASKS_TRUST }));
  }
  const first = await iam.send(new ListRolesCommand({ PathPrefix: '/service/', MaxItems: 2 }));
  assert.equal(first.IsTruncated, true);
  assert.deepEqual(first.Roles?.map((r) => r.RoleName), ['svc-a', 'svc-b']);
  assert.equal(first.Roles?.[0]?.Arn, 'arn:aws:iam::123456789012:role/service/svc-a');
  // ListRoles leaves out Tags, PermissionsBoundary and RoleLastUsed.
  assert.equal(first.Roles?.[0]?.RoleLastUsed, undefined);
  const second = await iam.send(new ListRolesCommand({ PathPrefix: '/service/', MaxItems: 2, Marker: first.Marker }));
  assert.equal(second.IsTruncated, false);
  assert.equal(second.Marker, undefined);
  assert.deepEqual(second.Roles?.map((r) => r.RoleName), ['svc-c']);

  const all = await iam.send(new ListRolesCommand({}));
  assert.ok((all.Roles ?? []).some((r) => r.RoleName === 'ecsTaskExecutionRole'));
});

test('UpdateRole, UpdateRoleDescription and UpdateAssumeRolePolicy change the role', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'updatable', AssumeRolePolicyDocument: ECS_TASKS_TRUST }));
  await iam.send(new UpdateRoleCommand({ RoleName: 'updatable', MaxSessionDuration: 7200, Description: 'first' }));
  const described = await iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'updatable', Description: 'second' }));
  assert.equal(described.Role?.Description, 'second');
  assert.equal(described.Role?.MaxSessionDuration, 7200);

  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' }] });
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'updatable', PolicyDocument: trust }));
  const got = await iam.send(new GetRoleCommand({ RoleName: 'updatable' }));
  assert.equal(decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? ''), trust);

  const outOfRange = await failure(iam.send(new UpdateRoleCommand({ RoleName: 'updatable', MaxSessionDuration: 60 })));
  assert.equal(outOfRange.code, 'ValidationError');
});

test('role tags: case-insensitive keys, sorted listing, untag', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'tagged', AssumeRolePolicyDocument: ECS_TASKS_TRUST, Tags: [{ Key: 'team', Value: 'a' }] }));
  await iam.send(new TagRoleCommand({ RoleName: 'tagged', Tags: [{ Key: 'env', Value: 'dev' }, { Key: 'TEAM', Value: 'b' }] }));
  const listed = await iam.send(new ListRoleTagsCommand({ RoleName: 'tagged' }));
  assert.deepEqual(listed.Tags, [{ Key: 'TEAM', Value: 'b' }, { Key: 'env', Value: 'dev' }]);
  assert.equal(listed.IsTruncated, false);

  const duplicate = await failure(iam.send(new TagRoleCommand({ RoleName: 'tagged', Tags: [{ Key: 'x', Value: '1' }, { Key: 'X', Value: '2' }] })));
  assert.equal(duplicate.code, 'InvalidInput');
  assert.equal(duplicate.status, 400);
  assert.equal(duplicate.message, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');

  await iam.send(new UntagRoleCommand({ RoleName: 'tagged', TagKeys: ['team'] }));
  const after = await iam.send(new GetRoleCommand({ RoleName: 'tagged' }));
  assert.deepEqual(after.Role?.Tags, [{ Key: 'env', Value: 'dev' }]);
});

test('DeleteRole refuses while policies are attached or embedded: DeleteConflict, 409', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'to-delete', AssumeRolePolicyDocument: ECS_TASKS_TRUST }));
  const managed = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'to-delete', PolicyArn: managed }));
  await iam.send(new PutRolePolicyCommand({
    RoleName: 'to-delete', PolicyName: 'inline',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }),
  }));

  const attached = await failure(iam.send(new DeleteRoleCommand({ RoleName: 'to-delete' })));
  assert.equal(attached.code, 'DeleteConflict');
  assert.equal(attached.status, 409);
  assert.equal(attached.message, 'Cannot delete entity, must detach all policies first.');

  await iam.send(new DetachRolePolicyCommand({ RoleName: 'to-delete', PolicyArn: managed }));
  const inline = await failure(iam.send(new DeleteRoleCommand({ RoleName: 'to-delete' })));
  assert.equal(inline.message, 'Cannot delete entity, must delete policies first.');

  await iam.send(new DeleteRolePolicyCommand({ RoleName: 'to-delete', PolicyName: 'inline' }));
  await iam.send(new DeleteRoleCommand({ RoleName: 'to-delete' }));
  assert.equal((await failure(iam.send(new GetRoleCommand({ RoleName: 'to-delete' })))).code, 'NoSuchEntity');
  assert.equal((await failure(iam.send(new DeleteRoleCommand({ RoleName: 'to-delete' })))).code, 'NoSuchEntity');
});

test('permissions boundaries are recorded and shown with type Policy', async () => {
  const boundary = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
  await iam.send(new CreateRoleCommand({ RoleName: 'bounded', AssumeRolePolicyDocument: ECS_TASKS_TRUST, PermissionsBoundary: boundary }));
  const got = await iam.send(new GetRoleCommand({ RoleName: 'bounded' }));
  assert.deepEqual(got.Role?.PermissionsBoundary, { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: boundary });

  const missing = await failure(iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'bounded', PermissionsBoundary: 'arn:aws:iam::123456789012:policy/none' })));
  assert.equal(missing.code, 'NoSuchEntity');
  // Deleting a role with a boundary is allowed.
  await iam.send(new DeleteRoleCommand({ RoleName: 'bounded' }));
});
