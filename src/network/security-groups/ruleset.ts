// What a task's security groups allow, compiled from EC2's records into address ranges per kind of traffic:
// the pure heart of enforcement (nft-script.ts writes it as nftables, the controller applies it). Also the
// reference model tests check it against: a packet is allowed iff some rule of some group allows it.
import type { SecurityGroupRuleRecord } from '../../services/ec2/records.ts';
import { formatAddress, parseAddress, parseBlock } from '../ipv4.ts';

/**
 * Which packets a rule is about. Security group rules are per protocol: tcp/udp with a port range, icmp with a
 * type and code (AWS puts them in FromPort and ToPort, -1 meaning any), another IP protocol number (all of its
 * traffic), or -1 for all traffic ("If you specify -1 … traffic on all ports is allowed", IpPermission docs).
 */
export type TrafficMatch =
  | { readonly protocol: 'all' }
  | { readonly protocol: 'tcp' | 'udp'; readonly fromPort: number; readonly toPort: number }
  | { readonly protocol: 'icmp'; readonly type?: number; readonly code?: number }
  | { readonly protocol: 'number'; readonly number: number };

/** An inclusive range of IPv4 addresses as unsigned 32-bit integers. */
export type AddressRange = readonly [start: number, end: number];

/** One kind of traffic and every peer address allowed for it: sorted, merged ranges. */
export interface CompiledRule {
  readonly match: TrafficMatch;
  readonly peers: readonly AddressRange[];
}

/** Everything a task's groups allow; traffic no rule names is dropped. */
export interface TaskRuleset {
  readonly ingress: readonly CompiledRule[];
  readonly egress: readonly CompiledRule[];
}

/** An interface of the task's VPC (a task's, a load balancer's) as group peers resolve: its groups and addresses. */
export interface PeerInterface {
  readonly groupIds: readonly string[];
  readonly addresses: readonly string[];
}

export interface TaskGroups {
  /** The groups of the task's ENI. */
  readonly groupIds: readonly string[];
  /** Every rule of those groups (rules of other groups are ignored). */
  readonly rules: readonly SecurityGroupRuleRecord[];
  /** Every interface of the task's VPC: a group peer means the private addresses of the interfaces in that group. */
  readonly interfaces: readonly PeerInterface[];
  /**
   * For a task with a public IP: the host stands for the internet. The user's curl to the "public" address comes
   * from the subnet's gateway on the VPC bridge, so an ingress CIDR rule naming addresses outside the VPC
   * (`0.0.0.0/0`, the user's own `MY_IP/32`) admits that gateway address too; rules inside the VPC do not.
   */
  readonly internet?: { readonly hostAddress: string; readonly vpcBlocks: readonly string[] };
}

/** A packet as the model sees it: the peer's address and what it carries. */
export interface Packet {
  readonly direction: 'ingress' | 'egress';
  /** IANA protocol number (6 tcp, 17 udp, 1 icmp, …). */
  readonly protocol: number;
  /** The task's port (destination port inbound, remote port outbound) for tcp/udp; the type for icmp. */
  readonly port?: number;
  /** The icmp code. */
  readonly code?: number;
  /** The peer: the source address inbound, the destination outbound. */
  readonly peer: string;
}

export const EMPTY_RULESET: TaskRuleset = Object.freeze({ ingress: [], egress: [] });

const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17 };

/**
 * The match a rule's protocol and ports mean, or undefined for one that can never match a task's IPv4
 * traffic (icmpv6; the EC2 operations keep protocols canonical, see ip-permissions.ts canonicalIpProtocol).
 */
export function matchOf(rule: Pick<SecurityGroupRuleRecord, 'IpProtocol' | 'FromPort' | 'ToPort'>): TrafficMatch | undefined {
  const protocol = rule.IpProtocol ?? '-1';
  const from = rule.FromPort ?? -1;
  const to = rule.ToPort ?? -1;
  if (protocol === '-1') return { protocol: 'all' };
  if (protocol === 'tcp' || protocol === 'udp') {
    return from < 0 || to < 0 ? { protocol, fromPort: 0, toPort: 65535 } : { protocol, fromPort: from, toPort: to };
  }
  if (protocol === 'icmp') {
    // FromPort is the ICMP type and ToPort the code; -1 is any (AWS refuses a specific code with any type).
    return { protocol: 'icmp', ...(from >= 0 ? { type: from } : {}), ...(from >= 0 && to >= 0 ? { code: to } : {}) };
  }
  if (protocol === 'icmpv6' || protocol === '58') return undefined;
  const number = Number(protocol);
  if (!Number.isInteger(number) || number < 0 || number > 255) return undefined;
  const named = Object.entries(PROTOCOL_NUMBERS).find(([, value]) => value === number)?.[0];
  return named ? matchOf({ IpProtocol: named, FromPort: from, ToPort: to }) : { protocol: 'number', number };
}

/** A stable key for a match: rules with equal keys share one nftables rule and one address set. */
export function matchKey(match: TrafficMatch): string {
  switch (match.protocol) {
    case 'all': return 'all';
    case 'tcp':
    case 'udp': return `${match.protocol}:${match.fromPort}-${match.toPort}`;
    case 'icmp': return `icmp:${match.type ?? '*'}/${match.code ?? '*'}`;
    case 'number': return `proto:${match.number}`;
  }
}

/** The addresses a rule's peer names: its IPv4 block, or the interfaces of its referenced group. */
function peerRanges(rule: SecurityGroupRuleRecord, groups: TaskGroups): AddressRange[] {
  const { interfaces, internet } = groups;
  if (rule.CidrIpv4 !== undefined) {
    const block = parseBlock(rule.CidrIpv4);
    if (!block) return [];
    const range: AddressRange = [block.network, block.network + 2 ** (32 - block.prefixLength) - 1];
    const host = internet && !rule.IsEgress ? parseAddress(internet.hostAddress) : undefined;
    if (host === undefined || !internet || withinAny(range, internet.vpcBlocks)) return [range];
    return [range, [host, host]];
  }
  const groupId = rule.ReferencedGroupInfo?.GroupId;
  if (groupId !== undefined) {
    // "the private IP addresses of the resources associated with the specified security group" (Amazon VPC
    // User Guide, "Security group rules": "Security group referencing"): primary and secondary addresses.
    return interfaces
      .filter((eni) => eni.groupIds.includes(groupId))
      .flatMap((eni) => eni.addresses.map(parseAddress).filter((value) => value !== undefined))
      .map((value): AddressRange => [value, value]);
  }
  // IPv6 blocks never match (tasks have IPv4 only); prefix lists are not served by Berth (LIMITATIONS.md).
  return [];
}

/** Whether a range lies inside one of the blocks. */
function withinAny([start, end]: AddressRange, blocks: readonly string[]): boolean {
  return blocks.some((text) => {
    const block = parseBlock(text);
    return block !== undefined && start >= block.network && end <= block.network + 2 ** (32 - block.prefixLength) - 1;
  });
}

/** Sorts ranges and merges those that overlap or touch. */
export function mergeRanges(ranges: readonly AddressRange[]): AddressRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** Compiles the task's groups into its ruleset: one entry per distinct match, peers merged, in key order. */
export function compileRuleset(groups: TaskGroups): TaskRuleset {
  const wanted = new Set(groups.groupIds);
  const collect = (isEgress: boolean): CompiledRule[] => {
    const byKey = new Map<string, { match: TrafficMatch; peers: AddressRange[] }>();
    for (const rule of groups.rules) {
      if (rule.IsEgress !== isEgress || !wanted.has(rule.GroupId)) continue;
      const match = matchOf(rule);
      if (!match) continue;
      const key = matchKey(match);
      const entry = byKey.get(key) ?? { match, peers: [] };
      entry.peers.push(...peerRanges(rule, groups));
      byKey.set(key, entry);
    }
    return [...byKey.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, entry]) => ({ match: entry.match, peers: mergeRanges(entry.peers) }))
      .filter((entry) => entry.peers.length > 0);
  };
  return { ingress: collect(false), egress: collect(true) };
}

/** Whether a match covers a packet's protocol, port, type and code. */
export function matchCovers(match: TrafficMatch, packet: Pick<Packet, 'protocol' | 'port' | 'code'>): boolean {
  switch (match.protocol) {
    case 'all': return true;
    case 'tcp':
    case 'udp':
      return packet.protocol === PROTOCOL_NUMBERS[match.protocol] && packet.port !== undefined
        && packet.port >= match.fromPort && packet.port <= match.toPort;
    case 'icmp':
      return packet.protocol === 1 && (match.type === undefined || match.type === packet.port)
        && (match.code === undefined || match.code === packet.code);
    case 'number': return packet.protocol === match.number;
  }
}

/** What the compiled ruleset (and so the nftables table written from it) decides for a new flow. */
export function rulesetAllows(ruleset: TaskRuleset, packet: Packet): boolean {
  const peer = parseAddress(packet.peer);
  if (peer === undefined) return false;
  const rules = packet.direction === 'ingress' ? ruleset.ingress : ruleset.egress;
  return rules.some((rule) => matchCovers(rule.match, packet) && rule.peers.some(([start, end]) => peer >= start && peer <= end));
}

/** `a.b.c.d` or `a.b.c.d-e.f.g.h`: how nft writes a range in an interval set. */
export function formatRange([start, end]: AddressRange): string {
  return start === end ? formatAddress(start) : `${formatAddress(start)}-${formatAddress(end)}`;
}
