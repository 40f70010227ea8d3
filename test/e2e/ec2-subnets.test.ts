// EC2 subnets and zones through the official SDK: CreateSubnet's block and zone rules, DescribeSubnets'
// filters, ModifySubnetAttribute, DeleteSubnet, DescribeAvailabilityZones and DescribeRegions.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DescribeAvailabilityZonesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRegionsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
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

test('CreateSubnet takes a block of its VPC and reports size − 5 free addresses', async () => {
  const { Subnet } = await ec2.send(new CreateSubnetCommand({
    VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1b',
    TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'Name', Value: 'public-1' }] }],
  }));
  assert.match(Subnet?.SubnetId ?? '', /^subnet-[0-9a-f]{17}$/);
  assert.equal(Subnet?.VpcId, vpcId);
  assert.equal(Subnet?.CidrBlock, '10.0.1.0/24');
  assert.equal(Subnet?.AvailableIpAddressCount, 251);
  assert.equal(Subnet?.AvailabilityZone, 'us-east-1b');
  assert.equal(Subnet?.AvailabilityZoneId, 'use1-az2');
  assert.equal(Subnet?.DefaultForAz, false);
  assert.equal(Subnet?.MapPublicIpOnLaunch, false);
  assert.equal(Subnet?.State, 'pending');
  assert.equal(Subnet?.OwnerId, '123456789012');
  assert.equal(Subnet?.SubnetArn, `arn:aws:ec2:us-east-1:123456789012:subnet/${Subnet?.SubnetId ?? ''}`);
  assert.deepEqual(Subnet?.Tags, [{ Key: 'Name', Value: 'public-1' }]);

  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [Subnet?.SubnetId ?? ''] }));
  assert.equal(Subnets?.[0]?.State, 'available');

  const tiny = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.200.0/28', AvailabilityZoneId: 'use1-az4' }));
  assert.equal(tiny.Subnet?.AvailableIpAddressCount, 11);
  assert.equal(tiny.Subnet?.AvailabilityZone, 'us-east-1d');
});

test('CreateSubnet refuses blocks outside the VPC, of the wrong size or overlapping another subnet', async () => {
  await rejectsWith(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.0.0/24' })), 'InvalidSubnet.Range', 400,
    /The CIDR '10\.1\.0\.0\/24' is invalid\./);
  await rejectsWith(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.3.0/29' })), 'InvalidSubnet.Range');
  await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.8.0/22' }));
  await rejectsWith(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.9.0/24' })), 'InvalidSubnet.Conflict', 400,
    /The CIDR '10\.0\.9\.0\/24' conflicts with another subnet/);
  await rejectsWith(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: 'ten/24' })), 'InvalidParameterValue');
  await rejectsWith(ec2.send(new CreateSubnetCommand({ VpcId: 'vpc-0000000000000000a', CidrBlock: '10.0.4.0/24' })), 'InvalidVpcID.NotFound');
  await rejectsWith(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.4.0/24', AvailabilityZone: 'us-east-1z' })),
    'InvalidParameterValue', 400, /Value \(us-east-1z\) for parameter availabilityZone is invalid\. Subnets can currently only be created in the following availability zones: us-east-1a, /);
});

test('without a zone, subnets spread over the zones where the VPC has fewest', async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
  const zones: (string | undefined)[] = [];
  for (let i = 0; i < 3; i++) {
    const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc?.VpcId, CidrBlock: `10.20.${i}.0/24` }));
    zones.push(Subnet?.AvailabilityZone);
  }
  assert.deepEqual(zones, ['us-east-1a', 'us-east-1b', 'us-east-1c']);
});

test('DescribeSubnets filters by VPC, zone, default-for-az, wildcards and tags', async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '172.16.0.0/16' }));
  const other = Vpc?.VpcId ?? '';
  const a = await ec2.send(new CreateSubnetCommand({ VpcId: other, CidrBlock: '172.16.1.0/24', AvailabilityZone: 'us-east-1a',
    TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'tier', Value: 'public' }] }] }));
  const b = await ec2.send(new CreateSubnetCommand({ VpcId: other, CidrBlock: '172.16.2.0/24', AvailabilityZone: 'us-east-1c',
    TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'tier', Value: 'private' }] }] }));
  const ids = async (filters: { Name: string; Values: string[] }[]) =>
    (await ec2.send(new DescribeSubnetsCommand({ Filters: filters }))).Subnets?.map((s) => s.SubnetId);

  assert.deepEqual(await ids([{ Name: 'vpc-id', Values: [other] }]), [a.Subnet?.SubnetId, b.Subnet?.SubnetId]);
  assert.deepEqual(await ids([{ Name: 'vpc-id', Values: [other] }, { Name: 'availability-zone', Values: ['us-east-1c'] }]), [b.Subnet?.SubnetId]);
  assert.deepEqual(await ids([{ Name: 'cidr-block', Values: ['172.16.*'] }]), [a.Subnet?.SubnetId, b.Subnet?.SubnetId]);
  assert.deepEqual(await ids([{ Name: 'tag:tier', Values: ['pub*'] }]), [a.Subnet?.SubnetId]);
  assert.deepEqual(await ids([{ Name: 'vpc-id', Values: [other] }, { Name: 'available-ip-address-count', Values: ['251'] }]),
    [a.Subnet?.SubnetId, b.Subnet?.SubnetId]);
  assert.equal((await ids([{ Name: 'default-for-az', Values: ['true'] }]))?.length, 6, 'the default VPC has one per zone');
  await rejectsWith(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0123456789abcdef0'] })), 'InvalidSubnetID.NotFound', 400,
    /The subnet ID 'subnet-0123456789abcdef0' does not exist/);
  await rejectsWith(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['sub-1'] })), 'InvalidSubnetID.Malformed');

  const paged = await ec2.send(new DescribeSubnetsCommand({ MaxResults: 5 }));
  assert.equal(paged.Subnets?.length, 5);
  const rest = await ec2.send(new DescribeSubnetsCommand({ MaxResults: 1000, NextToken: paged.NextToken }));
  const total = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets?.length ?? 0;
  assert.equal(5 + (rest.Subnets?.length ?? 0), total);
});

test('ModifySubnetAttribute turns public addressing on and off', async () => {
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.20.0/24' }));
  const subnetId = Subnet?.SubnetId ?? '';
  await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: subnetId, MapPublicIpOnLaunch: { Value: true } }));
  const described = async () => (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets?.[0];
  assert.equal((await described())?.MapPublicIpOnLaunch, true);
  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'map-public-ip-on-launch', Values: ['true'] }, { Name: 'vpc-id', Values: [vpcId] }] }));
  assert.deepEqual(Subnets?.map((s) => s.SubnetId), [subnetId]);
  await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: subnetId, MapPublicIpOnLaunch: { Value: false } }));
  assert.equal((await described())?.MapPublicIpOnLaunch, false);
  await rejectsWith(ec2.send(new ModifySubnetAttributeCommand({ SubnetId: 'subnet-0000000000000000a', MapPublicIpOnLaunch: { Value: true } })),
    'InvalidSubnetID.NotFound');
});

test('DeleteSubnet removes the subnet and frees its block', async () => {
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.30.0/24' }));
  await ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet?.SubnetId }));
  await rejectsWith(ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet?.SubnetId })), 'InvalidSubnetID.NotFound');
  const again = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.30.0/24' }));
  assert.equal(again.Subnet?.CidrBlock, '10.0.30.0/24');
});

test('DescribeAvailabilityZones lists the region\'s zones as AWS describes them', async () => {
  const { AvailabilityZones } = await ec2.send(new DescribeAvailabilityZonesCommand({}));
  assert.deepEqual(AvailabilityZones?.map((z) => z.ZoneName), ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f']);
  assert.deepEqual(AvailabilityZones?.[0], {
    State: 'available', OptInStatus: 'opt-in-not-required', Messages: [], RegionName: 'us-east-1', ZoneName: 'us-east-1a',
    ZoneId: 'use1-az1', GroupName: 'us-east-1-zg-1', NetworkBorderGroup: 'us-east-1', ZoneType: 'availability-zone',
  });
  const byId = await ec2.send(new DescribeAvailabilityZonesCommand({ ZoneIds: ['use1-az3'] }));
  assert.deepEqual(byId.AvailabilityZones?.map((z) => z.ZoneName), ['us-east-1c']);
  const filtered = await ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-name', Values: ['*a', '*f'] }] }));
  assert.deepEqual(filtered.AvailabilityZones?.map((z) => z.ZoneId), ['use1-az1', 'use1-az6']);
  await rejectsWith(ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1z'] })), 'InvalidParameterValue');

  const tokyo = new EC2Client(server.clientConfigFor({ accessKeyId: 'test', secretAccessKey: 'test' }, 'ap-northeast-1'));
  const zones = await tokyo.send(new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: true }));
  assert.deepEqual(zones.AvailabilityZones?.map((z) => `${z.ZoneName ?? ''}=${z.ZoneId ?? ''}`),
    ['ap-northeast-1a=apne1-az1', 'ap-northeast-1c=apne1-az2', 'ap-northeast-1d=apne1-az4']);
});

test('DescribeRegions lists the enabled regions, and all of them on request', async () => {
  const { Regions } = await ec2.send(new DescribeRegionsCommand({}));
  const east = Regions?.find((r) => r.RegionName === 'us-east-1');
  assert.deepEqual(east, { RegionName: 'us-east-1', Endpoint: 'ec2.us-east-1.amazonaws.com', OptInStatus: 'opt-in-not-required' });
  assert.equal(Regions?.some((r) => r.RegionName === 'af-south-1'), false, 'opt-in regions are hidden unless enabled');
  const all = await ec2.send(new DescribeRegionsCommand({ AllRegions: true, Filters: [{ Name: 'region-name', Values: ['af-*'] }] }));
  assert.deepEqual(all.Regions, [{ RegionName: 'af-south-1', Endpoint: 'ec2.af-south-1.amazonaws.com', OptInStatus: 'not-opted-in' }]);
});

test('DescribeNetworkInterfaces answers none before any task runs, and checks its filters and ids', async () => {
  const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  assert.deepEqual(NetworkInterfaces, []);
  await rejectsWith(ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })), 'InvalidParameterValue');
  await rejectsWith(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ['eni-0123456789abcdef0'] })),
    'InvalidNetworkInterfaceID.NotFound', 400, /The networkInterface ID 'eni-0123456789abcdef0' does not exist/);
});
