import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { IpPermission, SecurityGroupRule, UserIdGroupPair } from '@aws-sdk/client-ec2';
import { AwsError } from '../../aws/errors.ts';
import { invalidGroupNotFound } from './errors.ts';
import { ec2IdGenerator } from './ids.ts';
import {
  canonicalIpProtocol,
  duplicateRuleText,
  ipPermissionsFromRules,
  planAuthorization,
  planRevocation,
  ruleKey,
  ruleSpecOf,
  ruleSpecsFromPermissions,
  type PermissionRequest,
  type RuleContext,
  type RuleSpec,
} from './ip-permissions.ts';

const OWNER = '000000000000';
const GROUP = 'sg-00000000000000001';

function resolveGroup(pair: UserIdGroupPair): { groupId: string; userId: string } {
  if (pair.GroupId) return { groupId: pair.GroupId, userId: pair.UserId ?? OWNER };
  if (pair.GroupName === 'web') return { groupId: 'sg-0000000000000000a', userId: pair.UserId ?? OWNER };
  throw invalidGroupNotFound(pair.GroupName ?? 'null');
}

function context(isEgress = false) {
  let n = 0;
  return {
    isEgress,
    resolveGroup,
    groupId: GROUP,
    groupOwnerId: OWNER,
    newId: ec2IdGenerator((size) => Uint8Array.from({ length: size }, () => n++ % 256)),
  };
}

function authorize(request: PermissionRequest, existing: readonly SecurityGroupRule[] = [], isEgress = false): SecurityGroupRule[] {
  return planAuthorization(request, existing, context(isEgress));
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

const tcp80: IpPermission = { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

test('what `aws ec2 authorize-security-group-ingress --protocol tcp --port 80 --cidr 0.0.0.0/0` sends becomes one rule', () => {
  const [rule, ...rest] = authorize({ IpPermissions: [tcp80] });
  assert.equal(rest.length, 0);
  assert.match(rule?.SecurityGroupRuleId ?? '', /^sgr-[0-9a-f]{17}$/);
  assert.deepEqual({ ...rule, SecurityGroupRuleId: undefined }, {
    SecurityGroupRuleId: undefined,
    GroupId: GROUP,
    GroupOwnerId: OWNER,
    IsEgress: false,
    IpProtocol: 'tcp',
    FromPort: 80,
    ToPort: 80,
    CidrIpv4: '0.0.0.0/0',
    Tags: [],
  });
});

test('the flat parameters give the same rule; CIDRs are canonicalized', () => {
  const [rule] = authorize({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '100.68.0.18/18' });
  assert.equal(rule?.CidrIpv4, '100.68.0.0/18');
  assert.equal(rule?.FromPort, 22);
});

test('SourceSecurityGroupName alone grants ICMP, TCP and UDP from that group', () => {
  const rules = authorize({ SourceSecurityGroupName: 'web' });
  assert.deepEqual(
    rules.map((r) => [r.IpProtocol, r.FromPort, r.ToPort, r.ReferencedGroupInfo?.GroupId, r.ReferencedGroupInfo?.UserId]),
    [
      ['icmp', -1, -1, 'sg-0000000000000000a', OWNER],
      ['tcp', 0, 65535, 'sg-0000000000000000a', OWNER],
      ['udp', 0, 65535, 'sg-0000000000000000a', OWNER],
    ],
  );
  assert.equal(errorOf(() => authorize({ SourceSecurityGroupName: 'nope' })).code, 'InvalidGroup.NotFound');
});

test('flat parameters are refused on egress, with IpPermissions, or CidrIp with a source group', () => {
  assert.equal(errorOf(() => authorize({ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIp: '10.0.0.0/8' }, [], true)).code, 'InvalidParameterCombination');
  assert.equal(errorOf(() => authorize({ IpPermissions: [tcp80], CidrIp: '10.0.0.0/8' })).code, 'InvalidParameterCombination');
  assert.equal(errorOf(() => authorize({ SourceSecurityGroupName: 'web', CidrIp: '10.0.0.0/8' })).code, 'InvalidParameterCombination');
});

test('protocols: names any case, numbers 1/6/17/58 become names, -1 stays, "all" is unknown to the API', () => {
  assert.equal(canonicalIpProtocol('TCP'), 'tcp');
  assert.equal(canonicalIpProtocol('6'), 'tcp');
  assert.equal(canonicalIpProtocol('17'), 'udp');
  assert.equal(canonicalIpProtocol('1'), 'icmp');
  assert.equal(canonicalIpProtocol('58'), 'icmpv6');
  assert.equal(canonicalIpProtocol('-1'), '-1');
  assert.equal(canonicalIpProtocol('050'), '50');
  const unknown = errorOf(() => canonicalIpProtocol('all'));
  assert.equal(unknown.message, "Invalid value 'all' for IP protocol. Unknown protocol.");
  assert.equal(errorOf(() => canonicalIpProtocol('256')).code, 'InvalidParameterValue');
  assert.equal(errorOf(() => canonicalIpProtocol(undefined)).message, "Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly.");
});

test('ports: all-protocol and other numbers ignore them; TCP/UDP and ICMP need both, in range', () => {
  const ports = (permission: IpPermission) => authorize({ IpPermissions: [{ ...permission, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] }).map((r) => [r.FromPort, r.ToPort]);
  assert.deepEqual(ports({ IpProtocol: '-1', FromPort: 0, ToPort: 0 }), [[-1, -1]]);
  assert.deepEqual(ports({ IpProtocol: '50', FromPort: 10, ToPort: 20 }), [[-1, -1]]);
  assert.deepEqual(ports({ IpProtocol: 'udp', FromPort: 53, ToPort: 53 }), [[53, 53]]);
  assert.deepEqual(ports({ IpProtocol: 'icmp', FromPort: 8, ToPort: -1 }), [[8, -1]]);
  assert.deepEqual(ports({ IpProtocol: 'icmp', FromPort: -1, ToPort: -1 }), [[-1, -1]]);
  assert.deepEqual(ports({ IpProtocol: 'icmpv6' }), [[-1, -1]]);
  const code = (permission: IpPermission) => errorOf(() => ports(permission)).message;
  assert.equal(code({ IpProtocol: 'tcp', ToPort: 80 }), "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.");
  assert.equal(code({ IpProtocol: 'tcp', FromPort: -1, ToPort: -1 }), 'TCP/UDP port (-1) out of range');
  assert.equal(code({ IpProtocol: 'tcp', FromPort: 0, ToPort: 65536 }), 'TCP/UDP port (65536) out of range');
  assert.match(code({ IpProtocol: 'tcp', FromPort: 90, ToPort: 80 }), /90/);
  assert.equal(code({ IpProtocol: 'icmp' }), "Invalid value 'Must specify both from and to ports with ICMP.' for portRange.");
  assert.equal(code({ IpProtocol: 'icmp', FromPort: 0, ToPort: 65535 }), 'ICMP code (65535) out of range');
  assert.match(code({ IpProtocol: 'icmp', FromPort: -1, ToPort: 0 }), /ICMP code \(0\)/);
});

test('one rule per peer; IPv6 and prefix lists; descriptions kept and checked', () => {
  const rules = authorize({
    IpPermissions: [
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'LA office (main)' }, { CidrIp: '192.168.0.0/16' }],
        Ipv6Ranges: [{ CidrIpv6: '2001:DB8:1234:1A00::/64' }],
        PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0' }],
        UserIdGroupPairs: [{ GroupId: 'sg-0000000000000000b', Description: 'from app' }],
      },
    ],
  });
  assert.deepEqual(
    rules.map((r) => r.CidrIpv4 ?? r.CidrIpv6 ?? r.PrefixListId ?? r.ReferencedGroupInfo?.GroupId),
    ['10.0.0.0/8', '192.168.0.0/16', '2001:db8:1234:1a00::/64', 'pl-0123456789abcdef0', 'sg-0000000000000000b'],
  );
  assert.deepEqual(rules.map((r) => r.Description), ['LA office (main)', undefined, undefined, undefined, 'from app']);
  const bad = (Description: string) => authorize({ IpPermissions: [{ ...tcp80, IpRanges: [{ CidrIp: '0.0.0.0/0', Description }] }] });
  assert.match(errorOf(() => bad("AWS' own")).message, /^Invalid rule description/);
  assert.match(errorOf(() => bad('x'.repeat(256))).message, /^Invalid rule description/);
  assert.equal(bad('x'.repeat(255))[0]?.Description?.length, 255);
  assert.equal(errorOf(() => authorize({ IpPermissions: [{ ...tcp80, IpRanges: [{ CidrIp: '0.0.0.0/33' }] }] })).message, 'CIDR block 0.0.0.0/33 is malformed');
  assert.equal(errorOf(() => authorize({ IpPermissions: [{ ...tcp80, IpRanges: [], Ipv6Ranges: [{ CidrIpv6: '::/129' }] }] })).message, 'CIDR block ::/129 is malformed');
});

test('a request naming one rule twice is refused, even via a non-canonical CIDR', () => {
  const error = errorOf(() =>
    authorize({ IpPermissions: [{ ...tcp80, IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '10.0.0.5/8' }] }] }),
  );
  assert.equal(error.code, 'InvalidParameterValue');
  assert.equal(error.message, 'The same permission must not appear multiple times');
});

test('a rule the group has is InvalidPermission.Duplicate with AWS\'s description of it', () => {
  const existing = authorize({ IpPermissions: [tcp80] });
  const again = errorOf(() => authorize({ IpPermissions: [{ ...tcp80, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'other' }] }] }, existing));
  assert.equal(again.code, 'InvalidPermission.Duplicate');
  assert.equal(again.message, 'the specified rule "peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW" already exists');
  // The same rule in the other direction is a different rule.
  assert.equal(authorize({ IpPermissions: [tcp80] }, existing, true).length, 1);
});

test('duplicate texts follow AWS for every kind of protocol and peer', () => {
  const spec = (ipProtocol: string, fromPort: number, toPort: number, peer: RuleSpec['peer']): RuleSpec => ({ isEgress: false, ipProtocol, fromPort, toPort, peer });
  const cidr = { kind: 'cidr-ipv4', cidr: '0.0.0.0/0' } as const;
  assert.equal(duplicateRuleText(spec('-1', -1, -1, cidr)), 'peer: 0.0.0.0/0, ALL, ALLOW');
  assert.equal(duplicateRuleText(spec('50', -1, -1, cidr)), 'peer: 0.0.0.0/0, protocol: 50, ALLOW');
  assert.equal(duplicateRuleText(spec('icmp', -1, -1, cidr)), 'peer: 0.0.0.0/0, ICMP, type: ALL, code: ALL, ALLOW');
  assert.equal(
    duplicateRuleText(spec('tcp', 0, 65535, { kind: 'group', groupId: 'sg-8b3b99f3', userId: OWNER })),
    'peer: sg-8b3b99f3, TCP, from port: 0, to port: 65535, ALLOW',
  );
  assert.equal(duplicateRuleText(spec('udp', 50000, 60000, cidr)), 'peer: 0.0.0.0/0, UDP, from port: 50000, to port: 60000, ALLOW');
});

test('the per-direction quota counts IPv4 and IPv6 apart; group peers count for both', () => {
  const many = (count: number, family: 'v4' | 'v6'): IpPermission => ({
    IpProtocol: 'tcp',
    FromPort: 1,
    ToPort: 1,
    ...(family === 'v4'
      ? { IpRanges: Array.from({ length: count }, (_, i) => ({ CidrIp: `10.0.${i}.0/24` })) }
      : { Ipv6Ranges: Array.from({ length: count }, (_, i) => ({ CidrIpv6: `2001:db8:${i.toString(16)}::/48` })) }),
  });
  const sixty = authorize({ IpPermissions: [many(60, 'v4')] });
  assert.equal(sixty.length, 60);
  assert.equal(authorize({ IpPermissions: [many(60, 'v6')] }, sixty).length, 60);
  assert.equal(errorOf(() => authorize({ IpPermissions: [many(61, 'v4')] })).code, 'RulesPerSecurityGroupLimitExceeded');
  const groupRule: IpPermission = { IpProtocol: 'tcp', FromPort: 2, ToPort: 2, UserIdGroupPairs: [{ GroupId: 'sg-0000000000000000b' }] };
  assert.equal(errorOf(() => authorize({ IpPermissions: [groupRule] }, sixty)).code, 'RulesPerSecurityGroupLimitExceeded');
  assert.equal(authorize({ IpPermissions: [groupRule] }, sixty, true).length, 1);
});

test('revoke matches without descriptions; a miss is NotFound outside the default VPC and reported inside it', () => {
  const existing = authorize({ IpPermissions: [{ ...tcp80, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'web' }] }] });
  const revokeContext = (inDefaultVpc: boolean): RuleContext & { inDefaultVpc: boolean } => ({ isEgress: false, resolveGroup, inDefaultVpc });
  const plan = planRevocation({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0' }, existing, revokeContext(false));
  assert.deepEqual(plan.revoked, existing);
  assert.deepEqual(plan.unknown, []);
  const miss: PermissionRequest = { IpPermissions: [{ ...tcp80, FromPort: 81, ToPort: 81 }] };
  const notFound = errorOf(() => planRevocation(miss, existing, revokeContext(false)));
  assert.equal(notFound.code, 'InvalidPermission.NotFound');
  assert.equal(notFound.message, 'The specified rule does not exist in this security group');
  const lenient = planRevocation(miss, existing, revokeContext(true));
  assert.deepEqual(lenient.revoked, []);
  assert.deepEqual(ipPermissionsFromRules(lenient.unknown), [
    { IpProtocol: 'tcp', FromPort: 81, ToPort: 81, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
  ]);
});

test('rules merge back into IpPermissions by protocol and ports, as DescribeSecurityGroups shows them', () => {
  const rules = authorize({
    IpPermissions: [
      { ...tcp80, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'office' }] },
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      { ...tcp80, IpRanges: [{ CidrIp: '192.168.0.0/16' }], UserIdGroupPairs: [{ GroupId: 'sg-0000000000000000b' }] },
    ],
  });
  assert.deepEqual(ipPermissionsFromRules(rules), [
    {
      IpProtocol: 'tcp',
      FromPort: 80,
      ToPort: 80,
      IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'office' }, { CidrIp: '192.168.0.0/16' }],
      Ipv6Ranges: [],
      PrefixListIds: [],
      UserIdGroupPairs: [{ UserId: OWNER, GroupId: 'sg-0000000000000000b' }],
    },
    { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
  ]);
});

// ---- properties ------------------------------------------------------------------------------------

const arbitraryPermission: fc.Arbitrary<IpPermission> = fc
  .record({
    protocol: fc.constantFrom('tcp', 'udp', 'icmp', '-1', '47'),
    from: fc.integer({ min: 0, max: 255 }),
    span: fc.integer({ min: 0, max: 100 }),
    cidrs: fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }),
    groups: fc.uniqueArray(fc.integer({ min: 10, max: 15 }), { maxLength: 2 }),
  })
  .map(({ protocol, from, span, cidrs, groups }) => ({
    IpProtocol: protocol,
    FromPort: from,
    ToPort: protocol === 'icmp' ? Math.min(from + span, 255) : from + span,
    IpRanges: cidrs.map((third) => ({ CidrIp: `10.${third}.0.0/16` })),
    UserIdGroupPairs: groups.map((n) => ({ GroupId: `sg-000000000000000${n.toString(16)}0` })),
  }));

function keysOf(specs: readonly RuleSpec[]): string[] {
  return specs.map(ruleKey).sort();
}

test('property: IpPermissions → rules → IpPermissions → rules is stable', () => {
  fc.assert(
    fc.property(fc.array(arbitraryPermission, { maxLength: 5 }), (permissions) => {
      let specs: RuleSpec[];
      try {
        specs = ruleSpecsFromPermissions(permissions, { isEgress: false, resolveGroup });
      } catch (error) {
        return error instanceof AwsError && error.message === 'The same permission must not appear multiple times';
      }
      const again = ruleSpecsFromPermissions(ipPermissionsFromRules(specs), { isEgress: false, resolveGroup });
      return JSON.stringify(keysOf(again)) === JSON.stringify(keysOf(specs));
    }),
  );
});

test('property: authorizing the same request twice is always a Duplicate, and stored rules read back as their specs', () => {
  fc.assert(
    fc.property(arbitraryPermission.filter((p) => (p.IpRanges?.length ?? 0) + (p.UserIdGroupPairs?.length ?? 0) > 0), (permission) => {
      const first = authorize({ IpPermissions: [permission] });
      const specs = ruleSpecsFromPermissions([permission], { isEgress: false, resolveGroup });
      const roundTrip = JSON.stringify(keysOf(first.map(ruleSpecOf))) === JSON.stringify(keysOf(specs));
      const second = errorOf(() => authorize({ IpPermissions: [permission] }, first));
      return roundTrip && second.code === 'InvalidPermission.Duplicate' && second.message.startsWith('the specified rule "peer: ');
    }),
  );
});
