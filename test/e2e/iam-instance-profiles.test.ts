// IAM instance profiles through the official SDK: create/get/list/delete, the one role a profile
// holds, tags, and the conflicts DeleteRole and DeleteInstanceProfile answer while a role is in one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, DeleteInstanceProfileCommand, DeleteRoleCommand,
  GetInstanceProfileCommand, IAMClient, ListInstanceProfilesCommand, ListInstanceProfilesForRoleCommand, ListInstanceProfileTagsCommand,
  RemoveRoleFromInstanceProfileCommand, TagInstanceProfileCommand, UntagInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { rejectsWith } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let iam: IAMClient;
before(async () => {
  server = await startTestServer();
  iam = new IAMClient(server.clientConfig);
});
after(async () => { await server.stop(); });

const EC2_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

test('CreateInstanceProfile answers AWS formats; GetInstanceProfile shows the role once added', async () => {
  const created = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'ecsInstanceProfile', Path: '/ecs/' }));
  const profile = created.InstanceProfile;
  assert.ok(profile);
  assert.equal(profile.Arn, 'arn:aws:iam::123456789012:instance-profile/ecs/ecsInstanceProfile');
  assert.match(profile.InstanceProfileId ?? '', /^AIPA[A-Z2-7]{17}$/);
  assert.deepEqual(profile.Roles, []);
  assert.ok(profile.CreateDate instanceof Date);

  await iam.send(new CreateRoleCommand({ RoleName: 'ecsInstanceRole', AssumeRolePolicyDocument: EC2_TRUST }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ecsInstanceProfile', RoleName: 'ecsInstanceRole' }));
  const got = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'ECSINSTANCEPROFILE' }));
  assert.equal(got.InstanceProfile?.InstanceProfileId, profile.InstanceProfileId);
  assert.equal(got.InstanceProfile?.Roles?.length, 1);
  assert.equal(got.InstanceProfile?.Roles?.[0]?.RoleName, 'ecsInstanceRole');
  assert.equal(decodeURIComponent(got.InstanceProfile?.Roles?.[0]?.AssumeRolePolicyDocument ?? ''), EC2_TRUST);
});

test('errors: EntityAlreadyExists 409, NoSuchEntity 404, a second role is LimitExceeded 409', async () => {
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'dup' }));
  await rejectsWith(iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'DUP' })), 'EntityAlreadyExists', 409, 'Instance Profile DUP already exists.');
  await rejectsWith(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'none' })), 'NoSuchEntity', 404, 'Instance Profile none cannot be found.');
  await rejectsWith(iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'dup', RoleName: 'nobody' })),
    'NoSuchEntity', 404, 'The role with name nobody cannot be found.');

  await iam.send(new CreateRoleCommand({ RoleName: 'first', AssumeRolePolicyDocument: EC2_TRUST }));
  await iam.send(new CreateRoleCommand({ RoleName: 'second', AssumeRolePolicyDocument: EC2_TRUST }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'dup', RoleName: 'first' }));
  await rejectsWith(iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'dup', RoleName: 'second' })),
    'LimitExceeded', 409, 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1');
  await rejectsWith(iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'dup', RoleName: 'second' })), 'NoSuchEntity', 404);
});

test('DeleteRole and DeleteInstanceProfile refuse while the role is in the profile: DeleteConflict 409', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'held', AssumeRolePolicyDocument: EC2_TRUST }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'holder' }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'holder', RoleName: 'held' }));

  await rejectsWith(iam.send(new DeleteRoleCommand({ RoleName: 'held' })), 'DeleteConflict', 409,
    'Cannot delete entity, must remove roles from instance profile first.');
  await rejectsWith(iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'holder' })), 'DeleteConflict', 409,
    'Cannot delete entity, must remove roles from instance profile first.');

  // What Terraform does when it destroys an aws_iam_role: list the role's profiles, empty them.
  const forRole = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'held' }));
  assert.deepEqual(forRole.InstanceProfiles?.map((p) => p.InstanceProfileName), ['holder']);
  assert.equal(forRole.IsTruncated, false);
  await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'holder', RoleName: 'held' }));
  assert.deepEqual((await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'held' }))).InstanceProfiles, []);

  await iam.send(new DeleteRoleCommand({ RoleName: 'held' }));
  await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'holder' }));
  await rejectsWith(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'holder' })), 'NoSuchEntity', 404);
  await rejectsWith(iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'held' })), 'NoSuchEntity', 404);
});

test('ListInstanceProfiles filters by path prefix and pages with Marker/MaxItems', async () => {
  for (const name of ['p-a', 'p-b', 'p-c']) await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Path: '/paged/' }));
  const first = await iam.send(new ListInstanceProfilesCommand({ PathPrefix: '/paged/', MaxItems: 2 }));
  assert.equal(first.IsTruncated, true);
  assert.deepEqual(first.InstanceProfiles?.map((p) => p.InstanceProfileName), ['p-a', 'p-b']);
  const second = await iam.send(new ListInstanceProfilesCommand({ PathPrefix: '/paged/', MaxItems: 2, Marker: first.Marker }));
  assert.equal(second.IsTruncated, false);
  assert.deepEqual(second.InstanceProfiles?.map((p) => p.InstanceProfileName), ['p-c']);
  const all = await iam.send(new ListInstanceProfilesCommand({}));
  assert.ok((all.InstanceProfiles ?? []).some((p) => p.InstanceProfileName === 'ecsInstanceProfile'));
});

test('instance profile tags: tag, list sorted, untag', async () => {
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'tagged', Tags: [{ Key: 'team', Value: 'a' }] }));
  await iam.send(new TagInstanceProfileCommand({ InstanceProfileName: 'tagged', Tags: [{ Key: 'env', Value: 'dev' }] }));
  const listed = await iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: 'tagged' }));
  assert.deepEqual(listed.Tags, [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'a' }]);
  await iam.send(new UntagInstanceProfileCommand({ InstanceProfileName: 'tagged', TagKeys: ['team'] }));
  const got = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'tagged' }));
  assert.deepEqual(got.InstanceProfile?.Tags, [{ Key: 'env', Value: 'dev' }]);
  await rejectsWith(iam.send(new TagInstanceProfileCommand({ InstanceProfileName: 'none', Tags: [{ Key: 'k', Value: 'v' }] })), 'NoSuchEntity', 404);
});
