// Restart safety for task networking, as pure functions: read what the host has (a listing of `bth…` objects)
// into an ObservedNetwork, and plan what to delete and build so the host matches the store's desired set.
import type { LinkState, RouteState } from '../platform/netlink.ts';
import { bridgeName, isBridgeName, isHostVethName, TASK_INTERFACE, taskIdOfNamespace } from './names.ts';
import {
  canonicalBlock,
  withPrefix,
  type ObservedBridge,
  type ObservedNetwork,
  type ObservedTask,
  type SubnetGateway,
  type TaskAttachment,
  type VpcNetwork,
} from './model.ts';

/** Everything adopt() reads from the kernel, before interpretation. */
export interface HostListing {
  namespaces: string[];
  hostLinks: LinkState[];
  /** net.ipv4.conf.<bridge>.forwarding of each `bth-` bridge. */
  forwarding: ReadonlyMap<string, boolean>;
  /** Links and routes inside each `bth-<task id>` namespace. */
  inside: ReadonlyMap<string, { links: LinkState[]; routes: RouteState[] }>;
}

export interface DesiredNetwork {
  /** VPCs whose bridge should exist even with no task (their subnets' gateways on it). */
  vpcs: VpcNetwork[];
  /** Tasks whose ENI should exist; their VPCs' bridges are desired too. */
  tasks: TaskAttachment[];
}

export interface TaskTeardown {
  taskId: string;
  namespace?: string;
  hostVeth?: string;
}

/** Applied in field order: detach, delete stray links, delete bridges, ensure VPCs, attach. */
export interface NetworkPlan {
  detachTasks: TaskTeardown[];
  deleteLinks: string[];
  deleteBridges: string[];
  /** VPCs whose bridge is missing or differs (addresses, alias, state); ensureVpc makes it exact. */
  ensureVpcs: VpcNetwork[];
  attachTasks: TaskAttachment[];
}

/** Turns a raw listing into bridges, tasks and strays. Only `bth-`/`bthv` names are considered at all. */
export function interpretListing(listing: HostListing): ObservedNetwork {
  const bridges: ObservedBridge[] = [];
  const strayLinks: string[] = [];
  const tasks = new Map<string, ObservedTask>();
  const taskEntry = (taskId: string): ObservedTask => {
    const existing = tasks.get(taskId);
    if (existing) return existing;
    const created: ObservedTask = { taskId, links: [], routes: [] };
    tasks.set(taskId, created);
    return created;
  };

  for (const namespace of listing.namespaces) {
    const taskId = taskIdOfNamespace(namespace);
    if (taskId === undefined) continue;
    const entry = taskEntry(taskId);
    entry.namespace = namespace;
    const inside = listing.inside.get(namespace);
    entry.links = inside?.links ?? [];
    entry.routes = inside?.routes ?? [];
  }
  for (const link of listing.hostLinks) {
    if (isBridgeName(link.name)) {
      if (link.kind !== 'bridge') {
        strayLinks.push(link.name);
        continue;
      }
      bridges.push({
        name: link.name,
        ...(link.alias !== undefined && link.alias !== '' ? { vpcId: link.alias } : {}),
        up: link.up,
        addresses: [...link.addresses].sort(),
        forwarding: listing.forwarding.get(link.name) ?? true,
        mac: link.mac,
      });
    } else if (isHostVethName(link.name)) {
      const taskId = link.alias !== undefined ? taskIdOfNamespace(`bth-${link.alias}`) : undefined;
      if (taskId === undefined || link.kind !== 'veth') strayLinks.push(link.name);
      else taskEntry(taskId).hostVeth = link;
    }
  }
  return { bridges, tasks: [...tasks.values()], strayLinks };
}

/** Each desired VPC with the gateways its bridge carries: its listed subnets and its tasks' subnets. */
export function desiredVpcs(desired: DesiredNetwork): VpcNetwork[] {
  const byVpc = new Map<string, Map<string, SubnetGateway>>();
  const add = (vpcId: string, subnet?: SubnetGateway): void => {
    const subnets = byVpc.get(vpcId) ?? new Map<string, SubnetGateway>();
    byVpc.set(vpcId, subnets);
    if (subnet) subnets.set(withPrefix(subnet.gatewayIp, subnet.subnetCidr), { subnetCidr: subnet.subnetCidr, gatewayIp: subnet.gatewayIp });
  };
  for (const vpc of desired.vpcs) {
    add(vpc.vpcId);
    for (const subnet of vpc.subnets) add(vpc.vpcId, subnet);
  }
  for (const task of desired.tasks) add(task.vpcId, task);
  return [...byVpc].map(([vpcId, subnets]) => ({ vpcId, subnets: [...subnets.values()] }));
}

/** The addresses a VPC's bridge carries, sorted. */
export function gatewayAddresses(vpc: VpcNetwork): string[] {
  return [...new Set(vpc.subnets.map((subnet) => withPrefix(subnet.gatewayIp, subnet.subnetCidr)))].sort();
}

/**
 * A load balancer's address on a VPC bridge (src/network/lb-addresses.ts): always a /32, whereas a gateway
 * carries its subnet's prefix (/16 to /28: "The allowed block size is between a /28 netmask and /16 netmask",
 * Amazon VPC User Guide, "Subnet CIDR blocks"). Reconciling leaves these to the load balancers.
 */
export function isLoadBalancerAddress(cidr: string): boolean {
  return cidr.endsWith('/32');
}

/**
 * True when the bridge is exactly what the VPC needs: named and labelled for it, up, not forwarding, its
 * gateways (load balancers' /32 addresses aside).
 */
export function bridgeMatches(vpc: VpcNetwork, bridge: ObservedBridge): boolean {
  const wanted = gatewayAddresses(vpc);
  const addresses = bridge.addresses.filter((address) => !isLoadBalancerAddress(address));
  return bridge.name === bridgeName(vpc.vpcId) && bridge.vpcId === vpc.vpcId && bridge.up && !bridge.forwarding
    && addresses.length === wanted.length && addresses.every((address, at) => address === wanted[at]);
}

/** The routes a task's namespace needs besides the connected one: the VPC's blocks on-link, default via the gateway. */
export function taskRoutes(spec: TaskAttachment): RouteState[] {
  const subnet = canonicalBlock(spec.subnetCidr);
  const local = [...new Set(spec.vpcCidrBlocks.map(canonicalBlock))]
    // The subnet's own block is already the connected route the kernel adds with the address ("File exists").
    .filter((block) => block !== subnet)
    .map((block) => ({ destination: block, device: TASK_INTERFACE }));
  return [...local, { destination: 'default', device: TASK_INTERFACE, via: spec.gatewayIp }];
}

/** True when the task's namespace, veth, eth0, addresses and routes are all as attachTask builds them. */
export function taskMatches(spec: TaskAttachment, observed: ObservedTask): boolean {
  const veth = observed.hostVeth;
  if (observed.namespace === undefined || !veth) return false;
  if (veth.alias !== spec.taskId || veth.master !== bridgeName(spec.vpcId) || !veth.up) return false;
  const eth0 = observed.links.find((link) => link.name === TASK_INTERFACE);
  const lo = observed.links.find((link) => link.name === 'lo');
  if (!eth0 || !lo?.up || !eth0.up || eth0.mac !== spec.macAddress) return false;
  if (eth0.addresses.length !== 1 || eth0.addresses[0] !== withPrefix(spec.privateIp, spec.subnetCidr)) return false;
  return taskRoutes(spec).every((route) => observed.routes.some((have) =>
    have.destination === route.destination && have.device === route.device && have.via === route.via));
}

/**
 * What to do so the host holds exactly the desired bridges and task ENIs. Never names anything outside the
 * observed `bth…` objects for deletion. A task that exists but differs in any way is torn down and rebuilt:
 * its addresses are the store's, so rebuilding converges where patching might not.
 */
export function planNetwork(desired: DesiredNetwork, observed: ObservedNetwork): NetworkPlan {
  const vpcs = desiredVpcs(desired);
  const vpcByBridge = new Map(vpcs.map((vpc) => [bridgeName(vpc.vpcId), vpc]));
  const wantedTasks = new Map(desired.tasks.map((task) => [task.taskId, task]));

  // A bridge named for a desired VPC but labelled for another (or not at all) is rebuilt; any other goes.
  const deleteBridges = observed.bridges
    .filter((bridge) => vpcByBridge.get(bridge.name)?.vpcId !== bridge.vpcId)
    .map((bridge) => bridge.name);
  const ensureVpcs = vpcs.filter((vpc) => {
    const bridge = observed.bridges.find((candidate) => candidate.name === bridgeName(vpc.vpcId));
    return !bridge || deleteBridges.includes(bridge.name) || !bridgeMatches(vpc, bridge);
  });

  const detachTasks: TaskTeardown[] = [];
  const keep = new Set<string>();
  for (const task of observed.tasks) {
    const spec = wantedTasks.get(task.taskId);
    const onDeletedBridge = task.hostVeth?.master !== undefined && deleteBridges.includes(task.hostVeth.master);
    if (spec && !onDeletedBridge && taskMatches(spec, task)) {
      keep.add(task.taskId);
      continue;
    }
    detachTasks.push({
      taskId: task.taskId,
      ...(task.namespace !== undefined ? { namespace: task.namespace } : {}),
      ...(task.hostVeth ? { hostVeth: task.hostVeth.name } : {}),
    });
  }
  const attachTasks = desired.tasks.filter((task) => !keep.has(task.taskId));
  return { detachTasks, deleteLinks: [...observed.strayLinks], deleteBridges, ensureVpcs, attachTasks };
}

export function isEmptyPlan(plan: NetworkPlan): boolean {
  return plan.detachTasks.length === 0 && plan.deleteLinks.length === 0 && plan.deleteBridges.length === 0
    && plan.ensureVpcs.length === 0 && plan.attachTasks.length === 0;
}
