// The networking AWS gives every account in every region: its Availability Zones, the default VPC, one default
// subnet per zone, and the default security group every VPC starts with. Plain SDK-typed data, ids injected.

import type { AvailabilityZone, SecurityGroup, SecurityGroupRule, Subnet, Vpc } from '@aws-sdk/client-ec2';
import { availableIpAddressCount, formatIpv4Address, parseIpv4Cidr } from './cidr.ts';
import type { Ec2IdGenerator } from './ids.ts';
import { ipPermissionsFromRules, securityGroupRuleOf, type RuleSpec } from './ip-permissions.ts';

/** "Create a VPC with a size /16 IPv4 CIDR block (172.31.0.0/16)" (Amazon VPC User Guide, "Default VPCs"). */
export const DEFAULT_VPC_CIDR_BLOCK = '172.31.0.0/16';

/** "Create a size /20 default subnet in each Availability Zone" (same page; CreateDefaultSubnet docs). */
export const DEFAULT_SUBNET_PREFIX_LENGTH = 20;

/** Group name and description of the security group every VPC is created with, as DescribeSecurityGroups shows it. */
export const DEFAULT_SECURITY_GROUP_NAME = 'default';
export const DEFAULT_SECURITY_GROUP_DESCRIPTION = 'default VPC security group';

/**
 * The commercial regions and their zones as [zone letter, number in the zone id]. Which zone name maps to
 * which zone id differs per AWS account; Berth fixes one mapping for every account: the letters in order
 * against the region's zone ids in order (us-east-1a → use1-az1 … us-east-1f → use1-az6). Letters are
 * the ones AWS offers new accounts (us-west-1 has only a and c; ca-central-1 a, b and d; ap-northeast-1
 * a, c and d, whose ids are az1, az2 and az4).
 */
const REGION_ZONES: Readonly<Record<string, { readonly idPrefix: string; readonly zones: readonly (readonly [string, number])[] }>> = {
  'us-east-1': { idPrefix: 'use1', zones: lettered('abcdef') },
  'us-east-2': { idPrefix: 'use2', zones: lettered('abc') },
  'us-west-1': { idPrefix: 'usw1', zones: [['a', 1], ['c', 3]] },
  'us-west-2': { idPrefix: 'usw2', zones: lettered('abcd') },
  'af-south-1': { idPrefix: 'afs1', zones: lettered('abc') },
  'ap-east-1': { idPrefix: 'ape1', zones: lettered('abc') },
  'ap-south-1': { idPrefix: 'aps1', zones: lettered('abc') },
  'ap-south-2': { idPrefix: 'aps2', zones: lettered('abc') },
  'ap-southeast-1': { idPrefix: 'apse1', zones: lettered('abc') },
  'ap-southeast-2': { idPrefix: 'apse2', zones: lettered('abc') },
  'ap-southeast-3': { idPrefix: 'apse3', zones: lettered('abc') },
  'ap-southeast-4': { idPrefix: 'apse4', zones: lettered('abc') },
  'ap-southeast-5': { idPrefix: 'apse5', zones: lettered('abc') },
  'ap-southeast-7': { idPrefix: 'apse7', zones: lettered('abc') },
  'ap-northeast-1': { idPrefix: 'apne1', zones: [['a', 1], ['c', 2], ['d', 4]] },
  'ap-northeast-2': { idPrefix: 'apne2', zones: lettered('abcd') },
  'ap-northeast-3': { idPrefix: 'apne3', zones: lettered('abc') },
  'ca-central-1': { idPrefix: 'cac1', zones: [['a', 1], ['b', 2], ['d', 4]] },
  'ca-west-1': { idPrefix: 'caw1', zones: lettered('abc') },
  'eu-central-1': { idPrefix: 'euc1', zones: lettered('abc') },
  'eu-central-2': { idPrefix: 'euc2', zones: lettered('abc') },
  'eu-west-1': { idPrefix: 'euw1', zones: lettered('abc') },
  'eu-west-2': { idPrefix: 'euw2', zones: lettered('abc') },
  'eu-west-3': { idPrefix: 'euw3', zones: lettered('abc') },
  'eu-south-1': { idPrefix: 'eus1', zones: lettered('abc') },
  'eu-south-2': { idPrefix: 'eus2', zones: lettered('abc') },
  'eu-north-1': { idPrefix: 'eun1', zones: lettered('abc') },
  'il-central-1': { idPrefix: 'ilc1', zones: lettered('abc') },
  'me-south-1': { idPrefix: 'mes1', zones: lettered('abc') },
  'me-central-1': { idPrefix: 'mec1', zones: lettered('abc') },
  'mx-central-1': { idPrefix: 'mxc1', zones: lettered('abc') },
  'sa-east-1': { idPrefix: 'sae1', zones: lettered('abc') },
};

function lettered(letters: string): (readonly [string, number])[] {
  return [...letters].map((letter, i) => [letter, i + 1] as const);
}

/** The regions Berth knows zones for. */
export const KNOWN_REGIONS: readonly string[] = Object.keys(REGION_ZONES);

/**
 * DescribeAvailabilityZones' answer for a region. A region Berth does not know (a private name such as
 * "local") gets three zones, a to c, with ids `<region>-az1`…, so Berth works under any region name.
 */
export function availabilityZonesOf(region: string): AvailabilityZone[] {
  const known = Object.hasOwn(REGION_ZONES, region) ? REGION_ZONES[region] : undefined;
  const idPrefix = known?.idPrefix ?? region;
  const zones = known?.zones ?? lettered('abc');
  return zones.map(([letter, number]) => ({
    State: 'available',
    // "For Availability Zones, this parameter always has the value of opt-in-not-required." (model docs)
    OptInStatus: 'opt-in-not-required',
    Messages: [],
    RegionName: region,
    ZoneName: `${region}${letter}`,
    ZoneId: `${idPrefix}-az${number}`,
    // The model's example zone group for an Availability Zone: "us-east-1-zg-1".
    GroupName: `${region}-zg-1`,
    NetworkBorderGroup: region,
    ZoneType: 'availability-zone',
  }));
}

/** The n-th default subnet's block: 172.31.0.0/20, 172.31.16.0/20, 172.31.32.0/20, … (16 fit in the /16). */
export function defaultSubnetCidrBlock(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= 16) throw new RangeError(`no default subnet block #${index}`);
  const base = parseIpv4Cidr(DEFAULT_VPC_CIDR_BLOCK);
  if (!base) throw new Error('unreachable: DEFAULT_VPC_CIDR_BLOCK is well formed');
  return `${formatIpv4Address(base.network + index * 2 ** (32 - DEFAULT_SUBNET_PREFIX_LENGTH))}/${DEFAULT_SUBNET_PREFIX_LENGTH}`;
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Where the defaults are being made: the account, its region, and the id source. */
export interface DefaultsContext {
  readonly accountId: string;
  readonly region: string;
  readonly newId: Ec2IdGenerator;
}

export interface DefaultSecurityGroupLayout {
  readonly securityGroup: SecurityGroup;
  /** The same rules as DescribeSecurityGroupRules lists them (what the store keeps). */
  readonly rules: SecurityGroupRule[];
}

/**
 * The security group a new VPC comes with: named "default", inbound all traffic from members of the
 * group itself, outbound all traffic to 0.0.0.0/0 (Amazon VPC User Guide, "Default security groups";
 * the shape matches real DescribeSecurityGroups output).
 */
export function defaultSecurityGroup(vpcId: string, context: DefaultsContext): DefaultSecurityGroupLayout {
  const groupId = context.newId('sg');
  const arnPrefix = `arn:${partitionOf(context.region)}:ec2:${context.region}:${context.accountId}`;
  const specs: RuleSpec[] = [
    { isEgress: false, ipProtocol: '-1', fromPort: -1, toPort: -1, peer: { kind: 'group', groupId, userId: context.accountId } },
    { isEgress: true, ipProtocol: '-1', fromPort: -1, toPort: -1, peer: { kind: 'cidr-ipv4', cidr: '0.0.0.0/0' } },
  ];
  const rules = specs.map((spec) => {
    const rule = securityGroupRuleOf(spec, { ruleId: context.newId('sgr'), groupId, groupOwnerId: context.accountId });
    return { ...rule, SecurityGroupRuleArn: `${arnPrefix}:security-group-rule/${rule.SecurityGroupRuleId ?? ''}` };
  });
  return {
    securityGroup: {
      GroupId: groupId,
      GroupName: DEFAULT_SECURITY_GROUP_NAME,
      Description: DEFAULT_SECURITY_GROUP_DESCRIPTION,
      OwnerId: context.accountId,
      VpcId: vpcId,
      IpPermissions: ipPermissionsFromRules(rules.filter((rule) => !rule.IsEgress)),
      IpPermissionsEgress: ipPermissionsFromRules(rules.filter((rule) => rule.IsEgress)),
      SecurityGroupArn: `${arnPrefix}:security-group/${groupId}`,
    },
    rules,
  };
}

export interface DefaultVpcLayout {
  readonly vpc: Vpc;
  readonly subnets: Subnet[];
  readonly securityGroup: SecurityGroup;
  readonly securityGroupRules: SecurityGroupRule[];
}

/**
 * The default VPC of one account and region: 172.31.0.0/16, default tenancy, its own DHCP options id,
 * available; one /20 default subnet per zone, in zone order, that maps public IPs on launch
 * ("Default subnets … MapPublicIpOnLaunch true", Amazon VPC User Guide); and the default security group.
 * Route tables, network ACLs, DHCP options and the internet gateway are vpc-components.ts's.
 */
export function defaultVpcLayout(context: DefaultsContext): DefaultVpcLayout {
  const vpcId = context.newId('vpc');
  const arnPrefix = `arn:${partitionOf(context.region)}:ec2:${context.region}:${context.accountId}`;
  const vpc: Vpc = {
    VpcId: vpcId,
    OwnerId: context.accountId,
    CidrBlock: DEFAULT_VPC_CIDR_BLOCK,
    DhcpOptionsId: context.newId('dopt'),
    State: 'available',
    InstanceTenancy: 'default',
    IsDefault: true,
    CidrBlockAssociationSet: [
      { AssociationId: context.newId('vpc-cidr-assoc'), CidrBlock: DEFAULT_VPC_CIDR_BLOCK, CidrBlockState: { State: 'associated' } },
    ],
    Ipv6CidrBlockAssociationSet: [],
    BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
  };
  const subnets = availabilityZonesOf(context.region).map((zone, index): Subnet => {
    const subnetId = context.newId('subnet');
    const cidrBlock = defaultSubnetCidrBlock(index);
    const cidr = parseIpv4Cidr(cidrBlock);
    return {
      SubnetId: subnetId,
      SubnetArn: `${arnPrefix}:subnet/${subnetId}`,
      VpcId: vpcId,
      OwnerId: context.accountId,
      State: 'available',
      CidrBlock: cidrBlock,
      AvailableIpAddressCount: cidr ? availableIpAddressCount(cidr) : 0,
      AvailabilityZone: zone.ZoneName,
      AvailabilityZoneId: zone.ZoneId,
      DefaultForAz: true,
      MapPublicIpOnLaunch: true,
      MapCustomerOwnedIpOnLaunch: false,
      AssignIpv6AddressOnCreation: false,
      Ipv6CidrBlockAssociationSet: [],
      Ipv6Native: false,
      EnableDns64: false,
      PrivateDnsNameOptionsOnLaunch: {
        HostnameType: 'ip-name',
        EnableResourceNameDnsARecord: false,
        EnableResourceNameDnsAAAARecord: false,
      },
      BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
    };
  });
  const group = defaultSecurityGroup(vpcId, context);
  return { vpc, subnets, securityGroup: group.securityGroup, securityGroupRules: group.rules };
}
