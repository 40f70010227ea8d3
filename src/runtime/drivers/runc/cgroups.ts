// The task's cgroup envelope (the parent of its containers' cgroups, which runc creates from
// config.json), cgroup v1 or v2, and the OOM-kill counters the driver reads after an exit.
import { access, mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type CgroupVersion = 1 | 2;

export interface TaskLimits {
  /** Task cpu units (1024 = one vCPU): a hard cap, as on Fargate. */
  cpu?: number;
  /** Task memory in MiB: the hard limit for all its containers together. */
  memory?: number;
}

// Kernel default CFS period (Documentation/scheduler/sched-bwc.rst): 100 ms.
const CFS_PERIOD_US = 100_000;
const MIB = 1024 * 1024;

/**
 * Kernel facts this relies on:
 * - v2 (Documentation/admin-guide/cgroup-v2.rst) has one hierarchy; `/sys/fs/cgroup/cgroup.controllers`
 *   exists only there. A child has the memory/cpu files only when its parent lists the controller
 *   in `cgroup.subtree_control`, and a non-root cgroup with processes cannot enable controllers for
 *   children ("no internal processes"), so the envelope holds no processes itself.
 * - v1 (Documentation/admin-guide/cgroup-v1/) has one hierarchy per controller under
 *   /sys/fs/cgroup/<controller>; "hybrid" hosts also mount v2 at /sys/fs/cgroup/unified for systemd
 *   only. memory.use_hierarchy is always 1 since Linux 5.11, so the task's limit covers its children.
 * - OOM kills are counted as `oom_kill` in v2 memory.events (hierarchical: the task's counter includes
 *   its containers') and in v1 memory.oom_control (Linux 4.13+; per cgroup, not propagated upward).
 */
export class Cgroups {
  readonly #root: string;
  readonly #parent: string;

  /** `parent` is the cgroup (relative to each hierarchy's root) that holds every task's envelope. */
  constructor(options: { root?: string; parent?: string } = {}) {
    this.#root = options.root ?? '/sys/fs/cgroup';
    this.#parent = options.parent ?? 'bth';
  }

  async version(): Promise<CgroupVersion> {
    return access(join(this.#root, 'cgroup.controllers')).then(() => 2 as const, () => 1 as const);
  }

  /** The container's cgroupsPath for config.json (absolute: from each hierarchy's root). */
  containerPath(taskId: string, containerId: string): string {
    return `/${this.#parent}/${taskId}/${containerId}`;
  }

  /** Creates the task's envelope with its cpu and memory limits (idempotent). */
  async createTask(taskId: string, limits: TaskLimits): Promise<void> {
    if ((await this.version()) === 2) await this.#createV2(taskId, limits);
    else await this.#createV1(taskId, limits);
  }

  async #createV2(taskId: string, limits: TaskLimits): Promise<void> {
    const controllers = '+cpu +memory +pids';
    const parent = join(this.#root, this.#parent);
    const task = join(parent, taskId);
    await writeFile(join(this.#root, 'cgroup.subtree_control'), controllers);
    await mkdir(parent, { recursive: true });
    await writeFile(join(parent, 'cgroup.subtree_control'), controllers);
    await mkdir(task, { recursive: true });
    await writeFile(join(task, 'cgroup.subtree_control'), controllers);
    if (limits.memory !== undefined) {
      await writeFile(join(task, 'memory.max'), String(limits.memory * MIB));
      await writeFile(join(task, 'memory.swap.max'), '0').catch(() => undefined); // absent without swap accounting
    }
    if (limits.cpu !== undefined) await writeFile(join(task, 'cpu.max'), `${quota(limits.cpu)} ${CFS_PERIOD_US}`);
  }

  async #createV1(taskId: string, limits: TaskLimits): Promise<void> {
    const memory = join(this.#root, 'memory', this.#parent, taskId);
    const cpu = join(this.#root, 'cpu', this.#parent, taskId);
    await mkdir(memory, { recursive: true });
    await mkdir(cpu, { recursive: true });
    if (limits.memory !== undefined) await writeFile(join(memory, 'memory.limit_in_bytes'), String(limits.memory * MIB));
    if (limits.cpu !== undefined) {
      await writeFile(join(cpu, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
      await writeFile(join(cpu, 'cpu.cfs_quota_us'), String(quota(limits.cpu)));
    }
  }

  /**
   * Removes the task's envelope from every hierarchy (runc creates the container's cgroup in all
   * v1 hierarchies, so the task's directory exists in each), and the shared parent once empty.
   * Call after `runc delete`: a cgroup with live children cannot be removed (EBUSY).
   */
  async removeTask(taskId: string): Promise<void> {
    const hierarchies = (await this.version()) === 2 ? [this.#root] : await this.#v1Hierarchies();
    for (const h of hierarchies) {
      await rmdirIfPresent(join(h, this.#parent, taskId));
      await rmdir(join(h, this.#parent)).catch(() => undefined); // busy while other tasks run
    }
  }

  /** Whether anything of this task is left in any hierarchy (for leak checks). */
  async taskExists(taskId: string): Promise<boolean> {
    const hierarchies = (await this.version()) === 2 ? [this.#root] : await this.#v1Hierarchies();
    for (const h of hierarchies) {
      if (await access(join(h, this.#parent, taskId)).then(() => true, () => false)) return true;
    }
    return false;
  }

  /** The container's OOM-kill count (0 when its cgroup is gone or the counter is absent). */
  async oomKills(taskId: string, containerId: string): Promise<number> {
    const rel = this.containerPath(taskId, containerId);
    const v2 = (await this.version()) === 2;
    const file = v2 ? join(this.#root, rel, 'memory.events') : join(this.#root, 'memory', rel, 'memory.oom_control');
    const text = await readFile(file, 'utf8').catch(() => '');
    const match = /^oom_kill (\d+)$/m.exec(text);
    return match?.[1] ? Number(match[1]) : 0;
  }

  async #v1Hierarchies(): Promise<string[]> {
    const entries = await readdir(this.#root, { withFileTypes: true });
    // Combined mounts (cpu,cpuacct) appear also as symlinks (cpu -> cpu,cpuacct); directories only.
    return entries.filter((e) => e.isDirectory()).map((e) => join(this.#root, e.name));
  }
}

/** CFS quota for ECS cpu units: 1024 units = one full period per period. */
function quota(cpuUnits: number): number {
  return Math.max(1000, Math.round((cpuUnits / 1024) * CFS_PERIOD_US));
}

async function rmdirIfPresent(path: string): Promise<void> {
  try {
    await rmdir(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
