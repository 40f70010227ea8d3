// Debian's docker.io engine for the Docker driver's tests: a dockerd of its own in a fresh temporary
// directory (socket, data root with vfs storage, exec root, pidfile, an empty config file so the host's
// /etc/docker/daemon.json changes nothing), which starts its own containerd there.
//
// Host safety: no default bridge (`--bridge=none`); the user-defined bridges the driver makes carry only
// the CIDR blocks a test chose, and the daemon touches neither iptables nor ip_forward nor NAT
// (`--iptables=false --ip6tables=false --ip-forward=false --ip-masq=false`), so nothing is routed off the
// host. The host still reaches a container's address through its bridge's address (a connected route).
// stop() removes everything it made: containers, networks and their bridges, the daemon and its containerd
// and shims, mounts, cgroups, files, and /etc/docker/key.json when this daemon created it.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  killNow, mountPointsUnderNow, processesInCgroup, processesMentioning, removeCgroupTree, runNow,
} from '../../bench/host-commands.ts';

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;
/** dockerd 20.10 writes its libtrust key here whatever its data root (no flag moves it). */
const TRUST_KEY = '/etc/docker/key.json';
const TAIL_LINES = 60;

/**
 * Why these tests cannot start a dockerd here, or undefined when they can. Under CI=true a missing
 * prerequisite throws (tests must fail loudly there); elsewhere the reason is printed for a skip.
 */
export function dockerdSkipReason(subject: string): string | undefined {
  let reason: string | undefined;
  if (process.platform !== 'linux') reason = 'dockerd needs Linux';
  else if (process.getuid?.() !== 0) reason = 'the test dockerd needs root';
  else if (!works('dockerd', ['--version'])) reason = 'dockerd is not installed (apt-get install docker.io)';
  else if (!works('containerd', ['--version'])) reason = 'containerd is not installed (apt-get install docker.io)';
  else if (!works('ip', ['-V'])) reason = 'iproute2 is not installed (apt-get install iproute2)';
  if (reason && process.env['CI'] === 'true') throw new Error(`${subject} cannot run in CI: ${reason}`);
  if (reason) console.log(`# skipping ${subject}: ${reason}`);
  return reason;
}

function works(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export class TestDockerd {
  /** `unix://<dir>/docker.sock`: what the driver's dockerHost takes. */
  readonly host: string;
  readonly socketPath: string;
  readonly dir: string;
  readonly #child: ChildProcess;
  readonly #cgroupParent: string;
  readonly #trustKeyExisted: boolean;
  readonly #tail: string[] = [];
  #exited: Promise<void>;
  #stopped = false;

  private constructor(dir: string, child: ChildProcess, cgroupParent: string, trustKeyExisted: boolean) {
    this.dir = dir;
    this.socketPath = join(dir, 'docker.sock');
    this.host = `unix://${this.socketPath}`;
    this.#child = child;
    this.#cgroupParent = cgroupParent;
    this.#trustKeyExisted = trustKeyExisted;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line !== '') this.#tail.push(line);
        this.#tail.splice(0, Math.max(0, this.#tail.length - TAIL_LINES));
      });
    }
  }

  /** Starts the daemon and waits until its API answers; throws with its last output when it does not. */
  static async start(): Promise<TestDockerd> {
    const dir = mkdtempSync(join(tmpdir(), 'bth-dockerd-'));
    writeFileSync(join(dir, 'daemon.json'), '{}\n');
    const cgroupParent = `bthtest-dockerd-${process.pid}-${dir.slice(-6)}`;
    const trustKeyExisted = existsSync(TRUST_KEY);
    const child = spawn('dockerd', [
      '--storage-driver=vfs', `--data-root=${join(dir, 'data')}`, `--exec-root=${join(dir, 'exec')}`, `--pidfile=${join(dir, 'dockerd.pid')}`,
      '-H', `unix://${join(dir, 'docker.sock')}`, `--config-file=${join(dir, 'daemon.json')}`,
      '--bridge=none', '--iptables=false', '--ip6tables=false', '--ip-forward=false', '--ip-masq=false', '--userland-proxy=false',
      `--cgroup-parent=/${cgroupParent}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const daemon = new TestDockerd(dir, child, cgroupParent, trustKeyExisted);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      if ((await daemon.api('GET', '/version').catch(() => undefined))?.status === 200) return daemon;
      await sleep(100);
    }
    await daemon.stop();
    throw new Error(`the test dockerd did not answer within ${READY_TIMEOUT_MS / 1000} s; its last output:\n${daemon.outputTail()}`);
  }

  outputTail(): string {
    return this.#tail.map((line) => `    | ${line}`).join('\n');
  }

  /** A raw API call (unversioned path), for tests that look at the engine directly. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    return new Promise((resolve, reject) => {
      const raw = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request({
        socketPath: this.socketPath, method, path, timeout: 30_000,
        headers: raw ? { 'content-type': 'application/json', 'content-length': String(raw.length) } : {},
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = text;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            // Not JSON: the text.
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      req.on('error', reject);
      req.end(raw);
    });
  }

  /** Names of the engine's containers (all states). */
  async containerNames(): Promise<string[]> {
    const list = (await this.api('GET', '/containers/json?all=1')).json as { Names?: string[] }[];
    return list.map((c) => (c.Names?.[0] ?? '').replace(/^\//, ''));
  }

  /** Names of the engine's networks other than its built-in ones. */
  async networkNames(): Promise<string[]> {
    const list = (await this.api('GET', '/networks')).json as { Name: string }[];
    return list.map((n) => n.Name).filter((name) => !['bridge', 'host', 'none'].includes(name));
  }

  /** Removes every container and network, stops the daemon, then removes what it left on the host. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const bridges = new Set<string>();
    if (this.#running()) {
      const containers = (await this.api('GET', '/containers/json?all=1').catch(() => undefined))?.json as { Id: string }[] | undefined;
      for (const c of containers ?? []) await this.api('DELETE', `/containers/${c.Id}?force=1&v=1`).catch(() => undefined);
      const networks = (await this.api('GET', '/networks').catch(() => undefined))?.json as { Id: string; Name: string; Options?: Record<string, string> }[] | undefined;
      for (const n of networks ?? []) {
        if (['bridge', 'host', 'none'].includes(n.Name)) continue;
        bridges.add(n.Options?.['com.docker.network.bridge.name'] ?? `br-${n.Id.slice(0, 12)}`);
        await this.api('DELETE', `/networks/${n.Id}`).catch(() => undefined);
      }
      this.#child.kill('SIGTERM');
      const stopped = await Promise.race([this.#exited.then(() => true), sleep(STOP_GRACE_MS, false, { ref: false })]);
      if (!stopped) {
        this.#child.kill('SIGKILL');
        await Promise.race([this.#exited, sleep(STOP_GRACE_MS, undefined, { ref: false })]);
      }
    }
    this.#removeLeftovers(bridges);
  }

  #running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /**
   * After the daemon: its containerd and shims (their command lines name this directory) and any container
   * process in its cgroup parent are killed by PID; then its mounts, bridges, cgroups and files go.
   */
  #removeLeftovers(bridges: Set<string>): void {
    for (const pid of processesMentioning(this.dir)) killNow(pid);
    for (const pid of processesInCgroup(this.#cgroupParent)) killNow(pid);
    for (const point of mountPointsUnderNow(this.dir)) runNow('umount', ['-l', point]);
    for (const bridge of bridges) if (existsSync(`/sys/class/net/${bridge}`)) runNow('ip', ['link', 'delete', bridge]);
    removeCgroupTree(this.#cgroupParent);
    rmSync(this.dir, { recursive: true, force: true });
    if (!this.#trustKeyExisted) rmSync(TRUST_KEY, { force: true });
  }
}
