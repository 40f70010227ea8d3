// The bare-runc peer: per container what Berth's runc driver does for one (an overlay rootfs over
// the image's unpacked layers, /etc/hosts and resolv.conf, the same config.json from Berth's own
// buildRuntimeSpec), then `runc run -d`, timed until `runc state` says running. No task network
// (runc gives the container a fresh network namespace with only lo), no store, no API.
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildRuntimeSpec } from '../src/runtime/drivers/runc/bundle-config.ts';
import { resolveUser } from '../src/runtime/drivers/runc/users.ts';
import { run, runNow, runOk } from './host-commands.ts';
import type { UnpackedImage } from './oci-image.ts';
import { eachLimited, pollUntil, type ContainerRuntime, type StartResult } from './task-runtimes.ts';

const RUNNING_TIMEOUT_MS = 60_000;
const POLL_MS = 20;
const CGROUP_ROOT = '/sys/fs/cgroup';

export class RuncPeer implements ContainerRuntime {
  readonly name = 'runc';
  readonly #image: UnpackedImage;
  readonly #workDir: string;
  /** Container ids are `bthbench-runc-<bench pid>-<n>`: recognisably the benchmark's, unique per run. */
  readonly #prefix = `bthbench-runc-${process.pid}-`;
  #next = 0;
  #live: string[] = [];

  constructor(image: UnpackedImage, workDir: string) {
    this.#image = image;
    this.#workDir = workDir;
  }

  async start(count: number): Promise<StartResult> {
    const t0 = performance.now();
    const result: StartResult = { latenciesMs: [], failures: [] };
    await Promise.all(Array.from({ length: count }, async () => {
      const id = `${this.#prefix}${this.#next++}`;
      this.#live.push(id);
      try {
        await this.#launch(id);
        const running = await pollUntil(async () => (JSON.parse(await runOk('runc', ['state', id])) as { status?: string }).status === 'running',
          RUNNING_TIMEOUT_MS, POLL_MS);
        if (running) result.latenciesMs.push(performance.now() - t0);
        else result.failures.push(`runc container ${id} not running within ${RUNNING_TIMEOUT_MS / 1000} s`);
      } catch (error) {
        result.failures.push(`runc container ${id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }));
    return result;
  }

  async #launch(id: string): Promise<void> {
    const dir = join(this.#workDir, id);
    const rootfs = join(dir, 'rootfs');
    for (const sub of ['rootfs', 'upper', 'work']) await mkdir(join(dir, sub), { recursive: true });
    const lowers = [...this.#image.layerDirs].reverse().join(':');
    await runOk('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lowers},upperdir=${join(dir, 'upper')},workdir=${join(dir, 'work')}`, rootfs]);
    const hostsFile = join(dir, 'hosts');
    const resolvConfFile = join(dir, 'resolv.conf');
    await writeFile(hostsFile, `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
    await writeFile(resolvConfFile, '');
    const user = resolveUser(this.#image.config.User, await readFile(join(rootfs, 'etc/passwd'), 'utf8'), await readFile(join(rootfs, 'etc/group'), 'utf8'));
    const spec = buildRuntimeSpec({
      image: this.#image.config, definition: {}, rootfs, user, hostname: id.slice(0, 63), hostsFile, resolvConfFile,
      cgroupsPath: `/${id}`,
    });
    await writeFile(join(dir, 'config.json'), JSON.stringify(spec, null, 2));
    // `runc run -d` hands the container runc's own stdio: pipes would stay open as long as the
    // container runs, so stdio is /dev/null and runc's errors go to its --log file.
    const log = join(dir, 'runc.log');
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('runc', ['--log', log, 'run', '-d', '--bundle', dir, id], { cwd: dir, stdio: 'ignore' });
      const timer = setTimeout(() => child.kill('SIGKILL'), RUNNING_TIMEOUT_MS);
      child.once('error', () => resolve(null));
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    if (code !== 0) throw new Error(`runc run -d exited ${code}: ${(await readFile(log, 'utf8').catch(() => '')).trim().slice(-500)}`);
  }

  /** `runc delete --force` (SIGKILL and delete), unmount the rootfs, remove the bundle and any cgroup left. */
  async stopAll(): Promise<void> {
    const ids = this.#live;
    this.#live = [];
    const problems: string[] = [];
    await eachLimited(ids, 8, async (id) => {
      const deleted = await run('runc', ['delete', '--force', id]);
      if (deleted.code !== 0 && !/does not exist|not exist/i.test(deleted.stderr)) problems.push(`runc delete ${id}: ${deleted.stderr.trim()}`);
      const rootfs = join(this.#workDir, id, 'rootfs');
      const unmounted = await run('umount', [rootfs]);
      if (unmounted.code !== 0 && !/not mounted|no mount point|No such file/i.test(unmounted.stderr)) problems.push(`umount ${rootfs}: ${unmounted.stderr.trim()}`);
      await rm(join(this.#workDir, id), { recursive: true, force: true });
      for (const hierarchy of cgroupHierarchies()) await rmdir(join(hierarchy, id)).catch(() => undefined);
    });
    if (problems.length > 0) throw new Error(problems.join('; '));
  }

  /** For process exit: the same, synchronously, for whatever is still live. */
  stopAllNow(): void {
    for (const id of this.#live) {
      runNow('runc', ['delete', '--force', id]);
      runNow('umount', ['-l', join(this.#workDir, id, 'rootfs')]);
      rmSync(join(this.#workDir, id), { recursive: true, force: true });
    }
    this.#live = [];
  }
}

/** The cgroup hierarchies runc creates a container's cgroup in: v2's one root, or every v1 controller directory. */
function cgroupHierarchies(): string[] {
  try {
    const entries = readdirSync(CGROUP_ROOT, { withFileTypes: true });
    if (entries.some((e) => e.name === 'cgroup.controllers')) return [CGROUP_ROOT];
    return entries.filter((e) => e.isDirectory()).map((e) => join(CGROUP_ROOT, e.name));
  } catch {
    return [];
  }
}
