import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { NetworkInterface, SecurityGroup, Subnet, TagDescription, Vpc } from '@aws-sdk/client-ec2';
import { AwsError } from '../../aws/errors.ts';
import {
  defineFilters,
  filterAvailabilityZones,
  filterNetworkInterfaces,
  filterSecurityGroupRules,
  filterSecurityGroups,
  filterSubnets,
  filterTagDescriptions,
  filterValuePattern,
  filterVpcs,
} from './filters.ts';

const vpcs: Vpc[] = [
  {
    VpcId: 'vpc-00000000000000001',
    CidrBlock: '172.31.0.0/16',
    IsDefault: true,
    State: 'available',
    OwnerId: '000000000000',
    DhcpOptionsId: 'dopt-00000000000000001',
    CidrBlockAssociationSet: [{ AssociationId: 'vpc-cidr-assoc-1', CidrBlock: '172.31.0.0/16', CidrBlockState: { State: 'associated' } }],
    Tags: [{ Key: 'Name', Value: 'default' }],
  },
  {
    VpcId: 'vpc-00000000000000002',
    CidrBlock: '10.0.0.0/16',
    IsDefault: false,
    State: 'available',
    OwnerId: '000000000000',
    Tags: [
      { Key: 'Name', Value: 'prod-main' },
      { Key: 'team', Value: 'payments' },
    ],
  },
];

function ids(list: readonly Vpc[]): string[] {
  return list.map((v) => v.VpcId ?? '');
}

function errorOf(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AwsError);
    return error;
  }
  assert.fail('expected an AwsError');
}

test('no filters, or an empty list, returns everything in order', () => {
  assert.deepEqual(ids(filterVpcs(vpcs, undefined)), ids(vpcs));
  assert.deepEqual(ids(filterVpcs(vpcs, [])), ids(vpcs));
});

test('values of one filter are ORed; filters are ANDed', () => {
  assert.deepEqual(ids(filterVpcs(vpcs, [{ Name: 'cidr', Values: ['10.0.0.0/16', '192.168.0.0/16'] }])), [
    'vpc-00000000000000002',
  ]);
  assert.deepEqual(
    ids(filterVpcs(vpcs, [{ Name: 'state', Values: ['available'] }, { Name: 'is-default', Values: ['false'] }])),
    ['vpc-00000000000000002'],
  );
  assert.deepEqual(ids(filterVpcs(vpcs, [{ Name: 'state', Values: ['available'] }, { Name: 'vpc-id', Values: ['nope'] }])), []);
});

test('booleans compare as "true"/"false", under both VPC spellings', () => {
  assert.deepEqual(ids(filterVpcs(vpcs, [{ Name: 'is-default', Values: ['true'] }])), ['vpc-00000000000000001']);
  assert.deepEqual(ids(filterVpcs(vpcs, [{ Name: 'isDefault', Values: ['true'] }])), ['vpc-00000000000000001']);
  assert.deepEqual(ids(filterVpcs(vpcs, [{ Name: 'isDefault', Values: ['True'] }])), []);
});

test('wildcards: * is any run, ? exactly one character, backslash escapes; matching is case-sensitive and whole-value', () => {
  assert.deepEqual(ids(filterVpcs(vpcs, [{ Name: 'tag:Name', Values: ['prod-*'] }])), ['vpc-00000000000000002']);
  assert.deepEqual(ids(filterVpcs(vpcs, [{ Name: 'tag:Name', Values: ['PROD-*'] }])), []);
  assert.deepEqual(ids(filterVpcs(vpcs, [{ Name: 'cidr', Values: ['10.0.0.0/1?'] }])), ['vpc-00000000000000002']);
  assert.deepEqual(ids(filterVpcs(vpcs, [{ Name: 'cidr', Values: ['10.0.0.0/1'] }])), []);
  assert.ok(filterValuePattern('\\*amazon\\?\\\\').test('*amazon?\\'));
  assert.ok(!filterValuePattern('\\*amazon\\?\\\\').test('xamazonx\\'));
  assert.ok(filterValuePattern('a.b').test('a.b') && !filterValuePattern('a.b').test('axb'));
  assert.ok(filterValuePattern('(x)[y]{z}|^$+').test('(x)[y]{z}|^$+'));
});

test('a value without wildcards matches exactly itself', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (value, other) => {
      const literal = value.replace(/[\\*?]/g, '');
      const pattern = filterValuePattern(literal);
      return pattern.test(literal) && (other === literal || !pattern.test(other));
    }),
  );
});

test('* matches any string and a run of ? matches exactly that many characters', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => filterValuePattern('*').test(s)));
  fc.assert(
    fc.property(fc.string({ maxLength: 20, unit: 'binary' }), fc.nat({ max: 20 }), (s, n) =>
      filterValuePattern('?'.repeat(n)).test(s) === ([...s].length === n),
    ),
  );
});

test('tag:<key>, tag-key and tag-value', () => {
  assert.deepEqual(ids(filterVpcs(vpcs, [{ Name: 'tag:team', Values: ['payments'] }])), ['vpc-00000000000000002']);
  assert.deepEqual(ids(filterVpcs(vpcs, [{ Name: 'tag-key', Values: ['team'] }])), ['vpc-00000000000000002']);
  assert.deepEqual(ids(filterVpcs(vpcs, [{ Name: 'tag-key', Values: ['Name'] }])), ids(vpcs));
  assert.deepEqual(ids(filterVpcs(vpcs, [{ Name: 'tag-value', Values: ['default'] }])), ['vpc-00000000000000001']);
  assert.deepEqual(ids(filterVpcs(vpcs, [{ Name: 'tag:Missing', Values: ['*'] }])), []);
});

test('an unknown filter name is InvalidParameterValue "The filter \'x\' is invalid", even with nothing to filter', () => {
  const error = errorOf(() => filterVpcs([], [{ Name: 'bogus', Values: ['x'] }]));
  assert.equal(error.code, 'InvalidParameterValue');
  assert.equal(error.message, "The filter 'bogus' is invalid");
  assert.equal(error.httpStatus, 400);
  // Names are case-sensitive, and filters AWS does not list for a resource are refused.
  assert.equal(errorOf(() => filterVpcs(vpcs, [{ Name: 'VPC-ID', Values: ['x'] }])).code, 'InvalidParameterValue');
  assert.equal(errorOf(() => filterAvailabilityZones([], [{ Name: 'tag:Name', Values: ['x'] }])).code, 'InvalidParameterValue');
  assert.equal(errorOf(() => filterSecurityGroupRules([], [{ Name: 'tag-key', Values: ['x'] }])).code, 'InvalidParameterValue');
  assert.equal(errorOf(() => filterVpcs(vpcs, [{ Name: 'constructor', Values: ['x'] }])).code, 'InvalidParameterValue');
});

test('filter values longer than 255 characters are FilterLimitExceeded', () => {
  assert.equal(errorOf(() => filterVpcs(vpcs, [{ Name: 'vpc-id', Values: ['x'.repeat(256)] }])).code, 'FilterLimitExceeded');
  assert.deepEqual(filterVpcs(vpcs, [{ Name: 'vpc-id', Values: ['x'.repeat(255)] }]), []);
});

test('a filter with no values matches nothing', () => {
  assert.deepEqual(filterVpcs(vpcs, [{ Name: 'vpc-id', Values: [] }]), []);
});

test('subnet aliases and numbers', () => {
  const subnets: Subnet[] = [
    { SubnetId: 'subnet-1', AvailabilityZone: 'us-east-1a', CidrBlock: '10.0.1.0/24', DefaultForAz: false, AvailableIpAddressCount: 251 },
    { SubnetId: 'subnet-2', AvailabilityZone: 'us-east-1b', CidrBlock: '172.31.0.0/20', DefaultForAz: true, AvailableIpAddressCount: 4091 },
  ];
  const pick = (name: string, value: string) => filterSubnets(subnets, [{ Name: name, Values: [value] }]).map((s) => s.SubnetId);
  for (const name of ['availability-zone', 'availabilityZone']) assert.deepEqual(pick(name, 'us-east-1b'), ['subnet-2']);
  for (const name of ['cidr-block', 'cidrBlock', 'cidr']) assert.deepEqual(pick(name, '10.0.1.0/24'), ['subnet-1']);
  for (const name of ['default-for-az', 'defaultForAz']) assert.deepEqual(pick(name, 'true'), ['subnet-2']);
  assert.deepEqual(pick('available-ip-address-count', '251'), ['subnet-1']);
});

test('security group rule filters look across all permissions of a group, and match literally', () => {
  const groups: SecurityGroup[] = [
    {
      GroupId: 'sg-1',
      GroupName: 'web',
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: 'tcp', FromPort: 20, ToPort: 30, UserIdGroupPairs: [{ GroupId: 'sg-2', UserId: '000000000000' }] },
      ],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    },
    { GroupId: 'sg-2', GroupName: 'db', IpPermissions: [], IpPermissionsEgress: [] },
  ];
  const pick = (...filters: [string, string][]) =>
    filterSecurityGroups(groups, filters.map(([Name, value]) => ({ Name, Values: [value] }))).map((g) => g.GroupId);
  assert.deepEqual(pick(['ip-permission.cidr', '0.0.0.0/0']), ['sg-1']);
  assert.deepEqual(pick(['ip-permission.group-id', 'sg-2']), ['sg-1']);
  assert.deepEqual(pick(['ip-permission.from-port', '22']), []);
  assert.deepEqual(pick(['ip-permission.from-port', '20']), ['sg-1']);
  // Any combination of rules may satisfy the filters together (cidr from one rule, port from another).
  assert.deepEqual(pick(['ip-permission.cidr', '0.0.0.0/0'], ['ip-permission.to-port', '30']), ['sg-1']);
  assert.deepEqual(pick(['egress.ip-permission.protocol', '-1']), ['sg-1']);
  assert.deepEqual(pick(['group-name', 'd?']), ['sg-2']);
});

test('network interface filters read TagSet, groups and every private address', () => {
  const enis: NetworkInterface[] = [
    {
      NetworkInterfaceId: 'eni-1',
      PrivateIpAddress: '10.0.1.4',
      PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.4', Primary: true }, { PrivateIpAddress: '10.0.1.9', Primary: false }],
      Groups: [{ GroupId: 'sg-1' }, { GroupId: 'sg-3' }],
      Status: 'in-use',
      TagSet: [{ Key: 'aws:ecs:clusterName', Value: 'default' }],
    },
  ];
  const pick = (name: string, value: string) => filterNetworkInterfaces(enis, [{ Name: name, Values: [value] }]).length;
  assert.equal(pick('private-ip-address', '10.0.1.9'), 1);
  assert.equal(pick('addresses.private-ip-address', '10.0.1.4'), 1);
  assert.equal(pick('addresses.primary', 'false'), 1);
  assert.equal(pick('group-id', 'sg-3'), 1);
  assert.equal(pick('status', 'available'), 0);
  assert.equal(pick('tag:aws:ecs:clusterName', 'default'), 1);
});

test('availability zones and tag descriptions', () => {
  const zones = [{ ZoneName: 'us-east-1a', ZoneId: 'use1-az1', RegionName: 'us-east-1', State: 'available' as const }];
  assert.equal(filterAvailabilityZones(zones, [{ Name: 'zone-id', Values: ['use1-*'] }]).length, 1);
  const tags: TagDescription[] = [
    { Key: 'Name', Value: 'web', ResourceId: 'sg-1', ResourceType: 'security-group' },
    { Key: 'env', Value: 'prod', ResourceId: 'sg-1', ResourceType: 'security-group' },
    { Key: 'Name', Value: 'main', ResourceId: 'vpc-1', ResourceType: 'vpc' },
  ];
  const keys = (filters: { Name: string; Values: string[] }[]) => filterTagDescriptions(tags, filters).map((t) => `${t.ResourceId}/${t.Key}`);
  assert.deepEqual(keys([{ Name: 'resource-type', Values: ['vpc'] }]), ['vpc-1/Name']);
  assert.deepEqual(keys([{ Name: 'key', Values: ['Name'] }, { Name: 'value', Values: ['w*'] }]), ['sg-1/Name']);
  assert.deepEqual(keys([{ Name: 'tag:env', Values: ['prod'] }]), ['sg-1/env']);
  assert.equal(errorOf(() => filterTagDescriptions(tags, [{ Name: 'tag-value', Values: ['x'] }])).code, 'InvalidParameterValue');
});

test('a table built with defineFilters reads arrays, numbers and absent values', () => {
  interface Thing {
    readonly name?: string;
    readonly sizes: number[];
  }
  const filterThings = defineFilters<Thing>({ name: (t) => t.name, size: (t) => t.sizes });
  const things: Thing[] = [{ name: 'a', sizes: [1, 2] }, { sizes: [3] }];
  assert.deepEqual(filterThings(things, [{ Name: 'size', Values: ['2'] }]), [things[0]]);
  assert.deepEqual(filterThings(things, [{ Name: 'name', Values: ['*'] }]), [things[0]]);
});
