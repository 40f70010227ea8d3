// The link-local address every task reaches Berth's task endpoints at, as on ECS: 169.254.170.2 (the task
// metadata and credentials endpoints, and Berth's API for AWS_ENDPOINT_URL). It sits on the host's loopback
// device, so a packet a task sends there (through its default route, the gateway on its VPC bridge) is
// delivered locally: Linux accepts a packet for any local address on any interface (the "weak host" model,
// net/ipv4/route.c ip_route_input_slow → fib_lookup finds it in the local table), and the host answers the
// task's ARP for the gateway, not for this address, so nothing else on the bridge needs to know it.
import type { NetworkKernel } from '../platform/netlink.ts';

/** ECS's task endpoint address (Developer Guide, "Task metadata endpoint version 4"; "Task IAM role"). */
export const TASK_ENDPOINT_ADDRESS = '169.254.170.2';

const CIDR = `${TASK_ENDPOINT_ADDRESS}/32`;

export class TaskEndpointAddress {
  readonly #kernel: NetworkKernel;

  constructor(kernel: NetworkKernel) {
    this.#kernel = kernel;
  }

  /** Puts the address on `lo` (idempotent); answers whether this call added it (then release() takes it away). */
  async ensure(): Promise<boolean> {
    const lo = (await this.#kernel.listLinks()).find((link) => link.name === 'lo');
    if (lo?.addresses.includes(CIDR)) return false;
    await this.#kernel.addAddress('lo', CIDR);
    return true;
  }

  async release(): Promise<void> {
    const lo = (await this.#kernel.listLinks()).find((link) => link.name === 'lo');
    if (lo?.addresses.includes(CIDR)) await this.#kernel.deleteAddress('lo', CIDR);
  }
}
