// One command run in a container through the Engine's exec API (a health check's probe): create the
// exec (`POST /containers/{id}/exec`, no TTY, no stdin — the engine uses the container's env, user and
// working directory), start it attached (`POST /exec/{id}/start`: the answer streams its output, framed
// as ContainerAttach's multiplexed stream, until the command ends), then read its exit code
// (`GET /exec/{id}/json`). The API has no way to kill an exec'd process: on a timeout Berth kills it
// by the host pid the engine reports, and only when that pid is this host's and runs this command
// (an engine in a VM, as Docker Desktop's, reports pids of its VM); otherwise it is left to finish.
import { readFile } from 'node:fs/promises';
import type { ExecOptions, ExecResult } from '../driver.ts';
import { DockerEngineError, type DockerEngine } from './engine-client.ts';

const OUTPUT_TAIL_BYTES = 4096;
const HEADER_BYTES = 8;
/** The exit code Berth reports when the engine cannot run the command at all (the shell's "cannot execute"). */
export const EXEC_FAILED_CODE = 126;

interface ExecInspect {
  ExitCode?: number | null;
  Running?: boolean;
  Pid?: number;
}

export async function dockerExec(engine: DockerEngine, containerId: string, argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
  let execId: string;
  try {
    const created = await engine.json<{ Id: string }>('POST', `/containers/${containerId}/exec`, {
      body: { Cmd: argv, AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false },
    });
    execId = created.Id;
  } catch (error) {
    // 409: the container is not running; 404: it is gone.
    return { exitCode: EXEC_FAILED_CODE, timedOut: false, output: error instanceof DockerEngineError ? error.engineMessage : String(error) };
  }
  const stop = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; stop.abort(); }, options.timeoutMs);
  const onAbort = () => stop.abort();
  if (options.signal?.aborted) stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const output = new OutputTail();
  try {
    const response = await engine.stream('POST', `/exec/${execId}/start`, { body: { Detach: false, Tty: false }, timeoutMs: 0, signal: stop.signal });
    for await (const chunk of response) output.push(chunk as Buffer);
  } catch (error) {
    if (!stop.signal.aborted) {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      return { exitCode: EXEC_FAILED_CODE, timedOut: false, output: error instanceof DockerEngineError ? error.engineMessage : String(error) };
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  const inspect = await engine.json<ExecInspect>('GET', `/exec/${execId}/json`).catch(() => undefined);
  if (stop.signal.aborted && inspect?.Running === true) await killLocal(inspect.Pid, argv);
  if (timedOut) return { timedOut: true, output: output.text() };
  const exitCode = inspect?.ExitCode ?? undefined;
  return { ...(exitCode !== undefined && exitCode !== null ? { exitCode } : {}), timedOut: false, output: output.text() };
}

/** SIGKILL to `pid` when it is a process of this host running `argv` (its /proc cmdline says so). */
async function killLocal(pid: number | undefined, argv: readonly string[]): Promise<void> {
  if (pid === undefined || pid <= 0 || process.platform !== 'linux') return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (cmdline.split('\0').filter((part) => part !== '').join('\0') !== argv.join('\0')) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // It ended meanwhile.
  }
}

/** The last few KiB of a multiplexed stream's payloads (stdout and stderr together). */
class OutputTail {
  #pending = Buffer.alloc(0);
  #tail = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.#pending = Buffer.concat([this.#pending, chunk]);
    while (this.#pending.length >= HEADER_BYTES) {
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < HEADER_BYTES + size) break;
      this.#keep(this.#pending.subarray(HEADER_BYTES, HEADER_BYTES + size));
      this.#pending = this.#pending.subarray(HEADER_BYTES + size);
    }
  }

  text(): string {
    return this.#tail.toString('utf8').trim();
  }

  #keep(payload: Buffer): void {
    this.#tail = Buffer.concat([this.#tail, payload]);
    if (this.#tail.length > OUTPUT_TAIL_BYTES) this.#tail = this.#tail.subarray(this.#tail.length - OUTPUT_TAIL_BYTES);
  }
}
