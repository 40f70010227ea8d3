// One container of a task in the Docker Engine, started or re-attached: its output followed line by line
// from the engine's logs endpoint (resumable by cursor), its exit awaited and inspected, its stop done with
// Berth's own signals and timer (as the runc driver does, rather than the engine's stop timeout).
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerExit, ExecOptions, ExecResult, OutputLine, TaskContainer } from '../driver.ts';
import { ContainerLifecycle, type ContainerState } from '../runc/container-states.ts';
import { dockerExec } from './docker-exec.ts';
import { DockerEngineError, type DockerEngine } from './engine-client.ts';
import type { LogCursors } from './log-cursors.ts';
import { FrameDecoder, LineAssembler, sinceParameter, type LogPosition } from './log-stream.ts';

/** How long one wait request may stay open before it is asked again (the engine may have gone meanwhile). */
const WAIT_REQUEST_MS = 10 * 60_000;
/** After an exit, how long the output may take to arrive before the exit is reported without it. */
const LOG_DRAIN_MS = 5_000;
/** The exit's reason when the engine no longer has the container, so its status cannot be read. */
export const VANISHED_REASON = 'ContainerRuntimeError: the container was removed from the Docker Engine before its exit status was read';
/** How long remove() waits for a killed container's exit before deleting it anyway. */
const REMOVE_WAIT_MS = 30_000;
/** Pause before asking again when the engine did not answer (it restarts, or is busy). */
const RETRY_MS = 1_000;

export interface ContainerInspect {
  Id: string;
  Name?: string;
  State?: { Status?: string; Running?: boolean; ExitCode?: number; OOMKilled?: boolean };
  Config?: { StopSignal?: string; Labels?: Record<string, string> | null };
}

export interface DockerContainerOptions {
  engine: DockerEngine;
  /** Berth's name for it (`bth-<task id>-<n>`), which is also its engine name. */
  id: string;
  stopSignal: string;
  cursors: LogCursors;
  onOutput?: (line: OutputLine) => void;
  /** Resume the output after this position (a re-attach); from the start otherwise. */
  after?: LogPosition;
  /** Whether the engine said it runs (false: it exited, possibly while Berth was down). */
  running: boolean;
  log: (message: string) => void;
}

export class DockerContainer implements TaskContainer {
  readonly id: string;
  readonly #engine: DockerEngine;
  readonly #stopSignal: string;
  readonly #cursors: LogCursors;
  readonly #log: (message: string) => void;
  readonly #lifecycle = new ContainerLifecycle();
  /** Ends the output follow and the exit wait: on remove, and when the driver closes. */
  readonly #abort = new AbortController();
  readonly #output: Promise<void>;
  readonly #exit: Promise<ContainerExit>;

  constructor(options: DockerContainerOptions) {
    this.id = options.id;
    this.#engine = options.engine;
    this.#stopSignal = options.stopSignal;
    this.#cursors = options.cursors;
    this.#log = options.log;
    if (options.running) this.#lifecycle.moveTo('running');
    this.#output = options.onOutput ? this.#follow(options.onOutput, options.after) : Promise.resolve();
    this.#exit = this.#awaitExit();
    // Callers may never ask; a failure is theirs to see through waitExit().
    this.#exit.catch(() => undefined);
  }

  get state(): ContainerState {
    return this.#lifecycle.state;
  }

  waitExit(): Promise<ContainerExit> {
    return this.#exit;
  }

  /** The stop signal (the image's STOPSIGNAL or SIGTERM), then SIGKILL when it still runs after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<ContainerExit> {
    if (this.#lifecycle.state === 'running') {
      this.#lifecycle.moveTo('stopping');
      await this.#kill(this.#stopSignal);
      const timedOut = Symbol('timeout');
      const first = await within(this.#exit, timeoutMs, timedOut);
      if (first === timedOut) await this.#kill('SIGKILL');
    }
    return this.#exit;
  }

  /** Kills it if it still runs, lets its last output arrive, then deletes it and its cursor. */
  async remove(): Promise<void> {
    if (this.#lifecycle.state === 'running' || this.#lifecycle.state === 'starting') {
      if (this.#lifecycle.canMove('stopping')) this.#lifecycle.moveTo('stopping');
      await this.#kill('SIGKILL');
    }
    await within(this.#exit.catch(() => undefined), REMOVE_WAIT_MS, undefined);
    this.#abort.abort();
    await this.#output;
    await this.#engine.json('DELETE', `/containers/${this.id}`, { query: { force: 1, v: 1 } }).catch(ignoreStatus(404));
    await this.#cursors.remove(this.id);
    if (this.#lifecycle.canMove('removed')) this.#lifecycle.moveTo('removed');
  }

  acknowledge(cursor: string): void {
    this.#cursors.acknowledge(this.id, cursor);
  }

  /** The command through the Engine's exec API (docker-exec.ts). */
  exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    return dockerExec(this.#engine, this.id, argv, options);
  }

  /** Stops following (Berth shuts down) and writes how far its output was delivered; the container runs on. */
  async release(): Promise<void> {
    this.#abort.abort();
    await this.#output;
    await this.#cursors.flush(this.id);
  }

  async #kill(signal: string): Promise<void> {
    // 409: it is not running (it exited between the check and the kill); 404: it is gone.
    await this.#engine.json('POST', `/containers/${this.id}/kill`, { query: { signal } }).catch(ignoreStatus(404, 409));
  }

  /**
   * Waits for the container to stop (`POST /wait?condition=not-running`, asked again when the request times
   * out or the engine goes away), then reads its exit code and OOM flag. A container that vanished (someone
   * removed it) has no exit code, and the reason says so.
   */
  async #awaitExit(): Promise<ContainerExit> {
    let exit: ContainerExit | undefined;
    let complained = false;
    while (exit === undefined) {
      // The driver closed (or the container is being removed): nobody waits any more.
      if (this.#abort.signal.aborted) return new Promise<never>(() => undefined);
      try {
        const inspect = await this.#inspect();
        if (!inspect) {
          exit = { oomKilled: false, reason: VANISHED_REASON };
        } else if (inspect.State?.Running === false) {
          exit = inspect.State.ExitCode !== undefined
            ? { exitCode: inspect.State.ExitCode, oomKilled: inspect.State.OOMKilled === true }
            : { oomKilled: false, reason: VANISHED_REASON };
        } else {
          await this.#engine.json('POST', `/containers/${this.id}/wait`, { query: { condition: 'not-running' }, timeoutMs: WAIT_REQUEST_MS, signal: this.#abort.signal });
        }
      } catch (error) {
        if (this.#abort.signal.aborted || (error instanceof DockerEngineError && error.statusCode === 404)) continue;
        if (!complained) this.#log(`container ${this.id}: waiting for its exit: ${error instanceof Error ? error.message : String(error)}; asking again`);
        complained = true;
        await sleep(RETRY_MS);
      }
    }
    // The output ends when the container does; the exit is reported once its last lines are through (as
    // runc's pipes close before its exit status is read), or after LOG_DRAIN_MS when the engine lags.
    await within(this.#output, LOG_DRAIN_MS, undefined);
    if (this.#lifecycle.canMove('exited')) this.#lifecycle.moveTo('exited');
    return exit;
  }

  #inspect(): Promise<ContainerInspect | undefined> {
    return this.#engine.json<ContainerInspect>('GET', `/containers/${this.id}/json`).catch((error: unknown) => {
      if (error instanceof DockerEngineError && error.statusCode === 404) return undefined;
      throw error;
    });
  }

  /**
   * Follows the output until the container has stopped and its log is read to the end. A dropped request is
   * resumed from the last message taken (`since` that timestamp; the assembler skips what came before).
   */
  async #follow(onOutput: (line: OutputLine) => void, after: LogPosition | undefined): Promise<void> {
    const emit = (line: OutputLine): void => {
      try {
        onOutput(line);
      } catch (error) {
        this.#log(`container ${this.id}: output handler failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    const assembler = new LineAssembler(emit, after);
    let complained = false;
    while (!this.#abort.signal.aborted) {
      const position = assembler.position;
      assembler.reconnect();
      try {
        const response = await this.#engine.stream('GET', `/containers/${this.id}/logs`, {
          query: { follow: 1, stdout: 1, stderr: 1, timestamps: 1, ...(position ? { since: sinceParameter(position) } : {}) },
          // A log may be silent for hours: only the abort ends the request.
          timeoutMs: 0,
          signal: this.#abort.signal,
        });
        const decoder = new FrameDecoder();
        for await (const chunk of response) for (const frame of decoder.push(chunk as Buffer)) assembler.push(frame);
      } catch (error) {
        if (this.#abort.signal.aborted) break;
        if (error instanceof DockerEngineError && error.statusCode === 404) break;
        if (!complained) this.#log(`container ${this.id}: following its output: ${error instanceof Error ? error.message : String(error)}; resuming`);
        complained = true;
        await sleep(RETRY_MS);
        continue;
      }
      // The follow ends when the container stops, after its last line; otherwise the connection dropped.
      const inspect = await this.#inspect().catch(() => ({ State: { Running: true } }) as ContainerInspect);
      if (!inspect?.State?.Running) break;
      await sleep(RETRY_MS / 4);
    }
    assembler.flush();
  }
}

/**
 * `promise`'s value, or `timedOut` once `ms` have passed. The timer is cleared when the promise wins: a
 * pending timer would keep the process alive (and a server's stop waiting) for nothing.
 */
async function within<T, U>(promise: Promise<T>, ms: number, timedOut: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<U>((resolve) => { timer = setTimeout(resolve, ms, timedOut); })]);
  } finally {
    clearTimeout(timer);
  }
}

/** A catch handler that ignores the engine's answers with these statuses and rethrows anything else. */
export function ignoreStatus(...statuses: number[]): (error: unknown) => undefined {
  return (error: unknown) => {
    if (error instanceof DockerEngineError && statuses.includes(error.statusCode)) return undefined;
    throw error;
  };
}
