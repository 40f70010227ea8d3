// Network interfaces (ENIs): DescribeNetworkInterfaces, and the functions the task runtime and the load
// balancer use to give a task or a node an interface in a subnet: an address, a MAC, security groups.
import type {
  DescribeNetworkInterfacesRequest,
  DescribeNetworkInterfacesResult,
  NetworkInterface,
  NetworkInterfaceAssociation,
  NetworkInterfaceAttachment,
  NetworkInterfaceStatus,
  NetworkInterfaceType,
  Tag,
} from '@aws-sdk/client-ec2';
import { clientError, type AwsError } from '../../aws/errors.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { IdSource } from '../../platform/ids.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import { cidrContainsAddress, firstFreeAddress, parseIpv4Address, parseIpv4Cidr, subnetReservedAddresses } from './cidr.ts';
import { availabilityZonesOf } from './default-vpc.ts';
import { keepFiltered, pageOf, selectByIds } from './describe.ts';
import {
  invalidGroupNotFound,
  invalidNetworkInterfaceIdNotFound,
  invalidParameterValue,
  invalidSubnetIdNotFound,
} from './errors.ts';
import { filterNetworkInterfaces } from './filters.ts';
import { newEc2Id } from './ids.ts';
import { NETWORK_INTERFACE_IDS } from './lookups.ts';
import { readNetwork, type Ec2Env } from './network-call.ts';
import { putNetworkInterface, type NetworkInterfaceRecord } from './records.ts';
import { differentNetworks } from './request-errors.ts';
import { validateTags } from './tags.ts';

/** What a caller inside Berth asks for when it needs an interface. */
export interface NetworkInterfaceSpec {
  subnetId: string;
  /** Security groups of the subnet's VPC; the VPC's default group when empty or absent. */
  groupIds?: readonly string[];
  /** e.g. `arn:aws:ecs:us-east-1:123456789012:attachment/…` for a Fargate task's interface. */
  description?: string;
  /** `interface` unless set; AWS marks ELB and Lambda interfaces otherwise. */
  interfaceType?: NetworkInterfaceType;
  /** A specific address of the subnet; the lowest free one when absent. */
  privateIpAddress?: string;
  /** The MAC of the veth the runtime made; a locally administered one is minted when absent. */
  macAddress?: string;
  /** The service that owns the interface (ECS, ELB): AWS sets RequesterId and RequesterManaged for them. */
  requesterId?: string;
  status?: NetworkInterfaceStatus;
  attachment?: NetworkInterfaceAttachment;
  /** The public address, when the task asked for assignPublicIp. */
  association?: NetworkInterfaceAssociation;
  tags?: readonly Tag[];
}

/** "Address x does not fall within the subnet's address range". Unverified text. */
function addressOutsideSubnet(address: string): AwsError {
  return invalidParameterValue(`Address ${address} does not fall within the subnet's address range`);
}

/** An address the subnet reserves or another interface holds: InvalidIPAddress.InUse. Unverified text. */
function addressInUse(address: string): AwsError {
  return clientError('InvalidIPAddress.InUse', `Address ${address} is in use.`);
}

/** "There are not enough free addresses in subnet 'subnet-…' to satisfy the requested number of instances." Unverified for ENIs. */
function subnetFull(subnetId: string): AwsError {
  return clientError('InsufficientFreeAddressesInSubnet',
    `There are not enough free addresses in subnet '${subnetId}' to satisfy the requested number of instances.`);
}

/** EC2's private DNS names: `ip-10-0-1-5.ec2.internal` in us-east-1, `ip-10-0-1-5.<region>.compute.internal` elsewhere. */
export function privateDnsName(address: string, region: string): string {
  const host = `ip-${address.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

/** A unicast, locally administered MAC (first octet 02, as EC2's are), from the random source. */
function newMacAddress(ids: IdSource): string {
  return ['02', ...[...ids.bytes(5)].map((byte) => byte.toString(16).padStart(2, '0'))].join(':');
}

/**
 * Creates an interface in a subnet inside the caller's transaction and returns it. Takes the requested
 * address or the subnet's lowest free one (which lowers the subnet's AvailableIpAddressCount by one);
 * throws AWS's errors for an unknown subnet or group, a group of another VPC, an address outside the
 * subnet or taken, and a full subnet.
 */
export async function createNetworkInterface(tx: StoreTx, scope: Scope, spec: NetworkInterfaceSpec, ids: IdSource): Promise<NetworkInterfaceRecord> {
  const subnet = await tx.get('ec2.subnet', scope, spec.subnetId);
  if (!subnet) throw invalidSubnetIdNotFound(spec.subnetId);
  const cidr = parseIpv4Cidr(subnet.CidrBlock);
  if (!cidr) throw new Error(`subnet ${subnet.SubnetId} has a malformed block ${subnet.CidrBlock}`);

  const groups = [];
  const wanted = spec.groupIds && spec.groupIds.length > 0 ? spec.groupIds : undefined;
  if (wanted) {
    for (const groupId of wanted) {
      const group = await tx.get('ec2.security-group', scope, groupId);
      if (!group) throw invalidGroupNotFound(groupId);
      if (group.VpcId !== subnet.VpcId) throw differentNetworks();
      groups.push({ GroupId: group.GroupId, GroupName: group.GroupName });
    }
  } else {
    const [group] = await tx.list('ec2.security-group', scope, { parent: subnet.VpcId, name: 'default', limit: 1 });
    if (group) groups.push({ GroupId: group.body.GroupId, GroupName: group.body.GroupName });
  }

  const inUse = (await tx.list('ec2.network-interface', scope, { parent: subnet.SubnetId })).map((row) => row.body.PrivateIpAddress);
  let address: string;
  if (spec.privateIpAddress !== undefined) {
    const wantedAddress = parseIpv4Address(spec.privateIpAddress);
    if (wantedAddress === undefined || !cidrContainsAddress(cidr, wantedAddress)) throw addressOutsideSubnet(spec.privateIpAddress);
    if (subnetReservedAddresses(cidr).includes(wantedAddress) || inUse.includes(spec.privateIpAddress)) throw addressInUse(spec.privateIpAddress);
    address = spec.privateIpAddress;
  } else {
    const free = firstFreeAddress(cidr, inUse);
    if (free === undefined) throw subnetFull(subnet.SubnetId);
    address = free;
  }

  const region = scope.region;
  const zone = availabilityZonesOf(region).find((candidate) => candidate.ZoneName === subnet.AvailabilityZone);
  const dnsName = privateDnsName(address, region);
  const record: NetworkInterfaceRecord = {
    NetworkInterfaceId: newEc2Id('eni', (size) => ids.bytes(size)),
    SubnetId: subnet.SubnetId,
    VpcId: subnet.VpcId,
    AvailabilityZone: subnet.AvailabilityZone,
    AvailabilityZoneId: zone?.ZoneId ?? subnet.AvailabilityZoneId,
    OwnerId: scope.account,
    Description: spec.description ?? '',
    Groups: groups,
    InterfaceType: spec.interfaceType ?? 'interface',
    MacAddress: spec.macAddress ?? newMacAddress(ids),
    PrivateIpAddress: address,
    PrivateDnsName: dnsName,
    PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: address, PrivateDnsName: dnsName, ...(spec.association ? { Association: spec.association } : {}) }],
    Ipv6Addresses: [],
    ...(spec.requesterId !== undefined ? { RequesterId: spec.requesterId } : {}),
    RequesterManaged: spec.requesterId !== undefined,
    SourceDestCheck: true,
    Status: spec.status ?? (spec.attachment ? 'in-use' : 'available'),
    ...(spec.attachment ? { Attachment: spec.attachment } : {}),
    ...(spec.association ? { Association: spec.association } : {}),
    TagSet: validateTags(spec.tags ?? []),
  };
  await putNetworkInterface(tx, scope, record);
  return record;
}

/** Applies `change` to an interface (its status, attachment, public address) inside the caller's transaction. */
export async function updateNetworkInterface(tx: StoreTx, scope: Scope, networkInterfaceId: string,
  change: (current: NetworkInterfaceRecord) => NetworkInterfaceRecord): Promise<NetworkInterfaceRecord> {
  const current = await tx.get('ec2.network-interface', scope, networkInterfaceId);
  if (!current) throw invalidNetworkInterfaceIdNotFound(networkInterfaceId);
  const next = change(current);
  if (next.NetworkInterfaceId !== current.NetworkInterfaceId || next.SubnetId !== current.SubnetId) {
    throw new Error('an interface keeps its id and subnet');
  }
  await putNetworkInterface(tx, scope, next);
  return next;
}

/** Deletes an interface inside the caller's transaction, freeing its address; NotFound if there is none. */
export async function deleteNetworkInterface(tx: StoreTx, scope: Scope, networkInterfaceId: string): Promise<void> {
  if (!(await tx.delete('ec2.network-interface', scope, networkInterfaceId))) throw invalidNetworkInterfaceIdNotFound(networkInterfaceId);
}

/** The interface as Describe shows it: AWS lists `"TagSet": []` on an untagged interface. */
function networkInterfaceView(record: NetworkInterfaceRecord): NetworkInterface {
  return { ...record, TagSet: record.TagSet ?? [] };
}

export function networkInterfaceOperations(env: Ec2Env) {
  return {
    DescribeNetworkInterfaces: async (input: DescribeNetworkInterfacesRequest, ctx) => readNetwork(env, ctx, input.DryRun, async (call) => {
      const rows = selectByIds(await call.tx.list('ec2.network-interface', call.scope), input.NetworkInterfaceIds, NETWORK_INTERFACE_IDS);
      const entries = rows.map((row) => ({ seq: row.seq, item: networkInterfaceView(row.body) }));
      const filtered = keepFiltered(entries, (interfaces) => filterNetworkInterfaces(interfaces, input.Filters));
      const page = pageOf(filtered, input.MaxResults, input.NextToken);
      return { NetworkInterfaces: page.items, NextToken: page.nextToken };
    }),
  } satisfies ServiceOperations<{
    DescribeNetworkInterfaces: [DescribeNetworkInterfacesRequest, DescribeNetworkInterfacesResult];
  }>;
}
