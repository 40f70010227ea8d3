// `runc exec` of one command in a running container (a health check's probe): no terminal, no stdin,
// the container's process settings (runc copies the container's process spec — env, user, cwd,
// capabilities — and replaces only its args), and a time limit that kills the exec'd process itself.
// Why not kill runc on a timeout: runc only forwards catchable signals, so a SIGKILL to it would orphan
// the command; its --pid-file names the command's host pid, which is killed instead.
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecOptions, ExecResult } from '../driver.ts';

/** How much of the command's output is kept (Docker keeps 4 KiB of a health check's output). */
const OUTPUT_TAIL_BYTES = 4096;
/** How long to wait for runc to write the pid file once a kill is due, before runc itself is killed. */
const PID_FILE_WAIT_MS = 1000;

export interface RuncExec {
  runc: string;
  containerId: string;
  /** Where runc writes the command's pid; removed afterwards. Unique per exec. */
  pidFile: string;
  argv: readonly string[];
}

export async function runcExec(target: RuncExec, options: ExecOptions): Promise<ExecResult> {
  if (target.argv.length === 0) return { exitCode: 127, timedOut: false, output: 'no command to exec' };
  // Its own process group (detached), so a signal to Berth's group does not reach it.
  const child = spawn(target.runc, ['exec', '--pid-file', target.pidFile, target.containerId, ...target.argv], {
    stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let tail = Buffer.alloc(0);
  const keep = (chunk: Buffer) => {
    tail = Buffer.concat([tail, chunk]);
    if (tail.length > OUTPUT_TAIL_BYTES) tail = tail.subarray(tail.length - OUTPUT_TAIL_BYTES);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // 'exit', not 'close': a background process the command left behind may hold the pipes open.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.on('error', (error) => resolve({ code: null, signal: null, error }));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  let timedOut = false;
  let expire: (why: 'kill') => void = () => undefined;
  const expired = new Promise<'kill'>((resolve) => { expire = resolve; });
  const timer = setTimeout(() => { timedOut = true; expire('kill'); }, options.timeoutMs);
  const onAbort = () => expire('kill');
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const first = await Promise.race([exited, expired]);
  if (first === 'kill') await killCommand(target.pidFile, child.pid, exited);
  const end = await exited;
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  child.stdout.destroy();
  child.stderr.destroy();
  await rm(target.pidFile, { force: true });
  const output = (end.error ? end.error.message : tail.toString('utf8')).trim();
  if (timedOut) return { timedOut: true, output };
  // runc passes on the command's status (128 + n after signal n); a runc killed by a signal is read the same way.
  const exitCode = end.code ?? (end.signal ? 128 + signalNumber(end.signal) : undefined);
  return { ...(exitCode !== undefined ? { exitCode } : {}), timedOut: false, output };
}

/** SIGKILL to the command (its process group, when it leads one); runc itself only if it never wrote the pid. */
async function killCommand(pidFile: string, runcPid: number | undefined, exited: Promise<unknown>): Promise<void> {
  let done = false;
  void exited.then(() => { done = true; });
  const deadline = Date.now() + PID_FILE_WAIT_MS;
  while (!done && Date.now() < deadline) {
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0) {
      if (!signal(-pid)) signal(pid);
      return;
    }
    await sleep(25);
  }
  if (!done && runcPid !== undefined) signal(runcPid);
}

function signal(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };

function signalNumber(name: NodeJS.Signals): number {
  return SIGNALS[name] ?? 0;
}
