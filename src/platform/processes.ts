// Child processes, injectable: the runtime runs runc, mount and friends only through this, so its
// logic is tested with a fake and the real thing is proven end to end.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  cwd?: string;
  /** Written to the child's stdin, then stdin is closed. */
  input?: string;
}

/** A long-running child whose output the caller reads as streams. */
export interface ChildProcessHandle {
  readonly pid: number | undefined;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Settles when the child has exited and its output streams are closed. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ProcessRunner {
  /** Runs a command to completion and collects its output; never rejects for a non-zero exit. */
  run(command: string, args: readonly string[], options?: ProcessOptions): Promise<ProcessResult>;
  /**
   * Starts a command in its own process group (so a signal to Berth's group does not reach it)
   * with stdin closed and stdout/stderr as pipes.
   */
  start(command: string, args: readonly string[], options?: { cwd?: string }): ChildProcessHandle;
}

export class CommandFailedError extends Error {
  override readonly name = 'CommandFailedError';
  readonly code = 'BTH_COMMAND_FAILED';
  constructor(readonly command: string, readonly result: ProcessResult) {
    super(`${command} failed (${result.signal ?? `exit ${result.code}`}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
}

/** Runs a command and throws CommandFailedError unless it exits 0. */
export async function runChecked(runner: ProcessRunner, command: string, args: readonly string[],
  options?: ProcessOptions): Promise<ProcessResult> {
  const result = await runner.run(command, args, options);
  if (result.code !== 0) throw new CommandFailedError([command, ...args].join(' '), result);
  return result;
}

/** The real thing, over node:child_process. */
export class NodeProcessRunner implements ProcessRunner {
  run(command: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd: options.cwd, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (c: Buffer) => out.push(c));
      child.stderr?.on('data', (c: Buffer) => err.push(c));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({
        code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
      }));
      // A child that exits without reading its input closes the pipe: not an error of ours.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input);
    });
  }

  start(command: string, args: readonly string[], options: { cwd?: string } = {}): ChildProcessHandle {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      // A spawn failure (ENOENT) reports as an exit with no code, like a process that never ran.
      child.on('error', () => resolve({ code: null, signal: null }));
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
    return { pid: child.pid, stdout: child.stdout, stderr: child.stderr, exited };
  }
}
