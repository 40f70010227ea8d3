// Runs one container under runc: writes its bundle (config.json, hosts, resolv.conf) over an
// overlay rootfs, starts it, streams its output line by line, stops it, and reports its exit.
import { constants } from 'node:fs';
import { lstat, mkdir, open, writeFile } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { runChecked, type ChildProcessHandle, type ProcessRunner } from '../../../platform/processes.ts';
import type { ImageStore, PulledImage } from '../../images/image-store.ts';
import { buildRuntimeSpec, type ContainerDefinitionInput, type ContainerOverrideInput } from './bundle-config.ts';
import type { Cgroups, TaskLimits } from './cgroups.ts';
import { ContainerLifecycle, type ContainerState } from './container-states.ts';
import { resolveUser } from './users.ts';

export interface RuncDriverOptions {
  dataDir: string;
  processes: ProcessRunner;
  images: ImageStore;
  cgroups: Cgroups;
  runc?: string;
  /** Static init for initProcessEnabled (Debian's tini package installs /usr/bin/tini-static). */
  initPath?: string;
}

export interface ContainerLaunch {
  taskId: string;
  /** The runc container id; Berth's are `bth-…` so that leftovers are recognisable. */
  containerId: string;
  image: PulledImage;
  definition: ContainerDefinitionInput;
  overrides?: ContainerOverrideInput;
  hostname?: string;
  netnsPath?: string;
  etcHosts?: string;
  resolvConf?: string;
  onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
}

export interface ContainerExit {
  /** The process's exit status; 128 + n when killed by signal n (137 for SIGKILL). */
  exitCode: number;
  oomKilled: boolean;
}

const STARTUP_POLL_MS = 20;
const STARTUP_TIMEOUT_MS = 30_000;

export class RuncDriver {
  readonly #options: RuncDriverOptions;
  readonly #runc: string;

  constructor(options: RuncDriverOptions) {
    this.#options = options;
    this.#runc = options.runc ?? 'runc';
  }

  /** Creates the task's cgroup envelope; call before its containers start. */
  async createTask(taskId: string, limits: TaskLimits): Promise<void> {
    await this.#options.cgroups.createTask(taskId, limits);
  }

  /** Removes the task's cgroup envelope; call after all its containers are removed. */
  async removeTask(taskId: string): Promise<void> {
    await this.#options.cgroups.removeTask(taskId);
  }

  /** Mounts the rootfs, writes the bundle and starts the container; resolves once it runs (or already exited). */
  async start(launch: ContainerLaunch): Promise<RuncContainer> {
    const dir = join(this.#options.dataDir, 'runtime', 'containers', launch.containerId);
    await mkdir(dir, { recursive: true });
    const rootfs = await this.#options.images.mountRootfs(dir, launch.image);
    try {
      const hostsFile = join(dir, 'hosts');
      const resolvConfFile = join(dir, 'resolv.conf');
      const hostname = launch.hostname ?? launch.containerId.slice(0, 63);
      await writeFile(hostsFile, launch.etcHosts ?? defaultHosts(hostname));
      await writeFile(resolvConfFile, launch.resolvConf ?? '');
      const user = resolveUser(launch.definition.user ?? launch.image.config.config?.User,
        await readRootfsFile(rootfs, 'etc/passwd'), await readRootfsFile(rootfs, 'etc/group'));
      const spec = buildRuntimeSpec({
        image: launch.image.config.config ?? {}, definition: launch.definition, overrides: launch.overrides, rootfs, user,
        hostname, hostsFile, resolvConfFile, netnsPath: launch.netnsPath,
        cgroupsPath: this.#options.cgroups.containerPath(launch.taskId, launch.containerId), initPath: this.#options.initPath,
      });
      await writeFile(join(dir, 'config.json'), JSON.stringify(spec, null, 2));
    } catch (err) {
      await this.#options.images.removeRootfs(dir);
      throw err;
    }
    // `runc run --keep` stays in the foreground as the container's parent, so its exit status is
    // the container's (128+n for signal n); `--keep` leaves the stopped container and its cgroup
    // for the OOM counters until `runc delete`. (`runc create` would reparent the container to
    // PID 1 and lose the status: collecting it needs a subreaper, which Node cannot become.)
    const monitor = this.#options.processes.start(this.#runc, ['run', '--keep', '--bundle', dir, launch.containerId], { cwd: dir });
    const container = new RuncContainer(this.#options, this.#runc, launch, dir, monitor);
    await container.waitStarted();
    return container;
  }
}

export class RuncContainer {
  readonly id: string;
  readonly #options: RuncDriverOptions;
  readonly #runc: string;
  readonly #launch: ContainerLaunch;
  readonly #dir: string;
  readonly #lifecycle = new ContainerLifecycle();
  readonly #exit: Promise<ContainerExit>;
  #monitorDone = false;

  constructor(options: RuncDriverOptions, runc: string, launch: ContainerLaunch, dir: string, monitor: ChildProcessHandle) {
    this.id = launch.containerId;
    this.#options = options;
    this.#runc = runc;
    this.#launch = launch;
    this.#dir = dir;
    forwardLines(monitor.stdout, 'stdout', launch.onOutput);
    forwardLines(monitor.stderr, 'stderr', launch.onOutput);
    this.#exit = monitor.exited.then(async ({ code, signal }) => {
      this.#monitorDone = true;
      const oomKills = await options.cgroups.oomKills(launch.taskId, launch.containerId);
      this.#lifecycle.moveTo('exited');
      // runc itself killed by a signal (not the container) reports like a killed container.
      const exitCode = code ?? 128 + signalNumber(signal);
      return { exitCode, oomKilled: oomKills > 0 };
    });
  }

  get state(): ContainerState {
    return this.#lifecycle.state;
  }

  /** Settles with the exit status once the container's process has exited. */
  waitExit(): Promise<ContainerExit> {
    return this.#exit;
  }

  /** Polls `runc state` until the container runs, or returns once it has already exited. */
  async waitStarted(): Promise<void> {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (!this.#monitorDone && Date.now() < deadline) {
      const status = await this.status();
      if (status === 'running' && this.#lifecycle.canMove('running')) {
        this.#lifecycle.moveTo('running');
        return;
      }
      await sleep(STARTUP_POLL_MS);
    }
    if (!this.#monitorDone) throw new Error(`container ${this.id} did not start within ${STARTUP_TIMEOUT_MS} ms`);
  }

  /** runc's status (`creating`, `created`, `running`, `paused`, `stopped`), or null when unknown to runc. */
  async status(): Promise<string | null> {
    const result = await this.#options.processes.run(this.#runc, ['state', this.id]);
    if (result.code !== 0) return null;
    return (JSON.parse(result.stdout) as { status: string }).status;
  }

  /**
   * Sends `signal` (the image's STOPSIGNAL or SIGTERM), then SIGKILL when the process is still
   * alive after `timeoutMs`; resolves with the exit.
   */
  async stop(timeoutMs: number, signal = this.#launch.image.config.config?.StopSignal ?? 'SIGTERM'): Promise<ContainerExit> {
    if (this.#lifecycle.state === 'running') {
      this.#lifecycle.moveTo('stopping');
      await this.#kill(signal);
      const timedOut = Symbol('timeout');
      const first = await Promise.race([this.#exit, sleep(timeoutMs, timedOut)]);
      if (first === timedOut) await this.#kill('SIGKILL');
    }
    return this.#exit;
  }

  async #kill(signal: string): Promise<void> {
    const result = await this.#options.processes.run(this.#runc, ['kill', this.id, signal]);
    // The container may exit between the check and the kill; runc then says it is not running.
    if (result.code !== 0 && !/not running|does not exist|container not running/i.test(result.stderr)) {
      throw new Error(`runc kill ${this.id} ${signal}: ${result.stderr.trim()}`);
    }
  }

  /** After the exit: `runc delete` (removes its cgroup), unmount the rootfs and delete the bundle. */
  async remove(): Promise<void> {
    if (this.#lifecycle.state !== 'exited') {
      await this.stop(0, 'SIGKILL');
    }
    const result = await this.#options.processes.run(this.#runc, ['delete', '--force', this.id]);
    if (result.code !== 0 && !/does not exist/i.test(result.stderr)) await runChecked(this.#options.processes, this.#runc, ['delete', '--force', this.id]);
    await this.#options.images.removeRootfs(this.#dir);
    this.#lifecycle.moveTo('removed');
  }
}

function forwardLines(stream: Readable, name: 'stdout' | 'stderr', onOutput: ContainerLaunch['onOutput']): void {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => onOutput?.(name, line));
}

function defaultHosts(hostname: string): string {
  return `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t${hostname}\n`;
}

/**
 * Reads a small file of the image without following symlinks: an image could make /etc/passwd a
 * link to the host's, and Berth reads it as root outside the container.
 */
async function readRootfsFile(rootfs: string, rel: string): Promise<string> {
  const parts = rel.split('/');
  let path = rootfs;
  for (const part of parts.slice(0, -1)) {
    path = join(path, part);
    const st = await lstat(path).catch(() => null);
    if (!st?.isDirectory()) return '';
  }
  const handle = await open(join(rootfs, rel), constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
  if (!handle) return '';
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? osConstants.signals[signal] : osConstants.signals.SIGKILL;
}
