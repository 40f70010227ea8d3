// Where the engine runs, and whether the task's cpu/memory can be one cgroup envelope around its containers,
// as on the runc path: only when the engine creates its containers' cgroups under a parent Berth made and
// limited, which needs the engine on this very kernel, with the cgroupfs driver (a systemd driver takes only
// slices as parents), not rootless, and Berth as root to write the envelope's limits. Elsewhere (Docker
// Desktop's VM, rootless engines) the limits are applied per container (container-config.ts).
import { access, constants } from 'node:fs/promises';
import { hostname, release } from 'node:os';
import { join } from 'node:path';
import type { DockerEngine } from './engine-client.ts';

/** The parts of `GET /info` Berth reads. */
export interface EngineInfo {
  CgroupDriver?: string;
  CgroupVersion?: string;
  KernelVersion?: string;
  Name?: string;
  OperatingSystem?: string;
  SecurityOptions?: string[] | null;
}

export function engineInfo(engine: DockerEngine): Promise<EngineInfo> {
  return engine.json<EngineInfo>('GET', '/info');
}

/**
 * Why the engine is not on this host's kernel (so its bridges, routes and cgroups are not this host's), or
 * undefined when it is: reached over a unix socket, with this kernel's release and this host's name. Docker
 * Desktop (also on Linux) runs its engine in a VM: another kernel, another host name.
 */
export function elsewhereReason(engine: DockerEngine, info: EngineInfo): string | undefined {
  if (process.platform !== 'linux') return `Berth runs on ${process.platform}, the engine in a Linux VM`;
  if (!('socketPath' in engine.endpoint)) return 'the engine is reached over tcp, so it may run on another kernel';
  if (info.KernelVersion !== release() || info.Name !== hostname()) return `the engine runs on another kernel (${info.OperatingSystem ?? info.KernelVersion ?? 'unknown'})`;
  return undefined;
}

/** Why the task envelope cannot be used with this engine, or undefined when it can. */
export async function envelopeUnavailable(engine: DockerEngine, info: EngineInfo, cgroupRoot = '/sys/fs/cgroup'): Promise<string | undefined> {
  const elsewhere = elsewhereReason(engine, info);
  if (elsewhere !== undefined) return elsewhere;
  if (process.getuid?.() !== 0) return 'Berth is not root, so it cannot write cgroup limits';
  if ((info.SecurityOptions ?? []).some((option) => option.includes('name=rootless'))) return 'the engine is rootless';
  if (info.CgroupDriver !== 'cgroupfs') return `the engine's cgroup driver is ${info.CgroupDriver ?? 'unknown'}, not cgroupfs`;
  // v1 has a hierarchy per controller (the root is often a read-only tmpfs); v2 one hierarchy at the root.
  const hierarchy = info.CgroupVersion === '2' ? cgroupRoot : join(cgroupRoot, 'memory');
  if (!(await access(hierarchy, constants.W_OK).then(() => true, () => false))) return `${hierarchy} is not writable`;
  return undefined;
}
