// conmon (Debian's `conmon` package, the container monitor podman and CRI-O use) as the runc
// driver's shim: it runs `runc create`, stays as the container's parent (a subreaper) in its own
// session, writes the container's stdout/stderr with timestamps to a k8s-file log and its exit
// status to a file. Berth is not the container's parent, so containers outlive a restart (or a
// kill -9) of Berth, and a restarted Berth finds their output and exit status on disk.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface ConmonLaunch {
  conmon: string;
  runc: string;
  containerId: string;
  bundleDir: string;
  /** k8s-file log: `<RFC3339Nano> <stdout|stderr> <F|P> <text>` per line. */
  logPath: string;
  /** conmon writes `<exitDir>/<container id>` holding the exit status (128 + n after signal n). */
  exitDir: string;
  pidFile: string;
  conmonPidFile: string;
  /** conmon truncates the log past this size (it renames a fresh file over it); the tail follows. */
  logSizeMax: number;
  /** How long to wait for `runc create` through conmon. */
  timeoutMs?: number;
}

export class ConmonError extends Error {
  override readonly name = 'ConmonError';
  readonly code = 'BTH_CONMON';
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Starts conmon and resolves with the container's pid once `runc create` has made it (status
 * `created`: `runc start` runs it). conmon double-forks, so the monitor is reparented away from
 * Berth; it reports through the sync pipe (`_OCI_SYNCPIPE`, fd 3): `{"data": <pid>}` on success,
 * `{"data": -1, "message": "…"}` when runc failed.
 */
export function startConmon(launch: ConmonLaunch): Promise<number> {
  const args = [
    '--api-version', '1', '-c', launch.containerId, '-u', launch.containerId, '-n', launch.containerId,
    '-r', launch.runc, '-b', launch.bundleDir, '-p', launch.pidFile, '-P', launch.conmonPidFile,
    '-l', `k8s-file:${launch.logPath}`, '--log-size-max', String(launch.logSizeMax),
    '--exit-dir', launch.exitDir, '--socket-dir-path', launch.bundleDir,
  ];
  const child = spawn(launch.conmon, args, {
    cwd: launch.bundleDir, detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: { ...process.env, _OCI_SYNCPIPE: '3' },
  });
  const sync = child.stdio[3] as Readable;
  return new Promise<number>((resolve, reject) => {
    let data = '';
    let stderr = '';
    const finish = (error: Error | undefined, pid?: number) => {
      clearTimeout(timer);
      sync.destroy();
      child.stderr?.destroy();
      if (error) reject(error);
      else resolve(pid ?? 0);
    };
    const timer = setTimeout(() => finish(new ConmonError(`conmon did not report container ${launch.containerId} created within ${launch.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)),
      launch.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on('error', (error) => finish(new ConmonError(`cannot run ${launch.conmon}: ${error.message}`)));
    child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    sync.on('data', (chunk: Buffer) => {
      data += chunk.toString('utf8');
      const newline = data.indexOf('\n');
      if (newline < 0) return;
      const report = parseReport(data.slice(0, newline));
      if (report === undefined) finish(new ConmonError(`conmon sent an unreadable report: ${data.slice(0, newline)}`));
      else if (report.pid > 0) finish(undefined, report.pid);
      else finish(new ConmonError(report.message ?? `runc could not create container ${launch.containerId}`));
    });
    // The sync pipe closes without a report when conmon itself fails before forking (bad arguments).
    sync.on('end', () => finish(new ConmonError(`conmon exited without creating ${launch.containerId}: ${stderr.trim() || 'no message'}`)));
  });
}

function parseReport(line: string): { pid: number; message?: string } | undefined {
  try {
    const report = JSON.parse(line) as { data?: unknown; message?: unknown };
    if (typeof report.data !== 'number') return undefined;
    return { pid: report.data, ...(typeof report.message === 'string' ? { message: report.message.trim() } : {}) };
  } catch {
    return undefined;
  }
}

/** Whether a process exists (signal 0); EPERM means it exists but is not ours to signal. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
