// What Berth's EC2 networking keeps in the store: the kinds, their bodies (the SDK's own shapes, so a
// record is what Describe shows), and the one put function per kind that sets its lookup keys.
import type {
  AttachmentStatus,
  DhcpOptions,
  InternetGateway,
  NetworkAcl,
  NetworkInterface,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  Vpc,
} from '@aws-sdk/client-ec2';
import type { Scope, StoreTx } from '../../store/store.ts';

/** T with the members K present: the ids and blocks every stored record has. */
export type WithRequired<T, K extends keyof T> = T & { [P in K]-?: NonNullable<T[P]> };

/** The DNS attributes of a VPC (DescribeVpcAttribute); they are not part of the Vpc shape. */
export interface VpcAttributes {
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  enableNetworkAddressUsageMetrics: boolean;
}

export interface VpcRecord {
  vpc: WithRequired<Vpc, 'VpcId' | 'CidrBlock' | 'IsDefault' | 'OwnerId'>;
  attributes: VpcAttributes;
}

/** AvailableIpAddressCount is not kept: it is derived from the subnet's interfaces when read. */
export type SubnetRecord = WithRequired<Subnet, 'SubnetId' | 'VpcId' | 'CidrBlock' | 'AvailabilityZone' | 'AvailabilityZoneId' | 'OwnerId'>;

/** A group without its permissions: those are its rules (`ec2.security-group-rule`), merged when read. */
export type SecurityGroupRecord = WithRequired<
  Omit<SecurityGroup, 'IpPermissions' | 'IpPermissionsEgress'>,
  'GroupId' | 'GroupName' | 'VpcId' | 'OwnerId' | 'Description'
>;

export type SecurityGroupRuleRecord = WithRequired<SecurityGroupRule, 'SecurityGroupRuleId' | 'GroupId' | 'IsEgress'>;

export type NetworkInterfaceRecord = WithRequired<
  NetworkInterface,
  'NetworkInterfaceId' | 'SubnetId' | 'VpcId' | 'PrivateIpAddress' | 'OwnerId'
>;

/**
 * A route table with its routes and associations (the main one and explicit subnet ones), as Describe shows
 * it except for each route's State, which is derived when read (a route to a detached gateway is a blackhole).
 */
export type RouteTableRecord = WithRequired<RouteTable, 'RouteTableId' | 'VpcId' | 'OwnerId' | 'Routes' | 'Associations'>;

/**
 * What DescribeInternetGateways shows for an attached gateway: "available" (awscli/examples/ec2/
 * describe-internet-gateways.rst; k1LoW/awspec#253), which the SDK's AttachmentStatus type does not list.
 */
export const ATTACHED = 'available' as AttachmentStatus;

/** An internet gateway; `Attachments` holds at most one VPC. */
export type InternetGatewayRecord = WithRequired<InternetGateway, 'InternetGatewayId' | 'OwnerId' | 'Attachments'>;

/** A network ACL with its entries and its subnet associations (every subnet is in exactly one ACL). */
export type NetworkAclRecord = WithRequired<NetworkAcl, 'NetworkAclId' | 'VpcId' | 'OwnerId' | 'IsDefault' | 'Entries' | 'Associations'>;

export type DhcpOptionsRecord = WithRequired<DhcpOptions, 'DhcpOptionsId' | 'OwnerId' | 'DhcpConfigurations'>;

/** One per account and region once its default network exists, so a deleted default VPC stays deleted. */
export interface NetworkScopeRecord {
  defaultNetworkCreatedAt: Date;
  /** The region's default DHCP option set, which every new VPC uses (absent in stores made before Berth kept it). */
  defaultDhcpOptionsId?: string;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    'ec2.vpc': VpcRecord;
    'ec2.subnet': SubnetRecord;
    'ec2.security-group': SecurityGroupRecord;
    'ec2.security-group-rule': SecurityGroupRuleRecord;
    'ec2.network-interface': NetworkInterfaceRecord;
    'ec2.network-scope': NetworkScopeRecord;
    'ec2.route-table': RouteTableRecord;
    'ec2.internet-gateway': InternetGatewayRecord;
    'ec2.network-acl': NetworkAclRecord;
    'ec2.dhcp-options': DhcpOptionsRecord;
  }
}

/** The name under which the default VPC is indexed, so it is found without a scan. */
export const DEFAULT_VPC_KEY = 'default';

/** VPCs: name = 'default' for the default VPC. */
export async function putVpc(tx: StoreTx, scope: Scope, record: VpcRecord): Promise<void> {
  await tx.put('ec2.vpc', scope, { id: record.vpc.VpcId, name: record.vpc.IsDefault ? DEFAULT_VPC_KEY : '', body: record });
}

/** Subnets: parent = VPC id. */
export async function putSubnet(tx: StoreTx, scope: Scope, record: SubnetRecord): Promise<void> {
  const { AvailableIpAddressCount: _derived, ...body } = record;
  await tx.put('ec2.subnet', scope, { id: record.SubnetId, parent: record.VpcId, name: record.AvailabilityZone, body });
}

/** Security groups: parent = VPC id, name = group name (unique per VPC). */
export async function putSecurityGroup(tx: StoreTx, scope: Scope, record: SecurityGroupRecord): Promise<void> {
  await tx.put('ec2.security-group', scope, { id: record.GroupId, parent: record.VpcId, name: record.GroupName, body: record });
}

/** Rules: parent = the group they belong to, name = the group they reference ('' for CIDR and prefix-list peers). */
export async function putSecurityGroupRule(tx: StoreTx, scope: Scope, record: SecurityGroupRuleRecord): Promise<void> {
  await tx.put('ec2.security-group-rule', scope, {
    id: record.SecurityGroupRuleId,
    parent: record.GroupId,
    name: record.ReferencedGroupInfo?.GroupId ?? '',
    body: record,
  });
}

/** Network interfaces: parent = subnet id, name = VPC id. */
export async function putNetworkInterface(tx: StoreTx, scope: Scope, record: NetworkInterfaceRecord): Promise<void> {
  await tx.put('ec2.network-interface', scope, { id: record.NetworkInterfaceId, parent: record.SubnetId, name: record.VpcId, body: record });
}

/** The name under which a VPC's main route table and its default ACL are indexed. */
export const MAIN_KEY = 'main';

/** Route tables: parent = VPC id, name = 'main' while the table holds its VPC's main association. */
export async function putRouteTable(tx: StoreTx, scope: Scope, record: RouteTableRecord): Promise<void> {
  const main = record.Associations.some((association) => association.Main === true);
  await tx.put('ec2.route-table', scope, { id: record.RouteTableId, parent: record.VpcId, name: main ? MAIN_KEY : '', body: record });
}

/** Internet gateways: parent = the VPC it is attached to ('' while detached). */
export async function putInternetGateway(tx: StoreTx, scope: Scope, record: InternetGatewayRecord): Promise<void> {
  const vpcId = record.Attachments[0]?.VpcId ?? '';
  await tx.put('ec2.internet-gateway', scope, { id: record.InternetGatewayId, parent: vpcId, body: record });
}

/** Network ACLs: parent = VPC id, name = 'main' for the VPC's default ACL. */
export async function putNetworkAcl(tx: StoreTx, scope: Scope, record: NetworkAclRecord): Promise<void> {
  await tx.put('ec2.network-acl', scope, { id: record.NetworkAclId, parent: record.VpcId, name: record.IsDefault ? MAIN_KEY : '', body: record });
}

/** DHCP option sets (the region's default set is named by its network-scope record). */
export async function putDhcpOptions(tx: StoreTx, scope: Scope, record: DhcpOptionsRecord): Promise<void> {
  await tx.put('ec2.dhcp-options', scope, { id: record.DhcpOptionsId, body: record });
}
