// The link-local address every task reaches Berth's task endpoints at, as on ECS: 169.254.170.2 (the task
// metadata and credentials endpoints, and Berth's API for AWS_ENDPOINT_URL). It sits on the host's loopback
// device, so a packet a task sends there (through its default route, the gateway on its VPC bridge) is
// delivered locally: Linux accepts a packet for any local address on any interface (the "weak host" model,
// net/ipv4/route.c ip_route_input_slow → fib_lookup finds it in the local table), and the host answers the
// task's ARP for the gateway, not for this address, so nothing else on the bridge needs to know it.
import { readFile } from 'node:fs/promises';
import type { NetworkKernel } from '../platform/netlink.ts';

/** ECS's task endpoint address (Developer Guide, "Task metadata endpoint version 4"; "Task IAM role"). */
export const TASK_ENDPOINT_ADDRESS = '169.254.170.2';

const CIDR = `${TASK_ENDPOINT_ADDRESS}/32`;

export class TaskEndpointAddress {
  readonly #kernel: NetworkKernel;

  readonly #listening: () => Promise<boolean>;

  /** `listening`: whether any socket still listens on the address (default: the kernel's /proc/net/tcp). */
  constructor(kernel: NetworkKernel, listening: () => Promise<boolean> = anyListener) {
    this.#kernel = kernel;
    this.#listening = listening;
  }

  /** Puts the address on `lo` (idempotent: another Berth on this host may have put it there). */
  async ensure(): Promise<void> {
    const lo = (await this.#kernel.listLinks()).find((link) => link.name === 'lo');
    if (lo?.addresses.includes(CIDR)) return;
    await this.#kernel.addAddress('lo', CIDR).catch(async (error: unknown) => {
      // Added meanwhile by another Berth starting at the same moment ("RTNETLINK answers: File exists").
      const again = (await this.#kernel.listLinks()).find((link) => link.name === 'lo');
      if (!again?.addresses.includes(CIDR)) throw error;
    });
  }

  /** Takes the address off `lo` unless another process (another Berth on this host) still listens on it. */
  async release(): Promise<void> {
    if (await this.#listening()) return;
    const lo = (await this.#kernel.listLinks()).find((link) => link.name === 'lo');
    if (lo?.addresses.includes(CIDR)) await this.#kernel.deleteAddress('lo', CIDR);
  }
}

/**
 * True when a TCP socket listens on 169.254.170.2. /proc/net/tcp lists sockets as `local_address` in hex, the IPv4
 * address in host (little-endian) byte order, and `st` 0A for LISTEN (Documentation/networking/proc_net_tcp.rst).
 */
async function anyListener(): Promise<boolean> {
  const hex = TASK_ENDPOINT_ADDRESS.split('.').reverse().map((octet) => Number(octet).toString(16).padStart(2, '0')).join('').toUpperCase();
  const table = await readFile('/proc/net/tcp', 'utf8').catch(() => '');
  return table.split('\n').some((line) => {
    const fields = line.trim().split(/\s+/);
    return fields[1]?.startsWith(`${hex}:`) === true && fields[3] === '0A';
  });
}
