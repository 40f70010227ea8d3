import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { SecurityGroupRuleRecord } from '../../services/ec2/records.ts';
import { blockContains, parseAddress, parseBlock } from '../ipv4.ts';
import { compileRuleset, matchOf, mergeRanges, rulesetAllows, type Packet, type PeerInterface, type TaskGroups } from './ruleset.ts';

const GROUPS = ['sg-a', 'sg-b', 'sg-c', 'sg-d'];
/** A small address space so random packets often hit rules: 10.75.0.0/28 plus one far address. */
const ADDRESSES = [...Array.from({ length: 16 }, (_, i) => `10.75.0.${i}`), '203.0.113.9'];
const PORTS = [0, 22, 79, 80, 81, 443, 8080, 65535];

let ruleCounter = 0;
function rule(fields: Partial<SecurityGroupRuleRecord> & Pick<SecurityGroupRuleRecord, 'GroupId' | 'IsEgress'>): SecurityGroupRuleRecord {
  ruleCounter++;
  return { SecurityGroupRuleId: `sgr-${ruleCounter}`, ...fields };
}

/** AWS's meaning of one rule, straight from the record: the reference the compiled form must agree with. */
function ruleAllows(record: SecurityGroupRuleRecord, interfaces: readonly PeerInterface[], packet: Packet): boolean {
  if (record.IsEgress !== (packet.direction === 'egress')) return false;
  const protocol = record.IpProtocol ?? '-1';
  const from = record.FromPort ?? -1;
  const to = record.ToPort ?? -1;
  let protocolOk: boolean;
  if (protocol === '-1') protocolOk = true;
  else if (protocol === 'tcp' || protocol === 'udp') {
    protocolOk = packet.protocol === (protocol === 'tcp' ? 6 : 17) && packet.port !== undefined && packet.port >= from && packet.port <= to;
  } else if (protocol === 'icmp') {
    protocolOk = packet.protocol === 1 && (from === -1 || packet.port === from) && (from === -1 || to === -1 || packet.code === to);
  } else if (protocol === 'icmpv6') protocolOk = false;
  else protocolOk = packet.protocol === Number(protocol);
  if (!protocolOk) return false;
  if (record.CidrIpv4 !== undefined) {
    const block = parseBlock(record.CidrIpv4);
    const address = parseAddress(packet.peer);
    return block !== undefined && address !== undefined && blockContains(block, address);
  }
  const groupId = record.ReferencedGroupInfo?.GroupId;
  if (groupId !== undefined) return interfaces.some((eni) => eni.groupIds.includes(groupId) && eni.addresses.includes(packet.peer));
  return false;
}

function referenceAllows(groups: TaskGroups, packet: Packet): boolean {
  return groups.rules.some((record) => groups.groupIds.includes(record.GroupId) && ruleAllows(record, groups.interfaces, packet));
}

const ruleArbitrary = fc.record({
  group: fc.constantFrom(...GROUPS),
  isEgress: fc.boolean(),
  protocol: fc.constantFrom('-1', 'tcp', 'udp', 'icmp', 'icmpv6', '50'),
  from: fc.constantFrom(...PORTS),
  span: fc.constantFrom(0, 1, 100, 70000),
  icmp: fc.constantFrom(-1, 0, 3, 8),
  code: fc.constantFrom(-1, 0, 1),
  peer: fc.oneof(
    fc.record({ kind: fc.constant('cidr' as const), base: fc.constantFrom(...ADDRESSES), prefix: fc.constantFrom(0, 8, 24, 29, 30, 32) }),
    fc.record({ kind: fc.constant('group' as const), groupId: fc.constantFrom(...GROUPS) }),
    fc.record({ kind: fc.constant('ipv6' as const) }),
  ),
}).map((r): SecurityGroupRuleRecord => {
  const ports = r.protocol === 'tcp' || r.protocol === 'udp'
    ? { FromPort: r.from, ToPort: Math.min(65535, r.from + r.span) }
    : r.protocol === 'icmp' ? { FromPort: r.icmp, ToPort: r.icmp === -1 ? -1 : r.code } : { FromPort: -1, ToPort: -1 };
  const peer = r.peer.kind === 'cidr'
    ? { CidrIpv4: `${r.peer.base}/${r.peer.prefix}` }
    : r.peer.kind === 'group' ? { ReferencedGroupInfo: { GroupId: r.peer.groupId, UserId: '123456789012' } } : { CidrIpv6: '::/0' };
  return rule({ GroupId: r.group, IsEgress: r.isEgress, IpProtocol: r.protocol, ...ports, ...peer });
});

const interfaceArbitrary = fc.record({
  groupIds: fc.subarray(GROUPS),
  addresses: fc.subarray(ADDRESSES, { minLength: 1, maxLength: 2 }),
});

const packetArbitrary = fc.record({
  direction: fc.constantFrom('ingress' as const, 'egress' as const),
  protocol: fc.constantFrom(1, 6, 17, 50, 132),
  port: fc.constantFrom(...PORTS, 3, 8),
  code: fc.constantFrom(0, 1, 2),
  peer: fc.constantFrom(...ADDRESSES),
}).map((p): Packet => ({ ...p, ...(p.protocol === 6 || p.protocol === 17 || p.protocol === 1 ? {} : { port: undefined, code: undefined }) }));

test('a packet is allowed by the compiled ruleset iff some rule of one of the task\'s groups allows it', () => {
  fc.assert(fc.property(
    fc.subarray(GROUPS, { minLength: 1 }),
    fc.array(ruleArbitrary, { maxLength: 12 }),
    fc.array(interfaceArbitrary, { maxLength: 5 }),
    fc.array(packetArbitrary, { minLength: 1, maxLength: 20 }),
    (groupIds, rules, interfaces, packets) => {
      const groups: TaskGroups = { groupIds, rules, interfaces };
      const ruleset = compileRuleset(groups);
      for (const packet of packets) assert.equal(rulesetAllows(ruleset, packet), referenceAllows(groups, packet), JSON.stringify(packet));
    },
  ), { numRuns: 400 });
});

test('compiling is deterministic whatever the order of rules and interfaces, and has one entry per kind of traffic', () => {
  fc.assert(fc.property(
    fc.array(ruleArbitrary, { maxLength: 10 }),
    fc.array(interfaceArbitrary, { maxLength: 4 }),
    (rules, interfaces) => {
      const groups = { groupIds: GROUPS, rules, interfaces };
      const shuffled = { groupIds: [...GROUPS].reverse(), rules: [...rules].reverse(), interfaces: [...interfaces].reverse() };
      const compiled = compileRuleset(groups);
      assert.deepEqual(compiled, compileRuleset(shuffled));
      for (const direction of [compiled.ingress, compiled.egress]) {
        const keys = direction.map((entry) => JSON.stringify(entry.match));
        assert.equal(new Set(keys).size, keys.length);
        for (const entry of direction) {
          assert.ok(entry.peers.length > 0);
          entry.peers.forEach(([start, end], i) => {
            assert.ok(start <= end);
            const next = entry.peers[i + 1];
            if (next) assert.ok(next[0] > end + 1, 'ranges are merged: no overlap, no touching');
          });
        }
      }
    },
  ));
});

test('the default group: all egress, and ingress only from interfaces in the group itself', () => {
  const groups: TaskGroups = {
    groupIds: ['sg-default'],
    rules: [
      rule({ GroupId: 'sg-default', IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' }),
      rule({ GroupId: 'sg-default', IsEgress: false, IpProtocol: '-1', ReferencedGroupInfo: { GroupId: 'sg-default' } }),
    ],
    interfaces: [
      { groupIds: ['sg-default'], addresses: ['10.75.1.4'] },
      { groupIds: ['sg-default'], addresses: ['10.75.1.5'] },
      { groupIds: ['sg-other'], addresses: ['10.75.1.6'] },
    ],
  };
  const ruleset = compileRuleset(groups);
  assert.deepEqual(ruleset.egress, [{ match: { protocol: 'all' }, peers: [[0, 2 ** 32 - 1]] }]);
  assert.deepEqual(ruleset.ingress.map((entry) => entry.peers), [[[parseAddress('10.75.1.4'), parseAddress('10.75.1.5')]]]);
  assert.equal(rulesetAllows(ruleset, { direction: 'ingress', protocol: 6, port: 80, peer: '10.75.1.6' }), false);
  assert.equal(rulesetAllows(ruleset, { direction: 'ingress', protocol: 6, port: 80, peer: '10.75.1.1' }), false, 'the host (gateway) is not in the group');
});

test('matchOf reads protocol numbers, ICMP types and codes, and drops what IPv4 never carries', () => {
  assert.deepEqual(matchOf({ IpProtocol: '6', FromPort: 80, ToPort: 81 }), { protocol: 'tcp', fromPort: 80, toPort: 81 });
  assert.deepEqual(matchOf({ IpProtocol: 'icmp', FromPort: 8, ToPort: -1 }), { protocol: 'icmp', type: 8 });
  assert.deepEqual(matchOf({ IpProtocol: 'icmp', FromPort: -1, ToPort: -1 }), { protocol: 'icmp' });
  assert.deepEqual(matchOf({ IpProtocol: 'icmp', FromPort: 3, ToPort: 4 }), { protocol: 'icmp', type: 3, code: 4 });
  assert.deepEqual(matchOf({ IpProtocol: '132' }), { protocol: 'number', number: 132 });
  assert.equal(matchOf({ IpProtocol: 'icmpv6' }), undefined);
  assert.deepEqual(mergeRanges([[5, 9], [1, 3], [4, 4], [20, 30], [25, 26]]), [[1, 9], [20, 30]]);
});

test('for a task with a public IP the host stands for the internet: outside-VPC CIDR rules admit its gateway address, VPC-internal ones do not', () => {
  const base = {
    groupIds: ['sg-web'],
    interfaces: [],
    internet: { hostAddress: '10.75.1.1', vpcBlocks: ['10.75.0.0/16'] },
  };
  const fromHost = (port: number): Packet => ({ direction: 'ingress', protocol: 6, port, peer: '10.75.1.1' });
  const myIp = compileRuleset({ ...base, rules: [rule({ GroupId: 'sg-web', IsEgress: false, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '203.0.113.10/32' })] });
  assert.equal(rulesetAllows(myIp, fromHost(80)), true, 'MY_IP/32 admits the user on the host');
  assert.equal(rulesetAllows(myIp, fromHost(81)), false, 'only on the rule\'s ports');
  assert.equal(rulesetAllows(myIp, { direction: 'ingress', protocol: 6, port: 80, peer: '10.75.1.9' }), false, 'not other VPC addresses');
  const internal = compileRuleset({ ...base, rules: [rule({ GroupId: 'sg-web', IsEgress: false, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '10.75.2.0/24' })] });
  assert.equal(rulesetAllows(internal, fromHost(80)), false, 'a rule inside the VPC is about the VPC, not the internet');
  const { internet: _internet, ...privateTask } = base;
  const noPublicIp = compileRuleset({ ...privateTask, rules: [rule({ GroupId: 'sg-web', IsEgress: false, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '203.0.113.10/32' })] });
  assert.equal(rulesetAllows(noPublicIp, fromHost(80)), false, 'without a public IP the internet cannot reach the task');
});
