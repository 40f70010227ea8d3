// EC2 VPCs through the official SDK: the default network made on first use, CreateVpc/DescribeVpcs/
// DeleteVpc, filters and pages, the DNS attributes, CreateDefaultVpc, DryRun and AWS's error codes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateDefaultVpcCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeInternetGatewaysCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { rejectsWith } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let ec2: EC2Client;
before(async () => {
  server = await startTestServer();
  ec2 = new EC2Client(server.clientConfig);
});
after(async () => { await server.stop(); });

/** An EC2 client in another region: every region has its own default network. */
function inRegion(region: string): EC2Client {
  return new EC2Client(server.clientConfigFor({ accessKeyId: 'test', secretAccessKey: 'test' }, region));
}

test('the first call of a region finds the default VPC AWS accounts come with', async () => {
  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'isDefault', Values: ['true'] }] }));
  assert.equal(Vpcs?.length, 1);
  const vpc = Vpcs?.[0];
  assert.match(vpc?.VpcId ?? '', /^vpc-[0-9a-f]{17}$/);
  assert.equal(vpc?.CidrBlock, '172.31.0.0/16');
  assert.equal(vpc?.IsDefault, true);
  assert.equal(vpc?.State, 'available');
  assert.equal(vpc?.InstanceTenancy, 'default');
  assert.equal(vpc?.OwnerId, '123456789012');
  assert.match(vpc?.DhcpOptionsId ?? '', /^dopt-/);
  assert.equal(vpc?.CidrBlockAssociationSet?.[0]?.CidrBlock, '172.31.0.0/16');
  assert.equal(vpc?.CidrBlockAssociationSet?.[0]?.CidrBlockState?.State, 'associated');
  assert.equal(vpc?.Tags, undefined);

  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc?.VpcId ?? ''] }] }));
  // One /20 default subnet per zone of us-east-1 (a–f), 4096 − 5 addresses each.
  assert.deepEqual(Subnets?.map((s) => [s.AvailabilityZone, s.CidrBlock]), [
    ['us-east-1a', '172.31.0.0/20'], ['us-east-1b', '172.31.16.0/20'], ['us-east-1c', '172.31.32.0/20'],
    ['us-east-1d', '172.31.48.0/20'], ['us-east-1e', '172.31.64.0/20'], ['us-east-1f', '172.31.80.0/20'],
  ]);
  for (const subnet of Subnets ?? []) {
    assert.equal(subnet.DefaultForAz, true);
    assert.equal(subnet.MapPublicIpOnLaunch, true);
    assert.equal(subnet.AvailableIpAddressCount, 4091);
    assert.equal(subnet.State, 'available');
    assert.equal(subnet.SubnetArn, `arn:aws:ec2:us-east-1:123456789012:subnet/${subnet.SubnetId ?? ''}`);
  }

  const { SecurityGroups } = await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }));
  const group = SecurityGroups?.[0];
  assert.equal(group?.Description, 'default VPC security group');
  assert.equal(group?.VpcId, vpc?.VpcId);
  assert.deepEqual(group?.IpPermissions, [{
    IpProtocol: '-1', IpRanges: [], Ipv6Ranges: [], PrefixListIds: [],
    UserIdGroupPairs: [{ GroupId: group?.GroupId, UserId: '123456789012' }],
  }]);
  assert.deepEqual(group?.IpPermissionsEgress, [{
    IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [],
  }]);
});

test('each region has its own default network, with its own zones', async () => {
  const west = inRegion('us-west-1');
  const { Vpcs } = await west.send(new DescribeVpcsCommand({}));
  const { Vpcs: east } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
  assert.equal(Vpcs?.length, 1);
  assert.notEqual(Vpcs?.[0]?.VpcId, east?.[0]?.VpcId);
  const { Subnets } = await west.send(new DescribeSubnetsCommand({}));
  // us-west-1 offers new accounts two zones.
  assert.deepEqual(Subnets?.map((s) => s.AvailabilityZone), ['us-west-1a', 'us-west-1c']);
});

test('concurrent first calls of a region make one default network', async () => {
  const region = inRegion('sa-east-1');
  const answers = await Promise.all(Array.from({ length: 6 }, () => region.send(new DescribeVpcsCommand({}))));
  const ids = new Set(answers.flatMap((answer) => answer.Vpcs?.map((vpc) => vpc.VpcId) ?? []));
  assert.equal(ids.size, 1);
  const { Subnets } = await region.send(new DescribeSubnetsCommand({}));
  assert.equal(Subnets?.length, 3);
});

test('CreateVpc answers pending with its tags, comes with a default group, and is available when described', async () => {
  const created = await ec2.send(new CreateVpcCommand({
    CidrBlock: '10.0.0.9/16',
    TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'lab-vpc' }, { Key: 'team', Value: 'blue' }] }],
  }));
  const vpc = created.Vpc;
  assert.equal(vpc?.State, 'pending');
  assert.equal(vpc?.CidrBlock, '10.0.0.0/16', 'host bits are cleared');
  assert.equal(vpc?.IsDefault, false);
  assert.deepEqual(vpc?.Tags, [{ Key: 'Name', Value: 'lab-vpc' }, { Key: 'team', Value: 'blue' }]);
  const vpcId = vpc?.VpcId ?? '';

  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
  assert.equal(Vpcs?.[0]?.State, 'available');
  const { SecurityGroups } = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  assert.deepEqual(SecurityGroups?.map((g) => g.GroupName), ['default']);

  const untagged = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/28' }));
  assert.deepEqual(untagged.Vpc?.Tags, [], 'CreateVpc lists an empty tag set');
});

test('CreateVpc refuses blocks outside /16–/28 and malformed ones', async () => {
  await rejectsWith(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })), 'InvalidVpc.Range', 400, /The CIDR '10\.0\.0\.0\/8' is invalid\./);
  await rejectsWith(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/29' })), 'InvalidVpc.Range');
  await rejectsWith(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0/16' })), 'InvalidParameterValue');
  await rejectsWith(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: true })), 'NotImplemented', 501);
  await rejectsWith(ec2.send(new CreateVpcCommand({
    CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'a', Value: 'b' }] }],
  })), 'InvalidParameter', 400, /'subnet' is not a valid taggable resource type for this operation\./);
});

test('DescribeVpcs filters by cidr with wildcards, tags and state, and names unknown ids', async () => {
  const region = inRegion('eu-west-1');
  const a = await region.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'alpha' }] }] }));
  const b = await region.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'beta' }] }] }));
  const ids = async (filters: { Name: string; Values: string[] }[]) =>
    (await region.send(new DescribeVpcsCommand({ Filters: filters }))).Vpcs?.map((v) => v.VpcId);

  assert.deepEqual(await ids([{ Name: 'cidr', Values: ['10.*'] }]), [a.Vpc?.VpcId, b.Vpc?.VpcId]);
  assert.deepEqual(await ids([{ Name: 'cidr-block-association.cidr-block', Values: ['10.2.0.0/16'] }]), [b.Vpc?.VpcId]);
  assert.deepEqual(await ids([{ Name: 'tag:Name', Values: ['al?ha', 'gamma'] }]), [a.Vpc?.VpcId]);
  assert.deepEqual(await ids([{ Name: 'tag-key', Values: ['Name'] }, { Name: 'is-default', Values: ['false'] }]), [a.Vpc?.VpcId, b.Vpc?.VpcId]);
  assert.deepEqual(await ids([{ Name: 'tag:Name', Values: ['alpha'] }, { Name: 'cidr', Values: ['10.2.0.0/16'] }]), [], 'filters are ANDed');
  assert.equal((await ids([{ Name: 'state', Values: ['available'] }]))?.length, 3);
  await rejectsWith(region.send(new DescribeVpcsCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })),
    'InvalidParameterValue', 400, /The filter 'colour' is invalid/);

  await rejectsWith(region.send(new DescribeVpcsCommand({ VpcIds: [a.Vpc?.VpcId ?? '', 'vpc-0123456789abcdef0'] })),
    'InvalidVpcID.NotFound', 400, /The vpc ID 'vpc-0123456789abcdef0' does not exist/);
  await rejectsWith(region.send(new DescribeVpcsCommand({ VpcIds: ['my-vpc'] })), 'InvalidVpcID.Malformed');
});

test('DescribeVpcs pages with MaxResults and NextToken', async () => {
  const region = inRegion('eu-west-2');
  for (let i = 0; i < 6; i++) await region.send(new CreateVpcCommand({ CidrBlock: `10.${i}.0.0/16` }));
  const first = await region.send(new DescribeVpcsCommand({ MaxResults: 5 }));
  assert.equal(first.Vpcs?.length, 5);
  assert.ok(first.NextToken);
  const second = await region.send(new DescribeVpcsCommand({ MaxResults: 5, NextToken: first.NextToken }));
  assert.equal(second.Vpcs?.length, 2);
  assert.equal(second.NextToken, undefined);
  const all = [...(first.Vpcs ?? []), ...(second.Vpcs ?? [])].map((v) => v.VpcId);
  assert.equal(new Set(all).size, 7, 'the default VPC and six more, each once');
  await rejectsWith(region.send(new DescribeVpcsCommand({ MaxResults: 5, NextToken: 'garbage' })), 'InvalidParameterValue');
  await rejectsWith(region.send(new DescribeVpcsCommand({ MaxResults: 4 })), 'InvalidParameterValue');
});

test('DeleteVpc waits for its subnets and groups, then removes the VPC and its default group', async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }));
  const vpcId = Vpc?.VpcId ?? '';
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.50.1.0/24' }));
  await rejectsWith(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), 'DependencyViolation', 400,
    new RegExp(`The vpc '${vpcId}' has dependencies and cannot be deleted\\.`));
  await ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet?.SubnetId }));
  const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'app', Description: 'app', VpcId: vpcId }));
  await rejectsWith(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), 'DependencyViolation');
  await ec2.send(new DeleteSecurityGroupCommand({ GroupId }));

  await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
  await rejectsWith(ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })), 'InvalidVpcID.NotFound');
  const { SecurityGroups } = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  assert.deepEqual(SecurityGroups, []);
  await rejectsWith(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), 'InvalidVpcID.NotFound');
});

test('a deleted default VPC stays deleted until CreateDefaultVpc makes a new one', async () => {
  const region = inRegion('ap-southeast-2');
  const { Vpcs } = await region.send(new DescribeVpcsCommand({}));
  const defaultVpcId = Vpcs?.[0]?.VpcId ?? '';
  await rejectsWith(region.send(new CreateDefaultVpcCommand({})), 'DefaultVpcAlreadyExists', 400,
    /A Default VPC already exists for this account in this region\./);
  const { Subnets } = await region.send(new DescribeSubnetsCommand({}));
  for (const subnet of Subnets ?? []) await region.send(new DeleteSubnetCommand({ SubnetId: subnet.SubnetId }));
  // As on AWS, the default VPC's internet gateway must be detached and deleted first
  // (hashicorp/terraform-provider-aws#23488).
  await rejectsWith(region.send(new DeleteVpcCommand({ VpcId: defaultVpcId })), 'DependencyViolation');
  const { InternetGateways } = await region.send(new DescribeInternetGatewaysCommand({
    Filters: [{ Name: 'attachment.vpc-id', Values: [defaultVpcId] }],
  }));
  assert.equal(InternetGateways?.length, 1);
  const gatewayId = InternetGateways?.[0]?.InternetGatewayId;
  await region.send(new DetachInternetGatewayCommand({ InternetGatewayId: gatewayId, VpcId: defaultVpcId }));
  await region.send(new DeleteInternetGatewayCommand({ InternetGatewayId: gatewayId }));
  await region.send(new DeleteVpcCommand({ VpcId: defaultVpcId }));

  assert.deepEqual((await region.send(new DescribeVpcsCommand({}))).Vpcs, []);
  await rejectsWith(region.send(new CreateSecurityGroupCommand({ GroupName: 'x', Description: 'x' })),
    'VPCIdNotSpecified', 400, /No default VPC for this user/);

  const created = await region.send(new CreateDefaultVpcCommand({}));
  assert.equal(created.Vpc?.IsDefault, true);
  assert.equal(created.Vpc?.CidrBlock, '172.31.0.0/16');
  assert.notEqual(created.Vpc?.VpcId, defaultVpcId);
  const again = await region.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
  assert.equal(again.Subnets?.length, 3);
});

test('the DNS attributes: both on in the default VPC, hostnames off in a new one, and modifiable', async () => {
  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
  const defaultVpc = Vpcs?.[0]?.VpcId ?? '';
  const attribute = async (VpcId: string, Attribute: 'enableDnsSupport' | 'enableDnsHostnames') =>
    ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute }));
  assert.equal((await attribute(defaultVpc, 'enableDnsHostnames')).EnableDnsHostnames?.Value, true);
  assert.equal((await attribute(defaultVpc, 'enableDnsSupport')).EnableDnsSupport?.Value, true);

  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }));
  const vpcId = Vpc?.VpcId ?? '';
  const hostnames = await attribute(vpcId, 'enableDnsHostnames');
  assert.equal(hostnames.VpcId, vpcId);
  assert.equal(hostnames.EnableDnsHostnames?.Value, false);
  assert.equal(hostnames.EnableDnsSupport, undefined);
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  assert.equal((await attribute(vpcId, 'enableDnsHostnames')).EnableDnsHostnames?.Value, true);
});

test('DryRun answers 412 DryRunOperation and changes nothing', async () => {
  const region = inRegion('ca-central-1');
  await rejectsWith(region.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16', DryRun: true })), 'DryRunOperation', 412,
    /Request would have succeeded, but DryRun flag is set\./);
  await rejectsWith(region.send(new DescribeVpcsCommand({ DryRun: true })), 'DryRunOperation', 412);
  const { Vpcs } = await region.send(new DescribeVpcsCommand({}));
  assert.deepEqual(Vpcs?.map((v) => v.CidrBlock), ['172.31.0.0/16']);
  // A DryRun that would fail answers the failure.
  await rejectsWith(region.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/8', DryRun: true })), 'InvalidVpc.Range');
});

test('a missing required parameter is MissingParameter', async () => {
  await rejectsWith(ec2.send(new DeleteVpcCommand({} as never)), 'MissingParameter', 400, /The request must contain the parameter vpcId/);
});
