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
import type { SecurityGroupRecord, SubnetRecord, VpcRecord } from './records.ts';
import { vpcIdNotSpecified } from './request-errors.ts';

export const VPC_IDS: IdRules = { prefix: 'vpc', malformed: invalidVpcIdMalformed, notFound: invalidVpcIdNotFound };
export const SUBNET_IDS: IdRules = { prefix: 'subnet', malformed: invalidSubnetIdMalformed, notFound: invalidSubnetIdNotFound };
export const GROUP_IDS: IdRules = { prefix: 'sg', malformed: invalidGroupIdMalformed, notFound: invalidGroupNotFound };
export const RULE_IDS: IdRules = {
  prefix: 'sgr', malformed: invalidSecurityGroupRuleIdMalformed, notFound: invalidSecurityGroupRuleIdNotFound,
};
export const NETWORK_INTERFACE_IDS: IdRules = {
  prefix: 'eni', malformed: invalidNetworkInterfaceIdMalformed, notFound: invalidNetworkInterfaceIdNotFound,
};

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
