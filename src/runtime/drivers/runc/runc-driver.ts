// The runc driver: runs each container under runc with conmon as its monitor (conmon.ts), over an
// overlay rootfs and an OCI bundle built from the image and the container definition (config.json,
// hosts, resolv.conf). Containers outlive Berth: after a restart `reattach` finds them by id, resumes
// their output after the last delivered line (log-tail.ts) and their exit from conmon's exit file.
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runChecked, type ProcessRunner } from '../../../platform/processes.ts';
import type { ImageStore } from '../../images/image-store.ts';
import type {
  ContainerExit, ContainerLaunch, ContainerReattach, ExecOptions, ExecResult, OutputLine, TaskContainer, TaskContainerDriver,
} from '../driver.ts';
import { buildRuntimeSpec } from './bundle-config.ts';
import type { Cgroups, TaskLimits } from './cgroups.ts';
import { processAlive, startConmon } from './conmon.ts';
import { ContainerLifecycle, type ContainerState } from './container-states.ts';
import { ExitFiles, type ExitReport } from './exit-files.ts';
import { LogTail } from './log-tail.ts';
import { runcExec } from './runc-exec.ts';
import { resolveUser } from './users.ts';
import { seccompFor, type SeccompProfile } from './seccomp.ts';

export interface RuncDriverOptions {
  dataDir: string;
  processes: ProcessRunner;
  images: ImageStore;
  cgroups: Cgroups;
  runc?: string;
  conmon?: string;
  /** Static init for initProcessEnabled (Debian's tini package installs /usr/bin/tini-static). */
  initPath?: string;
  /** conmon truncates a container's log file past this many bytes (default 64 MiB). */
  logSizeMax?: number;
  /** The default seccomp profile (seccomp.ts); without one containers run unfiltered, as runc's default is. */
  seccomp?: SeccompProfile;
}

/** What Berth keeps beside a bundle to re-attach after a restart. */
interface ContainerNote {
  taskId: string;
  stopSignal: string;
}

const NOTE_FILE = 'berth.json';
const LOG_FILE = 'output.log';
const CURSOR_FILE = 'log.cursor';
const CONMON_PID_FILE = 'conmon.pid';
const DEFAULT_LOG_SIZE_MAX = 64 * 1024 * 1024;
/** How often an acknowledged log position is written down (a restart re-delivers at most this much). */
const CURSOR_WRITE_MS = 1000;
export const LOST_MONITOR_REASON = 'ContainerRuntimeError: the container monitor (conmon) exited without reporting the exit status';

export class RuncDriver implements TaskContainerDriver {
  readonly name = 'runc';
  readonly #options: RuncDriverOptions;
  readonly #runc: string;
  readonly #exits: ExitFiles;
  /** runc's absolute path, resolved once (conmon needs it; every container start would ask again). */
  #runcPathOnce: Promise<string> | undefined;
  /** Numbers exec pid files, so two execs in one container never share one. */
  #execs = 0;

  constructor(options: RuncDriverOptions) {
    this.#options = options;
    this.#runc = options.runc ?? 'runc';
    this.#exits = new ExitFiles(this.#exitDir);
  }

  get #containersDir(): string {
    return join(this.#options.dataDir, 'runtime', 'containers');
  }

  get #exitDir(): string {
    return join(this.#options.dataDir, 'runtime', 'exits');
  }

  /** Creates the task's cgroup envelope; call before its containers start. */
  async createTask(taskId: string, limits: TaskLimits): Promise<void> {
    await this.#options.cgroups.createTask(taskId, limits);
  }

  /** Mounts the rootfs, writes the bundle, creates the container through conmon and starts it. */
  async start(launch: ContainerLaunch): Promise<TaskContainer> {
    if (launch.network && launch.network.kind !== 'netns') throw new Error(`the runc driver joins a network namespace by path, not a ${launch.network.kind}`);
    const dir = join(this.#containersDir, launch.containerId);
    await mkdir(dir, { recursive: true });
    await mkdir(this.#exitDir, { recursive: true });
    await rm(this.#exits.pathOf(launch.containerId), { force: true });
    const rootfs = await this.#options.images.mountRootfs(dir, launch.image);
    const stopSignal = launch.image.config.config?.StopSignal ?? 'SIGTERM';
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
        hostname, hostsFile, resolvConfFile, netnsPath: launch.network?.path,
        cgroupsPath: this.#options.cgroups.containerPath(launch.taskId, launch.containerId), initPath: this.#options.initPath,
      });
      if (this.#options.seccomp) spec.linux.seccomp = seccompFor(this.#options.seccomp, spec.process.capabilities.bounding);
      await writeFile(join(dir, 'config.json'), JSON.stringify(spec, null, 2));
      await writeFile(join(dir, NOTE_FILE), JSON.stringify({ taskId: launch.taskId, stopSignal } satisfies ContainerNote));
      await startConmon({
        conmon: this.#options.conmon ?? 'conmon', runc: await this.#runcPath(), containerId: launch.containerId, bundleDir: dir,
        logPath: join(dir, LOG_FILE), exitDir: this.#exitDir, pidFile: join(dir, 'container.pid'), conmonPidFile: join(dir, CONMON_PID_FILE),
        logSizeMax: this.#options.logSizeMax ?? DEFAULT_LOG_SIZE_MAX,
      });
      await runChecked(this.#options.processes, this.#runc, ['start', launch.containerId]);
    } catch (error) {
      await this.#options.processes.run(this.#runc, ['delete', '--force', launch.containerId]);
      await this.#options.images.removeRootfs(dir);
      throw error;
    }
    return this.#container(launch.taskId, launch.containerId, stopSignal, 'running', launch.onOutput, undefined);
  }

  /** A container a previous Berth started: found by its bundle's note and runc's or conmon's record of it. */
  async reattach(target: ContainerReattach): Promise<TaskContainer | undefined> {
    const dir = join(this.#containersDir, target.containerId);
    const note = await readJson<ContainerNote>(join(dir, NOTE_FILE));
    if (note?.taskId !== target.taskId) return undefined;
    const known = (await this.#status(target.containerId)) !== null || (await this.#exits.read(target.containerId)) !== undefined;
    if (!known) return undefined;
    const cursor = await readFile(join(dir, CURSOR_FILE), 'utf8').catch(() => undefined);
    return this.#container(target.taskId, target.containerId, note.stopSignal, 'running', target.onOutput, cursor?.trim());
  }

  /** Ids of every runc container named `bth-…` (runc's state dir is host-wide). */
  async list(): Promise<string[]> {
    const result = await this.#options.processes.run(this.#runc, ['list', '-q']);
    if (result.code !== 0) throw new Error(`runc list: ${result.stderr.trim()}`);
    return result.stdout.split('\n').filter((id) => id.startsWith('bth-'));
  }

  /** `runc delete --force` kills and deletes; then each bundle's rootfs is unmounted and removed, then the cgroup. */
  async cleanupTask(taskId: string): Promise<void> {
    const prefix = `bth-${taskId}-`;
    for (const id of (await this.list()).filter((name) => name.startsWith(prefix))) await this.#delete(id);
    const bundles = await readdir(this.#containersDir).catch(() => [] as string[]);
    for (const name of bundles.filter((entry) => entry.startsWith(prefix))) {
      await this.#options.images.removeRootfs(join(this.#containersDir, name));
      await rm(this.#exits.pathOf(name), { force: true });
    }
    await this.#options.cgroups.removeTask(taskId);
  }

  #container(taskId: string, id: string, stopSignal: string, state: ContainerState, onOutput: ((line: OutputLine) => void) | undefined,
    cursor: string | undefined): RuncContainer {
    const dir = join(this.#containersDir, id);
    return new RuncContainer({
      id, stopSignal, state, onOutput, cursor, logPath: join(dir, LOG_FILE), cursorPath: join(dir, CURSOR_FILE),
      exit: () => this.#exits.wait(id, () => this.#lost(id)),
      forgetExit: () => this.#exits.forget(id),
      oomKills: () => this.#options.cgroups.oomKills(taskId, id),
      kill: (signal) => this.#kill(id, signal),
      exec: (argv, options) => runcExec({ runc: this.#runc, containerId: id, pidFile: join(dir, `exec-${++this.#execs}.pid`), argv }, options),
      remove: async () => {
        await this.#delete(id);
        await this.#options.images.removeRootfs(dir);
        await rm(this.#exits.pathOf(id), { force: true });
      },
    });
  }

  /** Why no exit status will come: conmon is gone and wrote none (the exit file is checked again after this). */
  async #lost(id: string): Promise<string | undefined> {
    const pid = Number((await readFile(join(this.#containersDir, id, CONMON_PID_FILE), 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) return undefined;
    return LOST_MONITOR_REASON;
  }

  /** runc's status (`creating`, `created`, `running`, `paused`, `stopped`), or null when unknown to runc. */
  async #status(id: string): Promise<string | null> {
    const result = await this.#options.processes.run(this.#runc, ['state', id]);
    if (result.code !== 0) return null;
    return (JSON.parse(result.stdout) as { status: string }).status;
  }

  async #kill(id: string, signal: string): Promise<void> {
    const result = await this.#options.processes.run(this.#runc, ['kill', id, signal]);
    // The container may exit between the check and the kill; runc then says it is not running.
    if (result.code !== 0 && !/not running|does not exist|container not running/i.test(result.stderr)) {
      throw new Error(`runc kill ${id} ${signal}: ${result.stderr.trim()}`);
    }
  }

  async #delete(id: string): Promise<void> {
    const result = await this.#options.processes.run(this.#runc, ['delete', '--force', id]);
    if (result.code !== 0 && !/does not exist/i.test(result.stderr)) throw new Error(`runc delete ${id}: ${result.stderr.trim()}`);
  }

  /** conmon runs the runtime by path. */
  #runcPath(): Promise<string> {
    this.#runcPathOnce ??= this.#resolveRunc();
    return this.#runcPathOnce;
  }

  async #resolveRunc(): Promise<string> {
    if (this.#runc.includes('/')) return this.#runc;
    const found = await this.#options.processes.run('sh', ['-c', 'command -v "$1"', 'sh', this.#runc]);
    const path = found.stdout.trim();
    if (found.code !== 0 || path === '') throw new Error(`${this.#runc} is not on PATH`);
    return path;
  }
}

interface RuncContainerParts {
  id: string;
  stopSignal: string;
  state: ContainerState;
  onOutput: ((line: OutputLine) => void) | undefined;
  cursor: string | undefined;
  logPath: string;
  cursorPath: string;
  exit: () => Promise<ExitReport>;
  /** Stops waiting for the exit (release): nothing of this container keeps the process alive. */
  forgetExit: () => void;
  oomKills: () => Promise<number>;
  kill: (signal: string) => Promise<void>;
  exec: (argv: readonly string[], options: ExecOptions) => Promise<ExecResult>;
  remove: () => Promise<void>;
}

export class RuncContainer implements TaskContainer {
  readonly id: string;
  readonly #parts: RuncContainerParts;
  readonly #lifecycle = new ContainerLifecycle();
  readonly #exit: Promise<ContainerExit>;
  readonly #tail: LogTail | undefined;
  #acknowledged: string | undefined;
  #written: string | undefined;
  #cursorTimer: NodeJS.Timeout | undefined;
  #released = false;

  constructor(parts: RuncContainerParts) {
    this.id = parts.id;
    this.#parts = parts;
    this.#lifecycle.moveTo('running');
    this.#written = parts.cursor;
    const onOutput = parts.onOutput;
    this.#tail = onOutput ? new LogTail(parts.logPath, parts.cursor, onOutput) : undefined;
    this.#tail?.follow();
    this.#exit = parts.exit().then(async (report) => {
      // Every line is handed out before the exit is: the task stops only after its output.
      await this.#tail?.drain();
      this.#lifecycle.moveTo('exited');
      if ('lost' in report) return { oomKilled: false, reason: report.lost };
      return { exitCode: report.status, oomKilled: (await parts.oomKills()) > 0 };
    });
  }

  get state(): ContainerState {
    return this.#lifecycle.state;
  }

  waitExit(): Promise<ContainerExit> {
    return this.#exit;
  }

  /**
   * Sends `signal` (the image's STOPSIGNAL or SIGTERM), then SIGKILL when the process is still
   * alive after `timeoutMs`; resolves with the exit.
   */
  async stop(timeoutMs: number, signal = this.#parts.stopSignal): Promise<ContainerExit> {
    if (this.#lifecycle.state === 'running') {
      this.#lifecycle.moveTo('stopping');
      await this.#parts.kill(signal);
      const timedOut = Symbol('timeout');
      const first = await Promise.race([this.#exit, sleep(timeoutMs, timedOut)]);
      if (first === timedOut) await this.#parts.kill('SIGKILL');
    }
    return this.#exit;
  }

  /** `runc exec` in the container (runc-exec.ts); a container that is no longer running answers with runc's error and exit status. */
  exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    return this.#parts.exec(argv, options);
  }

  acknowledge(cursor: string): void {
    this.#acknowledged = cursor;
    if (this.#cursorTimer) return;
    this.#cursorTimer = setTimeout(() => {
      this.#cursorTimer = undefined;
      void this.#writeCursor().catch(() => undefined);
    }, CURSOR_WRITE_MS);
    this.#cursorTimer.unref();
  }

  /**
   * Stops following the container and writes down how far its output was delivered; the container runs on.
   * waitExit() then never settles unless the exit came before.
   */
  async release(): Promise<void> {
    if (this.#cursorTimer) clearTimeout(this.#cursorTimer);
    this.#cursorTimer = undefined;
    this.#released = true;
    this.#parts.forgetExit();
    await this.#tail?.close();
    await this.#writeCursor();
  }

  /** After the exit: `runc delete` (removes its cgroup), unmount the rootfs and delete the bundle. */
  async remove(): Promise<void> {
    // A released container's exit is no longer watched: `runc delete --force` kills it without waiting.
    if (this.#lifecycle.state !== 'exited' && !this.#released) await this.stop(0, 'SIGKILL');
    if (this.#cursorTimer) clearTimeout(this.#cursorTimer);
    this.#cursorTimer = undefined;
    await this.#tail?.close();
    await this.#parts.remove();
    this.#lifecycle.moveTo('removed');
  }

  async #writeCursor(): Promise<void> {
    const cursor = this.#acknowledged;
    if (cursor === undefined || cursor === this.#written || this.#lifecycle.state === 'removed') return;
    await writeFile(`${this.#parts.cursorPath}.tmp`, cursor);
    await rename(`${this.#parts.cursorPath}.tmp`, this.#parts.cursorPath);
    this.#written = cursor;
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
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
