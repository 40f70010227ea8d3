// The network every AWS region starts with, made on the region's first EC2 call: the default VPC, one
// default subnet per zone, the VPC's default security group, main route table, default network ACL, the
// region's default DHCP options and an attached internet gateway. Also what CreateVpc and CreateDefaultVpc
// share with it: storing a VPC together with its default security group.
import type { SecurityGroup, SecurityGroupRule, Subnet } from '@aws-sdk/client-ec2';
import { defaultSecurityGroup, defaultVpcLayout } from './default-vpc.ts';
import type { NetworkCall } from './network-call.ts';
import { associateSubnetWithDefaultAcl, attachDefaultInternetGateway, createVpcComponents, ensureDefaultDhcpOptions } from './vpc-components.ts';
import {
  DEFAULT_VPC_KEY,
  putSecurityGroup,
  putSecurityGroupRule,
  putSubnet,
  putVpc,
  type SecurityGroupRecord,
  type SecurityGroupRuleRecord,
  type SubnetRecord,
  type VpcAttributes,
  type VpcRecord,
} from './records.ts';

const SCOPE_ID = 'network';

/**
 * "Your default VPC … enableDnsHostnames and enableDnsSupport are set to true"; any other VPC gets DNS
 * support but not DNS hostnames (Amazon VPC User Guide, "DNS attributes for your VPC").
 */
export function vpcAttributes(isDefault: boolean): VpcAttributes {
  return { enableDnsSupport: true, enableDnsHostnames: isDefault, enableNetworkAddressUsageMetrics: false };
}

/** True once the region's default network was made (even if its default VPC was deleted since). */
export async function hasNetworkScope(call: NetworkCall): Promise<boolean> {
  return (await call.tx.get('ec2.network-scope', call.scope, SCOPE_ID)) !== undefined;
}

/** Makes the default network of the call's region unless it was made before; runs inside the call's transaction. */
export async function ensureDefaultNetwork(call: NetworkCall): Promise<void> {
  if (await hasNetworkScope(call)) return;
  await call.tx.put('ec2.network-scope', call.scope, { id: SCOPE_ID, body: { defaultNetworkCreatedAt: call.ctx.now } });
  await createDefaultNetwork(call);
}

/** The default VPC of the call's region, if it has one. */
export async function findDefaultVpc(call: NetworkCall): Promise<VpcRecord | undefined> {
  const [row] = await call.tx.list('ec2.vpc', call.scope, { name: DEFAULT_VPC_KEY, limit: 1 });
  return row?.body;
}

/**
 * Stores a default VPC with its subnets, default security group, main route table (with a 0.0.0.0/0 route to
 * its internet gateway, which every default subnet uses through the main association) and default ACL
 * (first use, and CreateDefaultVpc).
 */
export async function createDefaultNetwork(call: NetworkCall): Promise<{ vpc: VpcRecord; subnets: SubnetRecord[] }> {
  const layout = defaultVpcLayout({ accountId: call.accountId, region: call.ctx.region, newId: call.newId });
  const { VpcId, CidrBlock, OwnerId } = layout.vpc;
  if (VpcId === undefined || CidrBlock === undefined || OwnerId === undefined) throw new Error('default VPC layout without ids');
  const DhcpOptionsId = await ensureDefaultDhcpOptions(call);
  const vpc: VpcRecord = { vpc: { ...layout.vpc, VpcId, CidrBlock, OwnerId, DhcpOptionsId, IsDefault: true }, attributes: vpcAttributes(true) };
  await putVpc(call.tx, call.scope, vpc);
  const mainTable = await createVpcComponents(call, VpcId, CidrBlock);
  await attachDefaultInternetGateway(call, VpcId, mainTable);
  const subnets: SubnetRecord[] = [];
  for (const subnet of layout.subnets) {
    const record = requireSubnetIds(subnet);
    await putSubnet(call.tx, call.scope, record);
    await associateSubnetWithDefaultAcl(call, VpcId, record.SubnetId);
    subnets.push(record);
  }
  await storeSecurityGroup(call, layout.securityGroup, layout.securityGroupRules);
  return { vpc, subnets };
}

/** Stores the security group a new VPC comes with ("default", members talk to each other, all egress). */
export async function createVpcDefaultSecurityGroup(call: NetworkCall, vpcId: string): Promise<void> {
  const layout = defaultSecurityGroup(vpcId, { accountId: call.accountId, region: call.ctx.region, newId: call.newId });
  await storeSecurityGroup(call, layout.securityGroup, layout.rules);
}

/** Stores a group (its permissions become rule records) and its rules. */
export async function storeSecurityGroup(call: NetworkCall, group: SecurityGroup, rules: readonly SecurityGroupRule[]): Promise<SecurityGroupRecord> {
  const { IpPermissions: _ingress, IpPermissionsEgress: _egress, GroupId, GroupName, VpcId, OwnerId, Description, ...rest } = group;
  if (GroupId === undefined || GroupName === undefined || VpcId === undefined || OwnerId === undefined || Description === undefined) {
    throw new Error('security group without ids');
  }
  const record: SecurityGroupRecord = { ...rest, GroupId, GroupName, VpcId, OwnerId, Description };
  await putSecurityGroup(call.tx, call.scope, record);
  for (const rule of rules) await putSecurityGroupRule(call.tx, call.scope, requireRuleIds(rule));
  return record;
}

/** A rule as the store keeps it: with its id, group and direction (ip-permissions.ts always sets them). */
export function requireRuleIds(rule: SecurityGroupRule): SecurityGroupRuleRecord {
  const { SecurityGroupRuleId, GroupId, IsEgress } = rule;
  if (SecurityGroupRuleId === undefined || GroupId === undefined || IsEgress === undefined) throw new Error('security group rule without ids');
  return { ...rule, SecurityGroupRuleId, GroupId, IsEgress };
}

function requireSubnetIds(subnet: Subnet): SubnetRecord {
  const { SubnetId, VpcId, CidrBlock, AvailabilityZone, AvailabilityZoneId, OwnerId } = subnet;
  if (SubnetId === undefined || VpcId === undefined || CidrBlock === undefined || AvailabilityZone === undefined
    || AvailabilityZoneId === undefined || OwnerId === undefined) throw new Error('default subnet layout without ids');
  return { ...subnet, SubnetId, VpcId, CidrBlock, AvailabilityZone, AvailabilityZoneId, OwnerId };
}
