// The load balancers' own addresses on the host. A load balancer connects to its targets from its interface's
// address in their VPC, so that address must exist on that VPC's bridge: LoadBalancerAddresses puts it there
// (the network side implements it; main.ts passes it). AddressKeeper asks for every wanted address on every
// pass — a VPC's bridge goes with its last task and comes back without them with the next one, so "added once"
// proves nothing later (ensure() is idempotent) — and releases the ones no load balancer has any more.

/** Implemented by the network side (bridges); without it load balancers connect from whatever the host picks. */
export interface LoadBalancerAddresses {
  /** Puts `ip` on the bridge of `vpcId`; true when the address can be used as a source from now on. */
  ensure(address: { vpcId: string; subnetCidr: string; ip: string }): Promise<boolean>;
  release(ip: string): Promise<void>;
}

export interface WantedAddress {
  vpcId: string;
  subnetCidr: string;
  ip: string;
}

export class AddressKeeper {
  readonly #addresses: LoadBalancerAddresses | undefined;
  readonly #log: (message: string) => void;
  /** ip → what it was ensured as, for addresses ensure() accepted on the last pass. */
  readonly #ready = new Map<string, string>();

  constructor(addresses: LoadBalancerAddresses | undefined, log: (message: string) => void) {
    this.#addresses = addresses;
    this.#log = log;
  }

  /** Makes the wanted addresses exist and releases the others; answers the ones usable as a source. */
  async sync(wanted: readonly WantedAddress[]): Promise<Set<string>> {
    const addresses = this.#addresses;
    if (!addresses) return new Set();
    const byIp = new Map(wanted.map((w) => [w.ip, w]));
    for (const [ip, signature] of this.#ready) {
      const want = byIp.get(ip);
      if (want && signature === JSON.stringify(want)) continue;
      this.#ready.delete(ip);
      try {
        await addresses.release(ip);
      } catch (error) {
        this.#log(`could not release load balancer address ${ip}: ${describe(error)}`);
      }
    }
    for (const want of wanted) {
      let ok = false;
      try {
        ok = await addresses.ensure(want);
      } catch (error) {
        this.#log(`could not put load balancer address ${want.ip} on ${want.vpcId}: ${describe(error)}`);
      }
      if (ok) this.#ready.set(want.ip, JSON.stringify(want));
      else this.#ready.delete(want.ip);
    }
    return new Set(this.#ready.keys());
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
