// Security group rules: Authorize/Revoke input (IpPermissions or the legacy flat parameters) normalized into one
// rule per protocol, port range and single peer; AWS's validation and duplicate checks; and rules back into the
// merged IpPermissions that DescribeSecurityGroups shows.

import type { AuthorizeSecurityGroupIngressRequest, IpPermission, SecurityGroupRule, UserIdGroupPair } from '@aws-sdk/client-ec2';
import { canonicalIpv4Cidr, canonicalIpv6Cidr } from './cidr.ts';
import {
  cidrBlockMalformed,
  flatPermissionParametersNotAllowed,
  icmpAllTypesNeedAllCodes,
  icmpCodeOutOfRange,
  icmpTypeOutOfRange,
  invalidPermissionDuplicate,
  invalidPermissionNotFound,
  invalidRuleDescription,
  missingIpProtocol,
  permissionRepeatedInRequest,
  portRangeRequired,
  rulesPerSecurityGroupLimitExceeded,
  tcpUdpPortOutOfRange,
  tcpUdpPortRangeInverted,
  unknownIpProtocol,
} from './errors.ts';
import type { Ec2IdGenerator } from './ids.ts';

/** Who a rule lets in (ingress) or out to (egress): exactly one peer per rule. */
export type RulePeer =
  | { readonly kind: 'cidr-ipv4'; readonly cidr: string }
  | { readonly kind: 'cidr-ipv6'; readonly cidr: string }
  | { readonly kind: 'group'; readonly groupId: string; readonly userId: string }
  | { readonly kind: 'prefix-list'; readonly prefixListId: string };

/** One rule before it has an id: canonical protocol, ports (-1/-1 when they do not apply) and one peer. */
export interface RuleSpec {
  readonly isEgress: boolean;
  /** `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all) or another protocol number as text. */
  readonly ipProtocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly peer: RulePeer;
  readonly description?: string | undefined;
}

/** What normalizing needs to know about the group being changed. */
export interface RuleContext {
  readonly isEgress: boolean;
  /**
   * Resolves a referenced group (by GroupId, or by GroupName in the default VPC) to its id and owner;
   * throws AWS's InvalidGroup.NotFound when there is none. Lives with the caller because it reads the store.
   */
  readonly resolveGroup: (pair: UserIdGroupPair) => { readonly groupId: string; readonly userId: string };
}

/** The legacy flat parameters of AuthorizeSecurityGroupIngress / RevokeSecurityGroupIngress. */
export type PermissionRequest = Pick<
  AuthorizeSecurityGroupIngressRequest,
  'IpPermissions' | 'IpProtocol' | 'FromPort' | 'ToPort' | 'CidrIp' | 'SourceSecurityGroupName' | 'SourceSecurityGroupOwnerId'
>;

/**
 * Collapses a request into IpPermissions. The AWS CLI's `--protocol tcp --port 80 --cidr 0.0.0.0/0`
 * already arrives as IpPermissions (awscli/customizations/ec2/secgroupsimplify.py builds
 * `IpPermissions[0]` from them: `--protocol all` → "-1", `--port all` → -1/-1, `--port 22-25` → 22/25,
 * `--source-group sg-…` → UserIdGroupPairs GroupId, a name → GroupName, `--group-owner` → UserId).
 * Hand-made Query requests may still use the flat parameters: CidrIp with IpProtocol/FromPort/ToPort is one
 * permission; SourceSecurityGroupName without a protocol "grants full ICMP, UDP, and TCP access" (model
 * docs), i.e. three permissions. Egress does not support the flat parameters ("Not supported. Use IP
 * permissions instead.").
 */
export function permissionsFromRequest(request: PermissionRequest, isEgress: boolean): IpPermission[] {
  const flat = [request.IpProtocol, request.FromPort, request.ToPort, request.CidrIp, request.SourceSecurityGroupName];
  const usesFlat = flat.some((value) => value !== undefined) || request.SourceSecurityGroupOwnerId !== undefined;
  if (!usesFlat) return request.IpPermissions ?? [];
  if (isEgress) throw flatPermissionParametersNotAllowed('Egress rules must be given as IpPermissions.');
  if (request.IpPermissions?.length) {
    throw flatPermissionParametersNotAllowed(
      'IpPermissions cannot be combined with CidrIp, IpProtocol, FromPort, ToPort or SourceSecurityGroupName.',
    );
  }
  const sourceGroup = request.SourceSecurityGroupName;
  if (sourceGroup !== undefined && request.CidrIp !== undefined) {
    throw flatPermissionParametersNotAllowed('CidrIp cannot be combined with SourceSecurityGroupName.');
  }
  const pair: UserIdGroupPair | undefined =
    sourceGroup === undefined ? undefined : { GroupName: sourceGroup, UserId: request.SourceSecurityGroupOwnerId };
  if (pair && request.IpProtocol === undefined) {
    return [
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, UserIdGroupPairs: [pair] },
      { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: [pair] },
      { IpProtocol: 'udp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: [pair] },
    ];
  }
  return [
    {
      IpProtocol: request.IpProtocol,
      FromPort: request.FromPort,
      ToPort: request.ToPort,
      ...(request.CidrIp !== undefined ? { IpRanges: [{ CidrIp: request.CidrIp }] } : {}),
      ...(pair ? { UserIdGroupPairs: [pair] } : {}),
    },
  ];
}

// IANA protocol numbers AWS reports by name: it "will automatically convert numbers to their matching
// code, e.g. send 17 and get udp back, except for -1" (hashicorp/terraform#5881).
const NAMED_PROTOCOLS: Readonly<Record<string, string>> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6' };
const PROTOCOL_NAMES = new Set(['tcp', 'udp', 'icmp', 'icmpv6']);

/**
 * The canonical protocol: a known name (case-insensitive), "-1", or a number 0–255 (1, 6, 17 and 58 become
 * their names). Anything else, including "all" (only the CLI accepts it), is AWS's "Unknown protocol".
 */
export function canonicalIpProtocol(value: string | undefined): string {
  if (value === undefined || value === '') throw missingIpProtocol();
  const lower = value.toLowerCase();
  if (PROTOCOL_NAMES.has(lower)) return lower;
  if (lower === '-1') return '-1';
  if (/^[0-9]{1,3}$/.test(lower) && Number(lower) <= 255) {
    const number = String(Number(lower));
    return NAMED_PROTOCOLS[number] ?? number;
  }
  throw unknownIpProtocol(value);
}

/** True when the protocol's rules carry meaningful ports (tcp/udp ranges, icmp/icmpv6 type and code). */
export function protocolHasPorts(ipProtocol: string): boolean {
  return PROTOCOL_NAMES.has(ipProtocol);
}

function portsFor(ipProtocol: string, from: number | undefined, to: number | undefined): [number, number] {
  if (ipProtocol === 'tcp' || ipProtocol === 'udp') {
    if (from === undefined || to === undefined) throw portRangeRequired('TCP/UDP');
    for (const port of [from, to]) if (port < 0 || port > 65535) throw tcpUdpPortOutOfRange(port);
    if (from > to) throw tcpUdpPortRangeInverted(from, to);
    return [from, to];
  }
  if (ipProtocol === 'icmp' || ipProtocol === 'icmpv6') {
    // "For icmpv6, the port range is optional; if you omit the port range, traffic for all types and codes is allowed."
    if (ipProtocol === 'icmpv6' && from === undefined && to === undefined) return [-1, -1];
    if (from === undefined || to === undefined) throw portRangeRequired('ICMP');
    if (from < -1 || from > 255) throw icmpTypeOutOfRange(from);
    if (to < -1 || to > 255) throw icmpCodeOutOfRange(to);
    if (from === -1 && to !== -1) throw icmpAllTypesNeedAllCodes(to);
    return [from, to];
  }
  // "-1 or a protocol number other than tcp, udp, icmp, or icmpv6 allows traffic on all ports,
  // regardless of any port range you specify" (IpPermission docs).
  return [-1, -1];
}

/** "Up to 255 characters … a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*" (IpRange/UserIdGroupPair docs). */
const DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;

function checkedDescription(description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  if (!DESCRIPTION.test(description)) throw invalidRuleDescription();
  return description;
}

/** A string that identifies a rule: direction, protocol, ports and peer; the description is not part of it. */
export function ruleKey(spec: RuleSpec): string {
  const peer = spec.peer;
  const who =
    peer.kind === 'group' ? `group:${peer.groupId}` : peer.kind === 'prefix-list' ? `pl:${peer.prefixListId}` : `${peer.kind}:${peer.cidr}`;
  return `${spec.isEgress ? 'egress' : 'ingress'}|${spec.ipProtocol}|${spec.fromPort}|${spec.toPort}|${who}`;
}

/**
 * Validates permissions and expands them into one rule per peer, canonical (protocol names, CIDR host
 * bits cleared: AWS "canonicalizes IPv4 and IPv6 CIDRs", IpRange docs). Throws AWS's InvalidParameterValue /
 * InvalidPermission.Malformed errors, and "The same permission must not appear multiple times" when the
 * request names one rule twice.
 */
export function ruleSpecsFromPermissions(permissions: readonly IpPermission[], context: RuleContext): RuleSpec[] {
  const specs: RuleSpec[] = [];
  const seen = new Set<string>();
  for (const permission of permissions) {
    const ipProtocol = canonicalIpProtocol(permission.IpProtocol);
    const [fromPort, toPort] = portsFor(ipProtocol, permission.FromPort, permission.ToPort);
    const add = (peer: RulePeer, description: string | undefined) => {
      const spec: RuleSpec = {
        isEgress: context.isEgress,
        ipProtocol,
        fromPort,
        toPort,
        peer,
        description: checkedDescription(description),
      };
      const key = ruleKey(spec);
      if (seen.has(key)) throw permissionRepeatedInRequest();
      seen.add(key);
      specs.push(spec);
    };
    for (const range of permission.IpRanges ?? []) {
      const cidr = canonicalIpv4Cidr(range.CidrIp ?? '');
      if (cidr === undefined) throw cidrBlockMalformed(range.CidrIp ?? 'null');
      add({ kind: 'cidr-ipv4', cidr }, range.Description);
    }
    for (const range of permission.Ipv6Ranges ?? []) {
      const cidr = canonicalIpv6Cidr(range.CidrIpv6 ?? '');
      if (cidr === undefined) throw cidrBlockMalformed(range.CidrIpv6 ?? 'null');
      add({ kind: 'cidr-ipv6', cidr }, range.Description);
    }
    for (const list of permission.PrefixListIds ?? []) {
      add({ kind: 'prefix-list', prefixListId: list.PrefixListId ?? '' }, list.Description);
    }
    for (const pair of permission.UserIdGroupPairs ?? []) {
      const group = context.resolveGroup(pair);
      add({ kind: 'group', groupId: group.groupId, userId: group.userId }, pair.Description);
    }
  }
  return specs;
}

/** The rule's DescribeSecurityGroupRules shape. */
export function securityGroupRuleOf(
  spec: RuleSpec,
  ids: { readonly ruleId: string; readonly groupId: string; readonly groupOwnerId: string },
): SecurityGroupRule {
  const peer = spec.peer;
  return {
    SecurityGroupRuleId: ids.ruleId,
    GroupId: ids.groupId,
    GroupOwnerId: ids.groupOwnerId,
    IsEgress: spec.isEgress,
    IpProtocol: spec.ipProtocol,
    FromPort: spec.fromPort,
    ToPort: spec.toPort,
    ...(peer.kind === 'cidr-ipv4' ? { CidrIpv4: peer.cidr } : {}),
    ...(peer.kind === 'cidr-ipv6' ? { CidrIpv6: peer.cidr } : {}),
    ...(peer.kind === 'prefix-list' ? { PrefixListId: peer.prefixListId } : {}),
    ...(peer.kind === 'group' ? { ReferencedGroupInfo: { GroupId: peer.groupId, UserId: peer.userId } } : {}),
    ...(spec.description !== undefined ? { Description: spec.description } : {}),
    Tags: [],
  };
}

/** The RuleSpec of a stored rule, for comparing it with a request. */
export function ruleSpecOf(rule: SecurityGroupRule): RuleSpec {
  const group = rule.ReferencedGroupInfo;
  const peer: RulePeer =
    rule.CidrIpv4 !== undefined
      ? { kind: 'cidr-ipv4', cidr: rule.CidrIpv4 }
      : rule.CidrIpv6 !== undefined
        ? { kind: 'cidr-ipv6', cidr: rule.CidrIpv6 }
        : rule.PrefixListId !== undefined
          ? { kind: 'prefix-list', prefixListId: rule.PrefixListId }
          : { kind: 'group', groupId: group?.GroupId ?? '', userId: group?.UserId ?? '' };
  return {
    isEgress: rule.IsEgress ?? false,
    ipProtocol: rule.IpProtocol ?? '-1',
    fromPort: rule.FromPort ?? -1,
    toPort: rule.ToPort ?? -1,
    peer,
    description: rule.Description,
  };
}

/**
 * The text AWS quotes in InvalidPermission.Duplicate: "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW"
 * (ansible/ansible#19759), "peer: 0.0.0.0/0, ALL, ALLOW" (lucidsoftware/cumulus#101), "peer: 0.0.0.0/0,
 * protocol: 50, ALLOW" (ansible/ansible-modules-core#3258), "peer: 0.0.0.0/0, ICMP, type: ALL, code: ALL,
 * ALLOW" (quoted in public code). The icmpv6 spelling is unverified.
 */
export function duplicateRuleText(spec: RuleSpec): string {
  const peer = spec.peer;
  const who = peer.kind === 'group' ? peer.groupId : peer.kind === 'prefix-list' ? peer.prefixListId : peer.cidr;
  const all = (n: number) => (n === -1 ? 'ALL' : String(n));
  let what: string;
  if (spec.ipProtocol === 'tcp' || spec.ipProtocol === 'udp') {
    what = `${spec.ipProtocol.toUpperCase()}, from port: ${spec.fromPort}, to port: ${spec.toPort}`;
  } else if (spec.ipProtocol === 'icmp' || spec.ipProtocol === 'icmpv6') {
    what = `${spec.ipProtocol.toUpperCase()}, type: ${all(spec.fromPort)}, code: ${all(spec.toPort)}`;
  } else if (spec.ipProtocol === '-1') {
    what = 'ALL';
  } else {
    what = `protocol: ${spec.ipProtocol}`;
  }
  return `peer: ${who}, ${what}, ALLOW`;
}

/** AWS's default quota: 60 inbound and 60 outbound rules per group, counted for IPv4 and IPv6 apart (Amazon VPC quotas). */
export const DEFAULT_RULES_PER_DIRECTION = 60;

function countsTowards(spec: RuleSpec, family: 'ipv4' | 'ipv6'): boolean {
  // "A rule that references a security group or prefix list ID counts as one rule for IPv4 and one rule for IPv6."
  if (spec.peer.kind === 'group' || spec.peer.kind === 'prefix-list') return true;
  return spec.peer.kind === (family === 'ipv4' ? 'cidr-ipv4' : 'cidr-ipv6');
}

/**
 * Authorize: normalizes the request, refuses a rule the group already has (InvalidPermission.Duplicate)
 * or one past the per-direction quota (RulesPerSecurityGroupLimitExceeded), and returns the new rules
 * with fresh `sgr-` ids. `existing` is all of the group's rules.
 */
export function planAuthorization(
  request: PermissionRequest,
  existing: readonly SecurityGroupRule[],
  context: RuleContext & { readonly groupId: string; readonly groupOwnerId: string; readonly newId: Ec2IdGenerator },
  rulesPerDirection = DEFAULT_RULES_PER_DIRECTION,
): SecurityGroupRule[] {
  const specs = ruleSpecsFromPermissions(permissionsFromRequest(request, context.isEgress), context);
  const existingSpecs = existing.map(ruleSpecOf);
  const present = new Set(existingSpecs.map(ruleKey));
  const duplicate = specs.find((spec) => present.has(ruleKey(spec)));
  if (duplicate) throw invalidPermissionDuplicate(duplicateRuleText(duplicate));
  const sameDirection = [...existingSpecs.filter((spec) => spec.isEgress === context.isEgress), ...specs];
  for (const family of ['ipv4', 'ipv6'] as const) {
    if (sameDirection.filter((spec) => countsTowards(spec, family)).length > rulesPerDirection) {
      throw rulesPerSecurityGroupLimitExceeded();
    }
  }
  return specs.map((spec) =>
    securityGroupRuleOf(spec, { ruleId: context.newId('sgr'), groupId: context.groupId, groupOwnerId: context.groupOwnerId }),
  );
}

/** What a revoke removes, and what it asked for that the group does not have. */
export interface RevocationPlan {
  readonly revoked: SecurityGroupRule[];
  readonly unknown: RuleSpec[];
}

/**
 * Revoke by properties: matches the requested rules against the group's (descriptions ignored: "If the
 * security group rule has a description, you do not need to specify the description to revoke the rule").
 * "For a default VPC, if the values you specify do not match the existing rule's values, no error is
 * returned, and the output describes the security group rules that were not revoked. For a non-default VPC
 * … an InvalidPermission.NotFound client error is returned, and no rules are revoked." (RevokeSecurityGroupIngress docs).
 */
export function planRevocation(
  request: PermissionRequest,
  existing: readonly SecurityGroupRule[],
  context: RuleContext & { readonly inDefaultVpc: boolean },
): RevocationPlan {
  const specs = ruleSpecsFromPermissions(permissionsFromRequest(request, context.isEgress), context);
  const byKey = new Map(existing.map((rule) => [ruleKey(ruleSpecOf(rule)), rule] as const));
  const revoked: SecurityGroupRule[] = [];
  const unknown: RuleSpec[] = [];
  for (const spec of specs) {
    const rule = byKey.get(ruleKey(spec));
    if (rule) revoked.push(rule);
    else unknown.push(spec);
  }
  if (unknown.length > 0 && !context.inDefaultVpc) throw invalidPermissionNotFound();
  return { revoked, unknown };
}

/**
 * Rules (or specs) back into DescribeSecurityGroups' IpPermissions: one IpPermission per protocol and port
 * range, in first-seen order, its peers merged into IpRanges / Ipv6Ranges / PrefixListIds / UserIdGroupPairs
 * (all four always present, as AWS shows them). Ports are left out when the protocol has none ("-1" shows
 * as `{"IpProtocol": "-1", "IpRanges": [...], ...}` in real output, e.g. cloud-custodian/cloud-custodian#9659).
 */
export function ipPermissionsFromRules(rules: readonly (SecurityGroupRule | RuleSpec)[]): IpPermission[] {
  type Merged = IpPermission & Required<Pick<IpPermission, 'IpRanges' | 'Ipv6Ranges' | 'PrefixListIds' | 'UserIdGroupPairs'>>;
  const merged = new Map<string, Merged>();
  for (const rule of rules) {
    const spec = 'peer' in rule ? rule : ruleSpecOf(rule);
    const key = `${spec.ipProtocol}|${spec.fromPort}|${spec.toPort}`;
    let permission = merged.get(key);
    if (!permission) {
      permission = {
        IpProtocol: spec.ipProtocol,
        ...(protocolHasPorts(spec.ipProtocol) ? { FromPort: spec.fromPort, ToPort: spec.toPort } : {}),
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      };
      merged.set(key, permission);
    }
    const described = spec.description !== undefined ? { Description: spec.description } : {};
    const peer = spec.peer;
    if (peer.kind === 'cidr-ipv4') permission.IpRanges.push({ CidrIp: peer.cidr, ...described });
    else if (peer.kind === 'cidr-ipv6') permission.Ipv6Ranges.push({ CidrIpv6: peer.cidr, ...described });
    else if (peer.kind === 'prefix-list') permission.PrefixListIds.push({ PrefixListId: peer.prefixListId, ...described });
    else permission.UserIdGroupPairs.push({ UserId: peer.userId, GroupId: peer.groupId, ...described });
  }
  return [...merged.values()];
}
