// Docker's container stats JSON (Engine API ContainerStats, the shape the task metadata endpoint's /stats
// answers) built from raw kernel counters. Members and their omitempty rules follow Docker's Go types
// (api/types/stats.go): percpu_usage, system_cpu_usage, online_cpus, the memory members, the pids members
// and networks are omitempty; the blkio lists are not (null when not collected). The ECS agent adds
// network_rate_stats (bytes per second since the previous sample) to v4 answers.
import { GO_ZERO_TIME, goTime, type JsonValue } from './go-json.ts';

/** Docker's stats JSON, with exact 64-bit counters. */
export type DockerStats = { [key: string]: JsonValue | undefined };

export interface BlkioEntry {
  major: number;
  minor: number;
  /** `Read`, `Write`, `Sync`, `Async`, `Discard`, `Total` (cgroup v1) or `read`, `write` (v2), as Docker writes them. */
  op: string;
  value: bigint;
}

export interface NetDevCounters {
  rxBytes: bigint;
  rxPackets: bigint;
  rxErrors: bigint;
  rxDropped: bigint;
  txBytes: bigint;
  txPackets: bigint;
  txErrors: bigint;
  txDropped: bigint;
}

/** One reading of a container's counters (cgroup-reader.ts), all CPU times in nanoseconds. */
export interface ContainerSample {
  read: Date;
  cgroupVersion: 1 | 2;
  cpu: {
    totalNs: bigint;
    userNs: bigint;
    systemNs: bigint;
    /** cgroup v1 only (cpuacct.usage_percpu). */
    perCpuNs?: bigint[];
    periods: bigint;
    throttledPeriods: bigint;
    throttledNs: bigint;
  };
  /** The host's CPU time since boot (/proc/stat), as Docker's system_cpu_usage. */
  systemCpuNs: bigint;
  onlineCpus: number;
  memory: {
    usage: bigint;
    /** cgroup v1 only. */
    maxUsage?: bigint;
    /** cgroup v1 only. */
    failcnt?: bigint;
    limit: bigint;
    stats: Record<string, bigint>;
  };
  pids: { current?: bigint; limit?: bigint };
  blkio: { serviceBytes: BlkioEntry[]; serviced: BlkioEntry[] };
  /** By interface name inside the container's network namespace, loopback excluded. */
  networks: Record<string, NetDevCounters>;
}

/** Docker's stats JSON for `sample`, with `previous` (the container's last sample) as preread/precpu_stats. */
export function dockerStats(sample: ContainerSample, previous: ContainerSample | undefined, container: { id: string; name: string }): DockerStats {
  const { blkio } = sample;
  // Docker on cgroup v1 reads the recursive blkio files; the lists it has no file for stay empty. On v2 it
  // fills only the two it derives from io.stat and leaves the others null.
  const other = sample.cgroupVersion === 1 ? [] : null;
  return {
    read: goTime(sample.read),
    preread: previous ? goTime(previous.read) : GO_ZERO_TIME,
    pids_stats: { current: nonZero(sample.pids.current), limit: nonZero(sample.pids.limit) },
    blkio_stats: {
      io_service_bytes_recursive: blkio.serviceBytes.map(blkioJson),
      io_serviced_recursive: blkio.serviced.map(blkioJson),
      io_queue_recursive: other,
      io_service_time_recursive: other,
      io_wait_time_recursive: other,
      io_merged_recursive: other,
      io_time_recursive: other,
      sectors_recursive: other,
    },
    // Docker fills num_procs and storage_stats on Windows only.
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuJson(sample),
    precpu_stats: previous ? cpuJson(previous) : emptyCpuJson(),
    memory_stats: memoryJson(sample.memory),
    name: container.name,
    id: container.id,
    ...(Object.keys(sample.networks).length > 0 ? { networks: networksJson(sample.networks) } : {}),
    ...(previous && Object.keys(sample.networks).length > 0 ? { network_rate_stats: networkRates(sample, previous) } : {}),
  };
}

function cpuJson(sample: ContainerSample): DockerStats {
  const { cpu } = sample;
  return {
    cpu_usage: {
      total_usage: cpu.totalNs,
      ...(cpu.perCpuNs && cpu.perCpuNs.length > 0 ? { percpu_usage: cpu.perCpuNs } : {}),
      usage_in_kernelmode: cpu.systemNs,
      usage_in_usermode: cpu.userNs,
    },
    system_cpu_usage: nonZero(sample.systemCpuNs),
    online_cpus: sample.onlineCpus > 0 ? sample.onlineCpus : undefined,
    throttling_data: { periods: cpu.periods, throttled_periods: cpu.throttledPeriods, throttled_time: cpu.throttledNs },
  };
}

/** Docker's precpu_stats before a previous sample exists: zero usage, no system usage. */
function emptyCpuJson(): DockerStats {
  return {
    cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

function memoryJson(memory: ContainerSample['memory']): DockerStats {
  return {
    usage: nonZero(memory.usage),
    max_usage: nonZero(memory.maxUsage),
    stats: Object.keys(memory.stats).length > 0 ? { ...memory.stats } : undefined,
    failcnt: nonZero(memory.failcnt),
    limit: nonZero(memory.limit),
  };
}

/** Go's omitempty: a zero integer is left out. */
function nonZero(value: bigint | undefined): bigint | undefined {
  return value === undefined || value === 0n ? undefined : value;
}

function blkioJson(entry: BlkioEntry): DockerStats {
  return { major: entry.major, minor: entry.minor, op: entry.op, value: entry.value };
}

function networksJson(networks: Record<string, NetDevCounters>): DockerStats {
  const out: DockerStats = {};
  for (const [name, n] of Object.entries(networks)) {
    out[name] = {
      rx_bytes: n.rxBytes, rx_packets: n.rxPackets, rx_errors: n.rxErrors, rx_dropped: n.rxDropped,
      tx_bytes: n.txBytes, tx_packets: n.txPackets, tx_errors: n.txErrors, tx_dropped: n.txDropped,
    };
  }
  return out;
}

/** The ECS agent's NetworkStatsPerSec: bytes per second over every interface since the previous sample. */
function networkRates(sample: ContainerSample, previous: ContainerSample): DockerStats {
  const seconds = (sample.read.getTime() - previous.read.getTime()) / 1000;
  const total = (s: ContainerSample, key: 'rxBytes' | 'txBytes') => Object.values(s.networks).reduce((sum, n) => sum + n[key], 0n);
  const rate = (key: 'rxBytes' | 'txBytes') => {
    const delta = total(sample, key) - total(previous, key);
    // A counter that went down (an interface re-created) or no time passed gives no meaningful rate.
    return seconds > 0 && delta >= 0n ? Number(delta) / seconds : 0;
  };
  return { rx_bytes_per_sec: rate('rxBytes'), tx_bytes_per_sec: rate('txBytes') };
}
