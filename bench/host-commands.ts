// Runs a host command (runc, docker, skopeo, mount, ip) for the tasks benchmark: bounded by a
// timeout, output collected, never rejects for a non-zero exit (callers decide what is an error).
// Also the synchronous sweeps a started daemon's cleanup needs (its processes, mounts and cgroups),
// shared by the benchmark's docker peer and the tests' dockerd (test/support/dockerd.ts).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Runs `command args` to completion (killed with SIGKILL after `timeoutMs`); ENOENT gives code null. */
export async function run(command: string, args: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<CommandResult> {
  return await new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr: error !== null && stderr === '' ? error.message : stderr });
    });
  });
}

/** Like run, but throws with the command and its stderr when it does not exit 0. */
export async function runOk(command: string, args: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
  const result = await run(command, args, timeoutMs);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** For process exit, where nothing can be awaited: runs the command synchronously, ignoring failures. */
export function runNow(command: string, args: readonly string[], timeoutMs = 10_000): void {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: timeoutMs, killSignal: 'SIGKILL' });
  } catch {
    // Best effort: the thing may be gone already.
  }
}

/** True when `command args` runs and exits 0. */
export async function works(command: string, args: readonly string[]): Promise<boolean> {
  return (await run(command, args, 10_000)).code === 0;
}

/** Mount points (field 5 of /proc/<pid>/mountinfo, octal escapes decoded) at or under `dir`, longest path first. */
export function mountPointsUnder(mountinfo: string, dir: string): string[] {
  const points: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const raw = line.split(' ')[4];
    if (raw === undefined) continue;
    const point = raw.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    if (point === dir || point.startsWith(`${dir}/`)) points.push(point);
  }
  return points.sort((a, b) => b.length - a.length);
}

/** mountsUnder, synchronously (for process exit and for cleanups that must not yield). */
export function mountPointsUnderNow(dir: string): string[] {
  try {
    return mountPointsUnder(readFileSync('/proc/self/mountinfo', 'utf8'), dir);
  } catch {
    return [];
  }
}

/** SIGKILL, ignoring a process that is gone already. */
export function killNow(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

function numericEntries(dir: string): number[] {
  try {
    return readdirSync(dir).filter((entry) => /^\d+$/.test(entry)).map(Number);
  } catch {
    return [];
  }
}

/** PIDs whose command line contains `text` (never this process). */
export function processesMentioning(text: string): number[] {
  return numericEntries('/proc').filter((pid) => {
    if (pid === process.pid) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
    } catch {
      return false;
    }
  });
}

/** The cgroup hierarchies' roots: /sys/fs/cgroup itself on cgroup v2, each controller's folder on v1. */
export function cgroupHierarchies(): string[] {
  const root = '/sys/fs/cgroup';
  try {
    const entries = readdirSync(root, { withFileTypes: true });
    if (entries.some((e) => e.name === 'cgroup.controllers')) return [root];
    return entries.filter((e) => e.isDirectory()).map((e) => join(root, e.name));
  } catch {
    return [];
  }
}

/** Directories of the cgroup `name` and everything under it in every hierarchy, deepest first. */
function cgroupTree(name: string): string[] {
  const dirs: string[] = [];
  const walk = (dir: string): void => {
    for (const child of readdirSync(dir, { withFileTypes: true })) if (child.isDirectory()) walk(join(dir, child.name));
    dirs.push(dir);
  };
  for (const hierarchy of cgroupHierarchies()) {
    const top = join(hierarchy, name);
    if (existsSync(top)) walk(top);
  }
  return dirs;
}

/** PIDs in the cgroup `name` or below it, in any hierarchy. */
export function processesInCgroup(name: string): number[] {
  const pids = new Set<number>();
  for (const dir of cgroupTree(name)) {
    try {
      for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (line.trim() !== '') pids.add(Number(line));
    } catch {
      // Gone meanwhile.
    }
  }
  return [...pids];
}

/** Removes the cgroup `name` and its children, deepest first; busy ones stay for a leak check to report. */
export function removeCgroupTree(name: string): void {
  for (const dir of cgroupTree(name)) {
    try {
      rmdirSync(dir);
    } catch {
      // Busy or gone.
    }
  }
}
