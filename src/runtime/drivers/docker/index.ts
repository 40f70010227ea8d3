// The Docker driver's entry: whether an engine is usable, and the three pieces the task runner takes from
// a driver (containers, task network, images), built over one engine connection. main.ts calls these.
import { existsSync } from 'node:fs';
import type { Clock } from '../../../platform/clock.ts';
import type { IdSource } from '../../../platform/ids.ts';
import { IpRouteKernel } from '../../../platform/netlink.ts';
import type { RegistryAddressing } from '../../../registry/host.ts';
import type { Store } from '../../../store/store.ts';
import { Cgroups } from '../runc/cgroups.ts';
import { DOCKER_CGROUP_PARENT, DockerContainers } from './docker-containers.ts';
import { DockerImages } from './docker-images.ts';
import { DockerTaskNetwork } from './docker-network.ts';
import { DockerEngine, parseDockerHost } from './engine-client.ts';
import { LogCursors } from './log-cursors.ts';
import { SandboxImage } from './sandbox-image.ts';
import { elsewhereReason, engineInfo, envelopeUnavailable } from './task-envelope.ts';

export { DockerContainers } from './docker-containers.ts';
export { DockerImages } from './docker-images.ts';
export { DockerTaskNetwork } from './docker-network.ts';
export { DockerEngine, DockerEngineError, DockerEngineUnusableError } from './engine-client.ts';

export interface DockerDriverOptions {
  /** `unix:///var/run/docker.sock` or `tcp://host:port` (settings.dockerHost). */
  dockerHost: string;
  /** Berth's data directory: log cursors go under `<dataDir>/runtime/docker/`. */
  dataDir: string;
  store: Store;
  ids: IdSource;
  clock: Clock;
  addressing: RegistryAddressing;
  /** settings.remotePulls: the engine pulls other registries' images itself (default false). */
  remotePulls?: boolean;
  /** Where the engine reaches Berth's registry, when not at `addressing.endpoint()` (docker-images.ts). */
  registryAddress?: string;
  log?: (message: string) => void;
}

export interface DockerDriver {
  engine: DockerEngine;
  containers: DockerContainers;
  network: DockerTaskNetwork;
  images: DockerImages;
  /** What Berth says at start: the engine, its API version, and how task limits are applied. */
  description: string;
  /** Stops following containers and writes pending log cursors; containers and networks stay. */
  close(): Promise<void>;
}

/**
 * Why the Docker driver cannot use the engine at `dockerHost` (its socket is missing, it does not answer,
 * its API is older than 1.41, it runs Windows containers), or undefined when it can.
 */
export async function dockerUnavailable(dockerHost: string): Promise<string | undefined> {
  let endpoint;
  try {
    endpoint = parseDockerHost(dockerHost);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if ('socketPath' in endpoint && !existsSync(endpoint.socketPath)) {
    return `there is no Docker Engine socket at ${endpoint.socketPath} (start the engine, or point --docker-host at its socket)`;
  }
  let engine: DockerEngine;
  try {
    engine = await DockerEngine.connect(dockerHost);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  engine.close();
  if (engine.info.os !== 'linux') return `the Docker Engine at ${dockerHost} runs ${engine.info.os} containers; Berth runs Linux containers`;
  return undefined;
}

/** Connects to the engine and builds the driver; rejects with DockerEngineUnusableError when it cannot be used. */
export async function createDockerDriver(options: DockerDriverOptions): Promise<DockerDriver> {
  const log = options.log ?? (() => undefined);
  const engine = await DockerEngine.connect(options.dockerHost);
  const info = await engineInfo(engine);
  const noEnvelope = await envelopeUnavailable(engine, info);
  const cursors = new LogCursors(options.dataDir);
  const containers = new DockerContainers({
    engine, cursors, log, ...(noEnvelope === undefined ? { cgroups: new Cgroups({ parent: DOCKER_CGROUP_PARENT }) } : {}),
  });
  // An engine on this kernel puts its bridges among this host's routes: a VPC block must not shadow one.
  const kernel = elsewhereReason(engine, info) === undefined ? new IpRouteKernel() : undefined;
  const network = new DockerTaskNetwork({ engine, sandboxImage: new SandboxImage(engine), ...(kernel ? { hostRoutes: () => kernel.listRoutes() } : {}) });
  const images = new DockerImages({
    engine, store: options.store, ids: options.ids, clock: options.clock, addressing: options.addressing,
    remotePulls: options.remotePulls ?? false, ...(options.registryAddress !== undefined ? { registryAddress: options.registryAddress } : {}),
  });
  const limits = noEnvelope === undefined
    ? `task cpu/memory as a cgroup envelope under /${DOCKER_CGROUP_PARENT}`
    : `task cpu/memory applied per container (${noEnvelope})`;
  return {
    engine, containers, network, images,
    description: `Docker Engine ${engine.info.version} at ${options.dockerHost} (API ${engine.apiVersion}, ${engine.info.arch}); ${limits}`,
    async close() {
      await containers.close();
      engine.close();
    },
  };
}
