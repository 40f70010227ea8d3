// The `Filters` of DescribeRouteTables, DescribeInternetGateways, DescribeNetworkAcls and DescribeDhcpOptions;
// names from each operation's API reference page, matched by filters.ts's rules.
import type { DhcpOptions, InternetGateway, NetworkAcl, RouteTable } from '@aws-sdk/client-ec2';
import { defineFilters } from './filters.ts';

/** DescribeRouteTables. `association.main` is what Terraform's aws_vpc reads the main table with. */
export const filterRouteTables = defineFilters<RouteTable>(
  {
    'association.gateway-id': (t) => t.Associations?.map((a) => a.GatewayId),
    'association.route-table-association-id': (t) => t.Associations?.map((a) => a.RouteTableAssociationId),
    'association.route-table-id': (t) => t.Associations?.map((a) => a.RouteTableId),
    'association.subnet-id': (t) => t.Associations?.map((a) => a.SubnetId),
    // "association.main - Indicates whether the route table is the main route table for the VPC (true | false).
    // Route tables that do not have an association ID are not returned in the response." (API reference)
    'association.main': (t) => t.Associations?.map((a) => a.Main),
    'owner-id': (t) => t.OwnerId,
    'route-table-id': (t) => t.RouteTableId,
    'route.destination-cidr-block': (t) => t.Routes?.map((r) => r.DestinationCidrBlock),
    'route.destination-ipv6-cidr-block': (t) => t.Routes?.map((r) => r.DestinationIpv6CidrBlock),
    'route.destination-prefix-list-id': (t) => t.Routes?.map((r) => r.DestinationPrefixListId),
    'route.egress-only-internet-gateway-id': (t) => t.Routes?.map((r) => r.EgressOnlyInternetGatewayId),
    'route.gateway-id': (t) => t.Routes?.map((r) => r.GatewayId),
    'route.instance-id': (t) => t.Routes?.map((r) => r.InstanceId),
    'route.nat-gateway-id': (t) => t.Routes?.map((r) => r.NatGatewayId),
    'route.transit-gateway-id': (t) => t.Routes?.map((r) => r.TransitGatewayId),
    'route.origin': (t) => t.Routes?.map((r) => r.Origin),
    'route.state': (t) => t.Routes?.map((r) => r.State),
    'route.vpc-peering-connection-id': (t) => t.Routes?.map((r) => r.VpcPeeringConnectionId),
    'vpc-id': (t) => t.VpcId,
  },
  { tags: (t) => t.Tags },
);

/** DescribeInternetGateways; `attachment.state` is "available" while attached. */
export const filterInternetGateways = defineFilters<InternetGateway>(
  {
    'attachment.state': (g) => g.Attachments?.map((a) => a.State),
    'attachment.vpc-id': (g) => g.Attachments?.map((a) => a.VpcId),
    'internet-gateway-id': (g) => g.InternetGatewayId,
    'owner-id': (g) => g.OwnerId,
  },
  { tags: (g) => g.Tags },
);

/** DescribeNetworkAcls. `default` is what Terraform's aws_vpc reads the default ACL with. */
export const filterNetworkAcls = defineFilters<NetworkAcl>(
  {
    'association.association-id': (n) => n.Associations?.map((a) => a.NetworkAclAssociationId),
    'association.network-acl-id': (n) => n.Associations?.map((a) => a.NetworkAclId),
    'association.subnet-id': (n) => n.Associations?.map((a) => a.SubnetId),
    default: (n) => n.IsDefault,
    'entry.cidr': (n) => n.Entries?.map((e) => e.CidrBlock),
    'entry.icmp.code': (n) => n.Entries?.map((e) => e.IcmpTypeCode?.Code),
    'entry.icmp.type': (n) => n.Entries?.map((e) => e.IcmpTypeCode?.Type),
    'entry.ipv6-cidr': (n) => n.Entries?.map((e) => e.Ipv6CidrBlock),
    'entry.port-range.from': (n) => n.Entries?.map((e) => e.PortRange?.From),
    'entry.port-range.to': (n) => n.Entries?.map((e) => e.PortRange?.To),
    'entry.protocol': (n) => n.Entries?.map((e) => e.Protocol),
    'entry.rule-action': (n) => n.Entries?.map((e) => e.RuleAction),
    'entry.egress': (n) => n.Entries?.map((e) => e.Egress),
    'entry.rule-number': (n) => n.Entries?.map((e) => e.RuleNumber),
    'network-acl-id': (n) => n.NetworkAclId,
    'owner-id': (n) => n.OwnerId,
    'vpc-id': (n) => n.VpcId,
  },
  { tags: (n) => n.Tags },
);

/** DescribeDhcpOptions: `key` and `value` match any of the set's options. */
export const filterDhcpOptions = defineFilters<DhcpOptions>(
  {
    'dhcp-options-id': (d) => d.DhcpOptionsId,
    key: (d) => d.DhcpConfigurations?.map((c) => c.Key),
    value: (d) => d.DhcpConfigurations?.flatMap((c) => c.Values?.map((v) => v.Value) ?? []),
    'owner-id': (d) => d.OwnerId,
  },
  { tags: (d) => d.Tags },
);
