// After the tasks benchmark: finds what Berth or the benchmark left on the host (runc containers,
// network namespaces, the VPC's bridge, mounts, task cgroups), removes what is provably this run's,
// and says what it found, so a leak shows as a failure rather than as residue. Synchronous, as it
// also runs at process exit.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { bridgeName } from '../src/network/names.ts';
import { cgroupHierarchies, mountPointsUnderNow, runNow } from './host-commands.ts';

function output(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

function runcContainers(): { id: string; bundle: string }[] {
  const text = output('runc', ['list', '-f', 'json']).trim();
  if (text === '' || text === 'null') return [];
  try {
    return JSON.parse(text) as { id: string; bundle: string }[];
  } catch {
    return [];
  }
}

function netnsNames(): string[] {
  return output('ip', ['netns', 'list']).split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n !== '');
}

/**
 * What Berth (stopped, its data dir `dataDir` not yet removed) left of this run's tasks: runc
 * containers with a bundle under `dataDir`, the tasks' namespaces (`bth-<task id>`), the VPC's bridge
 * and task cgroups (`/bth/<task id>`). Each is removed; the list says what was found.
 */
export function sweepBerthLeftovers(dataDir: string, taskIds: ReadonlySet<string>, vpcId: string | undefined): string[] {
  const found: string[] = [];
  for (const c of runcContainers()) {
    if (!c.bundle.startsWith(`${dataDir}/`)) continue;
    found.push(`runc container ${c.id}`);
    runNow('runc', ['delete', '--force', c.id]);
  }
  for (const name of netnsNames()) {
    if (!name.startsWith('bth-') || !taskIds.has(name.slice('bth-'.length))) continue;
    found.push(`network namespace ${name}`);
    runNow('ip', ['netns', 'delete', name]);
  }
  if (vpcId !== undefined && vpcId !== '') {
    const bridge = bridgeName(vpcId);
    if (output('ip', ['-o', 'link', 'show', 'dev', bridge]).trim() !== '') {
      found.push(`bridge ${bridge} of ${vpcId}`);
      runNow('ip', ['link', 'delete', bridge]);
    }
  }
  for (const point of mountPointsUnderNow(dataDir)) found.push(`mount ${point}`);
  for (const hierarchy of cgroupHierarchies()) {
    for (const taskId of taskIds) {
      const dir = join(hierarchy, 'bth', taskId);
      if (!existsSync(dir)) continue;
      found.push(`cgroup ${dir}`);
      for (const child of readdirSync(dir, { withFileTypes: true })) if (child.isDirectory()) tryRmdir(join(dir, child.name));
      tryRmdir(dir);
    }
  }
  return found;
}

function tryRmdir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Busy: reported above as found.
  }
}

/** Anything of the benchmark's own still on the host (runc containers, mounts, processes named after its temp dirs). */
export function benchLeftovers(tempDirs: readonly string[]): string[] {
  const found: string[] = [];
  for (const c of runcContainers()) if (c.id.startsWith(`bthbench-runc-${process.pid}-`)) found.push(`runc container ${c.id}`);
  for (const dir of tempDirs) for (const point of mountPointsUnderNow(dir)) found.push(`mount ${point}`);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (tempDirs.some((dir) => cmdline.includes(dir))) found.push(`process ${entry}: ${cmdline.replaceAll('\0', ' ').trim().slice(0, 120)}`);
  }
  return found;
}
