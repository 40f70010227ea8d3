// Reads a runc container's counters from its cgroup (v1 or v2) and /proc: what the stats JSON is built
// from. Where each container's cgroup is comes from the runc driver's Cgroups (`/<parent>/<task>/<id>`
// under each hierarchy); the roots are settings so tests point the reader at fake trees in a temp dir.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  blkioV1, bootTimeSeconds, cpuCount, ioStatV2, keyValues, netDev, numberList, pidList, processStartTicks, singleNumber,
  systemCpuNs, ticksToNs, USER_HZ,
} from './kernel-text.ts';
import type { ContainerSample } from './stats-json.ts';

export interface CgroupReaderOptions {
  /** Where a container's cgroup is, relative to each hierarchy's root (the runc driver's Cgroups.containerPath). */
  containerPath(taskId: string, runtimeId: string): string;
  /** Default /sys/fs/cgroup. */
  cgroupRoot?: string;
  /** Default /proc. */
  procRoot?: string;
  /** Default /sys (for devices/system/cpu/online). */
  sysRoot?: string;
}

/** cgroup v2's memory.max `max`, as containerd's metrics report it (math.MaxUint64). */
const UNLIMITED_V2 = 2n ** 64n - 1n;
/** How many of a container's processes are looked at to find when it started (the init is among the first). */
const START_PROBE_PIDS = 32;

export class CgroupReader {
  readonly #options: CgroupReaderOptions;
  readonly #cgroupRoot: string;
  readonly #procRoot: string;
  readonly #sysRoot: string;

  constructor(options: CgroupReaderOptions) {
    this.#options = options;
    this.#cgroupRoot = options.cgroupRoot ?? '/sys/fs/cgroup';
    this.#procRoot = options.procRoot ?? '/proc';
    this.#sysRoot = options.sysRoot ?? '/sys';
  }

  /** The container's counters now; undefined when it has no cgroup (never started, or exited and removed). */
  async sample(taskId: string, runtimeId: string, read: Date): Promise<ContainerSample | undefined> {
    const rel = this.#options.containerPath(taskId, runtimeId);
    const v2 = await exists(join(this.#cgroupRoot, 'cgroup.controllers'));
    const part = v2 ? await this.#v2(join(this.#cgroupRoot, rel)) : await this.#v1(rel);
    if (!part) return undefined;
    const procStat = (await text(join(this.#procRoot, 'stat'))) ?? '';
    const online = await text(join(this.#sysRoot, 'devices', 'system', 'cpu', 'online'));
    const pids = pidList((await text(part.procsFile)) ?? '');
    const firstPid = pids[0];
    const dev = firstPid !== undefined ? await text(join(this.#procRoot, String(firstPid), 'net', 'dev')) : undefined;
    return {
      read,
      cgroupVersion: v2 ? 2 : 1,
      cpu: part.cpu,
      systemCpuNs: systemCpuNs(procStat) ?? 0n,
      onlineCpus: online !== undefined ? cpuCount(online) : part.cpu.perCpuNs?.length ?? 0,
      memory: part.memory,
      pids: part.pids,
      blkio: part.blkio,
      networks: dev !== undefined ? netDev(dev) : {},
    };
  }

  /** When the container's earliest process started (/proc/<pid>/stat starttime + boot time); undefined when none runs. */
  async startedAt(taskId: string, runtimeId: string): Promise<Date | undefined> {
    const rel = this.#options.containerPath(taskId, runtimeId);
    const v2 = await exists(join(this.#cgroupRoot, 'cgroup.controllers'));
    const procs = v2 ? join(this.#cgroupRoot, rel, 'cgroup.procs') : join(this.#cgroupRoot, 'memory', rel, 'cgroup.procs');
    const pids = pidList((await text(procs)) ?? '').slice(0, START_PROBE_PIDS);
    const boot = bootTimeSeconds((await text(join(this.#procRoot, 'stat'))) ?? '');
    if (pids.length === 0 || boot === undefined) return undefined;
    let earliest: bigint | undefined;
    for (const pid of pids) {
      const ticks = processStartTicks((await text(join(this.#procRoot, String(pid), 'stat'))) ?? '');
      if (ticks !== undefined && (earliest === undefined || ticks < earliest)) earliest = ticks;
    }
    if (earliest === undefined) return undefined;
    // starttime counts USER_HZ ticks after boot: 10 ms resolution.
    return new Date(boot * 1000 + Number((earliest * 1000n) / USER_HZ));
  }

  /** cgroup v1: one hierarchy per controller (cpu and cpuacct may be one mount; their names resolve either way). */
  async #v1(rel: string): Promise<CgroupPart | undefined> {
    const dir = (controller: string) => join(this.#cgroupRoot, controller, rel);
    const memory = dir('memory');
    if (!(await exists(memory))) return undefined;
    const cpuacct = keyValues((await text(join(dir('cpuacct'), 'cpuacct.stat'))) ?? '');
    const cpuStat = keyValues((await text(join(dir('cpu'), 'cpu.stat'))) ?? '');
    // Docker reads the CFQ files first and falls back to the throttle files, which every blk-mq kernel fills.
    const blkio = async (name: string) => {
      const proportional = blkioV1((await text(join(dir('blkio'), `blkio.${name}`))) ?? '');
      return proportional.length > 0 ? proportional : blkioV1((await text(join(dir('blkio'), `blkio.throttle.${name}`))) ?? '');
    };
    return {
      procsFile: join(memory, 'cgroup.procs'),
      cpu: {
        totalNs: singleNumber(await text(join(dir('cpuacct'), 'cpuacct.usage'))) ?? 0n,
        userNs: ticksToNs(cpuacct['user'] ?? 0n),
        systemNs: ticksToNs(cpuacct['system'] ?? 0n),
        perCpuNs: numberList((await text(join(dir('cpuacct'), 'cpuacct.usage_percpu'))) ?? ''),
        periods: cpuStat['nr_periods'] ?? 0n,
        throttledPeriods: cpuStat['nr_throttled'] ?? 0n,
        throttledNs: cpuStat['throttled_time'] ?? 0n,
      },
      memory: {
        usage: singleNumber(await text(join(memory, 'memory.usage_in_bytes'))) ?? 0n,
        maxUsage: singleNumber(await text(join(memory, 'memory.max_usage_in_bytes'))),
        failcnt: singleNumber(await text(join(memory, 'memory.failcnt'))),
        limit: singleNumber(await text(join(memory, 'memory.limit_in_bytes'))) ?? 0n,
        stats: keyValues((await text(join(memory, 'memory.stat'))) ?? ''),
      },
      pids: pidsOf(await text(join(dir('pids'), 'pids.current')), await text(join(dir('pids'), 'pids.max'))),
      blkio: { serviceBytes: await blkio('io_service_bytes_recursive'), serviced: await blkio('io_serviced_recursive') },
    };
  }

  /** cgroup v2: one hierarchy; cpu.stat's times are microseconds (Docker multiplies by 1000). */
  async #v2(dir: string): Promise<CgroupPart | undefined> {
    if (!(await exists(dir))) return undefined;
    const cpuStat = keyValues((await text(join(dir, 'cpu.stat'))) ?? '');
    const us = (key: string) => (cpuStat[key] ?? 0n) * 1000n;
    const max = (await text(join(dir, 'memory.max')))?.trim();
    return {
      procsFile: join(dir, 'cgroup.procs'),
      cpu: {
        totalNs: us('usage_usec'),
        userNs: us('user_usec'),
        systemNs: us('system_usec'),
        periods: cpuStat['nr_periods'] ?? 0n,
        throttledPeriods: cpuStat['nr_throttled'] ?? 0n,
        throttledNs: us('throttled_usec'),
      },
      memory: {
        usage: singleNumber(await text(join(dir, 'memory.current'))) ?? 0n,
        limit: max === 'max' ? UNLIMITED_V2 : singleNumber(max) ?? UNLIMITED_V2,
        stats: keyValues((await text(join(dir, 'memory.stat'))) ?? ''),
      },
      pids: pidsOf(await text(join(dir, 'pids.current')), await text(join(dir, 'pids.max'))),
      blkio: ioStatV2((await text(join(dir, 'io.stat'))) ?? ''),
    };
  }
}

interface CgroupPart {
  procsFile: string;
  cpu: ContainerSample['cpu'];
  memory: ContainerSample['memory'];
  pids: ContainerSample['pids'];
  blkio: ContainerSample['blkio'];
}

/** Docker's PidsStats: current, and limit unless unlimited (`max`). */
function pidsOf(current: string | undefined, max: string | undefined): ContainerSample['pids'] {
  const now = singleNumber(current);
  const limit = singleNumber(max);
  return { ...(now !== undefined ? { current: now } : {}), ...(limit !== undefined ? { limit } : {}) };
}

async function text(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}
