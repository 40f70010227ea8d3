// Where a load balancer sits: its subnets (one per Availability Zone, one VPC), its security groups, and
// the EC2 network interface it gets in each subnet, as AWS shows them (`ELB app/<name>/<id>`).
import type { AvailabilityZone, SubnetMapping } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { IdSource } from '../../platform/ids.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import { createNetworkInterface, deleteNetworkInterface, updateNetworkInterface } from '../ec2/network-interfaces.ts';
import type { SubnetRecord } from '../ec2/records.ts';
import { loadBalancerResourceName, type LoadBalancerType } from './arns.ts';
import {
  InvalidConfigurationRequestException, InvalidSecurityGroupException, InvalidSubnetException, SubnetNotFoundException, ValidationError,
} from './errors.ts';
import type { LoadBalancerRecord } from './records.ts';

/** The account AWS shows as RequesterId on a load balancer's ENI ("amazon-elb", DescribeNetworkInterfaces on real ALBs). */
export const ELB_REQUESTER_ID = 'amazon-elb';

export interface PlacedSubnets {
  vpcId: string;
  subnets: SubnetRecord[];
}

/** The subnet ids of Subnets or SubnetMappings (AWS takes one or the other). */
export function requestedSubnets(subnets: readonly string[] | undefined, mappings: readonly SubnetMapping[] | undefined): string[] {
  // Not verified: the wording; AWS refuses a request that gives both.
  if (subnets !== undefined && subnets.length > 0 && mappings !== undefined && mappings.length > 0) {
    throw new ValidationError('You can specify subnets or subnet mappings, not both');
  }
  return [...new Set(subnets && subnets.length > 0 ? subnets : (mappings ?? []).map((mapping) => mapping.SubnetId ?? ''))];
}

/**
 * Checks the subnets as CreateLoadBalancer and SetSubnets do: they exist, belong to one VPC, sit in
 * different Availability Zones, and an Application Load Balancer spans at least two zones; an
 * internet-facing load balancer needs a VPC with an internet gateway.
 */
export async function placeSubnets(tx: StoreTx, scope: Scope, subnetIds: string[], type: LoadBalancerType, scheme: string): Promise<PlacedSubnets> {
  // Verified (aws-cdk #635, kasmtech/terraform #5): ValidationError with this text for an ALB in fewer than two zones.
  const twoZones = 'At least two subnets in two different Availability Zones must be specified';
  if (subnetIds.length === 0) {
    // Not verified: the wording for a network load balancer without subnets.
    throw new ValidationError(type === 'application' ? twoZones : 'At least one subnet must be specified');
  }
  const subnets: SubnetRecord[] = [];
  for (const subnetId of subnetIds) {
    const subnet = await tx.get('ec2.subnet', scope, subnetId);
    // Verified: ELBv2 answers SubnetNotFound with EC2's code as its text (aws-cdk #3676, mozilla/fxa-dev #449).
    if (!subnet) throw new SubnetNotFoundException('InvalidSubnetID.NotFound');
    subnets.push(subnet);
  }
  const vpcId = subnets[0]?.VpcId ?? '';
  const other = subnets.find((subnet) => subnet.VpcId !== vpcId);
  // Not verified: the wording; AWS refuses subnets of several VPCs with InvalidConfigurationRequest.
  if (other) throw new InvalidConfigurationRequestException(`Subnets '${subnets[0]?.SubnetId ?? ''}' and '${other.SubnetId}' are in different VPCs`);
  const zones = new Set(subnets.map((subnet) => subnet.AvailabilityZone));
  // Verified (robertdebock/terraform-aws-vault #5): InvalidConfigurationRequest with this text.
  if (zones.size < subnets.length) throw new InvalidConfigurationRequestException('A load balancer cannot be attached to multiple subnets in the same Availability Zone');
  if (type === 'application' && zones.size < 2) throw new ValidationError(twoZones);
  if (scheme === 'internet-facing') {
    const gateways = await tx.list('ec2.internet-gateway', scope, { parent: vpcId, limit: 1 });
    // Verified (openshift/installer #1110): "InvalidSubnet: VPC vpc-… has no internet gateway".
    if (gateways.length === 0) throw new InvalidSubnetException(`VPC ${vpcId} has no internet gateway`);
  }
  return { vpcId, subnets };
}

/**
 * The security groups a load balancer gets: the given ones (which must exist in its VPC), or for an
 * Application Load Balancer without any, the VPC's default group ("If you don't specify a security group,
 * the load balancer uses the default security group for the VPC": ALB user guide).
 */
export async function placeSecurityGroups(tx: StoreTx, scope: Scope, vpcId: string, groupIds: readonly string[] | undefined,
  type: LoadBalancerType): Promise<string[]> {
  const wanted = [...new Set(groupIds ?? [])];
  if (wanted.length === 0) {
    if (type === 'network') return [];
    const [group] = await tx.list('ec2.security-group', scope, { parent: vpcId, name: 'default', limit: 1 });
    return group ? [group.body.GroupId] : [];
  }
  for (const groupId of wanted) {
    const group = await tx.get('ec2.security-group', scope, groupId);
    // Verified in part (aws-load-balancer-controller #2371): "The security group 'sg-…' does not exist".
    if (!group) throw new InvalidSecurityGroupException(`The security group '${groupId}' does not exist`);
    // Verified in part (the Classic ELB's text, hashicorp/terraform #958): "Security group 'x' does not belong to VPC 'y'".
    if (group.VpcId !== vpcId) throw new InvalidConfigurationRequestException(`Security group '${groupId}' does not belong to VPC '${vpcId}'`);
  }
  return wanted;
}

/** AvailabilityZones as DescribeLoadBalancers shows them: one per subnet, with the node's addresses for NLBs. */
export function availabilityZonesOf(subnets: readonly SubnetRecord[]): AvailabilityZone[] {
  return subnets.map((subnet) => ({ ZoneName: subnet.AvailabilityZone, SubnetId: subnet.SubnetId, LoadBalancerAddresses: [] }));
}

/**
 * Gives the load balancer one interface in each subnet it has none in, and removes those of subnets it
 * left; every interface carries the load balancer's security groups. Returns the interfaces it keeps.
 */
export async function syncInterfaces(tx: StoreTx, scope: Scope, ids: IdSource, record: LoadBalancerRecord,
  subnets: readonly SubnetRecord[], securityGroups: readonly string[]): Promise<LoadBalancerRecord['interfaces']> {
  const arn = record.loadBalancer.LoadBalancerArn ?? '';
  const wanted = new Set(subnets.map((subnet) => subnet.SubnetId));
  const kept: LoadBalancerRecord['interfaces'] = [];
  for (const eni of record.interfaces) {
    if (wanted.has(eni.subnetId)) kept.push(eni);
    else await deleteInterface(tx, scope, eni.networkInterfaceId);
  }
  for (const subnet of subnets) {
    if (kept.some((eni) => eni.subnetId === subnet.SubnetId)) continue;
    const created = await createNetworkInterface(tx, scope, {
      subnetId: subnet.SubnetId,
      groupIds: securityGroups,
      description: `ELB ${loadBalancerResourceName(arn)}`,
      interfaceType: 'interface',
      requesterId: ELB_REQUESTER_ID,
      status: 'in-use',
    }, ids);
    kept.push({ networkInterfaceId: created.NetworkInterfaceId, subnetId: subnet.SubnetId, privateIpv4Address: created.PrivateIpAddress });
  }
  return kept;
}

/** SetSecurityGroups: the load balancer's interfaces carry its new groups. */
export async function setInterfaceGroups(tx: StoreTx, scope: Scope, record: LoadBalancerRecord, groupIds: readonly string[]): Promise<void> {
  for (const eni of record.interfaces) {
    const groups: { GroupId: string; GroupName: string }[] = [];
    for (const groupId of groupIds) {
      const group = await tx.get('ec2.security-group', scope, groupId);
      if (group) groups.push({ GroupId: group.GroupId, GroupName: group.GroupName });
    }
    await updateNetworkInterface(tx, scope, eni.networkInterfaceId, (current) => ({ ...current, Groups: groups }));
  }
}

async function deleteInterface(tx: StoreTx, scope: Scope, networkInterfaceId: string): Promise<void> {
  // An interface someone already removed is gone either way.
  if (await tx.get('ec2.network-interface', scope, networkInterfaceId)) await deleteNetworkInterface(tx, scope, networkInterfaceId);
}

/** DeleteLoadBalancer: its interfaces go with it. */
export async function deleteInterfaces(tx: StoreTx, scope: Scope, record: LoadBalancerRecord): Promise<void> {
  for (const eni of record.interfaces) await deleteInterface(tx, scope, eni.networkInterfaceId);
}
