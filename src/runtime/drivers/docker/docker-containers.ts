// A task's containers in the Docker Engine, as the task runner uses them (driver.ts TaskContainerDriver):
// the task's cpu/memory envelope, starting a container from a ContainerLaunch, re-attaching to the ones a
// previous Berth started, and removing whatever a task left, found by its labels.
import type { ContainerLaunch, ContainerReattach, TaskContainerDriver } from '../driver.ts';
import type { Cgroups, TaskLimits } from '../runc/cgroups.ts';
import { containerCreateBody, LABELS } from './container-config.ts';
import { DockerContainer, ignoreStatus, type ContainerInspect } from './docker-container.ts';
import { DockerEngineError, type DockerEngine } from './engine-client.ts';
import type { LogCursors } from './log-cursors.ts';
import { parseCursor } from './log-stream.ts';

/** Creating copies the image's files with the vfs storage driver: seconds for a large image. */
const CREATE_TIMEOUT_MS = 120_000;
const START_TIMEOUT_MS = 60_000;

/** The cgroup (below each hierarchy's root) that holds every task envelope of the Docker driver. */
export const DOCKER_CGROUP_PARENT = 'bth-docker';

export interface DockerContainersOptions {
  engine: DockerEngine;
  cursors: LogCursors;
  /**
   * The task envelope, when the engine nests containers in cgroups Berth makes (an engine on this host with
   * the cgroupfs driver, Berth as root): built with `new Cgroups({ parent: DOCKER_CGROUP_PARENT })`. Without
   * it the task's limits are applied to each container on its own (container-config.ts).
   */
  cgroups?: Cgroups;
  log?: (message: string) => void;
}

interface ContainerSummary {
  Id: string;
  Names?: string[];
  Labels?: Record<string, string> | null;
}

export class DockerContainers implements TaskContainerDriver {
  readonly name = 'docker';
  readonly #engine: DockerEngine;
  readonly #cursors: LogCursors;
  readonly #cgroups: Cgroups | undefined;
  readonly #log: (message: string) => void;
  /** Task limits for the per-container fallback; set by createTask, read by start in the same process. */
  readonly #limits = new Map<string, TaskLimits>();
  /** Containers this process follows, to let go of on close(). */
  readonly #live = new Set<DockerContainer>();

  constructor(options: DockerContainersOptions) {
    this.#engine = options.engine;
    this.#cursors = options.cursors;
    this.#cgroups = options.cgroups;
    this.#log = options.log ?? (() => undefined);
  }

  /** Whether the task's limits are one envelope for all its containers (true) or applied per container. */
  get envelope(): boolean {
    return this.#cgroups !== undefined;
  }

  async createTask(taskId: string, limits: TaskLimits): Promise<void> {
    if (this.#cgroups) await this.#cgroups.createTask(taskId, limits);
    else this.#limits.set(taskId, limits);
  }

  /**
   * Creates and starts the container (a leftover of the same name is replaced); resolves once it runs or
   * has already exited. Rejects with the engine's message when it cannot start (no such executable…), and
   * then leaves nothing behind.
   */
  async start(launch: ContainerLaunch): Promise<DockerContainer> {
    if (launch.network?.kind === 'netns') throw new Error('the Docker driver joins a sandbox container, not a namespace path');
    const body = containerCreateBody({
      launch,
      networkMode: launch.network ? `container:${launch.network.id}` : 'none',
      ...(this.#cgroups ? { cgroupParent: `/${DOCKER_CGROUP_PARENT}/${launch.taskId}` } : { perContainerTaskLimits: this.#limits.get(launch.taskId) }),
      ...(launch.network ? {} : { ownHostname: launch.hostname ?? launch.containerId.slice(0, 63) }),
    });
    const create = () => this.#engine.json<{ Id: string }>('POST', '/containers/create', { query: { name: launch.containerId }, body, timeoutMs: CREATE_TIMEOUT_MS });
    try {
      await create();
    } catch (error) {
      if (!(error instanceof DockerEngineError && error.statusCode === 409)) throw error;
      // A container of that name survived a crash before its task recorded it: it is not running anything Berth knows.
      await this.#remove(launch.containerId);
      await create();
    }
    try {
      await this.#engine.json('POST', `/containers/${launch.containerId}/start`, { timeoutMs: START_TIMEOUT_MS });
    } catch (error) {
      await this.#remove(launch.containerId).catch(() => undefined);
      throw error instanceof DockerEngineError ? new Error(error.engineMessage) : error;
    }
    return this.#track(new DockerContainer({
      engine: this.#engine, id: launch.containerId, stopSignal: launch.image.config.config?.StopSignal ?? 'SIGTERM',
      cursors: this.#cursors, running: true, log: this.#log, ...(launch.onOutput ? { onOutput: launch.onOutput } : {}),
    }));
  }

  /**
   * The container a previous Berth started, running or exited, with its output resumed after the last
   * acknowledged line; undefined when the engine has no such container of Berth's, or one never started.
   */
  async reattach(target: ContainerReattach): Promise<DockerContainer | undefined> {
    const inspect = await this.#engine.json<ContainerInspect>('GET', `/containers/${target.containerId}/json`).catch(ignoreStatus(404));
    if (!inspect || inspect.Config?.Labels?.[LABELS.role] !== 'container' || inspect.Config.Labels[LABELS.task] !== target.taskId) return undefined;
    if (inspect.State?.Status === 'created') return undefined;
    const cursor = await this.#cursors.read(target.containerId);
    const after = cursor !== undefined ? parseCursor(cursor) : undefined;
    return this.#track(new DockerContainer({
      engine: this.#engine, id: target.containerId, stopSignal: target.stopSignal ?? inspect.Config.StopSignal ?? 'SIGTERM',
      cursors: this.#cursors, running: inspect.State?.Running === true, log: this.#log,
      ...(target.onOutput ? { onOutput: target.onOutput } : {}), ...(after ? { after } : {}),
    }));
  }

  /** Force-removes every container labelled with the task, their cursors, and the task's envelope; idempotent. */
  async cleanupTask(taskId: string): Promise<void> {
    const containers = await this.#containers({ label: [`${LABELS.role}=container`, `${LABELS.task}=${taskId}`] });
    for (const container of containers) await this.#remove(container.Id);
    await this.#cursors.removeMatching(`bth-${taskId}-`);
    this.#limits.delete(taskId);
    if (this.#cgroups) await this.#cgroups.removeTask(taskId);
  }

  /** The names of every task container (`bth-…`) the engine has, running or not; sandboxes are not listed. */
  async list(): Promise<string[]> {
    const containers = await this.#containers({ label: [`${LABELS.role}=container`] });
    return containers.map((c) => (c.Names?.[0] ?? '').replace(/^\//, '')).filter((name) => name.startsWith('bth-'));
  }

  /** Releases every container it follows (their cursors written); the containers keep running. */
  async close(): Promise<void> {
    const live = [...this.#live];
    this.#live.clear();
    await Promise.all(live.map((container) => container.release()));
    await this.#cursors.flushAll();
  }

  #track(container: DockerContainer): DockerContainer {
    this.#live.add(container);
    // Once exited there is nothing left to let go of (its output is read to the end by then).
    container.waitExit().finally(() => this.#live.delete(container)).catch(() => undefined);
    return container;
  }

  #containers(filters: Record<string, string[]>): Promise<ContainerSummary[]> {
    return this.#engine.json<ContainerSummary[]>('GET', '/containers/json', { query: { all: 1, filters: JSON.stringify(filters) } });
  }

  async #remove(nameOrId: string): Promise<void> {
    await this.#engine.json('DELETE', `/containers/${nameOrId}`, { query: { force: 1, v: 1 } }).catch(ignoreStatus(404));
  }
}
