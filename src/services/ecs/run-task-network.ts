// A Fargate task's network at RunTask: the awsvpc configuration checked against the EC2 store
// (subnets that exist in one VPC, security groups of that VPC) and, per task, the ENI created in
// the same transaction as the task, so its address is counted out of the subnet at once.
import type { AwsVpcConfiguration, NetworkConfiguration } from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { IdSource } from '../../platform/ids.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import { newEc2Id } from '../ec2/ids.ts';
import { createNetworkInterface, updateNetworkInterface } from '../ec2/network-interfaces.ts';
import type { SubnetRecord } from '../ec2/records.ts';
import { attachmentArn } from './arns.ts';
import { InvalidParameterException } from './errors.ts';
import type { TaskNetworkRecord } from './task-records.ts';

/** Verified (ecs-behaviour.md §4): RunTask on an awsvpc definition without awsvpcConfiguration. */
export const NETWORK_CONFIGURATION_REQUIRED_MESSAGE = "Network Configuration must be provided when networkMode 'awsvpc' is specified.";

/**
 * The account AWS shows as RequesterId on a Fargate task's ENI (an AWS-owned account; the value
 * seen on a real interface in eu-central-1, Fargate DNS registrator test data, 2019). It varies by
 * Region on AWS; Berth shows this one everywhere.
 */
export const FARGATE_ENI_REQUESTER_ID = '628676013162';

/** The checked awsvpc configuration: the subnets (one VPC), the groups to put on each ENI. */
export interface TaskNetworkPlan {
  subnets: SubnetRecord[];
  vpcCidrBlocks: string[];
  securityGroupIds: string[];
  assignPublicIp: boolean;
}

/** Verified: "Error retrieving subnet information for [x]: The subnet ID 'x' does not exist (ErrorCode: InvalidSubnetID.NotFound)" (serverless-fargate #20, moosefs-csi #1). */
function subnetNotFound(subnetId: string): InvalidParameterException {
  return new InvalidParameterException(
    `Error retrieving subnet information for [${subnetId}]: The subnet ID '${subnetId}' does not exist (ErrorCode: InvalidSubnetID.NotFound)`);
}

/** Verified: "Error retrieving security group information for [sg]: The security group 'sg' does not exist (ErrorCode: InvalidGroup.NotFound)" (a public incident report; moto uses the same). */
function groupNotFound(groupId: string): InvalidParameterException {
  return new InvalidParameterException(
    `Error retrieving security group information for [${groupId}]: The security group '${groupId}' does not exist (ErrorCode: InvalidGroup.NotFound)`);
}

/** Checks the request's awsvpc configuration; throws ECS's InvalidParameterException for each problem. */
export async function planTaskNetwork(tx: StoreTx, scope: Scope, configuration: NetworkConfiguration | undefined): Promise<TaskNetworkPlan> {
  const awsvpc: AwsVpcConfiguration | undefined = configuration?.awsvpcConfiguration;
  if (!awsvpc) throw new InvalidParameterException(NETWORK_CONFIGURATION_REQUIRED_MESSAGE);
  const subnetIds = [...new Set(awsvpc.subnets ?? [])];
  // Not verified: the text (remembered from ECS as "subnets can not be empty.").
  if (subnetIds.length === 0) throw new InvalidParameterException('subnets can not be empty.');
  const subnets: SubnetRecord[] = [];
  for (const subnetId of subnetIds) {
    const subnet = await tx.get('ec2.subnet', scope, subnetId);
    if (!subnet) throw subnetNotFound(subnetId);
    subnets.push(subnet);
  }
  const vpcId = subnets[0]?.VpcId ?? '';
  if (subnets.some((subnet) => subnet.VpcId !== vpcId)) {
    // Not verified: Berth's text; ECS refuses subnets of several VPCs with InvalidParameterException.
    throw new InvalidParameterException(`The subnets ${subnetIds.join(', ')} must all belong to the same VPC.`);
  }
  const securityGroupIds = [...new Set(awsvpc.securityGroups ?? [])];
  for (const groupId of securityGroupIds) {
    const group = await tx.get('ec2.security-group', scope, groupId);
    if (!group) throw groupNotFound(groupId);
    if (group.VpcId !== vpcId) {
      // Not verified: Berth's text, after EC2's "Security group sg-… and subnet subnet-… belong to different networks."
      throw new InvalidParameterException(`Security group ${groupId} and subnet ${subnetIds[0] ?? ''} belong to different networks.`);
    }
  }
  const vpc = await tx.get('ec2.vpc', scope, vpcId);
  const vpcCidrBlocks = [vpc?.vpc.CidrBlock, ...(vpc?.vpc.CidrBlockAssociationSet ?? [])
    .filter((a) => a.CidrBlockState?.State === 'associated').map((a) => a.CidrBlock)]
    .filter((block, i, all): block is string => block !== undefined && all.indexOf(block) === i);
  return { subnets, vpcCidrBlocks, securityGroupIds, assignPublicIp: awsvpc.assignPublicIp === 'ENABLED' };
}

/** The ENI made for one task, with the attachment id ECS shows for it. */
export interface TaskInterface {
  attachmentId: string;
  network: TaskNetworkRecord;
  privateDnsName: string;
  availabilityZone: string;
}

/** The subnet's first usable address: AWS reserves the network address + 1 for the VPC router. */
function gatewayOf(cidr: string): string {
  const [base = '0.0.0.0'] = cidr.split('/');
  const value = base.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0) + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * Creates a task's ENI in `subnet` as AWS shows a Fargate one (DescribeNetworkInterfaces on real
 * Fargate ENIs: InterfaceType "interface", RequesterManaged with an AWS RequesterId, Description the
 * ECS attachment ARN, Status in-use, attached at device index 1).
 */
export async function createTaskInterface(tx: StoreTx, ctx: RequestContext, ids: IdSource, plan: TaskNetworkPlan,
  subnet: SubnetRecord): Promise<TaskInterface> {
  const scope = { account: ctx.principal.accountId, region: ctx.region };
  const attachmentId = ids.uuid();
  const created = await createNetworkInterface(tx, scope, {
    subnetId: subnet.SubnetId,
    groupIds: plan.securityGroupIds,
    description: attachmentArn(ctx, attachmentId),
    interfaceType: 'interface',
    requesterId: FARGATE_ENI_REQUESTER_ID,
    status: 'in-use',
    attachment: {
      AttachmentId: newEc2Id('eni-attach', (size) => ids.bytes(size)),
      AttachTime: ctx.now,
      DeleteOnTermination: false,
      DeviceIndex: 1,
      InstanceOwnerId: FARGATE_ENI_REQUESTER_ID,
      Status: 'attached',
    },
  }, ids);
  let eni = created;
  if (plan.assignPublicIp) {
    // assignPublicIp=ENABLED: the network engineer decided the host reaches a task at its private
    // address (the VPC bridge is on the host), so the "public" address Berth shows is that address.
    const association = { IpOwnerId: 'amazon', PublicIp: created.PrivateIpAddress };
    eni = await updateNetworkInterface(tx, scope, created.NetworkInterfaceId, (current) => ({
      ...current,
      Association: association,
      PrivateIpAddresses: (current.PrivateIpAddresses ?? []).map((address) => ({ ...address, Association: association })),
    }));
  }
  return {
    attachmentId,
    privateDnsName: eni.PrivateDnsName ?? '',
    availabilityZone: subnet.AvailabilityZone,
    network: {
      networkInterfaceId: eni.NetworkInterfaceId,
      subnetId: subnet.SubnetId,
      vpcId: subnet.VpcId,
      subnetCidr: subnet.CidrBlock,
      vpcCidrBlocks: plan.vpcCidrBlocks,
      gatewayIp: gatewayOf(subnet.CidrBlock),
      privateIpv4Address: eni.PrivateIpAddress,
      macAddress: eni.MacAddress ?? '',
      securityGroupIds: (eni.Groups ?? []).map((group) => group.GroupId ?? ''),
      assignPublicIp: plan.assignPublicIp,
    },
  };
}
