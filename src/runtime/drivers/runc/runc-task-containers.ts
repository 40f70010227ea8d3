// A task's containers under runc, as the task runner uses them: the driver for starting, plus
// cleanup by name for what a crashed or restarted Berth left behind (containers `bth-<task id>-…`,
// their rootfs mounts and bundles, the task's cgroup), which no RuncContainer object remembers.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProcessRunner } from '../../../platform/processes.ts';
import type { ImageStore } from '../../images/image-store.ts';
import type { TaskLimits } from './cgroups.ts';
import type { ContainerLaunch, RuncContainer, RuncDriver } from './runc-driver.ts';

export interface RuncTaskContainersOptions {
  dataDir: string;
  driver: RuncDriver;
  images: ImageStore;
  processes: ProcessRunner;
  runc?: string;
}

export class RuncTaskContainers {
  readonly #options: RuncTaskContainersOptions;
  readonly #runc: string;

  constructor(options: RuncTaskContainersOptions) {
    this.#options = options;
    this.#runc = options.runc ?? 'runc';
  }

  createTask(taskId: string, limits: TaskLimits): Promise<void> {
    return this.#options.driver.createTask(taskId, limits);
  }

  start(launch: ContainerLaunch): Promise<RuncContainer> {
    return this.#options.driver.start(launch);
  }

  /** Ids of every runc container named `bth-…` (runc's state dir is host-wide). */
  async list(): Promise<string[]> {
    const result = await this.#options.processes.run(this.#runc, ['list', '-q']);
    if (result.code !== 0) throw new Error(`runc list: ${result.stderr.trim()}`);
    return result.stdout.split('\n').filter((id) => id.startsWith('bth-'));
  }

  /** `runc delete --force` kills and deletes; then each bundle's rootfs is unmounted and removed, then the cgroup. */
  async cleanupTask(taskId: string): Promise<void> {
    const prefix = `bth-${taskId}-`;
    for (const id of (await this.list()).filter((name) => name.startsWith(prefix))) {
      const result = await this.#options.processes.run(this.#runc, ['delete', '--force', id]);
      if (result.code !== 0 && !/does not exist/i.test(result.stderr)) throw new Error(`runc delete ${id}: ${result.stderr.trim()}`);
    }
    const containersDir = join(this.#options.dataDir, 'runtime', 'containers');
    const bundles = await readdir(containersDir).catch(() => [] as string[]);
    for (const name of bundles.filter((entry) => entry.startsWith(prefix))) await this.#options.images.removeRootfs(join(containersDir, name));
    await this.#options.driver.removeTask(taskId);
  }
}
