// How much a task's containers have written: the disk blocks under each container's writable layer
// (the overlay upper directory the runc driver mounts), counted as `du` counts them. The walk is bounded:
// past `maxEntries` files it stops, and the answer is what it counted so far (a lower bound).
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskDiskUsage } from './port.ts';

export interface WritableLayerUsageOptions {
  /** The writable layer of a container (runc driver: `<dataDir>/runtime/containers/<runtimeId>/upper`). */
  writableLayerOf(runtimeId: string): string;
  /** Default 100 000 entries per answer. */
  maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 100_000;
/** st_blocks is in 512-byte units whatever the filesystem's block size (stat(2)). */
const BLOCK = 512;

export class WritableLayerUsage implements TaskDiskUsage {
  readonly #options: WritableLayerUsageOptions;

  constructor(options: WritableLayerUsageOptions) {
    this.#options = options;
  }

  async utilizedBytes(runtimeIds: readonly string[]): Promise<number | undefined> {
    let total = 0;
    let measured = false;
    let budget = this.#options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    for (const runtimeId of runtimeIds) {
      const root = this.#options.writableLayerOf(runtimeId);
      const stack = [root];
      while (stack.length > 0 && budget > 0) {
        const path = stack.pop() ?? root;
        const stat = await lstat(path).catch(() => undefined);
        if (!stat) continue;
        measured = true;
        budget -= 1;
        total += stat.blocks * BLOCK;
        if (stat.isDirectory()) {
          const names = await readdir(path).catch(() => [] as string[]);
          for (const name of names) stack.push(join(path, name));
        }
      }
    }
    return measured ? total : undefined;
  }
}
