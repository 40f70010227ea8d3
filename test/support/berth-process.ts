// `berth server` as a child process (the way a user starts it), on a free port with its own data
// directory; stopped by its PID. Its stderr is kept so the test can check it logged no internal errors.
import { spawn, type ChildProcess } from 'node:child_process';

const BIN = new URL('../../bin/berth.mjs', import.meta.url).pathname;
const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;

export class BerthProcess {
  readonly url: string;
  readonly pid: number;
  readonly #child: ChildProcess;
  readonly #log: string[];

  private constructor(child: ChildProcess, pid: number, url: string, log: string[]) {
    this.#child = child;
    this.pid = pid;
    this.url = url;
    this.#log = log;
  }

  /** Resolves once the server prints `listening on http://…`; rejects if it exits or stays silent. `flags` are more `berth server` flags. */
  static async start(dataDir: string, flags: readonly string[] = []): Promise<BerthProcess> {
    const child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--data-dir', dataDir, '--remote-pulls', 'false', ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
    const log: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString('utf8')));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`berth did not start within ${START_TIMEOUT_MS} ms: ${log.join('')}`)), START_TIMEOUT_MS);
        const onData = (): void => {
          const match = /listening on (http:\/\/\S+)/.exec(log.join(''));
          if (match?.[1]) {
            clearTimeout(timer);
            child.stderr?.off('data', onData);
            resolve(match[1]);
          }
        };
        child.stderr?.on('data', onData);
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`berth exited (${String(code ?? signal)}) before listening: ${log.join('')}`));
        });
        child.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
      if (child.pid === undefined) throw new Error('berth started without a pid');
      return new BerthProcess(child, child.pid, url, log);
    } catch (error) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
      throw error;
    }
  }

  /** Everything the server wrote to stderr so far. */
  log(): string {
    return this.#log.join('');
  }

  /** Sends SIGKILL at once (before the first await: a caller can kill mid-burst) and resolves when the process is gone. */
  kill(): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(this.pid, 'SIGKILL');
    return exited;
  }

  /** SIGTERM to this server's PID (it closes the store cleanly), SIGKILL if it has not exited in time. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(this.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(this.pid, 'SIGKILL');
    }, STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}
