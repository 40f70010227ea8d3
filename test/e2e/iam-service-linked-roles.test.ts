// IAM service-linked roles through the official SDK: what CreateServiceLinkedRole makes for the
// services Berth knows, the protection that keeps callers from changing them, and deletion tasks.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AttachRolePolicyCommand, CreateServiceLinkedRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, DeleteServiceLinkedRoleCommand,
  DetachRolePolicyCommand, GetRoleCommand, GetServiceLinkedRoleDeletionStatusCommand, IAMClient, ListAttachedRolePoliciesCommand,
  ListRolesCommand, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand, CreateRoleCommand, CreateInstanceProfileCommand,
  AddRoleToInstanceProfileCommand,
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

const PROTECTED = "Cannot perform the operation on the protected role 'AWSServiceRoleForECS' - this role is only modifiable by AWS";
const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

test('CreateServiceLinkedRole for ecs.amazonaws.com makes AWSServiceRoleForECS with its path, trust and policy', async () => {
  const created = await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.amazonaws.com' }));
  const role = created.Role;
  assert.ok(role);
  assert.equal(role.RoleName, 'AWSServiceRoleForECS');
  assert.equal(role.Path, '/aws-service-role/ecs.amazonaws.com/');
  assert.equal(role.Arn, 'arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS');
  assert.match(role.RoleId ?? '', /^AROA[A-Z2-7]{17}$/);
  assert.equal(role.Description, 'Role to enable Amazon ECS to manage your cluster.');
  const trust = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument ?? '')) as { Statement: { Principal: { Service: string } }[] };
  assert.equal(trust.Statement[0]?.Principal.Service, 'ecs.amazonaws.com');

  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'AWSServiceRoleForECS' }));
  assert.deepEqual(attached.AttachedPolicies, [
    { PolicyName: 'AmazonECSServiceRolePolicy', PolicyArn: 'arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy' },
  ]);
  const listed = await iam.send(new ListRolesCommand({ PathPrefix: '/aws-service-role/' }));
  assert.deepEqual(listed.Roles?.map((r) => r.RoleName), ['AWSServiceRoleForECS']);
});

test('a second CreateServiceLinkedRole, an unknown service and a suffix are InvalidInput, 400', async () => {
  await rejectsWith(iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.amazonaws.com' })), 'InvalidInput', 400,
    'Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix.');
  await rejectsWith(iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'nothing.amazonaws.com' })), 'InvalidInput', 400);
  await rejectsWith(iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'elasticloadbalancing.amazonaws.com', CustomSuffix: 'x' })),
    'InvalidInput', 400);
});

test('service-linked roles refuse changes from callers: UnmodifiableEntity, 400', async () => {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  await rejectsWith(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'AWSServiceRoleForECS', PolicyDocument: trust })), 'UnmodifiableEntity', 400, PROTECTED);
  await rejectsWith(iam.send(new PutRolePolicyCommand({ RoleName: 'AWSServiceRoleForECS', PolicyName: 'p', PolicyDocument: POLICY })),
    'UnmodifiableEntity', 400, PROTECTED);
  await rejectsWith(iam.send(new DeleteRolePolicyCommand({ RoleName: 'AWSServiceRoleForECS', PolicyName: 'p' })), 'UnmodifiableEntity', 400, PROTECTED);
  await rejectsWith(iam.send(new AttachRolePolicyCommand({ RoleName: 'AWSServiceRoleForECS', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' })),
    'UnmodifiableEntity', 400, PROTECTED);
  await rejectsWith(iam.send(new DetachRolePolicyCommand({
    RoleName: 'AWSServiceRoleForECS', PolicyArn: 'arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy',
  })), 'UnmodifiableEntity', 400, PROTECTED);
  await rejectsWith(iam.send(new DeleteRoleCommand({ RoleName: 'AWSServiceRoleForECS' })), 'UnmodifiableEntity', 400, PROTECTED);
});

test('DeleteServiceLinkedRole answers a deletion task whose status is SUCCEEDED', async () => {
  await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.application-autoscaling.amazonaws.com' }));
  const got = await iam.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForApplicationAutoScaling_ECSService' }));
  assert.equal(got.Role?.Path, '/aws-service-role/ecs.application-autoscaling.amazonaws.com/');

  const deleted = await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'AWSServiceRoleForApplicationAutoScaling_ECSService' }));
  assert.match(deleted.DeletionTaskId ?? '',
    /^task\/aws-service-role\/ecs\.application-autoscaling\.amazonaws\.com\/AWSServiceRoleForApplicationAutoScaling_ECSService\/[0-9a-f-]{36}$/);
  const status = await iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId: deleted.DeletionTaskId }));
  assert.equal(status.Status, 'SUCCEEDED');
  await rejectsWith(iam.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForApplicationAutoScaling_ECSService' })), 'NoSuchEntity', 404);
  // The service can be linked again once the role is gone.
  await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.application-autoscaling.amazonaws.com' }));

  await rejectsWith(iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId: 'task/none' })), 'NoSuchEntity', 404);
  await iam.send(new CreateRoleCommand({
    RoleName: 'ordinary',
    AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
  }));
  await rejectsWith(iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'ordinary' })), 'NoSuchEntity', 404);
});

test('a deletion fails while the role is in an instance profile, and the role stays', async () => {
  await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'elasticloadbalancing.amazonaws.com' }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'elb-held' }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'elb-held', RoleName: 'AWSServiceRoleForElasticLoadBalancing' }));
  const deleted = await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'AWSServiceRoleForElasticLoadBalancing' }));
  const status = await iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId: deleted.DeletionTaskId }));
  assert.equal(status.Status, 'FAILED');
  const got = await iam.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForElasticLoadBalancing' }));
  assert.equal(got.Role?.Arn, 'arn:aws:iam::123456789012:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing');
});
