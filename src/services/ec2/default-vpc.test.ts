import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrsOverlap, cidrContains, parseIpv4Cidr, type Ipv4Cidr } from './cidr.ts';
import {
  availabilityZonesOf,
  defaultSecurityGroup,
  defaultSubnetCidrBlock,
  defaultVpcLayout,
  KNOWN_REGIONS,
  DEFAULT_VPC_CIDR_BLOCK,
} from './default-vpc.ts';
import { filterAvailabilityZones, filterSubnets, filterVpcs } from './filters.ts';
import { ec2IdGenerator, isEc2Id, type Ec2IdPrefix } from './ids.ts';

const ACCOUNT = '000000000000';

function context(region: string) {
  let n = 0;
  return { accountId: ACCOUNT, region, newId: ec2IdGenerator((size) => Uint8Array.from({ length: size }, () => n++ % 256)) };
}

test('default subnets are the /20s of 172.31.0.0/16, in order', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(defaultSubnetCidrBlock), [
    '172.31.0.0/20',
    '172.31.16.0/20',
    '172.31.32.0/20',
    '172.31.48.0/20',
    '172.31.64.0/20',
    '172.31.80.0/20',
  ]);
  assert.equal(defaultSubnetCidrBlock(15), '172.31.240.0/20');
  assert.throws(() => defaultSubnetCidrBlock(16), RangeError);
});

test('zones: us-east-1 a–f as use1-az1…6, us-west-2 a–d, eu-west-1 a–c, us-west-1 a and c', () => {
  const names = (region: string) => availabilityZonesOf(region).map((z) => `${z.ZoneName}=${z.ZoneId}`);
  assert.deepEqual(names('us-east-1'), [
    'us-east-1a=use1-az1',
    'us-east-1b=use1-az2',
    'us-east-1c=use1-az3',
    'us-east-1d=use1-az4',
    'us-east-1e=use1-az5',
    'us-east-1f=use1-az6',
  ]);
  assert.deepEqual(names('us-west-2'), ['us-west-2a=usw2-az1', 'us-west-2b=usw2-az2', 'us-west-2c=usw2-az3', 'us-west-2d=usw2-az4']);
  assert.deepEqual(names('eu-west-1'), ['eu-west-1a=euw1-az1', 'eu-west-1b=euw1-az2', 'eu-west-1c=euw1-az3']);
  assert.deepEqual(names('us-west-1'), ['us-west-1a=usw1-az1', 'us-west-1c=usw1-az3']);
  assert.deepEqual(names('ap-northeast-1'), ['ap-northeast-1a=apne1-az1', 'ap-northeast-1c=apne1-az2', 'ap-northeast-1d=apne1-az4']);
  const [zone] = availabilityZonesOf('eu-central-1');
  assert.deepEqual(zone, {
    State: 'available',
    OptInStatus: 'opt-in-not-required',
    Messages: [],
    RegionName: 'eu-central-1',
    ZoneName: 'eu-central-1a',
    ZoneId: 'euc1-az1',
    GroupName: 'eu-central-1-zg-1',
    NetworkBorderGroup: 'eu-central-1',
    ZoneType: 'availability-zone',
  });
});

test('every known region has 2–6 zones with unique names and ids; unknown regions get a, b, c', () => {
  assert.ok(KNOWN_REGIONS.length >= 30);
  for (const region of KNOWN_REGIONS) {
    const zones = availabilityZonesOf(region);
    assert.ok(zones.length >= 2 && zones.length <= 6, region);
    assert.equal(new Set(zones.map((z) => z.ZoneId)).size, zones.length, region);
    assert.ok(zones.every((z) => z.ZoneName?.startsWith(region) && /-az\d$/.test(z.ZoneId ?? '')), region);
  }
  assert.deepEqual(availabilityZonesOf('local').map((z) => z.ZoneId), ['local-az1', 'local-az2', 'local-az3']);
  assert.deepEqual(
    filterAvailabilityZones(availabilityZonesOf('us-east-1'), [{ Name: 'zone-id', Values: ['use1-az4'] }]).map((z) => z.ZoneName),
    ['us-east-1d'],
  );
});

test('the default VPC: 172.31.0.0/16, default, available, associated block, its own DHCP options', () => {
  const { vpc } = defaultVpcLayout(context('us-east-1'));
  assert.equal(vpc.CidrBlock, DEFAULT_VPC_CIDR_BLOCK);
  assert.equal(vpc.IsDefault, true);
  assert.equal(vpc.State, 'available');
  assert.equal(vpc.InstanceTenancy, 'default');
  assert.equal(vpc.OwnerId, ACCOUNT);
  assert.ok(isEc2Id(vpc.VpcId ?? '', 'vpc'));
  assert.ok(isEc2Id(vpc.DhcpOptionsId ?? '', 'dopt'));
  assert.equal(vpc.CidrBlockAssociationSet?.length, 1);
  assert.equal(vpc.CidrBlockAssociationSet?.[0]?.CidrBlock, DEFAULT_VPC_CIDR_BLOCK);
  assert.equal(vpc.CidrBlockAssociationSet?.[0]?.CidrBlockState?.State, 'associated');
  assert.ok(isEc2Id(vpc.CidrBlockAssociationSet?.[0]?.AssociationId ?? '', 'vpc-cidr-assoc'));
  assert.equal(filterVpcs([vpc], [{ Name: 'isDefault', Values: ['true'] }]).length, 1);
});

test('one default /20 subnet per zone, in zone order, inside the VPC, disjoint, public on launch', () => {
  const { vpc, subnets } = defaultVpcLayout(context('us-east-1'));
  assert.deepEqual(
    subnets.map((s) => [s.AvailabilityZone, s.AvailabilityZoneId, s.CidrBlock]),
    availabilityZonesOf('us-east-1').map((z, i) => [z.ZoneName, z.ZoneId, defaultSubnetCidrBlock(i)]),
  );
  const vpcCidr = parseIpv4Cidr(vpc.CidrBlock ?? '') as Ipv4Cidr;
  const blocks = subnets.map((s) => parseIpv4Cidr(s.CidrBlock ?? '') as Ipv4Cidr);
  assert.ok(blocks.every((b) => cidrContains(vpcCidr, b)));
  assert.ok(blocks.every((a, i) => blocks.every((b, j) => i === j || !cidrsOverlap(a, b))));
  for (const subnet of subnets) {
    assert.equal(subnet.VpcId, vpc.VpcId);
    assert.equal(subnet.DefaultForAz, true);
    assert.equal(subnet.MapPublicIpOnLaunch, true);
    assert.equal(subnet.State, 'available');
    assert.equal(subnet.AvailableIpAddressCount, 4091);
    assert.ok(isEc2Id(subnet.SubnetId ?? '', 'subnet'));
    assert.equal(subnet.SubnetArn, `arn:aws:ec2:us-east-1:${ACCOUNT}:subnet/${subnet.SubnetId}`);
  }
  assert.equal(filterSubnets(subnets, [{ Name: 'defaultForAz', Values: ['true'] }, { Name: 'availability-zone', Values: ['us-east-1c'] }]).length, 1);
});

test('the default security group: "default", all traffic from itself in, all traffic out', () => {
  const { vpc, securityGroup, securityGroupRules } = defaultVpcLayout(context('eu-west-1'));
  const groupId = securityGroup.GroupId ?? '';
  assert.ok(isEc2Id(groupId, 'sg'));
  assert.equal(securityGroup.GroupName, 'default');
  assert.equal(securityGroup.Description, 'default VPC security group');
  assert.equal(securityGroup.VpcId, vpc.VpcId);
  assert.equal(securityGroup.SecurityGroupArn, `arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/${groupId}`);
  // The shape real DescribeSecurityGroups output has for a new VPC's default group.
  assert.deepEqual(securityGroup.IpPermissions, [
    { IpProtocol: '-1', IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ UserId: ACCOUNT, GroupId: groupId }] },
  ]);
  assert.deepEqual(securityGroup.IpPermissionsEgress, [
    { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
  ]);
  assert.deepEqual(
    securityGroupRules.map((r) => [r.IsEgress, r.IpProtocol, r.FromPort, r.ToPort, r.CidrIpv4 ?? r.ReferencedGroupInfo?.GroupId]),
    [
      [false, '-1', -1, -1, groupId],
      [true, '-1', -1, -1, '0.0.0.0/0'],
    ],
  );
  for (const rule of securityGroupRules) {
    assert.ok(isEc2Id(rule.SecurityGroupRuleId ?? '', 'sgr'));
    assert.equal(rule.GroupId, groupId);
    assert.equal(rule.GroupOwnerId, ACCOUNT);
    assert.equal(rule.SecurityGroupRuleArn, `arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group-rule/${rule.SecurityGroupRuleId}`);
  }
});

test('a non-default VPC gets the same default group; ids come only from the injected generator', () => {
  const minted: Ec2IdPrefix[] = [];
  const layout = defaultSecurityGroup('vpc-0123456789abcdef0', {
    accountId: ACCOUNT,
    region: 'cn-north-1',
    newId: (prefix) => {
      minted.push(prefix);
      return `${prefix}-${String(minted.length).padStart(17, '0')}`;
    },
  });
  assert.deepEqual(minted, ['sg', 'sgr', 'sgr']);
  assert.equal(layout.securityGroup.VpcId, 'vpc-0123456789abcdef0');
  assert.match(layout.securityGroup.SecurityGroupArn ?? '', /^arn:aws-cn:ec2:cn-north-1:/);
  const again = defaultVpcLayout(context('us-east-1'));
  assert.deepEqual(defaultVpcLayout(context('us-east-1')), again);
});
