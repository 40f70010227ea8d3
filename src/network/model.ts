// What task networking is asked for (a VPC's bridge, a task's ENI) and what it finds on the host, as plain
// data: the vocabulary shared by the planner (reconcile.ts) and the applier (task-network.ts).
import type { LinkState, RouteState } from '../platform/netlink.ts';
import { blockContains, formatBlock, parseAddress, parseBlock } from './ipv4.ts';

/** A subnet of a VPC as its bridge carries it: the router address with the subnet's prefix. */
export interface SubnetGateway {
  /** The subnet's block, e.g. `10.0.1.0/24`. */
  subnetCidr: string;
  /** The subnet's first usable address, e.g. `10.0.1.1` (ipv4.ts gatewayOf). */
  gatewayIp: string;
}

export interface VpcNetwork {
  vpcId: string;
  subnets: SubnetGateway[];
}

/** A task's ENI as the EC2 records hold it (network-interfaces.ts): what attachTask builds. */
export interface TaskAttachment extends SubnetGateway {
  taskId: string;
  vpcId: string;
  /**
   * The VPC's CIDR blocks. Each becomes an on-link route in the task's namespace, AWS's "local" route: tasks of
   * one VPC reach each other directly across the bridge, whatever their subnet, without the host routing.
   */
  vpcCidrBlocks: string[];
  privateIp: string;
  macAddress: string;
  assignPublicIp: 'ENABLED' | 'DISABLED';
}

/** A host bridge named `bth-…`. */
export interface ObservedBridge {
  name: string;
  /** The VPC id from the bridge's alias; absent when the alias is missing (a crash between create and alias). */
  vpcId?: string;
  up: boolean;
  addresses: string[];
  forwarding: boolean;
  mac: string;
}

/** What is left of one task on the host: its namespace, its host veth, or both. */
export interface ObservedTask {
  taskId: string;
  /** The namespace's name when it exists. */
  namespace?: string;
  hostVeth?: LinkState;
  /** Links and routes inside the namespace (empty when it does not exist). */
  links: LinkState[];
  routes: RouteState[];
}

export interface ObservedNetwork {
  bridges: ObservedBridge[];
  tasks: ObservedTask[];
  /** Host links named `bth…` that belong to no bridge or task Berth can identify. */
  strayLinks: string[];
}

/** Task inputs that would build something wrong; RangeError names the field. */
export function validateAttachment(spec: TaskAttachment): void {
  const subnet = parseBlock(spec.subnetCidr);
  if (!subnet) throw new RangeError(`subnetCidr is not an IPv4 CIDR block: ${spec.subnetCidr}`);
  for (const [field, value] of [['privateIp', spec.privateIp], ['gatewayIp', spec.gatewayIp]] as const) {
    const address = parseAddress(value);
    if (address === undefined || !blockContains(subnet, address)) throw new RangeError(`${field} ${value} is not in ${spec.subnetCidr}`);
  }
  if (spec.privateIp === spec.gatewayIp) throw new RangeError(`privateIp ${spec.privateIp} is the subnet's gateway`);
  if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(spec.macAddress)) throw new RangeError(`macAddress is not a lowercase MAC: ${spec.macAddress}`);
  // Bit 0 of the first octet marks a multicast address, which no interface may have.
  if ((Number.parseInt(spec.macAddress.slice(0, 2), 16) & 1) === 1) throw new RangeError(`macAddress is multicast: ${spec.macAddress}`);
  for (const block of spec.vpcCidrBlocks) if (!parseBlock(block)) throw new RangeError(`vpcCidrBlocks has a malformed block: ${block}`);
}

/** `10.0.1.1` in `10.0.1.0/24` → `10.0.1.1/24`: how an address is put on an interface. */
export function withPrefix(address: string, subnetCidr: string): string {
  return `${address}/${parseBlock(subnetCidr)?.prefixLength ?? 32}`;
}

/** The canonical form of a block (`10.0.1.9/24` → `10.0.1.0/24`), for comparing routes. */
export function canonicalBlock(cidr: string): string {
  const block = parseBlock(cidr);
  return block ? formatBlock(block) : cidr;
}
