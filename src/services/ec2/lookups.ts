// Finding the resource a request names, with AWS's error when the id is malformed or unknown.
import { checkIdFormat, type IdRules } from './describe.ts';
import { findDefaultVpc } from './default-network.ts';
import {
  invalidGroupIdMalformed,
  invalidGroupNotFound,
  invalidGroupNotFoundInDefaultVpc,
  invalidNetworkInterfaceIdMalformed,
  invalidNetworkInterfaceIdNotFound,
  invalidSecurityGroupRuleIdMalformed,
  invalidSecurityGroupRuleIdNotFound,
  invalidSubnetIdMalformed,
  invalidSubnetIdNotFound,
  invalidVpcIdMalformed,
  invalidVpcIdNotFound,
  missingParameter,
} from './errors.ts';
import type { NetworkCall } from './network-call.ts';
import type { InternetGatewayRecord, RouteTableRecord, SecurityGroupRecord, SubnetRecord, VpcRecord } from './records.ts';
import { vpcIdNotSpecified } from './request-errors.ts';
import {
  invalidDhcpOptionsIdMalformed,
  invalidDhcpOptionsIdNotFound,
  invalidInternetGatewayIdMalformed,
  invalidInternetGatewayIdNotFound,
  invalidNetworkAclIdMalformed,
  invalidNetworkAclIdNotFound,
  invalidRouteTableIdMalformed,
  invalidRouteTableIdNotFound,
} from './routing-errors.ts';

export const VPC_IDS: IdRules = { prefix: 'vpc', malformed: invalidVpcIdMalformed, notFound: invalidVpcIdNotFound };
export const SUBNET_IDS: IdRules = { prefix: 'subnet', malformed: invalidSubnetIdMalformed, notFound: invalidSubnetIdNotFound };
export const GROUP_IDS: IdRules = { prefix: 'sg', malformed: invalidGroupIdMalformed, notFound: invalidGroupNotFound };
export const RULE_IDS: IdRules = {
  prefix: 'sgr', malformed: invalidSecurityGroupRuleIdMalformed, notFound: invalidSecurityGroupRuleIdNotFound,
};
export const NETWORK_INTERFACE_IDS: IdRules = {
  prefix: 'eni', malformed: invalidNetworkInterfaceIdMalformed, notFound: invalidNetworkInterfaceIdNotFound,
};

export const ROUTE_TABLE_IDS: IdRules = { prefix: 'rtb', malformed: invalidRouteTableIdMalformed, notFound: invalidRouteTableIdNotFound };
export const INTERNET_GATEWAY_IDS: IdRules = {
  prefix: 'igw', malformed: invalidInternetGatewayIdMalformed, notFound: invalidInternetGatewayIdNotFound,
};
export const NETWORK_ACL_IDS: IdRules = { prefix: 'acl', malformed: invalidNetworkAclIdMalformed, notFound: invalidNetworkAclIdNotFound };
export const DHCP_OPTIONS_IDS: IdRules = { prefix: 'dopt', malformed: invalidDhcpOptionsIdMalformed, notFound: invalidDhcpOptionsIdNotFound };

export async function requireRouteTable(call: NetworkCall, routeTableId: string): Promise<RouteTableRecord> {
  checkIdFormat([routeTableId], ROUTE_TABLE_IDS);
  const table = await call.tx.get('ec2.route-table', call.scope, routeTableId);
  if (!table) throw invalidRouteTableIdNotFound(routeTableId);
  return table;
}

export async function requireInternetGateway(call: NetworkCall, gatewayId: string): Promise<InternetGatewayRecord> {
  checkIdFormat([gatewayId], INTERNET_GATEWAY_IDS);
  const gateway = await call.tx.get('ec2.internet-gateway', call.scope, gatewayId);
  if (!gateway) throw invalidInternetGatewayIdNotFound(gatewayId);
  return gateway;
}

export async function requireVpc(call: NetworkCall, vpcId: string): Promise<VpcRecord> {
  checkIdFormat([vpcId], VPC_IDS);
  const vpc = await call.tx.get('ec2.vpc', call.scope, vpcId);
  if (!vpc) throw invalidVpcIdNotFound(vpcId);
  return vpc;
}

/** The VPC a request names, or the default VPC when it names none (VPCIdNotSpecified if it was deleted). */
export async function vpcOrDefault(call: NetworkCall, vpcId: string | undefined): Promise<VpcRecord> {
  if (vpcId !== undefined) return requireVpc(call, vpcId);
  const vpc = await findDefaultVpc(call);
  if (!vpc) throw vpcIdNotSpecified();
  return vpc;
}

export async function requireSubnet(call: NetworkCall, subnetId: string): Promise<SubnetRecord> {
  checkIdFormat([subnetId], SUBNET_IDS);
  const subnet = await call.tx.get('ec2.subnet', call.scope, subnetId);
  if (!subnet) throw invalidSubnetIdNotFound(subnetId);
  return subnet;
}

export async function requireSecurityGroup(call: NetworkCall, groupId: string): Promise<SecurityGroupRecord> {
  checkIdFormat([groupId], GROUP_IDS);
  const group = await call.tx.get('ec2.security-group', call.scope, groupId);
  if (!group) throw invalidGroupNotFound(groupId);
  return group;
}

/** A group of the default VPC by name, as "[Default VPC]" GroupName parameters mean it. */
export async function requireDefaultVpcGroupByName(call: NetworkCall, groupName: string): Promise<SecurityGroupRecord> {
  const vpc = await vpcOrDefault(call, undefined);
  const [row] = await call.tx.list('ec2.security-group', call.scope, { parent: vpc.vpc.VpcId, name: groupName, limit: 1 });
  if (!row) throw invalidGroupNotFoundInDefaultVpc(groupName, vpc.vpc.VpcId);
  return row.body;
}

/** The group a GroupId or (default VPC) GroupName parameter names; MissingParameter for neither. */
export async function requireGroupByIdOrName(call: NetworkCall, groupId: string | undefined, groupName: string | undefined): Promise<SecurityGroupRecord> {
  if (groupId !== undefined) return requireSecurityGroup(call, groupId);
  if (groupName !== undefined) return requireDefaultVpcGroupByName(call, groupName);
  throw missingParameter('groupId');
}
