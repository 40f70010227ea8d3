// Load balancers' addresses on VPC bridges: each load balancer network interface's private address, put on its
// VPC's bridge as a /32 so the data plane connects to targets from it and security groups that name the load
// balancer's groups let it in. Tasks have the VPC's blocks on-link, so they ARP for that address on the bridge
// and the host answers (net.ipv4.conf.*.arp_ignore=0, the default: "reply for any local target IP address,
// configured on any interface", Documentation/networking/ip-sysctl.rst).
import type { NetworkKernel } from '../platform/netlink.ts';
import { blockContains, parseAddress, parseBlock } from './ipv4.ts';
import { bridgeName, isBridgeName } from './names.ts';
import { isLoadBalancerAddress } from './reconcile.ts';

/** A load balancer interface's address in one subnet of a VPC. */
export interface LoadBalancerAddress {
  vpcId: string;
  subnetCidr: string;
  ip: string;
}

/** What the load-balancer controller asks of the host for its interfaces' addresses. */
export interface LoadBalancerAddresses {
  /**
   * Puts `ip/32` on the VPC's bridge (idempotent); false when the VPC has no bridge on this host yet (no task
   * has run in it): call again later, the bridge appears with the VPC's first task and goes with its last.
   */
  ensure(address: LoadBalancerAddress): Promise<boolean>;
  /** Removes the address from whichever VPC bridge holds it; no-op when none does. */
  release(ip: string): Promise<void>;
}

/** LoadBalancerAddresses on the kernel's bridges (`bth-…`, see task-network.ts). */
export class BridgeLoadBalancerAddresses implements LoadBalancerAddresses {
  #kernel: NetworkKernel;

  constructor(kernel: NetworkKernel) {
    this.#kernel = kernel;
  }

  async ensure(address: LoadBalancerAddress): Promise<boolean> {
    const block = parseBlock(address.subnetCidr);
    const ip = parseAddress(address.ip);
    if (!block || ip === undefined || !blockContains(block, ip)) {
      throw new RangeError(`load balancer address ${address.ip} is not in subnet ${address.subnetCidr}`);
    }
    const name = bridgeName(address.vpcId);
    const bridge = (await this.#kernel.listLinks()).find((link) => link.name === name && link.kind === 'bridge');
    // A bridge of this name labelled for another VPC (or not yet labelled) is not this VPC's.
    if (!bridge || bridge.alias !== address.vpcId) return false;
    const cidr = `${address.ip}/32`;
    if (bridge.addresses.includes(cidr)) return true;
    try {
      await this.#kernel.addAddress(name, cidr);
    } catch (error) {
      // The bridge went (its VPC's last task detached) between the listing and the add.
      if (!(await this.#kernel.listLinks()).some((link) => link.name === name)) return false;
      // Added meanwhile by a concurrent ensure(): "RTNETLINK answers: File exists".
      if ((await this.#kernel.listLinks()).some((link) => link.name === name && link.addresses.includes(cidr))) return true;
      throw error;
    }
    return true;
  }

  async release(ip: string): Promise<void> {
    const cidr = `${ip}/32`;
    for (const link of await this.#kernel.listLinks()) {
      if (link.kind !== 'bridge' || !isBridgeName(link.name) || !link.addresses.includes(cidr)) continue;
      try {
        await this.#kernel.deleteAddress(link.name, cidr);
      } catch (error) {
        const still = (await this.#kernel.listLinks()).find((candidate) => candidate.name === link.name);
        if (still?.addresses.includes(cidr)) throw error;
      }
    }
  }

  /** Every load balancer address on a VPC bridge of this host (a restarted controller releases those it no longer wants). */
  async list(): Promise<{ vpcId: string; ip: string }[]> {
    const held: { vpcId: string; ip: string }[] = [];
    for (const link of await this.#kernel.listLinks()) {
      if (link.kind !== 'bridge' || !isBridgeName(link.name) || !link.alias) continue;
      for (const address of link.addresses) {
        if (isLoadBalancerAddress(address)) held.push({ vpcId: link.alias, ip: address.slice(0, -'/32'.length) });
      }
    }
    return held;
  }
}
