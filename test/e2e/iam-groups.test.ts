// IAM groups through the official SDK: create/get/list/delete, members, inline and attached
// policies, and the conflicts DeleteGroup and DeleteUser answer while a user is in a group.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AddUserToGroupCommand, AttachGroupPolicyCommand, CreateGroupCommand, CreateUserCommand, DeleteGroupCommand, DeleteGroupPolicyCommand,
  DeleteUserCommand, DetachGroupPolicyCommand, GetGroupCommand, GetGroupPolicyCommand, IAMClient, ListAttachedGroupPoliciesCommand,
  ListEntitiesForPolicyCommand, ListGroupPoliciesCommand, ListGroupsCommand, ListGroupsForUserCommand, PutGroupPolicyCommand,
  RemoveUserFromGroupCommand,
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

const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecs:Describe*', Resource: '*' }] });
const MEMBERS_FIRST = 'Cannot delete entity, must remove users from group first.';

test('CreateGroup answers AWS formats; names are unique without regard to case', async () => {
  const created = await iam.send(new CreateGroupCommand({ GroupName: 'deployers', Path: '/ci/' }));
  assert.equal(created.Group?.Arn, 'arn:aws:iam::123456789012:group/ci/deployers');
  assert.match(created.Group?.GroupId ?? '', /^AGPA[A-Z2-7]{17}$/);
  await rejectsWith(iam.send(new CreateGroupCommand({ GroupName: 'DEPLOYERS' })), 'EntityAlreadyExists', 409);
  await rejectsWith(iam.send(new GetGroupCommand({ GroupName: 'nobody' })), 'NoSuchEntity', 404, 'The group with name nobody cannot be found.');
  const listed = await iam.send(new ListGroupsCommand({ PathPrefix: '/ci/' }));
  assert.deepEqual(listed.Groups?.map((g) => g.GroupName), ['deployers']);
});

test('members: add (twice is fine), GetGroup lists them, ListGroupsForUser, remove', async () => {
  await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await iam.send(new CreateUserCommand({ UserName: 'bob' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alice' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'ALICE' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'bob' }));

  const got = await iam.send(new GetGroupCommand({ GroupName: 'devs' }));
  assert.deepEqual(got.Users?.map((u) => u.UserName), ['alice', 'bob']);
  const paged = await iam.send(new GetGroupCommand({ GroupName: 'devs', MaxItems: 1 }));
  assert.equal(paged.IsTruncated, true);
  const rest = await iam.send(new GetGroupCommand({ GroupName: 'devs', MaxItems: 1, Marker: paged.Marker }));
  assert.deepEqual(rest.Users?.map((u) => u.UserName), ['bob']);

  const forUser = await iam.send(new ListGroupsForUserCommand({ UserName: 'alice' }));
  assert.deepEqual(forUser.Groups?.map((g) => g.GroupName), ['devs']);
  await rejectsWith(iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'carol' })), 'NoSuchEntity', 404);

  await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'devs', UserName: 'bob' }));
  await rejectsWith(iam.send(new RemoveUserFromGroupCommand({ GroupName: 'devs', UserName: 'bob' })), 'NoSuchEntity', 404);
  assert.deepEqual((await iam.send(new ListGroupsForUserCommand({ UserName: 'bob' }))).Groups, []);
});

test('DeleteGroup and DeleteUser refuse while the user is in the group: DeleteConflict 409', async () => {
  await iam.send(new CreateGroupCommand({ GroupName: 'ops' }));
  await iam.send(new CreateUserCommand({ UserName: 'dave' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'ops', UserName: 'dave' }));
  await rejectsWith(iam.send(new DeleteGroupCommand({ GroupName: 'ops' })), 'DeleteConflict', 409, MEMBERS_FIRST);
  await rejectsWith(iam.send(new DeleteUserCommand({ UserName: 'dave' })), 'DeleteConflict', 409, MEMBERS_FIRST);
  await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'ops', UserName: 'dave' }));
  await iam.send(new DeleteUserCommand({ UserName: 'dave' }));
  await iam.send(new DeleteGroupCommand({ GroupName: 'ops' }));
  await rejectsWith(iam.send(new GetGroupCommand({ GroupName: 'ops' })), 'NoSuchEntity', 404);
});

test('group policies: inline put/get/list/delete, managed attach/list/detach, and DeleteGroup conflicts', async () => {
  await iam.send(new CreateGroupCommand({ GroupName: 'readers' }));
  await iam.send(new PutGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'describe', PolicyDocument: POLICY }));
  const inline = await iam.send(new GetGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'describe' }));
  assert.equal(inline.GroupName, 'readers');
  assert.equal(decodeURIComponent(inline.PolicyDocument ?? ''), POLICY);
  assert.deepEqual((await iam.send(new ListGroupPoliciesCommand({ GroupName: 'readers' }))).PolicyNames, ['describe']);
  await rejectsWith(iam.send(new GetGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'none' })), 'NoSuchEntity', 404,
    'The group policy with name none cannot be found.');

  const arn = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: arn }));
  const attached = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'readers' }));
  assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: arn }]);
  const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, EntityFilter: 'Group' }));
  assert.deepEqual(entities.PolicyGroups?.map((g) => g.GroupName), ['readers']);

  await rejectsWith(iam.send(new DeleteGroupCommand({ GroupName: 'readers' })), 'DeleteConflict', 409, 'Cannot delete entity, must detach all policies first.');
  await iam.send(new DetachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: arn }));
  await rejectsWith(iam.send(new DeleteGroupCommand({ GroupName: 'readers' })), 'DeleteConflict', 409, 'Cannot delete entity, must delete policies first.');
  await iam.send(new DeleteGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'describe' }));
  await iam.send(new DeleteGroupCommand({ GroupName: 'readers' }));
});
