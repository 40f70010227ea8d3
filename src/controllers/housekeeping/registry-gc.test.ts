// The registry GC chore against a real store and blob store: unreferenced blobs past the grace
// period go; referenced ones and young ones stay.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { BlobStore } from '../../registry/blob-store.ts';
import { DEFAULT_GC_GRACE_MS } from '../../registry/gc.ts';
import { SYSTEM_SCOPE } from '../../services/common/scope.ts';
import { registryGcChore } from './registry-gc.ts';
import { withStore } from './test-store.ts';

async function putBlob(blobs: BlobStore, text: string): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(text).digest('hex')}`;
  await blobs.startUpload(text);
  await blobs.append(text, Readable.from([Buffer.from(text)]));
  await blobs.commit(text, digest);
  return digest;
}

test('unreferenced blobs past the grace period go; referenced and young ones stay', async () => {
  await withStore(async (store, dir) => {
    const blobs = new BlobStore(join(dir, 'registry'));
    const layer = await putBlob(blobs, 'layer');
    const loose = await putBlob(blobs, 'loose');
    // An image in some account references `layer` (what putImage records beside the image).
    await store.write((tx) => tx.put('registry.reference', SYSTEM_SCOPE, { id: '123456789012/us-east-1/app@sha256:0', body: { blobs: [layer] } }));
    const chore = registryGcChore({ store, blobs, intervalMs: 1_800_000 });

    assert.equal(await chore.run(new Date()), 0, 'a just-pushed blob may still get its manifest');
    const later = new Date(Date.now() + DEFAULT_GC_GRACE_MS + 60_000);
    assert.equal(await chore.run(later), 1);
    assert.ok(await blobs.stat(layer));
    assert.equal(await blobs.stat(loose), undefined);
    assert.equal(await chore.run(later), 0);
  });
});
