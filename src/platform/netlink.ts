// The kernel's network objects (namespaces, links, addresses, routes, per-interface sysctls) behind one small
// interface, and its real implementation: iproute2's `ip` run with argument arrays (never a shell).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where `ip netns add NAME` bind-mounts the namespace (a nsfs bind mount of /proc/<pid>/ns/net); runc joins a
 * namespace by this path (`linux.namespaces[{type: "network", path}]`). Namespace names are file names, so the
 * 15-character interface-name limit does not apply to them.
 */
export const NETNS_RUN_DIR = '/var/run/netns';

/**
 * IFNAMSIZ is 16 in the kernel (include/uapi/linux/if.h) and counts the trailing NUL: an interface name has at
 * most 15 characters, and `ip link add` refuses a longer one ("… is not a valid device name").
 */
export const MAX_INTERFACE_NAME_LENGTH = 15;

/** One interface as the kernel reports it. */
export interface LinkState {
  name: string;
  /** `bridge`, `veth`, … (rtnetlink IFLA_INFO_KIND); '' for a device without one (lo, most NICs). */
  kind: string;
  mac: string;
  /** Administratively up (IFF_UP), whether or not a carrier is present. */
  up: boolean;
  /** The bridge this link is a port of. */
  master?: string;
  /** IFLA_IFALIAS: free text (up to 255 bytes) Berth uses to record which VPC or task a link belongs to. */
  alias?: string;
  /** IPv4 addresses as `a.b.c.d/prefix`. */
  addresses: string[];
}

export interface RouteState {
  /** `default` or a CIDR (`10.0.0.0/16`). */
  destination: string;
  device: string;
  /** The next hop; absent for an on-link route. */
  via?: string;
}

export interface VethPairSpec {
  /** The end that stays in the host's namespace. */
  hostName: string;
  hostAlias?: string;
  /** The other end, created directly inside `peerNamespace` under this name. */
  peerName: string;
  peerNamespace: string;
  peerMac: string;
}

/**
 * The network operations Berth performs on the host. `namespace` arguments name an `ip netns` namespace;
 * absent means the host's own. Every method rejects with NetlinkCommandError when the kernel refuses.
 */
export interface NetworkKernel {
  listNamespaces(): Promise<string[]>;
  createNamespace(name: string): Promise<void>;
  /** Unmounts the namespace; it is freed when no process and no interface holds it any more. */
  deleteNamespace(name: string): Promise<void>;
  namespacePath(name: string): string;
  listLinks(namespace?: string): Promise<LinkState[]>;
  listRoutes(namespace?: string): Promise<RouteState[]>;
  /** Not atomic: a crash can leave the bridge (or veth) without its alias, which adoption treats as residue. */
  createBridge(name: string, mac: string, alias: string): Promise<void>;
  createVethPair(spec: VethPairSpec): Promise<void>;
  setMaster(link: string, bridge: string): Promise<void>;
  setUp(link: string, namespace?: string): Promise<void>;
  addAddress(link: string, cidr: string, namespace?: string): Promise<void>;
  deleteAddress(link: string, cidr: string, namespace?: string): Promise<void>;
  addRoute(route: RouteState, namespace?: string): Promise<void>;
  /** Deleting one end of a veth pair deletes the other; deleting a bridge releases its ports. */
  deleteLink(name: string, namespace?: string): Promise<void>;
  /** Drops what a host link's neighbour (ARP) table holds for an address; nothing to drop is fine. */
  forgetNeighbour(link: string, address: string): Promise<void>;
  /** net.ipv4.conf.<link>.forwarding of a host link. */
  readForwarding(link: string): Promise<boolean>;
  setForwarding(link: string, enabled: boolean): Promise<void>;
}

/** The kernel (or `ip`) refused an operation; `stderr` holds its words (e.g. "RTNETLINK answers: File exists"). */
export class NetlinkCommandError extends Error {
  override readonly name = 'NetlinkCommandError';
  readonly code = 'BERTH_NETLINK_COMMAND_FAILED';
  readonly args: readonly string[];
  readonly stderr: string;
  constructor(args: readonly string[], stderr: string) {
    super(`ip ${args.join(' ')}: ${stderr.trim() || 'failed'}`);
    this.args = args;
    this.stderr = stderr;
  }
}

/** The subset of `ip -j -d addr show` Berth reads. */
interface IpLinkJson {
  ifname: string;
  flags?: string[];
  address?: string;
  master?: string;
  ifalias?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

interface IpRouteJson {
  dst: string;
  dev?: string;
  gateway?: string;
}

export interface IpRouteKernelOptions {
  /** The iproute2 binary; `ip` on PATH by default. */
  ipPath?: string;
  /** Where sysctls live; /proc/sys by default. */
  procSys?: string;
}

/** NetworkKernel by iproute2 (`ip`, 5.x or later for `-j` JSON output) and /proc/sys. */
export class IpRouteKernel implements NetworkKernel {
  #ipPath: string;
  #procSys: string;

  constructor(options: IpRouteKernelOptions = {}) {
    this.#ipPath = options.ipPath ?? 'ip';
    this.#procSys = options.procSys ?? '/proc/sys';
  }

  async listNamespaces(): Promise<string[]> {
    // Prints nothing at all (not `[]`) when /var/run/netns does not exist yet.
    const out = await this.#ip(['-j', 'netns', 'list']);
    if (out.trim() === '') return [];
    return (JSON.parse(out) as { name: string }[]).map((entry) => entry.name);
  }

  async createNamespace(name: string): Promise<void> {
    await this.#ip(['netns', 'add', name]);
  }

  async deleteNamespace(name: string): Promise<void> {
    await this.#ip(['netns', 'delete', name]);
  }

  namespacePath(name: string): string {
    return join(NETNS_RUN_DIR, name);
  }

  async listLinks(namespace?: string): Promise<LinkState[]> {
    const out = await this.#ip([...inNamespace(namespace), '-j', '-d', 'addr', 'show']);
    return (JSON.parse(out) as IpLinkJson[]).map((link) => ({
      name: link.ifname,
      kind: link.linkinfo?.info_kind ?? '',
      mac: link.address ?? '',
      up: link.flags?.includes('UP') ?? false,
      ...(link.master !== undefined ? { master: link.master } : {}),
      ...(link.ifalias !== undefined ? { alias: link.ifalias } : {}),
      addresses: (link.addr_info ?? [])
        .filter((address) => address.family === 'inet' && address.local !== undefined)
        .map((address) => `${address.local}/${address.prefixlen ?? 32}`),
    }));
  }

  async listRoutes(namespace?: string): Promise<RouteState[]> {
    const out = await this.#ip([...inNamespace(namespace), '-j', 'route', 'show']);
    return (JSON.parse(out) as IpRouteJson[]).map((route) => ({
      // A host route is printed without its /32.
      destination: route.dst === 'default' || route.dst.includes('/') ? route.dst : `${route.dst}/32`,
      device: route.dev ?? '',
      ...(route.gateway !== undefined ? { via: route.gateway } : {}),
    }));
  }

  async createBridge(name: string, mac: string, alias: string): Promise<void> {
    await this.#ip(['link', 'add', 'name', name, 'address', mac, 'type', 'bridge']);
    // `ip link add … alias X` is accepted and silently ignored (iproute2 6.1): the alias needs its own request.
    await this.#ip(['link', 'set', 'dev', name, 'alias', alias]);
  }

  async createVethPair(spec: VethPairSpec): Promise<void> {
    // Creating the peer directly in the namespace (rather than creating it on the host and moving it) means the
    // task's end never appears in the host's namespace, so a crash cannot strand it there under a temporary name.
    await this.#ip([
      'link', 'add', 'name', spec.hostName, 'type', 'veth', 'peer', 'name', spec.peerName, 'address', spec.peerMac, 'netns', spec.peerNamespace,
    ]);
    if (spec.hostAlias !== undefined) await this.#ip(['link', 'set', 'dev', spec.hostName, 'alias', spec.hostAlias]);
  }

  async setMaster(link: string, bridge: string): Promise<void> {
    await this.#ip(['link', 'set', 'dev', link, 'master', bridge]);
  }

  async setUp(link: string, namespace?: string): Promise<void> {
    await this.#ip([...inNamespace(namespace), 'link', 'set', 'dev', link, 'up']);
  }

  async addAddress(link: string, cidr: string, namespace?: string): Promise<void> {
    await this.#ip([...inNamespace(namespace), 'addr', 'add', cidr, 'dev', link]);
  }

  async deleteAddress(link: string, cidr: string, namespace?: string): Promise<void> {
    await this.#ip([...inNamespace(namespace), 'addr', 'del', cidr, 'dev', link]);
  }

  async addRoute(route: RouteState, namespace?: string): Promise<void> {
    const via = route.via !== undefined ? ['via', route.via] : [];
    await this.#ip([...inNamespace(namespace), 'route', 'add', route.destination, ...via, 'dev', route.device]);
  }

  async deleteLink(name: string, namespace?: string): Promise<void> {
    await this.#ip([...inNamespace(namespace), 'link', 'delete', 'dev', name]);
  }

  async forgetNeighbour(link: string, address: string): Promise<void> {
    // `flush` (unlike `del`) succeeds when there is no entry.
    await this.#ip(['neigh', 'flush', 'to', address, 'dev', link]);
  }

  async readForwarding(link: string): Promise<boolean> {
    return (await readFile(this.#forwardingPath(link), 'utf8')).trim() === '1';
  }

  async setForwarding(link: string, enabled: boolean): Promise<void> {
    await writeFile(this.#forwardingPath(link), enabled ? '1' : '0');
  }

  #forwardingPath(link: string): string {
    // A '.' in an interface name becomes '/' in sysctl paths; Berth's names never contain one, refuse any that do.
    if (link.includes('.') || link.includes('/')) throw new NetlinkCommandError(['sysctl', link], 'unsupported interface name');
    return join(this.#procSys, 'net', 'ipv4', 'conf', link, 'forwarding');
  }

  #ip(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.#ipPath, args, { encoding: 'utf8', timeout: 10_000 }, (error, stdout, stderr) => {
        if (error) reject(new NetlinkCommandError(args, stderr || error.message));
        else resolve(stdout);
      });
    });
  }
}

function inNamespace(namespace: string | undefined): string[] {
  return namespace === undefined ? [] : ['-n', namespace];
}
