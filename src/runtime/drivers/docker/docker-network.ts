// Task networking through the Docker Engine: a user-defined bridge network per VPC (per VPC CIDR block:
// the engine's bridge carries one subnet), and per task a sandbox container that owns the task's network
// namespace with exactly its ENI's private IP and MAC; the task's containers join it
// (`NetworkMode: container:<sandbox id>`) and reach each other on localhost, as on Fargate.
//
// What the engine gives and does not (see LIMITATIONS.md): tasks of one VPC block share a bridge, so they
// reach each other whatever their subnet; different VPCs are different bridges, kept apart by the engine's
// isolation rules (or, with iptables off, by the host not forwarding). The host reaches each task through the
// bridge's address when the engine runs on this host's kernel (Linux); Docker Desktop's engine runs in a VM.
import { validateAttachment, type TaskAttachment } from '../../../network/model.ts';
import { blockContains, blocksOverlap, formatAddress, formatBlock, parseBlock } from '../../../network/ipv4.ts';
import { KeyedSerial } from '../../../network/serial.ts';
import type { RouteState } from '../../../platform/netlink.ts';
import type { NetworkJoin, TaskNetworkDriver } from '../driver.ts';
import { LABELS } from './container-config.ts';
import { DockerEngineError, ENDPOINT_MAC_API_VERSION, type DockerEngine } from './engine-client.ts';
import type { SandboxImage } from './sandbox-image.ts';

/** A VPC's network still has task endpoints when asked to go (the name task-network.ts's error has). */
export class VpcInUseError extends Error {
  override readonly name = 'VpcInUseError';
  readonly code = 'BERTH_VPC_IN_USE';
}

/** The task's network cannot be built as asked (an overlapping network, an address the engine would not give). */
export class DockerNetworkError extends Error {
  override readonly name = 'DockerNetworkError';
  readonly code = 'BTH_DOCKER_NETWORK';
}

/** What attachTask takes: the ENI, and the hostname the task's containers get (ECS's `ip-a-b-c-d…`). */
export type DockerTaskAttachment = TaskAttachment & { hostname?: string };

export interface DockerTaskHandle {
  join: NetworkJoin;
  sandboxId: string;
  network: string;
  /** With assignPublicIp=ENABLED: the private address, which the host reaches through the bridge (task-network.ts). */
  publicIp?: string;
}

interface NetworkSummary {
  Id: string;
  Name: string;
  Labels?: Record<string, string> | null;
  IPAM?: { Config?: { Subnet?: string }[] | null };
  Containers?: Record<string, unknown> | null;
}

interface ContainerSummary {
  Id: string;
  Names?: string[];
  State?: string;
  Labels?: Record<string, string> | null;
}

interface SandboxInspect {
  Id: string;
  State?: { Running?: boolean; Status?: string };
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string; MacAddress?: string }> | null };
}

/** `bth-<task id>-sandbox`: outside the task containers' `bth-<task id>-<n>` names, found by label after a restart. */
export function sandboxName(taskId: string): string {
  return `bth-${taskId}-sandbox`;
}

/** `bth-<vpc id>-<a.b.c.d>-<prefix>`: one network per VPC CIDR block. */
export function networkName(vpcId: string, block: string): string {
  return `bth-${vpcId}-${block.replace('/', '-')}`;
}

/** The VPC block that holds the task's subnet (the subnet itself when the record names no blocks). */
export function vpcBlockOf(attachment: Pick<TaskAttachment, 'subnetCidr' | 'vpcCidrBlocks'>): string {
  const subnet = parseBlock(attachment.subnetCidr);
  if (!subnet) throw new RangeError(`subnetCidr is not an IPv4 CIDR block: ${attachment.subnetCidr}`);
  for (const text of attachment.vpcCidrBlocks) {
    const block = parseBlock(text);
    if (block && block.prefixLength <= subnet.prefixLength && blockContains(block, subnet.network)) return formatBlock(block);
  }
  return formatBlock(subnet);
}

/**
 * The bridge's address: the block's first usable address. It is the router (.1) of the subnet that starts at
 * the block, which AWS reserves, so no task is ever given it; tasks in other subnets route through it too.
 */
function bridgeGateway(block: string): string {
  const parsed = parseBlock(block);
  if (!parsed) throw new RangeError(`not a CIDR block: ${block}`);
  return formatAddress(parsed.network + 1);
}

export class DockerTaskNetwork implements TaskNetworkDriver {
  readonly #engine: DockerEngine;
  readonly #sandboxImage: SandboxImage;
  readonly #hostRoutes: (() => Promise<RouteState[]>) | undefined;
  /** One change at a time per VPC network and per task; others proceed in parallel. */
  readonly #serial = new KeyedSerial();

  /**
   * `hostRoutes` lists the routes of the kernel the engine runs on, when that is this host's: a new VPC
   * network whose block overlaps one is refused, as task-network.ts refuses it (the engine checks only its
   * own networks, and a bridge would otherwise take over the host's traffic to that block).
   */
  constructor(options: { engine: DockerEngine; sandboxImage: SandboxImage; hostRoutes?: () => Promise<RouteState[]> }) {
    this.#engine = options.engine;
    this.#sandboxImage = options.sandboxImage;
    this.#hostRoutes = options.hostRoutes;
  }

  /**
   * Starts the task's sandbox on its VPC's network with the ENI's address and MAC (idempotent: a running
   * sandbox with that address is kept; anything else of the task's is replaced). Creates the network if missing.
   * Rejects with DockerNetworkError when the engine will not build it; nothing of the task is left then.
   */
  async attachTask(attachment: DockerTaskAttachment): Promise<DockerTaskHandle> {
    validateAttachment(attachment);
    const block = vpcBlockOf(attachment);
    const network = await this.#serial.run(`vpc:${attachment.vpcId}`, () => this.#ensureNetwork(attachment.vpcId, block));
    return this.#serial.run(`task:${attachment.taskId}`, async () => {
      const name = sandboxName(attachment.taskId);
      const existing = await this.#inspect(name);
      const endpoint = existing?.NetworkSettings?.Networks?.[network];
      if (existing?.State?.Running && endpoint?.IPAddress === attachment.privateIp && endpoint.MacAddress === attachment.macAddress) {
        return this.#handle(attachment, existing.Id, network);
      }
      await this.#removeContainer(name);
      try {
        let id: string;
        try {
          id = await this.#createSandbox(attachment, network);
        } catch (error) {
          // The network went between ensuring it and starting the sandbox (another Berth on this engine removed
          // the VPC's network when its own last task left; the engine checks the network only at start): make
          // it again, once.
          if (!(error instanceof DockerEngineError && error.statusCode === 404 && /network/i.test(error.engineMessage))) throw error;
          await this.#removeContainer(name);
          await this.#serial.run(`vpc:${attachment.vpcId}`, () => this.#ensureNetwork(attachment.vpcId, block));
          id = await this.#createSandbox(attachment, network);
        }
        return this.#handle(attachment, id, network);
      } catch (error) {
        await this.#removeContainer(name).catch(() => undefined);
        throw error;
      }
    });
  }

  /** Removes the task's sandbox (its containers must be gone first); no-op when there is none. */
  detachTask(task: { taskId: string }): Promise<void> {
    return this.#serial.run(`task:${task.taskId}`, () => this.#removeContainer(sandboxName(task.taskId)));
  }

  /** Removes the VPC's networks; VpcInUseError while a sandbox (of this Berth or another) is still on one. */
  removeVpc(vpcId: string): Promise<void> {
    return this.#serial.run(`vpc:${vpcId}`, async () => {
      for (const summary of await this.#networks(vpcId)) {
        const network = await this.#engine.json<NetworkSummary>('GET', `/networks/${summary.Id}`).catch(notFoundAs(undefined));
        if (!network) continue;
        const attached = Object.keys(network.Containers ?? {});
        if (attached.length > 0) throw new VpcInUseError(`network ${network.Name} of ${vpcId} still has ${attached.length} container(s)`);
        try {
          await this.#engine.json('DELETE', `/networks/${network.Id}`);
        } catch (error) {
          if (error instanceof DockerEngineError && error.statusCode === 404) continue;
          // The engine refuses while endpoints remain (a sandbox started between the check and the delete).
          if (error instanceof DockerEngineError && /active endpoints/i.test(error.engineMessage)) throw new VpcInUseError(error.message);
          throw error;
        }
      }
    });
  }

  /**
   * The tasks whose sandbox runs, and how their containers join it. A sandbox that exited (the engine
   * restarted, someone killed it) holds no network any more: it is removed here, and its task is not listed.
   */
  async attached(): Promise<Map<string, NetworkJoin>> {
    const joins = new Map<string, NetworkJoin>();
    for (const sandbox of await this.sandboxes()) {
      const taskId = sandbox.Labels?.[LABELS.task];
      if (taskId === undefined) continue;
      if (sandbox.State === 'running') joins.set(taskId, { kind: 'container', id: sandbox.Id });
      else if (sandbox.State === 'exited' || sandbox.State === 'dead') await this.#removeContainer(sandbox.Id);
    }
    return joins;
  }

  /** Every Berth sandbox the engine has, running or not. */
  async sandboxes(): Promise<ContainerSummary[]> {
    return this.#engine.json<ContainerSummary[]>('GET', '/containers/json', {
      query: { all: 1, filters: JSON.stringify({ label: [`${LABELS.role}=sandbox`] }) },
    });
  }

  /** Berth's networks of a VPC (every VPC when `vpcId` is undefined). */
  async #networks(vpcId?: string): Promise<NetworkSummary[]> {
    const label = vpcId === undefined ? LABELS.vpc : `${LABELS.vpc}=${vpcId}`;
    return this.#engine.json<NetworkSummary[]>('GET', '/networks', { query: { filters: JSON.stringify({ label: [label] }) } });
  }

  async #ensureNetwork(vpcId: string, block: string): Promise<string> {
    const name = networkName(vpcId, block);
    const found = (await this.#networks(vpcId)).find((n) => n.Name === name);
    if (found) return name;
    await this.#refuseOverlaps(vpcId, block);
    try {
      await this.#engine.json('POST', '/networks/create', {
        body: {
          Name: name,
          CheckDuplicate: true,
          Driver: 'bridge',
          IPAM: { Driver: 'default', Config: [{ Subnet: block, Gateway: bridgeGateway(block) }] },
          Labels: { [LABELS.vpc]: vpcId, [LABELS.cidr]: block },
        },
      });
    } catch (error) {
      if (error instanceof DockerEngineError && error.statusCode === 409) return name; // created meanwhile
      if (error instanceof DockerEngineError && /overlap/i.test(error.engineMessage)) {
        throw new DockerNetworkError(`${vpcId}'s block ${block} overlaps a network the Docker Engine already has: ${error.engineMessage}`);
      }
      throw error;
    }
    return name;
  }

  async #refuseOverlaps(vpcId: string, block: string): Promise<void> {
    const parsed = parseBlock(block);
    if (!this.#hostRoutes || !parsed) return;
    const clash = (await this.#hostRoutes()).find((route) => {
      const other = route.destination === 'default' ? undefined : parseBlock(route.destination);
      return other !== undefined && blocksOverlap(parsed, other);
    });
    if (clash) {
      throw new DockerNetworkError(`${vpcId}'s block ${block} overlaps the host's route ${clash.destination}${clash.device ? ` dev ${clash.device}` : ''}; `
        + 'VPCs on one host need blocks distinct from each other and from the host\'s networks');
    }
  }

  async #createSandbox(attachment: DockerTaskAttachment, network: string): Promise<string> {
    const image = await this.#sandboxImage.reference();
    // Before API 1.44 a container's MAC is part of its config; from 1.44 it belongs to its network endpoint.
    const endpointMac = this.#engine.speaks(ENDPOINT_MAC_API_VERSION);
    const hostname = attachment.hostname ?? `ip-${attachment.privateIp.replaceAll('.', '-')}`;
    const created = await this.#engine.json<{ Id: string }>('POST', '/containers/create', {
      query: { name: sandboxName(attachment.taskId) },
      body: {
        Image: image,
        // It only waits: nobody, no capabilities, a read-only root.
        User: '65534:65534',
        Hostname: hostname,
        ...(endpointMac ? {} : { MacAddress: attachment.macAddress }),
        Labels: { [LABELS.task]: attachment.taskId, [LABELS.role]: 'sandbox', [LABELS.vpc]: attachment.vpcId },
        HostConfig: {
          NetworkMode: network,
          ReadonlyRootfs: true,
          CapDrop: ['ALL'],
          SecurityOpt: ['no-new-privileges'],
          RestartPolicy: { Name: 'no' },
          LogConfig: { Type: 'none', Config: {} },
        },
        NetworkingConfig: {
          EndpointsConfig: {
            [network]: { IPAMConfig: { IPv4Address: attachment.privateIp }, ...(endpointMac ? { MacAddress: attachment.macAddress } : {}) },
          },
        },
      },
    });
    try {
      await this.#engine.json('POST', `/containers/${created.Id}/start`);
    } catch (error) {
      // A 404 (the network is gone) goes up as is: attachTask makes the network again.
      if (error instanceof DockerEngineError && error.statusCode === 404) throw error;
      // The address is already another endpoint's (a sandbox another Berth left), or outside the network.
      if (error instanceof DockerEngineError) throw new DockerNetworkError(`the task's sandbox did not start: ${error.engineMessage}`);
      throw error;
    }
    const started = await this.#inspect(created.Id);
    const endpoint = started?.NetworkSettings?.Networks?.[network];
    if (endpoint?.IPAddress !== attachment.privateIp || endpoint.MacAddress !== attachment.macAddress) {
      throw new DockerNetworkError(`the engine gave the task ${endpoint?.IPAddress ?? 'no address'} (${endpoint?.MacAddress ?? 'no MAC'}), not ${attachment.privateIp} (${attachment.macAddress})`);
    }
    return created.Id;
  }

  #handle(attachment: DockerTaskAttachment, sandboxId: string, network: string): DockerTaskHandle {
    return {
      join: { kind: 'container', id: sandboxId },
      sandboxId,
      network,
      ...(attachment.assignPublicIp === 'ENABLED' ? { publicIp: attachment.privateIp } : {}),
    };
  }

  #inspect(nameOrId: string): Promise<SandboxInspect | undefined> {
    return this.#engine.json<SandboxInspect>('GET', `/containers/${encodeURIComponent(nameOrId)}/json`).catch(notFoundAs(undefined));
  }

  async #removeContainer(nameOrId: string): Promise<void> {
    await this.#engine.json('DELETE', `/containers/${encodeURIComponent(nameOrId)}`, { query: { force: 1, v: 1 } }).catch(notFoundAs(undefined));
  }
}

/** A catch handler: a 404 from the engine means "not there" (`value`); anything else is rethrown. */
export function notFoundAs<T>(value: T): (error: unknown) => T {
  return (error: unknown) => {
    if (error instanceof DockerEngineError && error.statusCode === 404) return value;
    throw error;
  };
}

