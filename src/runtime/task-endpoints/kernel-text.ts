// Parsers for the kernel's text files the stats reader uses (cgroup v1/v2 and /proc), kept pure so they
// are tested on literal file contents. Formats: Documentation/admin-guide/cgroup-v1/{memory,cpuacct,blkio-
// controller}.rst, Documentation/admin-guide/cgroup-v2.rst, proc(5).
import type { BlkioEntry, NetDevCounters } from './stats-json.ts';

/**
 * USER_HZ, the unit of cpuacct.stat and of /proc/stat and /proc/<pid>/stat times: 100 on every Linux
 * architecture (the kernel's userspace ABI; Docker's system.GetClockTicks() answers the same).
 */
export const USER_HZ = 100n;
const NS_PER_TICK = 1_000_000_000n / USER_HZ;

/** `key value` lines (memory.stat, cpu.stat, cpuacct.stat) as a map of exact integers. */
export function keyValues(text: string): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^\d+$/.test(value)) out[key] = BigInt(value);
  }
  return out;
}

/** A single-number file (memory.current, pids.current); `max` and anything unreadable are undefined. */
export function singleNumber(text: string | undefined): bigint | undefined {
  const value = text?.trim();
  return value !== undefined && /^\d+$/.test(value) ? BigInt(value) : undefined;
}

/** Whitespace-separated numbers (cpuacct.usage_percpu). */
export function numberList(text: string): bigint[] {
  return text.trim().split(/\s+/).filter((v) => /^\d+$/.test(v)).map((v) => BigInt(v));
}

/** cpuacct.stat's `user`/`system` (USER_HZ ticks) in nanoseconds, as Docker converts them. */
export function ticksToNs(ticks: bigint): bigint {
  return ticks * NS_PER_TICK;
}

/** cgroup v1 blkio recursive files: `8:0 Read 4096` lines (the trailing `Total N` line has no device). */
export function blkioV1(text: string): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\d+):(\d+)\s+(\S+)\s+(\d+)$/.exec(line.trim());
    if (match) out.push({ major: Number(match[1]), minor: Number(match[2]), op: match[3] ?? '', value: BigInt(match[4] ?? '0') });
  }
  return out;
}

/**
 * cgroup v2 io.stat (`8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0`) as Docker derives its two
 * lists from it: bytes read/written and operations read/written per device, ops lowercase.
 */
export function ioStatV2(text: string): { serviceBytes: BlkioEntry[]; serviced: BlkioEntry[] } {
  const serviceBytes: BlkioEntry[] = [];
  const serviced: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const [device, ...pairs] = line.trim().split(/\s+/);
    const match = /^(\d+):(\d+)$/.exec(device ?? '');
    if (!match) continue;
    const major = Number(match[1]);
    const minor = Number(match[2]);
    const values = Object.fromEntries(pairs.map((pair) => pair.split('=') as [string, string]));
    const value = (key: string) => (values[key] !== undefined && /^\d+$/.test(values[key]) ? BigInt(values[key]) : 0n);
    serviceBytes.push({ major, minor, op: 'read', value: value('rbytes') }, { major, minor, op: 'write', value: value('wbytes') });
    serviced.push({ major, minor, op: 'read', value: value('rios') }, { major, minor, op: 'write', value: value('wios') });
  }
  return { serviceBytes, serviced };
}

/** The host's CPU time since boot from /proc/stat's `cpu` line, as Docker's getSystemCPUUsage sums it (7 fields). */
export function systemCpuNs(procStat: string): bigint | undefined {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  const fields = line?.trim().split(/\s+/).slice(1, 8) ?? [];
  if (fields.length < 7 || fields.some((f) => !/^\d+$/.test(f))) return undefined;
  return ticksToNs(fields.reduce((sum, f) => sum + BigInt(f), 0n));
}

/** /proc/stat's `btime`: the boot time in seconds since the epoch. */
export function bootTimeSeconds(procStat: string): number | undefined {
  const match = /^btime (\d+)$/m.exec(procStat);
  return match ? Number(match[1]) : undefined;
}

/** A CPU list (`/sys/devices/system/cpu/online`: `0-3,5`) counted. */
export function cpuCount(list: string): number {
  let count = 0;
  for (const part of list.trim().split(',')) {
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || Number.isNaN(from)) continue;
    count += to === undefined || Number.isNaN(to) ? 1 : to - from + 1;
  }
  return count;
}

/** /proc/<pid>/stat's starttime (field 22, USER_HZ ticks after boot); the command name may hold spaces. */
export function processStartTicks(stat: string): bigint | undefined {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state), so field 22 is rest[19].
  const value = rest[19];
  return value !== undefined && /^\d+$/.test(value) ? BigInt(value) : undefined;
}

/** /proc/<pid>/net/dev: every interface of the process's network namespace but loopback. */
export function netDev(text: string): Record<string, NetDevCounters> {
  const out: Record<string, NetDevCounters> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/);
    if (name === 'lo' || f.length < 16 || f.some((v) => !/^\d+$/.test(v))) continue;
    const n = (i: number) => BigInt(f[i] ?? '0');
    // Receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes packets errs drop …
    out[name] = {
      rxBytes: n(0), rxPackets: n(1), rxErrors: n(2), rxDropped: n(3),
      txBytes: n(8), txPackets: n(9), txErrors: n(10), txDropped: n(11),
    };
  }
  return out;
}

/** cgroup.procs: the process ids in a cgroup. */
export function pidList(text: string): number[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => /^\d+$/.test(l)).map(Number);
}
