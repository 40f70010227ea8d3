// Chore: deletes the registry's blobs that no image of any account references (src/registry/gc.ts),
// keeping blobs younger than the grace period because a client pushes layers before their manifest.
import { collectGarbage } from '../../registry/gc.ts';
import type { BlobStore } from '../../registry/blob-store.ts';
import type { Store } from '../../store/store.ts';
import type { Chore } from './chore.ts';

export const REGISTRY_GC_CHORE = 'registry-gc';

export interface RegistryGcChoreOptions {
  store: Store;
  blobs: BlobStore;
  intervalMs: number;
  /** Default: gc.ts DEFAULT_GC_GRACE_MS (an hour). */
  graceMs?: number;
}

/** Answers the number of blobs deleted. */
export function registryGcChore(options: RegistryGcChoreOptions): Chore {
  return {
    name: REGISTRY_GC_CHORE,
    intervalMs: options.intervalMs,
    async run(now) {
      const result = await collectGarbage(options.store, options.blobs, now, options.graceMs);
      return result.deleted.length;
    },
  };
}
