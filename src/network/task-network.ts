// Task networking (awsvpc on one host): a Linux bridge per VPC carrying its subnets' gateways, and per task a
// network namespace joined to that bridge by a veth whose inside end is the task's ENI (`eth0`, the ENI's MAC
// and private address). Builds, tears down, adopts after a restart and reconciles against the store.
//
// Isolation between VPCs: each VPC is its own bridge, so there is no layer-2 path between them, and every
// bridge has net.ipv4.conf.<bridge>.forwarding=0, so the host never routes a packet that arrives from a task
// anywhere else (not to another VPC, not out of the host), even on a host where net.ipv4.ip_forward=1.
// The kernel checks the flag of the interface a packet arrives on (Documentation/networking/ip-sysctl.rst,
// conf/interface/forwarding: "packets received on this interface can be forwarded"; net/ipv4/route.c,
// ip_route_input_slow: IN_DEV_FORWARD(in_dev)). Writing net.ipv4.ip_forward or conf/all/forwarding later copies
// the value to every interface (devinet.c devinet_sysctl_forward), so adopt() reads the flag back and reconcile
// turns it off again. Tasks of one VPC still reach each other across subnets because each task has the VPC's
// blocks as on-link routes (AWS's "local" route): they ARP for each other on the shared bridge, no routing.
// The host reaches every task through the gateway addresses on the bridges (connected routes).
import type { LinkState, NetworkKernel, RouteState } from '../platform/netlink.ts';
import { blocksOverlap, parseBlock } from './ipv4.ts';
import { bridgeMac, bridgeName, hostVethName, namespaceName, TASK_INTERFACE } from './names.ts';
import { validateAttachment, withPrefix, type ObservedNetwork, type ObservedTask, type TaskAttachment, type VpcNetwork } from './model.ts';
import {
  gatewayAddresses,
  interpretListing,
  isLoadBalancerAddress,
  planNetwork,
  taskMatches,
  taskRoutes,
  type DesiredNetwork,
  type NetworkPlan,
  type TaskTeardown,
} from './reconcile.ts';
import { KeyedSerial } from './serial.ts';
import type { NetworkJoin } from '../runtime/drivers/driver.ts';
import type { TaskFirewall } from './security-groups/controller.ts';

/** What the runtime needs of an attached task: where runc joins it, and what DescribeTasks/ENIs show. */
export interface TaskNetworkHandle {
  taskId: string;
  vpcId: string;
  namespace: string;
  /** `/var/run/netns/<namespace>`: the path runc's config.json gives as the task's network namespace. */
  netnsPath: string;
  /** The same path as the driver-neutral join (src/runtime/drivers/driver.ts). */
  join: NetworkJoin;
  bridge: string;
  hostVeth: string;
  interfaceName: string;
  privateIp: string;
  macAddress: string;
  /**
   * With assignPublicIp=ENABLED: the task's private address. On one host "public" means "reachable from outside
   * the VPC", and the host (where the user's curl and Berth's load balancer run) reaches every private address
   * through the gateway on the bridge; so Association.PublicIp is the private address itself.
   */
  publicIp?: string;
}

/** A VPC's block overlaps a route the host already has: building it would hijack or shadow that traffic. */
export class NetworkConflictError extends Error {
  override readonly name = 'NetworkConflictError';
  readonly code = 'BERTH_NETWORK_CONFLICT';
}

/** A VPC bridge still has task ports when asked to go. */
export class VpcInUseError extends Error {
  override readonly name = 'VpcInUseError';
  readonly code = 'BERTH_VPC_IN_USE';
}

export interface ReconcileResult {
  plan: NetworkPlan;
  handles: TaskNetworkHandle[];
  /** Steps that failed; the rest were applied. Reconcile again (level-based) to retry them. */
  errors: { step: string; error: unknown }[];
}

export class TaskNetwork {
  #kernel: NetworkKernel;
  /** Seals each new task namespace with its security groups' table (absent: no enforcement, e.g. unit tests). */
  #firewall: TaskFirewall | undefined;
  /** One operation at a time per VPC bridge and per task; different VPCs and tasks proceed in parallel. */
  #serial = new KeyedSerial();

  constructor(kernel: NetworkKernel, options: { firewall?: TaskFirewall } = {}) {
    this.#kernel = kernel;
    this.#firewall = options.firewall;
  }

  /** Makes the VPC's bridge exist carrying exactly `vpc.subnets`' gateways; returns its name. */
  ensureVpc(vpc: VpcNetwork): Promise<string> {
    return this.#serial.run(`vpc:${vpc.vpcId}`, () => this.#ensureBridge(vpc, true));
  }

  /** Deletes the VPC's bridge (no-op when absent); VpcInUseError while a task is still attached to it. */
  removeVpc(vpcId: string): Promise<void> {
    const name = bridgeName(vpcId);
    return this.#serial.run(`vpc:${vpcId}`, async () => {
      const links = await this.#kernel.listLinks();
      const bridge = links.find((link) => link.name === name);
      if (!bridge) return;
      if (bridge.alias !== vpcId) throw new NetworkConflictError(`bridge ${name} belongs to ${bridge.alias ?? 'no VPC'}, not ${vpcId}`);
      const ports = links.filter((link) => link.master === name).map((link) => link.name);
      if (ports.length > 0) throw new VpcInUseError(`bridge ${name} of ${vpcId} still has ports: ${ports.join(', ')}`);
      await this.#kernel.deleteLink(name);
    });
  }

  /**
   * Gives the task its namespace and ENI (idempotent: an attachment already in place is returned as is, a partial
   * one is removed and rebuilt). Adds the subnet's gateway to the VPC's bridge (creating it) if missing. On a
   * failure everything made for the task is removed before the error is rethrown.
   */
  async attachTask(spec: TaskAttachment): Promise<TaskNetworkHandle> {
    validateAttachment(spec);
    await this.#serial.run(`vpc:${spec.vpcId}`, () => this.#ensureBridge({ vpcId: spec.vpcId, subnets: [spec] }, false));
    return this.#serial.run(`task:${spec.taskId}`, async () => {
      const observed = await this.#observeTask(spec.taskId);
      if (taskMatches(spec, observed)) return this.#handle(spec);
      await this.#teardown({ taskId: spec.taskId, ...present(observed) });
      try {
        await this.#build(spec);
      } catch (error) {
        await this.#teardown({ taskId: spec.taskId, ...present(await this.#observeTask(spec.taskId)) });
        throw error;
      }
      return this.#handle(spec);
    });
  }

  /**
   * The tasks whose namespace and host veth are both in place, with the namespace path their containers
   * join: what a restarted runner re-adopts (a partial attachment is rebuilt or removed, never joined).
   */
  async attached(): Promise<Map<string, NetworkJoin>> {
    const joins = new Map<string, NetworkJoin>();
    for (const task of (await this.adopt()).tasks) {
      if (task.namespace !== undefined && task.hostVeth !== undefined) {
        joins.set(task.taskId, { kind: 'netns', path: this.#kernel.namespacePath(task.namespace) });
      }
    }
    return joins;
  }

  /** Removes the task's veth pair and namespace; no-op for what is already gone. */
  detachTask(handle: Pick<TaskNetworkHandle, 'taskId'>): Promise<void> {
    return this.#serial.run(`task:${handle.taskId}`, async () => {
      await this.#teardown({ taskId: handle.taskId, ...present(await this.#observeTask(handle.taskId)) });
    });
  }

  /** Lists every `bth…` bridge, task namespace and veth on the host (see reconcile.ts interpretListing). */
  async adopt(): Promise<ObservedNetwork> {
    const listed = (await this.#kernel.listNamespaces()).filter((name) => name.startsWith('bth-'));
    const links = await this.#kernel.listLinks();
    const linkGone = async (name: string) => !(await this.#kernel.listLinks()).some((link) => link.name === name);
    const forwarding = new Map<string, boolean>();
    for (const link of links) {
      if (link.kind !== 'bridge' || !link.name.startsWith('bth-')) continue;
      const flag = await this.#unlessGone(() => this.#kernel.readForwarding(link.name), () => linkGone(link.name));
      if (flag !== undefined) forwarding.set(link.name, flag);
    }
    const inside = new Map<string, { links: LinkState[]; routes: RouteState[] }>();
    for (const namespace of listed) {
      const read = async () => ({ links: await this.#kernel.listLinks(namespace), routes: await this.#kernel.listRoutes(namespace) });
      const found = await this.#unlessGone(read, async () => !(await this.#kernel.listNamespaces()).includes(namespace));
      if (found) inside.set(namespace, found);
    }
    // What went meanwhile is not adopted: host links still there at the end, namespaces that could be read.
    const still = new Set((await this.#kernel.listLinks()).map((link) => link.name));
    return interpretListing({
      namespaces: listed.filter((namespace) => inside.has(namespace)),
      hostLinks: links.filter((link) => still.has(link.name)),
      forwarding,
      inside,
    });
  }

  /**
   * Reads something adopt() listed; undefined when it failed because the thing is gone meanwhile (another
   * Berth on this host, or this one, removed it between the listing and the read: nothing left to adopt).
   */
  async #unlessGone<T>(read: () => Promise<T>, isGone: () => Promise<boolean>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (await isGone()) return undefined;
      throw error;
    }
  }

  /**
   * Makes the host match `desired` (from the store): plans against adopt()'s listing and applies the plan in
   * order, continuing past a failed step. Returns handles for every desired task that is in place afterwards.
   */
  async reconcile(desired: DesiredNetwork): Promise<ReconcileResult> {
    const plan = planNetwork(desired, await this.adopt());
    const errors: ReconcileResult['errors'] = [];
    const attempt = async (step: string, action: () => Promise<unknown>): Promise<void> => {
      try {
        await action();
      } catch (error) {
        errors.push({ step, error });
      }
    };
    for (const teardown of plan.detachTasks) {
      await attempt(`detach ${teardown.taskId}`, () => this.#serial.run(`task:${teardown.taskId}`, () => this.#teardown(teardown)));
    }
    for (const link of plan.deleteLinks) await attempt(`delete link ${link}`, () => this.#kernel.deleteLink(link));
    for (const bridge of plan.deleteBridges) await attempt(`delete bridge ${bridge}`, () => this.#kernel.deleteLink(bridge));
    for (const vpc of plan.ensureVpcs) await attempt(`ensure ${vpc.vpcId}`, () => this.ensureVpc(vpc));
    const handles = new Map<string, TaskNetworkHandle>();
    for (const task of desired.tasks) {
      if (!plan.attachTasks.includes(task)) handles.set(task.taskId, this.#handle(task));
    }
    for (const task of plan.attachTasks) {
      await attempt(`attach ${task.taskId}`, async () => handles.set(task.taskId, await this.attachTask(task)));
    }
    return { plan, handles: [...handles.values()], errors };
  }

  async #ensureBridge(vpc: VpcNetwork, exact: boolean): Promise<string> {
    const name = bridgeName(vpc.vpcId);
    const wanted = gatewayAddresses(vpc);
    let bridge = (await this.#kernel.listLinks()).find((link) => link.name === name);
    if (bridge && (bridge.alias ?? '') === '' && !(await this.#hasPorts(name))) {
      // Residue of a crash between creating the bridge and labelling it: start again.
      await this.#kernel.deleteLink(name);
      bridge = undefined;
    }
    if (bridge && bridge.alias !== vpc.vpcId) {
      throw new NetworkConflictError(`bridge ${name} belongs to ${bridge.alias ?? 'no VPC'}, not ${vpc.vpcId}`);
    }
    const missing = wanted.filter((address) => !bridge?.addresses.includes(address));
    await this.#refuseOverlaps(name, missing);
    if (!bridge) {
      await this.#kernel.createBridge(name, bridgeMac(vpc.vpcId), vpc.vpcId);
      bridge = { name, kind: 'bridge', mac: bridgeMac(vpc.vpcId), up: false, alias: vpc.vpcId, addresses: [] };
    }
    // Before the first address, so there is never a moment when the bridge routes.
    if (await this.#kernel.readForwarding(name)) await this.#kernel.setForwarding(name, false);
    for (const address of missing) await this.#kernel.addAddress(name, address);
    if (exact) {
      // Load balancers' /32 addresses (lb-addresses.ts) are not the VPC's to remove.
      for (const address of bridge.addresses) {
        if (!wanted.includes(address) && !isLoadBalancerAddress(address)) await this.#kernel.deleteAddress(name, address);
      }
    }
    if (!bridge.up) await this.#kernel.setUp(name);
    return name;
  }

  async #hasPorts(bridge: string): Promise<boolean> {
    return (await this.#kernel.listLinks()).some((link) => link.master === bridge);
  }

  /** Refuses gateway blocks that overlap any host route not on this bridge (the host's LAN, another VPC). */
  async #refuseOverlaps(bridge: string, addresses: string[]): Promise<void> {
    if (addresses.length === 0) return;
    const routes = (await this.#kernel.listRoutes()).filter((route) => route.destination !== 'default' && route.device !== bridge);
    for (const address of addresses) {
      const block = parseBlock(address);
      const clash = routes.find((route) => {
        const other = parseBlock(route.destination);
        return block && other && blocksOverlap(block, other);
      });
      if (clash) {
        throw new NetworkConflictError(`subnet ${address} overlaps the host's route ${clash.destination} dev ${clash.device}; `
          + 'VPCs on one host need blocks distinct from each other and from the host\'s networks');
      }
    }
  }

  async #build(spec: TaskAttachment): Promise<void> {
    const namespace = namespaceName(spec.taskId);
    const hostVeth = hostVethName(spec.taskId);
    await this.#kernel.createNamespace(namespace);
    // Before the namespace has any interface: it is never open, not even before its rules are known.
    await this.#firewall?.seal(spec.taskId, this.#kernel.namespacePath(namespace));
    await this.#kernel.createVethPair({ hostName: hostVeth, hostAlias: spec.taskId, peerName: TASK_INTERFACE, peerNamespace: namespace, peerMac: spec.macAddress });
    await this.#kernel.setMaster(hostVeth, bridgeName(spec.vpcId));
    await this.#kernel.setUp(hostVeth);
    // The address may have belonged to a task that just stopped: the host's ARP entry would still name that task's
    // MAC (a stale entry lives tens of seconds), and the host's — the load balancer's, the user's — connections to
    // the new task would go nowhere until it expired.
    await this.#kernel.forgetNeighbour(bridgeName(spec.vpcId), spec.privateIp);
    // A new namespace's loopback is down; containers sharing the task reach each other on localhost through it.
    await this.#kernel.setUp('lo', namespace);
    await this.#kernel.addAddress(TASK_INTERFACE, withPrefix(spec.privateIp, spec.subnetCidr), namespace);
    // Up before the routes: the gateway is only a valid next hop once the connected route exists.
    await this.#kernel.setUp(TASK_INTERFACE, namespace);
    for (const route of taskRoutes(spec)) await this.#kernel.addRoute(route, namespace);
  }

  /**
   * The host veth goes first: deleting it deletes its peer (eth0) at once, whereas `ip netns delete` only
   * unmounts the namespace, which lives on (with eth0 still on the bridge) while a container process holds it.
   */
  async #teardown(teardown: TaskTeardown): Promise<void> {
    if (teardown.hostVeth !== undefined) await this.#kernel.deleteLink(teardown.hostVeth);
    if (teardown.namespace !== undefined) await this.#kernel.deleteNamespace(teardown.namespace);
  }

  async #observeTask(taskId: string): Promise<ObservedTask> {
    const namespace = namespaceName(taskId);
    const hasNamespace = (await this.#kernel.listNamespaces()).includes(namespace);
    // A veth of this name labelled for another task (the first 11 characters of two ids agree) is not ours; one
    // with no label is residue of a crash between creating and labelling it.
    const hostVeth = (await this.#kernel.listLinks())
      .find((link) => link.name === hostVethName(taskId) && (link.alias === taskId || (link.alias ?? '') === ''));
    return {
      taskId,
      ...(hasNamespace ? { namespace } : {}),
      ...(hostVeth ? { hostVeth } : {}),
      links: hasNamespace ? await this.#kernel.listLinks(namespace) : [],
      routes: hasNamespace ? await this.#kernel.listRoutes(namespace) : [],
    };
  }

  #handle(spec: TaskAttachment): TaskNetworkHandle {
    const namespace = namespaceName(spec.taskId);
    return {
      taskId: spec.taskId,
      vpcId: spec.vpcId,
      namespace,
      netnsPath: this.#kernel.namespacePath(namespace),
      join: { kind: 'netns', path: this.#kernel.namespacePath(namespace) },
      bridge: bridgeName(spec.vpcId),
      hostVeth: hostVethName(spec.taskId),
      interfaceName: TASK_INTERFACE,
      privateIp: spec.privateIp,
      macAddress: spec.macAddress,
      ...(spec.assignPublicIp === 'ENABLED' ? { publicIp: spec.privateIp } : {}),
    };
  }
}

/** The parts of an observed task that exist, as a teardown names them. */
function present(observed: ObservedTask): Omit<TaskTeardown, 'taskId'> {
  return {
    ...(observed.namespace !== undefined ? { namespace: observed.namespace } : {}),
    ...(observed.hostVeth ? { hostVeth: observed.hostVeth.name } : {}),
  };
}
