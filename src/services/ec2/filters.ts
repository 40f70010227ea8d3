// EC2 `Filters` as AWS applies them: a typed filter table per resource type, wildcard matching, tag filters.
//
// AWS's rules (Filter shape docs, EC2 API model): filters are joined with AND, the values of one filter with
// OR; filter names and values are case-sensitive; values may use `*` (zero or more characters) and `?`
// (exactly one), and a backslash escapes either (DescribeSecurityGroups docs: "\*amazon\?\\" searches for
// the literal "*amazon?\"). Matching is on literal strings: ip-permission.from-port=22 does not match a
// rule for ports 20–30. Booleans compare as "true"/"false".

import type {
  AvailabilityZone,
  Filter,
  IpPermission,
  NetworkInterface,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  Tag,
  TagDescription,
  Vpc,
} from '@aws-sdk/client-ec2';
import { filterValueTooLong, invalidFilter } from './errors.ts';

/** What an accessor may return for one resource: a scalar, or several (any one matching is enough). */
export type FilterValue = string | number | boolean | null | undefined;
export type FilterAccessor<T> = (resource: T) => FilterValue | readonly FilterValue[];

/** Filter name → how to read that attribute from a resource. */
export type FilterTable<T> = Readonly<Record<string, FilterAccessor<T>>>;

/** The tag filter families: `tag:<key>` (value of that key), `tag-key`, `tag-value`. */
export type TagFilterKind = 'tag:' | 'tag-key' | 'tag-value';

export interface FilterOptions<T> {
  /** The resource's tags (`Tags` on most shapes, `TagSet` on NetworkInterface). Without it no tag filter is valid. */
  readonly tags?: (resource: T) => readonly Tag[] | undefined;
  /** Which tag filter families this resource accepts; all three by default. */
  readonly tagFilters?: readonly TagFilterKind[];
}

/** Returns the resources that match every filter, in their original order; throws for an unknown filter name. */
export type ResourceFilter<T> = (resources: readonly T[], filters: readonly Filter[] | undefined) => T[];

/** AWS's limit on one filter value (FilterLimitExceeded, ansible-collections/amazon.aws#2393). */
export const MAX_FILTER_VALUE_LENGTH = 255;

/** Turns an EC2 filter value into an anchored, case-sensitive pattern. */
export function filterValuePattern(value: string): RegExp {
  const chars = [...value]; // by code point, so an escaped character is never half a surrogate pair
  let source = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '\\' && i + 1 < chars.length) {
      source += escapeRegExp(chars[++i] as string);
    } else if (ch === '*') {
      source += '.*';
    } else if (ch === '?') {
      source += '.';
    } else {
      source += escapeRegExp(ch);
    }
  }
  // `s`: `.` also matches line breaks; `u`: `?` is one character (code point), not one UTF-16 unit.
  return new RegExp(`^${source}$`, 'su');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function asText(value: FilterValue): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : String(value);
}

function valuesOf(read: FilterValue | readonly FilterValue[]): string[] {
  const all: readonly FilterValue[] = Array.isArray(read) ? (read as readonly FilterValue[]) : [read as FilterValue];
  return all.map(asText).filter((text): text is string => text !== undefined);
}

type CompiledFilter<T> = (resource: T) => boolean;

function compile<T>(filter: Filter, table: FilterTable<T>, options: FilterOptions<T>): CompiledFilter<T> {
  const name = filter.Name;
  const values = filter.Values ?? [];
  if (values.some((value) => value.length > MAX_FILTER_VALUE_LENGTH)) throw filterValueTooLong();
  const patterns = values.map(filterValuePattern);
  const anyMatches = (candidates: readonly string[]): boolean =>
    patterns.some((pattern) => candidates.some((candidate) => pattern.test(candidate)));

  // An absent name is reported as AWS's Java services print it. Unverified.
  if (name === undefined) throw invalidFilter('null');
  const accessor = Object.hasOwn(table, name) ? table[name] : undefined;
  if (accessor) return (resource) => anyMatches(valuesOf(accessor(resource)));

  const tags = options.tags;
  const kinds = options.tagFilters ?? ['tag:', 'tag-key', 'tag-value'];
  if (tags) {
    if (name.startsWith('tag:') && name.length > 4 && kinds.includes('tag:')) {
      const key = name.slice(4);
      return (resource) => anyMatches((tags(resource) ?? []).filter((tag) => tag.Key === key).map((tag) => tag.Value ?? ''));
    }
    if (name === 'tag-key' && kinds.includes('tag-key')) {
      return (resource) => anyMatches((tags(resource) ?? []).map((tag) => tag.Key ?? ''));
    }
    // tag-value is in older API versions' filter lists; still accepted by Berth for such clients.
    if (name === 'tag-value' && kinds.includes('tag-value')) {
      return (resource) => anyMatches((tags(resource) ?? []).map((tag) => tag.Value ?? ''));
    }
  }
  throw invalidFilter(name);
}

/**
 * Builds the filter function for one resource type. All filters are checked (and an unknown name throws
 * InvalidParameterValue "The filter 'x' is invalid") before any resource is examined, as AWS rejects such
 * a request even when there is nothing to describe. A filter with no values matches nothing.
 */
export function defineFilters<T>(table: FilterTable<T>, options: FilterOptions<T> = {}): ResourceFilter<T> {
  return (resources, filters) => {
    const compiled = (filters ?? []).map((filter) => compile(filter, table, options));
    return resources.filter((resource) => compiled.every((matches) => matches(resource)));
  };
}

// ---- filter tables, one per Describe operation; names from the EC2 API model's Filters documentation ----

/** DescribeVpcs. `isDefault` is the spelling of older API versions (and Terraform's aws_vpc data source). */
export const filterVpcs = defineFilters<Vpc>(
  {
    cidr: (v) => v.CidrBlock,
    'cidr-block-association.cidr-block': (v) => v.CidrBlockAssociationSet?.map((a) => a.CidrBlock),
    'cidr-block-association.association-id': (v) => v.CidrBlockAssociationSet?.map((a) => a.AssociationId),
    'cidr-block-association.state': (v) => v.CidrBlockAssociationSet?.map((a) => a.CidrBlockState?.State),
    'dhcp-options-id': (v) => v.DhcpOptionsId,
    'ipv6-cidr-block-association.ipv6-cidr-block': (v) => v.Ipv6CidrBlockAssociationSet?.map((a) => a.Ipv6CidrBlock),
    'ipv6-cidr-block-association.ipv6-pool': (v) => v.Ipv6CidrBlockAssociationSet?.map((a) => a.Ipv6Pool),
    'ipv6-cidr-block-association.association-id': (v) => v.Ipv6CidrBlockAssociationSet?.map((a) => a.AssociationId),
    'ipv6-cidr-block-association.state': (v) => v.Ipv6CidrBlockAssociationSet?.map((a) => a.Ipv6CidrBlockState?.State),
    'is-default': (v) => v.IsDefault,
    isDefault: (v) => v.IsDefault,
    'owner-id': (v) => v.OwnerId,
    state: (v) => v.State,
    'vpc-id': (v) => v.VpcId,
  },
  { tags: (v) => v.Tags },
);

/** DescribeSubnets, with the camelCase aliases the model documents (availabilityZone, cidrBlock, defaultForAz…). */
export const filterSubnets = defineFilters<Subnet>(
  {
    'availability-zone': (s) => s.AvailabilityZone,
    availabilityZone: (s) => s.AvailabilityZone,
    'availability-zone-id': (s) => s.AvailabilityZoneId,
    availabilityZoneId: (s) => s.AvailabilityZoneId,
    'available-ip-address-count': (s) => s.AvailableIpAddressCount,
    'cidr-block': (s) => s.CidrBlock,
    cidr: (s) => s.CidrBlock,
    cidrBlock: (s) => s.CidrBlock,
    'customer-owned-ipv4-pool': (s) => s.CustomerOwnedIpv4Pool,
    'default-for-az': (s) => s.DefaultForAz,
    defaultForAz: (s) => s.DefaultForAz,
    'enable-dns64': (s) => s.EnableDns64,
    'enable-lni-at-device-index': (s) => s.EnableLniAtDeviceIndex,
    'ipv6-cidr-block-association.ipv6-cidr-block': (s) => s.Ipv6CidrBlockAssociationSet?.map((a) => a.Ipv6CidrBlock),
    'ipv6-cidr-block-association.association-id': (s) => s.Ipv6CidrBlockAssociationSet?.map((a) => a.AssociationId),
    'ipv6-cidr-block-association.state': (s) => s.Ipv6CidrBlockAssociationSet?.map((a) => a.Ipv6CidrBlockState?.State),
    'ipv6-native': (s) => s.Ipv6Native,
    'map-customer-owned-ip-on-launch': (s) => s.MapCustomerOwnedIpOnLaunch,
    'map-public-ip-on-launch': (s) => s.MapPublicIpOnLaunch,
    'outpost-arn': (s) => s.OutpostArn,
    'owner-id': (s) => s.OwnerId,
    'private-dns-name-options-on-launch.hostname-type': (s) => s.PrivateDnsNameOptionsOnLaunch?.HostnameType,
    'private-dns-name-options-on-launch.enable-resource-name-dns-a-record': (s) =>
      s.PrivateDnsNameOptionsOnLaunch?.EnableResourceNameDnsARecord,
    'private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record': (s) =>
      s.PrivateDnsNameOptionsOnLaunch?.EnableResourceNameDnsAAAARecord,
    state: (s) => s.State,
    'subnet-arn': (s) => s.SubnetArn,
    'subnet-id': (s) => s.SubnetId,
    'vpc-id': (s) => s.VpcId,
  },
  { tags: (s) => s.Tags },
);

/** The `ip-permission.*` accessors over one direction's permissions; any permission may satisfy each filter. */
function permissionFilters(prefix: string, list: (g: SecurityGroup) => IpPermission[] | undefined): FilterTable<SecurityGroup> {
  const over = <V>(read: (p: IpPermission) => V | V[] | undefined) => (g: SecurityGroup) =>
    (list(g) ?? []).flatMap((p) => read(p) ?? []) as FilterValue[];
  return {
    [`${prefix}.cidr`]: over((p) => p.IpRanges?.map((r) => r.CidrIp)),
    [`${prefix}.from-port`]: over((p) => p.FromPort),
    [`${prefix}.group-id`]: over((p) => p.UserIdGroupPairs?.map((u) => u.GroupId)),
    [`${prefix}.group-name`]: over((p) => p.UserIdGroupPairs?.map((u) => u.GroupName)),
    [`${prefix}.ipv6-cidr`]: over((p) => p.Ipv6Ranges?.map((r) => r.CidrIpv6)),
    [`${prefix}.prefix-list-id`]: over((p) => p.PrefixListIds?.map((l) => l.PrefixListId)),
    [`${prefix}.protocol`]: over((p) => p.IpProtocol),
    [`${prefix}.to-port`]: over((p) => p.ToPort),
    [`${prefix}.user-id`]: over((p) => p.UserIdGroupPairs?.map((u) => u.UserId)),
  };
}

/**
 * DescribeSecurityGroups. "If using multiple filters for rules, the results include security groups for
 * which any combination of rules - not necessarily a single rule - match all filters" (model docs), which
 * is what per-filter matching over all of a group's permissions gives.
 */
export const filterSecurityGroups = defineFilters<SecurityGroup>(
  {
    description: (g) => g.Description,
    'group-id': (g) => g.GroupId,
    'group-name': (g) => g.GroupName,
    'owner-id': (g) => g.OwnerId,
    'vpc-id': (g) => g.VpcId,
    ...permissionFilters('ip-permission', (g) => g.IpPermissions),
    ...permissionFilters('egress.ip-permission', (g) => g.IpPermissionsEgress),
  },
  { tags: (g) => g.Tags },
);

/** DescribeSecurityGroupRules: group-id, security-group-rule-id and `tag:<key>` only. */
export const filterSecurityGroupRules = defineFilters<SecurityGroupRule>(
  {
    'group-id': (r) => r.GroupId,
    'security-group-rule-id': (r) => r.SecurityGroupRuleId,
  },
  { tags: (r) => r.Tags, tagFilters: ['tag:'] },
);

/** DescribeNetworkInterfaces; tags live in `TagSet` on this shape. */
export const filterNetworkInterfaces = defineFilters<NetworkInterface>(
  {
    'addresses.association.owner-id': (n) => n.PrivateIpAddresses?.map((a) => a.Association?.IpOwnerId),
    'addresses.association.public-ip': (n) => n.PrivateIpAddresses?.map((a) => a.Association?.PublicIp),
    'addresses.primary': (n) => n.PrivateIpAddresses?.map((a) => a.Primary),
    'addresses.private-ip-address': (n) => n.PrivateIpAddresses?.map((a) => a.PrivateIpAddress),
    'association.allocation-id': (n) => n.Association?.AllocationId,
    'association.association-id': (n) => n.Association?.AssociationId,
    'association.ip-owner-id': (n) => n.Association?.IpOwnerId,
    'association.public-ip': (n) => n.Association?.PublicIp,
    'association.public-dns-name': (n) => n.Association?.PublicDnsName,
    'attachment.attach-time': (n) => n.Attachment?.AttachTime?.toISOString(),
    'attachment.attachment-id': (n) => n.Attachment?.AttachmentId,
    'attachment.delete-on-termination': (n) => n.Attachment?.DeleteOnTermination,
    'attachment.device-index': (n) => n.Attachment?.DeviceIndex,
    'attachment.instance-id': (n) => n.Attachment?.InstanceId,
    'attachment.instance-owner-id': (n) => n.Attachment?.InstanceOwnerId,
    'attachment.status': (n) => n.Attachment?.Status,
    'availability-zone': (n) => n.AvailabilityZone,
    'availability-zone-id': (n) => n.AvailabilityZoneId,
    description: (n) => n.Description,
    'group-id': (n) => n.Groups?.map((g) => g.GroupId),
    'interface-type': (n) => n.InterfaceType,
    'ipv6-addresses.ipv6-address': (n) => n.Ipv6Addresses?.map((a) => a.Ipv6Address),
    'mac-address': (n) => n.MacAddress,
    'network-interface-id': (n) => n.NetworkInterfaceId,
    'operator.managed': (n) => n.Operator?.Managed,
    'operator.principal': (n) => n.Operator?.Principal,
    'owner-id': (n) => n.OwnerId,
    'private-dns-name': (n) => n.PrivateDnsName,
    // "The private IPv4 address or addresses of the network interface."
    'private-ip-address': (n) => [n.PrivateIpAddress, ...(n.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress)],
    'requester-id': (n) => n.RequesterId,
    'requester-managed': (n) => n.RequesterManaged,
    'source-dest-check': (n) => n.SourceDestCheck,
    status: (n) => n.Status,
    'subnet-id': (n) => n.SubnetId,
    'vpc-id': (n) => n.VpcId,
  },
  { tags: (n) => n.TagSet },
);

/** DescribeAvailabilityZones; zones carry no tags, so no tag filter is valid. */
export const filterAvailabilityZones = defineFilters<AvailabilityZone>({
  'group-long-name': (z) => z.GroupLongName,
  'group-name': (z) => z.GroupName,
  message: (z) => z.Messages?.map((m) => m.Message),
  'opt-in-status': (z) => z.OptInStatus,
  'parent-zone-id': (z) => z.ParentZoneId,
  'parent-zone-name': (z) => z.ParentZoneName,
  'region-name': (z) => z.RegionName,
  state: (z) => z.State,
  'zone-id': (z) => z.ZoneId,
  'zone-name': (z) => z.ZoneName,
  'zone-type': (z) => z.ZoneType,
});

/** DescribeTags: key, value, resource-id, resource-type, and `tag:<key>` (this description's key and value). */
export const filterTagDescriptions = defineFilters<TagDescription>(
  {
    key: (t) => t.Key,
    'resource-id': (t) => t.ResourceId,
    'resource-type': (t) => t.ResourceType,
    value: (t) => t.Value,
  },
  { tags: (t) => [{ Key: t.Key, Value: t.Value }], tagFilters: ['tag:'] },
);
