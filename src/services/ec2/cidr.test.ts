import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AwsError } from '../../aws/errors.ts';
import {
  availableIpAddressCount,
  canonicalIpv4Cidr,
  canonicalIpv6Cidr,
  cidrContains,
  cidrContainsAddress,
  cidrLastAddress,
  cidrSize,
  cidrsOverlap,
  firstFreeAddress,
  formatIpv4Address,
  formatIpv4Cidr,
  parseIpv4Address,
  parseIpv4Cidr,
  subnetReservedAddresses,
  validateSubnetCidrBlock,
  validateVpcCidrBlock,
  type Ipv4Cidr,
} from './cidr.ts';

const address = fc.integer({ min: 0, max: 0xffffffff });
const anyCidr = fc
  .record({ address, prefixLength: fc.integer({ min: 0, max: 32 }) })
  .map(({ address: a, prefixLength }) => parseIpv4Cidr(`${formatIpv4Address(a)}/${prefixLength}`) as Ipv4Cidr);
const smallSubnet = fc
  .record({ address, prefixLength: fc.integer({ min: 26, max: 28 }) })
  .map(({ address: a, prefixLength }) => parseIpv4Cidr(`${formatIpv4Address(a)}/${prefixLength}`) as Ipv4Cidr);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AwsError);
    return error.code;
  }
  assert.fail('expected an AwsError');
}

test('addresses round-trip through text', () => {
  fc.assert(fc.property(address, (a) => parseIpv4Address(formatIpv4Address(a)) === a));
});

test('malformed addresses and blocks are rejected', () => {
  for (const bad of ['10.0.0', '10.0.0.256', '10.0.0.01', '10.0.0.-1', 'a.b.c.d', '10.0.0.0.0', '']) {
    assert.equal(parseIpv4Address(bad), undefined, bad);
  }
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/08', '0.0.0.0/-1', '10.0.0.0/16/1', '10.0.0/16']) {
    assert.equal(parseIpv4Cidr(bad), undefined, bad);
  }
});

test('canonical form clears host bits, as AWS documents (100.68.0.18/18 → 100.68.0.0/18)', () => {
  assert.equal(canonicalIpv4Cidr('100.68.0.18/18'), '100.68.0.0/18');
  assert.equal(canonicalIpv4Cidr('0.0.0.0/0'), '0.0.0.0/0');
  assert.equal(canonicalIpv4Cidr('255.255.255.255/32'), '255.255.255.255/32');
  fc.assert(
    fc.property(anyCidr, (cidr) => {
      const text = formatIpv4Cidr(cidr);
      return canonicalIpv4Cidr(text) === text && parseIpv4Cidr(text)?.network === cidr.network;
    }),
  );
});

test('size, first and last address agree', () => {
  fc.assert(
    fc.property(anyCidr, (cidr) => {
      const size = cidrSize(cidr);
      return (
        size === 2 ** (32 - cidr.prefixLength) &&
        cidrLastAddress(cidr) - cidr.network + 1 === size &&
        cidrContainsAddress(cidr, cidr.network) &&
        cidrContainsAddress(cidr, cidrLastAddress(cidr)) &&
        !cidrContainsAddress(cidr, cidr.network - 1) &&
        !cidrContainsAddress(cidr, cidrLastAddress(cidr) + 1)
      );
    }),
  );
});

test('containment is reflexive and transitive; a block contains its halves', () => {
  fc.assert(fc.property(anyCidr, (cidr) => cidrContains(cidr, cidr)));
  fc.assert(
    fc.property(anyCidr, anyCidr, anyCidr, (a, b, c) => !(cidrContains(a, b) && cidrContains(b, c)) || cidrContains(a, c)),
  );
  fc.assert(
    fc.property(
      anyCidr.filter((c) => c.prefixLength < 32),
      (cidr) => {
        const lower = { network: cidr.network, prefixLength: cidr.prefixLength + 1 };
        const upper = { network: cidr.network + cidrSize(lower), prefixLength: cidr.prefixLength + 1 };
        return cidrContains(cidr, lower) && cidrContains(cidr, upper) && !cidrsOverlap(lower, upper);
      },
    ),
  );
});

test('overlap is symmetric and means sharing an address', () => {
  fc.assert(
    fc.property(anyCidr, anyCidr, (a, b) => {
      const shareAddress =
        Math.max(a.network, b.network) <= Math.min(cidrLastAddress(a), cidrLastAddress(b));
      return cidrsOverlap(a, b) === cidrsOverlap(b, a) && cidrsOverlap(a, b) === shareAddress;
    }),
  );
});

test('a subnet offers 2^(32-prefix) − 5 addresses: network, .1, .2, .3 and broadcast are AWS reserves', () => {
  const subnet = parseIpv4Cidr('10.0.1.0/24') as Ipv4Cidr;
  assert.equal(availableIpAddressCount(subnet), 251);
  assert.equal(availableIpAddressCount(parseIpv4Cidr('172.31.0.0/20') as Ipv4Cidr), 4091);
  assert.equal(availableIpAddressCount(parseIpv4Cidr('10.0.0.0/28') as Ipv4Cidr), 11);
  assert.equal(availableIpAddressCount(subnet, 10), 241);
  assert.deepEqual(subnetReservedAddresses(subnet).map(formatIpv4Address), [
    '10.0.1.0',
    '10.0.1.1',
    '10.0.1.2',
    '10.0.1.3',
    '10.0.1.255',
  ]);
});

test('the allocator hands out .4 first and skips what is in use', () => {
  const subnet = parseIpv4Cidr('10.0.1.0/24') as Ipv4Cidr;
  assert.equal(firstFreeAddress(subnet, []), '10.0.1.4');
  assert.equal(firstFreeAddress(subnet, ['10.0.1.4', '10.0.1.5', '10.0.1.7']), '10.0.1.6');
  assert.equal(firstFreeAddress(subnet, ['192.168.0.4', 'not-an-ip']), '10.0.1.4');
});

test('allocating until full yields every usable address once, never a reserved one', () => {
  fc.assert(
    fc.property(smallSubnet, (subnet) => {
      const reserved = new Set(subnetReservedAddresses(subnet));
      const inUse: string[] = [];
      for (;;) {
        const next = firstFreeAddress(subnet, inUse);
        if (next === undefined) break;
        const value = parseIpv4Address(next) as number;
        if (!cidrContainsAddress(subnet, value) || reserved.has(value) || inUse.includes(next)) return false;
        inUse.push(next);
      }
      return inUse.length === availableIpAddressCount(subnet);
    }),
    { numRuns: 50 },
  );
});

test('the allocator returns a free usable address whenever one exists, for any in-use set', () => {
  fc.assert(
    fc.property(smallSubnet, fc.array(fc.integer({ min: 0, max: 63 })), (subnet, offsets) => {
      const reserved = new Set(subnetReservedAddresses(subnet));
      const taken = new Set(offsets.map((offset) => subnet.network + (offset % cidrSize(subnet))));
      const inUse = [...taken].map(formatIpv4Address);
      const freeUsable = availableIpAddressCount(subnet) - [...taken].filter((a) => !reserved.has(a)).length;
      const next = firstFreeAddress(subnet, inUse);
      if (next === undefined) return freeUsable === 0;
      const value = parseIpv4Address(next) as number;
      return freeUsable > 0 && cidrContainsAddress(subnet, value) && !taken.has(value) && !reserved.has(value);
    }),
  );
});

test('VPC blocks must be well formed and between /16 and /28', () => {
  assert.equal(formatIpv4Cidr(validateVpcCidrBlock('10.0.0.0/16')), '10.0.0.0/16');
  assert.equal(formatIpv4Cidr(validateVpcCidrBlock('100.68.0.18/18')), '100.68.0.0/18');
  assert.equal(formatIpv4Cidr(validateVpcCidrBlock('10.0.0.0/28')), '10.0.0.0/28');
  assert.equal(codeOf(() => validateVpcCidrBlock('10.0.0.0/8')), 'InvalidVpc.Range');
  assert.equal(codeOf(() => validateVpcCidrBlock('10.0.0.0/29')), 'InvalidVpc.Range');
  assert.equal(codeOf(() => validateVpcCidrBlock('10.0.0.0/33')), 'InvalidParameterValue');
  assert.equal(codeOf(() => validateVpcCidrBlock('banana')), 'InvalidParameterValue');
});

test('subnet blocks must sit inside the VPC and overlap no sibling', () => {
  const placement = { vpcCidrBlocks: ['10.0.0.0/16', '10.1.0.0/16'], siblingSubnetCidrBlocks: ['10.0.1.0/24'] };
  assert.equal(formatIpv4Cidr(validateSubnetCidrBlock('10.0.2.0/24', placement)), '10.0.2.0/24');
  assert.equal(formatIpv4Cidr(validateSubnetCidrBlock('10.1.0.0/16', placement)), '10.1.0.0/16');
  assert.equal(codeOf(() => validateSubnetCidrBlock('10.2.0.0/24', placement)), 'InvalidSubnet.Range');
  assert.equal(codeOf(() => validateSubnetCidrBlock('10.0.0.0/15', placement)), 'InvalidSubnet.Range');
  assert.equal(codeOf(() => validateSubnetCidrBlock('10.0.0.0/29', placement)), 'InvalidSubnet.Range');
  assert.equal(codeOf(() => validateSubnetCidrBlock('10.0.1.128/25', placement)), 'InvalidSubnet.Conflict');
  assert.equal(codeOf(() => validateSubnetCidrBlock('10.0.0.0/23', placement)), 'InvalidSubnet.Conflict');
  assert.equal(codeOf(() => validateSubnetCidrBlock('10.0.1/24', placement)), 'InvalidParameterValue');
});

test('a subnet accepted next to its siblings never overlaps them', () => {
  const vpc = '10.0.0.0/16';
  fc.assert(
    fc.property(fc.array(fc.record({ third: fc.integer({ min: 0, max: 255 }), prefix: fc.integer({ min: 16, max: 28 }) })), (asks) => {
      const accepted: Ipv4Cidr[] = [];
      for (const ask of asks) {
        try {
          const cidr = validateSubnetCidrBlock(`10.0.${ask.third}.0/${ask.prefix}`, {
            vpcCidrBlocks: [vpc],
            siblingSubnetCidrBlocks: accepted.map(formatIpv4Cidr),
          });
          accepted.push(cidr);
        } catch (error) {
          if (!(error instanceof AwsError) || error.code !== 'InvalidSubnet.Conflict') return false;
        }
      }
      return accepted.every((a, i) => accepted.every((b, j) => i === j || !cidrsOverlap(a, b)));
    }),
  );
});

test('IPv6 blocks are canonicalized (lowercase, compressed, host bits cleared)', () => {
  assert.equal(canonicalIpv6Cidr('::/0'), '::/0');
  assert.equal(canonicalIpv6Cidr('2001:DB8:1234:1a00::/64'), '2001:db8:1234:1a00::/64');
  assert.equal(canonicalIpv6Cidr('2001:db8::7/64'), '2001:db8::/64');
  assert.equal(canonicalIpv6Cidr('2001:0db8:0000:0000:0001:0000:0000:0001/128'), '2001:db8::1:0:0:1/128');
  assert.equal(canonicalIpv6Cidr('::ffff:10.0.0.1/128'), '::ffff:a00:1/128');
  for (const bad of ['::', '2001:db8::/129', '2001:db8:::/64', '1:2:3:4:5:6:7:8:9/64', 'g::/64', '10.0.0.0/8']) {
    assert.equal(canonicalIpv6Cidr(bad), undefined, bad);
  }
});
