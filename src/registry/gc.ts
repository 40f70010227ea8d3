// Registry garbage collection: deletes the blobs no image of any account references. A controller
// calls it periodically; blobs younger than the grace period are kept, because a client pushes
// layers before the manifest that references them.
import type { Store } from '../store/store.ts';
import type { BlobStore } from './blob-store.ts';
import { referencedBlobs } from './records.ts';

/** Docker pushes all layers and then the manifest; an hour covers a slow push of a large image. */
export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000;

export interface GcResult {
  deleted: string[];
  kept: number;
}

export async function collectGarbage(store: Store, blobs: BlobStore, now: Date, graceMs = DEFAULT_GC_GRACE_MS): Promise<GcResult> {
  const referenced = await store.read((tx) => referencedBlobs(tx));
  const deleted: string[] = [];
  let kept = 0;
  for (const digest of await blobs.list()) {
    const info = await blobs.stat(digest);
    const young = info !== undefined && now.getTime() - info.modifiedAt.getTime() < graceMs;
    if (referenced.has(digest) || young) {
      kept++;
      continue;
    }
    if (await blobs.delete(digest)) deleted.push(digest);
  }
  return { deleted, kept };
}
