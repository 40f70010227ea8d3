// IPv4 CIDR arithmetic and AWS's VPC/subnet CIDR rules: parsing, canonical form, containment, overlap,
// the five reserved addresses of every subnet, and first-free-address allocation. Pure logic.

import { invalidCidrBlockParameter, invalidSubnetConflict, invalidSubnetRange, invalidVpcRange } from './errors.ts';

/** An IPv4 block in canonical form: `network` (an unsigned 32-bit integer) has no host bits set. */
export interface Ipv4Cidr {
  readonly network: number;
  readonly prefixLength: number;
}

/**
 * Both VPC and subnet IPv4 blocks must be between a /16 and a /28 netmask (AWS error page:
 * InvalidVpcRange, InvalidSubnet.Range; https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
 */
export const MIN_BLOCK_PREFIX_LENGTH = 16;
export const MAX_BLOCK_PREFIX_LENGTH = 28;

/**
 * "The first four IP addresses and the last IP address in each subnet CIDR block are not available":
 * the network address, .1 (VPC router), .2 (Amazon DNS), .3 (reserved for future use) and the
 * broadcast address. Amazon VPC User Guide, "Subnet CIDR blocks".
 */
export const AWS_RESERVED_ADDRESSES_PER_SUBNET = 5;

const OCTET = /^(0|[1-9][0-9]{0,2})$/;
const PREFIX = /^(0|[1-9][0-9]?)$/;

/** A dotted quad such as `10.0.1.7` as an unsigned 32-bit integer; undefined when not one (leading zeros rejected). */
export function parseIpv4Address(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4Address(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function maskOf(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/**
 * `a.b.c.d/n` in canonical form, or undefined when malformed. Host bits are cleared, as AWS does:
 * "We modify the specified CIDR block to its canonical form; for example, if you specify
 * 100.68.0.18/18, we modify it to 100.68.0.0/18" (CreateVpc/CreateSubnet CidrBlock, IpRange.CidrIp docs).
 */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIpv4Address(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !PREFIX.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  if (prefixLength > 32) return undefined;
  return { network: (address & maskOf(prefixLength)) >>> 0, prefixLength };
}

export function formatIpv4Cidr(cidr: Ipv4Cidr): string {
  return `${formatIpv4Address(cidr.network)}/${cidr.prefixLength}`;
}

/** The canonical text of a CIDR (`10.0.0.9/24` → `10.0.0.0/24`), or undefined when malformed. */
export function canonicalIpv4Cidr(text: string): string | undefined {
  const cidr = parseIpv4Cidr(text);
  return cidr && formatIpv4Cidr(cidr);
}

/** How many addresses the block spans: 2^(32 - prefix). */
export function cidrSize(cidr: Ipv4Cidr): number {
  return 2 ** (32 - cidr.prefixLength);
}

/** The block's last (broadcast) address. */
export function cidrLastAddress(cidr: Ipv4Cidr): number {
  return cidr.network + cidrSize(cidr) - 1;
}

export function cidrContainsAddress(cidr: Ipv4Cidr, address: number): boolean {
  return address >= cidr.network && address <= cidrLastAddress(cidr);
}

/** True when every address of `inner` is in `outer` (a block contains itself). */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return outer.prefixLength <= inner.prefixLength && cidrContainsAddress(outer, inner.network);
}

/** True when the blocks share at least one address; for CIDR blocks that means one contains the other. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** The addresses AWS keeps back in a subnet, in ascending order (see AWS_RESERVED_ADDRESSES_PER_SUBNET). */
export function subnetReservedAddresses(cidr: Ipv4Cidr): number[] {
  const first = cidr.network;
  return [first, first + 1, first + 2, first + 3, cidrLastAddress(cidr)];
}

/** A subnet's AvailableIpAddressCount: 2^(32 - prefix) − 5, less the addresses already handed out. */
export function availableIpAddressCount(cidr: Ipv4Cidr, addressesInUse = 0): number {
  return Math.max(0, cidrSize(cidr) - AWS_RESERVED_ADDRESSES_PER_SUBNET - addressesInUse);
}

/**
 * The lowest usable address of the subnet that is not in `inUse` (dotted quads), skipping the five AWS
 * reserves; undefined when the subnet is full. Addresses in `inUse` outside the block are ignored.
 */
export function firstFreeAddress(cidr: Ipv4Cidr, inUse: Iterable<string>): string | undefined {
  const taken = new Set<number>();
  for (const text of inUse) {
    const address = parseIpv4Address(text);
    if (address !== undefined) taken.add(address);
  }
  const last = cidrLastAddress(cidr) - 1; // the broadcast address is reserved
  for (let address = cidr.network + 4; address <= last; address++) {
    if (!taken.has(address)) return formatIpv4Address(address);
  }
  return undefined;
}

/**
 * Checks a CreateVpc (or AssociateVpcCidrBlock) CidrBlock and returns it canonical. Throws
 * InvalidParameterValue when malformed and InvalidVpc.Range outside /16–/28.
 */
export function validateVpcCidrBlock(text: string): Ipv4Cidr {
  const cidr = parseIpv4Cidr(text);
  if (!cidr) throw invalidCidrBlockParameter(text);
  if (cidr.prefixLength < MIN_BLOCK_PREFIX_LENGTH || cidr.prefixLength > MAX_BLOCK_PREFIX_LENGTH) {
    throw invalidVpcRange(text);
  }
  return cidr;
}

/** The blocks a new subnet is checked against. */
export interface SubnetPlacement {
  /** The VPC's associated IPv4 blocks; the subnet must fit inside one of them. */
  readonly vpcCidrBlocks: readonly string[];
  /** The IPv4 blocks of the VPC's existing subnets; the subnet must overlap none. */
  readonly siblingSubnetCidrBlocks: readonly string[];
}

/**
 * Checks a CreateSubnet CidrBlock and returns it canonical. Throws InvalidParameterValue when malformed,
 * InvalidSubnet.Range when outside /16–/28 or outside every VPC block, InvalidSubnet.Conflict when it
 * overlaps an existing subnet of the VPC.
 */
export function validateSubnetCidrBlock(text: string, placement: SubnetPlacement): Ipv4Cidr {
  const cidr = parseIpv4Cidr(text);
  if (!cidr) throw invalidCidrBlockParameter(text);
  if (cidr.prefixLength < MIN_BLOCK_PREFIX_LENGTH || cidr.prefixLength > MAX_BLOCK_PREFIX_LENGTH) {
    throw invalidSubnetRange(text);
  }
  const inVpc = placement.vpcCidrBlocks.some((block) => {
    const vpcCidr = parseIpv4Cidr(block);
    return vpcCidr !== undefined && cidrContains(vpcCidr, cidr);
  });
  if (!inVpc) throw invalidSubnetRange(text);
  const conflicts = placement.siblingSubnetCidrBlocks.some((block) => {
    const sibling = parseIpv4Cidr(block);
    return sibling !== undefined && cidrsOverlap(sibling, cidr);
  });
  if (conflicts) throw invalidSubnetConflict(text);
  return cidr;
}

// ---- IPv6, for security group rules' CidrIpv6 ------------------------------------------------------------

const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function parseIpv6Address(text: string): bigint | undefined {
  let groups: string[];
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] ?? '').split(':')) : [];
  // An embedded IPv4 address (::ffff:1.2.3.4) stands for the last two groups.
  const lastPart = halves.length === 2 ? tail : head;
  const last = lastPart[lastPart.length - 1];
  if (last !== undefined && last.includes('.')) {
    const v4 = parseIpv4Address(last);
    if (v4 === undefined) return undefined;
    lastPart.splice(lastPart.length - 1, 1, (v4 >>> 16).toString(16), (v4 & 0xffff).toString(16));
  }
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8 || !groups.every((group) => HEXTET.test(group))) return undefined;
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function formatIpv6Address(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  // RFC 5952: compress the longest run (two or more) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** `2001:DB8::7/64` → `2001:db8::/64` (host bits cleared, RFC 5952 text), or undefined when malformed. */
export function canonicalIpv6Cidr(text: string): string | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIpv6Address(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  if (prefixLength > 128) return undefined;
  const hostBits = 128n - BigInt(prefixLength);
  const network = (address >> hostBits) << hostBits;
  return `${formatIpv6Address(network)}/${prefixLength}`;
}
