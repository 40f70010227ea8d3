// An in-memory NetworkKernel for tests: namespaces, links, addresses and routes with the kernel's rules that
// Berth's network code relies on (name limits, "File exists", veth peers dying together, gateway reachability).
import {
  MAX_INTERFACE_NAME_LENGTH,
  NETNS_RUN_DIR,
  NetlinkCommandError,
  type LinkState,
  type NetworkKernel,
  type RouteState,
  type VethPairSpec,
} from './netlink.ts';

/** The host's own namespace in the fake's maps. */
const HOST = '';

interface FakeLink extends LinkState {
  namespace: string;
  /** The other end of a veth pair. */
  peer?: { namespace: string; name: string };
}

export interface FakeNetworkKernelOptions {
  /** The value new host links get for net.ipv4.conf.<link>.forwarding (conf/default/forwarding). */
  defaultForwarding?: boolean;
  /** Links the host already has (they must survive everything Berth does). */
  hostLinks?: LinkState[];
  hostRoutes?: RouteState[];
}

export class FakeNetworkKernel implements NetworkKernel {
  #namespaces = new Set<string>();
  #links = new Map<string, FakeLink>();
  #routes = new Map<string, RouteState[]>([[HOST, []]]);
  #forwarding = new Map<string, boolean>();
  #defaultForwarding: boolean;
  /** Every mutating call, in order, for tests that check what was (not) done. */
  readonly calls: string[] = [];

  constructor(options: FakeNetworkKernelOptions = {}) {
    this.#defaultForwarding = options.defaultForwarding ?? false;
    for (const link of options.hostLinks ?? []) this.#links.set(key(HOST, link.name), { ...link, namespace: HOST });
    this.#routes.set(HOST, [...(options.hostRoutes ?? [])]);
  }

  async listNamespaces(): Promise<string[]> {
    return [...this.#namespaces].sort();
  }

  async createNamespace(name: string): Promise<void> {
    this.#record('netns add', name);
    if (this.#namespaces.has(name)) fail(['netns', 'add', name], `Cannot create namespace file "${NETNS_RUN_DIR}/${name}": File exists`);
    this.#namespaces.add(name);
    this.#routes.set(name, []);
    this.#links.set(key(name, 'lo'), { name: 'lo', kind: '', mac: '00:00:00:00:00:00', up: false, addresses: [], namespace: name });
  }

  async deleteNamespace(name: string): Promise<void> {
    this.#record('netns delete', name);
    this.#requireNamespace(name);
    // With no process left in it the namespace is freed, and with it every interface inside; a veth's peer dies too.
    for (const link of [...this.#links.values()]) if (link.namespace === name) this.#removeLink(link);
    this.#namespaces.delete(name);
    this.#routes.delete(name);
  }

  namespacePath(name: string): string {
    return `${NETNS_RUN_DIR}/${name}`;
  }

  async listLinks(namespace?: string): Promise<LinkState[]> {
    const ns = this.#requireNamespace(namespace);
    return [...this.#links.values()]
      .filter((link) => link.namespace === ns)
      .map(({ namespace: _ns, peer: _peer, ...link }) => ({ ...link, addresses: [...link.addresses] }));
  }

  async listRoutes(namespace?: string): Promise<RouteState[]> {
    const ns = this.#requireNamespace(namespace);
    // The kernel adds a prefix route for each address of a link that is up.
    const connected = [...this.#links.values()]
      .filter((link) => link.namespace === ns && link.up)
      .flatMap((link) => link.addresses.map((cidr) => ({ destination: networkOf(cidr), device: link.name })));
    return [...connected, ...(this.#routes.get(ns) ?? []).map((route) => ({ ...route }))];
  }

  async createBridge(name: string, mac: string, alias: string): Promise<void> {
    this.#record('link add bridge', name);
    this.#requireFreeName(HOST, name);
    this.#links.set(key(HOST, name), { name, kind: 'bridge', mac, up: false, alias, addresses: [], namespace: HOST });
    this.#forwarding.set(name, this.#defaultForwarding);
  }

  async createVethPair(spec: VethPairSpec): Promise<void> {
    this.#record('link add veth', spec.hostName);
    this.#requireNamespace(spec.peerNamespace);
    this.#requireFreeName(HOST, spec.hostName);
    this.#requireFreeName(spec.peerNamespace, spec.peerName);
    this.#links.set(key(HOST, spec.hostName), {
      name: spec.hostName, kind: 'veth', mac: '02:fe:00:00:00:00', up: false, addresses: [], namespace: HOST,
      ...(spec.hostAlias !== undefined ? { alias: spec.hostAlias } : {}),
      peer: { namespace: spec.peerNamespace, name: spec.peerName },
    });
    this.#links.set(key(spec.peerNamespace, spec.peerName), {
      name: spec.peerName, kind: 'veth', mac: spec.peerMac, up: false, addresses: [], namespace: spec.peerNamespace,
      peer: { namespace: HOST, name: spec.hostName },
    });
    this.#forwarding.set(spec.hostName, this.#defaultForwarding);
  }

  async setMaster(link: string, bridge: string): Promise<void> {
    this.#record('link set master', `${link} ${bridge}`);
    const port = this.#requireLink(HOST, link);
    if (this.#requireLink(HOST, bridge).kind !== 'bridge') fail(['link', 'set', link, 'master', bridge], 'Operation not supported');
    port.master = bridge;
  }

  async setUp(link: string, namespace?: string): Promise<void> {
    this.#record('link set up', link);
    this.#requireLink(this.#requireNamespace(namespace), link).up = true;
  }

  async addAddress(link: string, cidr: string, namespace?: string): Promise<void> {
    this.#record('addr add', `${link} ${cidr}`);
    const target = this.#requireLink(this.#requireNamespace(namespace), link);
    if (target.addresses.includes(cidr)) fail(['addr', 'add', cidr], 'RTNETLINK answers: File exists');
    target.addresses.push(cidr);
  }

  async deleteAddress(link: string, cidr: string, namespace?: string): Promise<void> {
    this.#record('addr del', `${link} ${cidr}`);
    const target = this.#requireLink(this.#requireNamespace(namespace), link);
    if (!target.addresses.includes(cidr)) fail(['addr', 'del', cidr], 'RTNETLINK answers: Cannot assign requested address');
    target.addresses = target.addresses.filter((address) => address !== cidr);
  }

  async addRoute(route: RouteState, namespace?: string): Promise<void> {
    this.#record('route add', route.destination);
    const ns = this.#requireNamespace(namespace);
    const device = this.#requireLink(ns, route.device);
    const routes = this.#routes.get(ns) ?? [];
    if (routes.some((existing) => existing.destination === route.destination)) fail(['route', 'add', route.destination], 'RTNETLINK answers: File exists');
    // A gateway must be on a prefix the device already reaches (its connected route exists only while it is up).
    const via = route.via;
    if (via !== undefined && !(device.up && device.addresses.some((cidr) => cidrHas(cidr, via)))) {
      fail(['route', 'add', route.destination, 'via', via], 'Error: Nexthop has invalid gateway.');
    }
    routes.push({ ...route });
    this.#routes.set(ns, routes);
  }

  async deleteLink(name: string, namespace?: string): Promise<void> {
    this.#record('link delete', name);
    this.#removeLink(this.#requireLink(this.#requireNamespace(namespace), name));
  }

  async forgetNeighbour(link: string, address: string): Promise<void> {
    this.#record('neigh flush', `${link} ${address}`);
    this.#requireLink(HOST, link);
  }

  async readForwarding(link: string): Promise<boolean> {
    this.#requireLink(HOST, link);
    return this.#forwarding.get(link) ?? this.#defaultForwarding;
  }

  async setForwarding(link: string, enabled: boolean): Promise<void> {
    this.#record('sysctl forwarding', `${link}=${enabled ? 1 : 0}`);
    this.#requireLink(HOST, link);
    this.#forwarding.set(link, enabled);
  }

  /** Simulates `sysctl net.ipv4.ip_forward=1` run by someone else: the kernel copies it to every interface. */
  writeGlobalForwarding(enabled: boolean): void {
    for (const name of this.#forwarding.keys()) this.#forwarding.set(name, enabled);
    this.#defaultForwarding = enabled;
  }

  #removeLink(link: FakeLink): void {
    this.#links.delete(key(link.namespace, link.name));
    this.#forwarding.delete(link.name);
    this.#routes.set(link.namespace, (this.#routes.get(link.namespace) ?? []).filter((route) => route.device !== link.name));
    if (link.kind === 'bridge') {
      for (const port of this.#links.values()) if (port.namespace === link.namespace && port.master === link.name) delete port.master;
    }
    if (link.peer) {
      const peer = this.#links.get(key(link.peer.namespace, link.peer.name));
      if (peer) {
        delete peer.peer;
        this.#removeLink(peer);
      }
    }
  }

  #record(operation: string, subject: string): void {
    this.calls.push(`${operation} ${subject}`);
  }

  #requireNamespace(namespace: string | undefined): string {
    if (namespace === undefined) return HOST;
    if (!this.#namespaces.has(namespace)) fail(['-n', namespace], `Cannot open network namespace "${namespace}": No such file or directory`);
    return namespace;
  }

  #requireLink(namespace: string, name: string): FakeLink {
    return this.#links.get(key(namespace, name)) ?? fail(['link', name], `Cannot find device "${name}"`);
  }

  #requireFreeName(namespace: string, name: string): void {
    if (name.length > MAX_INTERFACE_NAME_LENGTH) fail(['link', 'add', name], `Error: argument "${name}" is wrong: "name" not a valid ifname`);
    if (this.#links.has(key(namespace, name))) fail(['link', 'add', name], 'RTNETLINK answers: File exists');
  }
}

function key(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}

function fail(args: string[], stderr: string): never {
  throw new NetlinkCommandError(args, stderr);
}

function toNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function cidrHas(cidr: string, address: string): boolean {
  const [base = '', prefix = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(prefix));
  const network = Math.floor(toNumber(base) / size) * size;
  const value = toNumber(address);
  return value >= network && value < network + size;
}

function networkOf(cidr: string): string {
  const [base = '', prefix = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(prefix));
  const network = Math.floor(toNumber(base) / size) * size;
  return `${[network >>> 24, (network >>> 16) & 255, (network >>> 8) & 255, network & 255].join('.')}/${prefix}`;
}
