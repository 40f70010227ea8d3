// Starts the two servers under test (Berth and moto) as child processes on loopback, waits until
// they answer, and stops them by PID; Berth gets a fresh temporary data directory, removed on stop.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mountPointsUnderNow, runNow } from './host-commands.ts';

export interface BenchServer {
  readonly name: string;
  readonly version: string;
  readonly endpoint: string;
  readonly pid: number;
  /** Log lines that point at a bug in the server (Berth's "internal error" lines) and an exit nobody asked for. */
  problems(): { count: number; samples: string[] };
  /** SIGTERM by PID, SIGKILL after a grace period; then removes the server's temporary files. */
  stop(): Promise<void>;
  /** For process exit, where nothing can be awaited: SIGKILL by PID if still running, remove temporary files. */
  killNow(): void;
}

/** The server could not be started (missing packages, crashed, never answered). The message says why. */
export class ServerStartError extends Error {
  override readonly name = 'ServerStartError';
  readonly code = 'BENCH_SERVER_START';
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const TAIL_LINES = 40;
const PROBLEM_SAMPLES = 10;

/** A port that was free a moment ago (the kernel picks it); the server binds it right after. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('the kernel gave no port'))));
    });
  });
}

/** One started child process: its output tail (for error messages) and its lifecycle, by PID. */
export class ChildServer implements BenchServer {
  readonly #child: ChildProcess;
  readonly #cleanup: () => void;
  readonly #isProblem: (line: string) => boolean;
  readonly #tail: string[] = [];
  readonly #problems: string[] = [];
  #problemCount = 0;
  #exited: Promise<void>;
  #cleaned = false;
  #stopping = false;
  version = 'unknown';

  constructor(readonly name: string, readonly endpoint: string, child: ChildProcess, options: { cleanup?: () => void; isProblem?: (line: string) => boolean } = {}) {
    // A spawn failure (ENOENT…) arrives as an 'error' event; without a listener it would crash the run.
    child.on('error', (error) => this.#line(`[bench] ${name}: ${error.message}`));
    if (child.pid === undefined) throw new ServerStartError(`${name} did not start: ${child.spawnfile} could not be run`);
    this.#child = child;
    this.#cleanup = options.cleanup ?? (() => {});
    this.#isProblem = options.isProblem ?? (() => false);
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      let partial = '';
      stream?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.#line(line);
      });
    }
  }

  get pid(): number {
    return this.#child.pid as number;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  #line(line: string): void {
    this.#tail.push(line);
    if (this.#tail.length > TAIL_LINES) this.#tail.shift();
    if (this.#isProblem(line)) {
      this.#problemCount++;
      if (this.#problems.length < PROBLEM_SAMPLES) this.#problems.push(line);
    }
  }

  outputTail(): string {
    return this.#tail.map((l) => `    | ${l}`).join('\n');
  }

  problems(): { count: number; samples: string[] } {
    if (this.running || this.#stopping) return { count: this.#problemCount, samples: [...this.#problems] };
    const exit = `${this.name} exited during the run (exit code ${this.#child.exitCode}, signal ${this.#child.signalCode}); its last output:\n${this.outputTail()}`;
    return { count: this.#problemCount + 1, samples: [...this.#problems, exit] };
  }

  /** Polls `probe` until it says ready; throws ServerStartError if the process exits or time runs out. */
  async waitReady(probe: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new ServerStartError(`${this.name} exited while starting (exit code ${this.#child.exitCode}, signal ${this.#child.signalCode}); its last output:\n${this.outputTail()}`);
      }
      if (await probe().catch(() => false)) return;
      await sleep(100);
    }
    throw new ServerStartError(`${this.name} did not answer on ${this.endpoint} within ${READY_TIMEOUT_MS / 1000} s; its last output:\n${this.outputTail()}`);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.running) {
      this.#signal('SIGTERM');
      const stopped = await Promise.race([this.#exited.then(() => true), sleep(STOP_GRACE_MS, false)]);
      if (!stopped) {
        this.#signal('SIGKILL');
        await Promise.race([this.#exited, sleep(STOP_GRACE_MS)]);
      }
    }
    this.#clean();
  }

  killNow(): void {
    this.#stopping = true;
    if (this.running) this.#signal('SIGKILL');
    this.#clean();
  }

  #signal(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pid, signal);
    } catch {
      // ESRCH: it exited between the check and the kill.
    }
  }

  #clean(): void {
    if (this.#cleaned) return;
    this.#cleaned = true;
    this.#cleanup();
  }
}

async function answersHttp(url: string, accept: (response: Response) => Promise<boolean>): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return await accept(response);
}

/**
 * Berth from this checkout (`node bin/berth.mjs server`), on a free loopback port, with a fresh
 * data directory and default settings (BERTH_* variables of the caller are not passed on, so the
 * run does not depend on them). Ready when /_berth/health says ok.
 */
export async function startBerthServer(repoRoot: string, onStarted: (server: BenchServer) => void, options: BerthServerOptions = {}): Promise<BerthBenchServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('BERTH_')));
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'berth.mjs'), 'server', '--host', HOST, '--port', String(port), '--data-dir', dataDir, '--remote-pulls', 'false'], {
    cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = new ChildServer('Berth', `http://${HOST}:${port}`, child, {
    cleanup: () => {
      options.beforeRemove?.(dataDir);
      // A mount left under the data dir (a container's rootfs) must not be descended into by rm.
      for (const point of mountPointsUnderNow(dataDir)) runNow('umount', ['-l', point]);
      rmSync(dataDir, { recursive: true, force: true });
    },
    isProblem: (line) => line.includes('internal error'),
  });
  onStarted(server);
  await server.waitReady(() => answersHttp(`${server.endpoint}/_berth/health`, async (response) => {
    if (response.status !== 200) return false;
    const health = await response.json() as { status?: string; version?: string };
    server.version = health.version ?? 'unknown';
    return health.status === 'ok';
  }));
  return Object.assign(server, { dataDir });
}

export interface BerthServerOptions {
  /** Runs after the server exited and before its data dir is removed (synchronous: it also runs at process exit). */
  beforeRemove?: (dataDir: string) => void;
}

export interface BerthBenchServer extends BenchServer {
  readonly dataDir: string;
}

/** What `python3` needs for `-m moto.server`, checked before starting it. */
interface MotoInstall {
  python: string;
  version: string;
}

/**
 * Checks that `python3 -m moto.server` can start: moto and its server extras (flask, flask_cors,
 * werkzeug) import. Throws ServerStartError naming what is missing and how to install it.
 */
export async function checkMotoInstall(): Promise<MotoInstall> {
  const script = [
    'import sys, importlib.metadata',
    'import moto, moto.server, moto.moto_server.werkzeug_app',
    'print(sys.executable)',
    'print(importlib.metadata.version("moto"))',
  ].join('\n');
  const result = await new Promise<{ stdout: string; stderr: string; error: (Error & { code?: unknown }) | null }>((resolve) => {
    execFile('python3', ['-c', script], { timeout: 60_000 }, (error, stdout, stderr) => resolve({ stdout, stderr, error }));
  });
  if (result.error?.code === 'ENOENT') throw new ServerStartError('python3 is not on PATH; moto (the baseline) cannot run.');
  if (result.error) {
    const missing = /No module named '([^']+)'/.exec(result.stderr)?.[1];
    const what = missing === undefined
      ? `importing moto's server failed:\n${result.stderr.trim()}`
      : missing.split('.')[0] === 'moto'
        ? 'moto is not installed for python3'
        : `moto's server needs the Python module '${missing}', which is missing`;
    throw new ServerStartError(`${what}.\nInstall the server extras with: python3 -m pip install 'moto[server]'`);
  }
  const [python, version] = result.stdout.trim().split('\n');
  return { python: python ?? 'python3', version: version ?? 'unknown' };
}

/**
 * moto's standalone server (`python3 -m moto.server -H 127.0.0.1 -p PORT`, run with the
 * interpreter python3 resolves to, so the PID is Python's and not a version manager's shim).
 * Ready when it answers HTTP at all.
 */
export async function startMotoServer(install: MotoInstall, onStarted: (server: BenchServer) => void): Promise<BenchServer> {
  const port = await freePort();
  const child = spawn(install.python, ['-m', 'moto.server', '-H', HOST, '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = new ChildServer('moto', `http://${HOST}:${port}`, child);
  server.version = install.version;
  onStarted(server);
  await server.waitReady(() => answersHttp(`${server.endpoint}/moto-api/`, async (response) => {
    await response.arrayBuffer();
    return true;
  }));
  return server;
}
