// EC2 security groups and their rules through the official SDK: create/describe/delete, both authorize
// forms, the merged IpPermissions view, revoke, DescribeSecurityGroupRules, rule edits and AWS's errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { rejectsWith } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let ec2: EC2Client;
let vpcId: string;
before(async () => {
  server = await startTestServer();
  ec2 = new EC2Client(server.clientConfig);
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  vpcId = Vpc?.VpcId ?? '';
});
after(async () => { await server.stop(); });

/** A group in the test's VPC, or with `inDefaultVpc` one made without a VpcId (so in the default VPC). */
async function createGroup(name: string, inDefaultVpc = false): Promise<string> {
  const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({
    GroupName: name, Description: `group ${name}`, ...(inDefaultVpc ? {} : { VpcId: vpcId }),
  }));
  return GroupId ?? '';
}

async function describeGroup(groupId: string): Promise<SecurityGroup | undefined> {
  return (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups?.[0];
}

test('CreateSecurityGroup makes a group that may send anywhere and receive nothing', async () => {
  const created = await ec2.send(new CreateSecurityGroupCommand({
    GroupName: 'ecs-alb-sg', Description: 'Security group for ECS ALB', VpcId: vpcId,
    TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'Name', Value: 'alb' }] }],
  }));
  const groupId = created.GroupId ?? '';
  assert.match(groupId, /^sg-[0-9a-f]{17}$/);
  assert.equal(created.SecurityGroupArn, `arn:aws:ec2:us-east-1:123456789012:security-group/${groupId}`);
  assert.deepEqual(created.Tags, [{ Key: 'Name', Value: 'alb' }]);

  const group = await describeGroup(groupId);
  assert.equal(group?.GroupName, 'ecs-alb-sg');
  assert.equal(group?.Description, 'Security group for ECS ALB');
  assert.equal(group?.VpcId, vpcId);
  assert.equal(group?.OwnerId, '123456789012');
  assert.deepEqual(group?.IpPermissions, []);
  assert.deepEqual(group?.IpPermissionsEgress, [
    { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
  ]);
});

test('CreateSecurityGroup refuses a taken, reserved or sg- name, non-ASCII text and an unknown VPC', async () => {
  await createGroup('dup');
  await rejectsWith(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'dup', Description: 'again', VpcId: vpcId })),
    'InvalidGroup.Duplicate', 400, new RegExp(`The security group 'dup' already exists for VPC '${vpcId}'`));
  await rejectsWith(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'default', Description: 'd', VpcId: vpcId })), 'InvalidGroup.Reserved');
  await rejectsWith(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'sg-123', Description: 'd', VpcId: vpcId })), 'InvalidParameterValue', 400,
    /Group names may not be in the format sg-\*/);
  await rejectsWith(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'dash', Description: 'em — dash', VpcId: vpcId })), 'InvalidParameterValue', 400,
    /for parameter GroupDescription is invalid\. Character sets beyond ASCII are not supported\./);
  await rejectsWith(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'x', Description: 'd', VpcId: 'vpc-0000000000000000a' })), 'InvalidVpcID.NotFound');
  // The same name in another VPC is another group.
  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
  const elsewhere = await createGroup('dup', true);
  assert.equal((await describeGroup(elsewhere))?.VpcId, Vpcs?.[0]?.VpcId, 'no VpcId means the default VPC');
});

test('the CLI forms of authorize-security-group-ingress: --port/--cidr and --source-group', async () => {
  const alb = await createGroup('alb');
  const tasks = await createGroup('tasks');
  // `--protocol tcp --port 80 --cidr 0.0.0.0/0` and `--source-group` arrive as one IpPermission each (awscli secgroupsimplify).
  const open = await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: alb, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  }));
  assert.equal(open.Return, true);
  const rule = open.SecurityGroupRules?.[0];
  assert.match(rule?.SecurityGroupRuleId ?? '', /^sgr-[0-9a-f]{17}$/);
  assert.deepEqual({ ...rule, SecurityGroupRuleId: undefined, SecurityGroupRuleArn: undefined }, {
    SecurityGroupRuleId: undefined, SecurityGroupRuleArn: undefined,
    GroupId: alb, GroupOwnerId: '123456789012', IsEgress: false, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '0.0.0.0/0', Tags: [],
  });
  const fromAlb = await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: tasks, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: alb }] }],
  }));
  assert.deepEqual(fromAlb.SecurityGroupRules?.[0]?.ReferencedGroupInfo, { GroupId: alb, UserId: '123456789012' });

  await rejectsWith(ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: alb, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  })), 'InvalidPermission.Duplicate', 400, /the specified rule "peer: 0\.0\.0\.0\/0, TCP, from port: 80, to port: 80, ALLOW" already exists/);
  await rejectsWith(ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: tasks, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 2, UserIdGroupPairs: [{ GroupId: 'sg-0000000000000000a' }] }],
  })), 'InvalidGroup.NotFound');
  const otherVpc = await createGroup('other-vpc', true);
  await rejectsWith(ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: tasks, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 2, UserIdGroupPairs: [{ GroupId: otherVpc }] }],
  })), 'InvalidGroup.NotFound', 400, /You have specified two resources that belong to different networks\./);
  await rejectsWith(ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: 'sg-0000000000000000a', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 2, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
  })), 'InvalidGroup.NotFound', 400, /The security group 'sg-0000000000000000a' does not exist/);
  await rejectsWith(ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: tasks, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 70000, ToPort: 70000, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
  })), 'InvalidPermission.Malformed');
  await rejectsWith(ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: tasks, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 2, IpRanges: [{ CidrIp: '10.0.0.0/99' }] }],
  })), 'InvalidParameterValue');
});

test('the flat parameters (CidrIp, IpProtocol, FromPort, ToPort) and GroupName in the default VPC', async () => {
  const web = await createGroup('web', true);
  const result = await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupName: 'web', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '198.51.100.0/24',
  }));
  assert.equal(result.SecurityGroupRules?.[0]?.GroupId, web);
  assert.equal(result.SecurityGroupRules?.[0]?.CidrIpv4, '198.51.100.0/24');
  await rejectsWith(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupName: 'nope', IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: '10.0.0.0/8' })),
    'InvalidGroup.NotFound', 400, /The security group 'nope' does not exist in default VPC 'vpc-/);
  const { SecurityGroups } = await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['web', 'default'] }));
  assert.deepEqual(SecurityGroups?.map((g) => g.GroupName).sort(), ['default', 'web']);
});

test('DescribeSecurityGroups merges rules that share protocol and ports into one permission', async () => {
  const group = await createGroup('merged');
  const peer = await createGroup('peer');
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: group,
    IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'office' }, { CidrIp: '192.0.2.0/24' }] },
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ],
  }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: group, IpPermissions: [{ IpProtocol: '6', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: peer }] }],
  }));
  const described = await describeGroup(group);
  assert.deepEqual(described?.IpPermissions, [
    {
      IpProtocol: 'tcp', FromPort: 22, ToPort: 22,
      IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'office' }, { CidrIp: '192.0.2.0/24' }],
      Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: peer, UserId: '123456789012' }],
    },
    { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
  ]);

  const ids = async (filters: { Name: string; Values: string[] }[]) =>
    (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, ...filters] }))).SecurityGroups?.map((g) => g.GroupId);
  assert.deepEqual(await ids([{ Name: 'ip-permission.from-port', Values: ['22'] }]), [group]);
  assert.deepEqual(await ids([{ Name: 'ip-permission.group-id', Values: [peer] }]), [group]);
  assert.deepEqual(await ids([{ Name: 'ip-permission.cidr', Values: ['192.0.2.*'] }]), [group]);
  assert.deepEqual(await ids([{ Name: 'group-name', Values: ['mer*', 'pe?r'] }]), [group, peer]);
  assert.deepEqual(await ids([{ Name: 'ip-permission.protocol', Values: ['icmp'] }, { Name: 'ip-permission.from-port', Values: ['22'] }]), [group],
    'different rules may satisfy different filters');
});

test('Revoke by permission or by rule id; InvalidPermission.NotFound outside the default VPC', async () => {
  const group = await createGroup('revoke-me');
  const { SecurityGroupRules } = await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: group, IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'dns' }, { CidrIp: '10.1.0.0/16' }] }],
  }));
  const revoked = await ec2.send(new RevokeSecurityGroupIngressCommand({
    GroupId: group, IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
  }));
  assert.equal(revoked.Return, true);
  assert.deepEqual(revoked.RevokedSecurityGroupRules?.map((r) => [r.SecurityGroupRuleId, r.CidrIpv4, r.Description]),
    [[SecurityGroupRules?.[0]?.SecurityGroupRuleId, '10.0.0.0/8', 'dns']]);
  await rejectsWith(ec2.send(new RevokeSecurityGroupIngressCommand({
    GroupId: group, IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
  })), 'InvalidPermission.NotFound', 400, /The specified rule does not exist in this security group/);

  const second = SecurityGroupRules?.[1]?.SecurityGroupRuleId ?? '';
  const byId = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: group, SecurityGroupRuleIds: [second] }));
  assert.deepEqual(byId.RevokedSecurityGroupRules?.map((r) => r.SecurityGroupRuleId), [second]);
  await rejectsWith(ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: group, SecurityGroupRuleIds: [second] })),
    'InvalidSecurityGroupRuleId.NotFound');
  assert.deepEqual((await describeGroup(group))?.IpPermissions, []);

  const egress = (await describeGroup(group))?.IpPermissionsEgress?.[0];
  await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: group, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  assert.ok(egress);
  assert.deepEqual((await describeGroup(group))?.IpPermissionsEgress, []);
  const back = await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: group, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  assert.equal(back.SecurityGroupRules?.[0]?.IsEgress, true);

  // "For a default VPC, if the values you specify do not match the existing rule's values, no error is returned".
  await createGroup('lenient', true);
  const unknown = await ec2.send(new RevokeSecurityGroupIngressCommand({
    GroupName: 'lenient', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
  }));
  assert.deepEqual(unknown.RevokedSecurityGroupRules, []);
  assert.equal(unknown.UnknownIpPermissions?.[0]?.IpRanges?.[0]?.CidrIp, '10.0.0.0/8');
});

test('DescribeSecurityGroupRules lists each rule, filtered and paged', async () => {
  const group = await createGroup('rules');
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: group,
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1000, ToPort: 2000, IpRanges: [1, 2, 3, 4, 5, 6].map((n) => ({ CidrIp: `10.${n}.0.0/16` })) }],
    TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'batch', Value: 'one' }] }],
  }));
  const all = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [group] }] }));
  assert.equal(all.SecurityGroupRules?.length, 7, 'six ingress rules and the default egress rule');
  const tagged = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'tag:batch', Values: ['one'] }] }));
  assert.equal(tagged.SecurityGroupRules?.length, 6);
  assert.deepEqual(tagged.SecurityGroupRules?.[0]?.Tags, [{ Key: 'batch', Value: 'one' }]);

  const first = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [group] }], MaxResults: 5 }));
  const second = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [group] }], MaxResults: 5, NextToken: first.NextToken }));
  assert.equal(first.SecurityGroupRules?.length, 5);
  assert.equal(second.SecurityGroupRules?.length, 2);
  assert.equal(second.NextToken, undefined);

  const id = first.SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? '';
  const one = await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [id] }));
  assert.deepEqual(one.SecurityGroupRules?.map((r) => r.SecurityGroupRuleId), [id]);
  await rejectsWith(ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ['sgr-0000000000000000a'] })), 'InvalidSecurityGroupRuleId.NotFound');
  await rejectsWith(ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })), 'InvalidParameterValue');
});

test('ModifySecurityGroupRules and UpdateSecurityGroupRuleDescriptionsIngress edit rules in place', async () => {
  const group = await createGroup('editable');
  const { SecurityGroupRules } = await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: group, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
  }));
  const ruleId = SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? '';
  const modified = await ec2.send(new ModifySecurityGroupRulesCommand({
    GroupId: group,
    SecurityGroupRules: [{ SecurityGroupRuleId: ruleId, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8081, CidrIpv4: '10.2.0.0/16', Description: 'app' } }],
  }));
  assert.equal(modified.Return, true);
  const { SecurityGroupRules: after } = await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] }));
  assert.deepEqual([after?.[0]?.FromPort, after?.[0]?.ToPort, after?.[0]?.CidrIpv4, after?.[0]?.Description], [8080, 8081, '10.2.0.0/16', 'app']);

  await ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({
    GroupId: group, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8081, IpRanges: [{ CidrIp: '10.2.0.0/16', Description: 'renamed' }] }],
  }));
  assert.equal((await describeGroup(group))?.IpPermissions?.[0]?.IpRanges?.[0]?.Description, 'renamed');
  await rejectsWith(ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({
    GroupId: group, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, IpRanges: [{ CidrIp: '10.2.0.0/16', Description: 'x' }] }],
  })), 'InvalidPermission.NotFound');
});

test('DeleteSecurityGroup: referenced groups and default groups stay; by id or by default-VPC name', async () => {
  const alb = await createGroup('del-alb');
  const tasks = await createGroup('del-tasks');
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: tasks, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: alb }] }],
  }));
  await rejectsWith(ec2.send(new DeleteSecurityGroupCommand({ GroupId: alb })), 'DependencyViolation', 400,
    new RegExp(`resource ${alb} has a dependent object`));
  const deleted = await ec2.send(new DeleteSecurityGroupCommand({ GroupId: tasks }));
  assert.deepEqual([deleted.Return, deleted.GroupId], [true, tasks]);
  await ec2.send(new DeleteSecurityGroupCommand({ GroupId: alb }));
  await rejectsWith(ec2.send(new DeleteSecurityGroupCommand({ GroupId: alb })), 'InvalidGroup.NotFound');
  await rejectsWith(ec2.send(new DeleteSecurityGroupCommand({ GroupId: 'alb' })), 'InvalidGroupId.Malformed');

  const { SecurityGroups } = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['default'] }] }));
  await rejectsWith(ec2.send(new DeleteSecurityGroupCommand({ GroupId: SecurityGroups?.[0]?.GroupId })), 'CannotDelete', 400,
    /name: "default" cannot be deleted by a user/);

  await createGroup('by-name', true);
  await ec2.send(new DeleteSecurityGroupCommand({ GroupName: 'by-name' }));
  await rejectsWith(ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['by-name'] })), 'InvalidGroup.NotFound');
});
