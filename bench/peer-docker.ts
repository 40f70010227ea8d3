// The docker peer: Debian's docker.io engine, started by the benchmark on its own socket, data root
// and exec root (vfs storage, no bridge, no iptables, no ip_forward change), with the httpd test
// image loaded from the OCI layout; `docker run -d` timed until `docker inspect` says running.
// Everything it made (containers, daemon, its containerd, cgroups, files) is removed at the end.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  killNow, mountPointsUnderNow, processesInCgroup, processesMentioning, removeCgroupTree, run, runNow, runOk,
} from './host-commands.ts';
import { ChildServer } from './servers.ts';
import { pollUntil, type ContainerRuntime, type StartResult } from './task-runtimes.ts';

const IMAGE = 'bthbench/httpd:latest';
const RUNNING_TIMEOUT_MS = 60_000;
const POLL_MS = 20;
/** The cgroup parent of the daemon's containers: the benchmark's own, removed at the end. */
const CGROUP_PARENT = `bthbench-docker-${process.pid}`;
/**
 * dockerd 20.10 writes its libtrust key here on start, whatever its data root, and has no flag to
 * move it (`--deprecated-key-path` came later); removed again when the benchmark's daemon made it.
 */
const TRUST_KEY = '/etc/docker/key.json';
/** Debian's client matches Debian's engine; another `docker` on PATH may be newer than the daemon's API. */
const CLIENT = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

/** Why the docker peer cannot run here (with the install hint), or undefined when it can. */
export async function dockerUnavailable(): Promise<string | undefined> {
  if ((await run('dockerd', ['--version'], 10_000)).code !== 0) return 'dockerd is not installed (apt-get install -y docker.io)';
  if ((await run(CLIENT, ['--version'], 10_000)).code !== 0) return 'the docker client is not installed (apt-get install -y docker.io)';
  if ((await run('skopeo', ['--version'], 10_000)).code !== 0) return 'skopeo is not installed, the image cannot be loaded (apt-get install -y skopeo)';
  return undefined;
}

export class DockerPeer implements ContainerRuntime {
  readonly name = 'docker';
  readonly version: string;
  readonly #dir: string;
  readonly #daemon: ChildServer;
  readonly #host: string;
  readonly #trustKeyExisted: boolean;
  #next = 0;
  #live: string[] = [];

  private constructor(dir: string, daemon: ChildServer, version: string, trustKeyExisted: boolean) {
    this.#dir = dir;
    this.#trustKeyExisted = trustKeyExisted;
    this.#daemon = daemon;
    this.#host = `unix://${join(dir, 'docker.sock')}`;
    this.version = version;
  }

  /**
   * Starts dockerd in a fresh temporary directory and loads the image `tag` of the OCI layout.
   * `onStarted` receives the peer before anything can fail, so its cleanup is registered first.
   */
  static async start(layoutDir: string, tag: string, onStarted: (peer: DockerPeer) => void): Promise<DockerPeer> {
    const dir = mkdtempSync(join(tmpdir(), 'bthbench-docker-'));
    // Its own (empty) configuration, so the host's /etc/docker/daemon.json changes nothing here.
    writeFileSync(join(dir, 'daemon.json'), '{}\n');
    const host = `unix://${join(dir, 'docker.sock')}`;
    const trustKeyExisted = existsSync(TRUST_KEY);
    const child = spawn('dockerd', [
      '--storage-driver=vfs', `--data-root=${join(dir, 'data')}`, `--exec-root=${join(dir, 'exec')}`, `--pidfile=${join(dir, 'dockerd.pid')}`,
      `-H`, host, '--bridge=none', '--iptables=false', '--ip6tables=false', '--ip-forward=false', '--ip-masq=false',
      `--cgroup-parent=/${CGROUP_PARENT}`, `--config-file=${join(dir, 'daemon.json')}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const daemon = new ChildServer('dockerd', host, child);
    const peer = new DockerPeer(dir, daemon, 'unknown', trustKeyExisted);
    onStarted(peer);
    await daemon.waitReady(async () => (await run(CLIENT, ['-H', host, 'version'], 5_000)).code === 0);
    const version = (await runOk(CLIENT, ['-H', host, 'version', '--format', '{{.Server.Version}}'])).trim();
    const archive = join(dir, 'httpd.tar');
    await runOk('skopeo', ['copy', '--quiet', `oci:${layoutDir}:${tag}`, `docker-archive:${archive}:${IMAGE}`], 120_000);
    await runOk(CLIENT, ['-H', host, 'load', '-i', archive], 120_000);
    rmSync(archive, { force: true });
    return Object.assign(peer, { version });
  }

  async start(count: number): Promise<StartResult> {
    const t0 = performance.now();
    const result: StartResult = { latenciesMs: [], failures: [] };
    await Promise.all(Array.from({ length: count }, async () => {
      const name = `bthbench-${process.pid}-${this.#next++}`;
      this.#live.push(name);
      try {
        // --network none: the daemon has no bridge (the benchmark touches no host networking).
        await runOk(CLIENT, ['-H', this.#host, 'run', '-d', '--network', 'none', '--name', name, IMAGE], RUNNING_TIMEOUT_MS);
        const running = await pollUntil(async () => (await runOk(CLIENT, ['-H', this.#host, 'inspect', '-f', '{{.State.Running}}', name])).trim() === 'true',
          RUNNING_TIMEOUT_MS, POLL_MS);
        if (running) result.latenciesMs.push(performance.now() - t0);
        else result.failures.push(`docker container ${name} not running within ${RUNNING_TIMEOUT_MS / 1000} s`);
      } catch (error) {
        result.failures.push(`docker container ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }));
    return result;
  }

  /** `docker rm -f` of every container it started (one call, bounded). */
  async stopAll(): Promise<void> {
    const names = this.#live;
    this.#live = [];
    if (names.length === 0) return;
    const removed = await run(CLIENT, ['-H', this.#host, 'rm', '-f', ...names], 120_000);
    if (removed.code !== 0) throw new Error(`docker rm -f: ${removed.stderr.trim()}`);
  }

  /** Removes its containers, stops the daemon (and the containerd it started), removes its cgroup parent and files. */
  async shutdown(): Promise<void> {
    if (this.#daemon.running) await run(CLIENT, ['-H', this.#host, 'rm', '-f', ...this.#allContainers()], 120_000).catch(() => undefined);
    this.#live = [];
    await this.#daemon.stop();
    this.#afterDaemon();
  }

  /** For process exit: SIGKILL the daemon by PID, then the same removal. */
  shutdownNow(): void {
    this.#daemon.killNow();
    this.#afterDaemon();
  }

  #allContainers(): string[] {
    return [...this.#live, ...Array.from({ length: this.#next }, (_, i) => `bthbench-${process.pid}-${i}`)].filter((v, i, a) => a.indexOf(v) === i);
  }

  /**
   * After the daemon is gone: processes it left (its containerd and shims, found by this run's
   * temporary directory in their command line; container processes, found in its cgroup parent)
   * are killed by PID, then its mounts, cgroups and files are removed.
   */
  #afterDaemon(): void {
    for (const pid of processesMentioning(this.#dir)) killNow(pid);
    for (const pid of processesInCgroup(CGROUP_PARENT)) killNow(pid);
    for (const point of mountPointsUnderNow(this.#dir)) runNow('umount', ['-l', point]);
    removeCgroupTree(CGROUP_PARENT);
    rmSync(this.#dir, { recursive: true, force: true });
    if (!this.#trustKeyExisted) rmSync(TRUST_KEY, { force: true });
  }
}
