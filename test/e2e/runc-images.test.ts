// Test images are deterministic, and the image store applies OCI whiteouts through overlayfs.
import assert from 'node:assert/strict';
import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cryptoIds } from '../../src/platform/ids.ts';
import { NodeProcessRunner } from '../../src/platform/processes.ts';
import { ImageStore } from '../../src/runtime/images/image-store.ts';
import { OciLayoutSource } from '../../src/runtime/images/oci.ts';
import { writeImage } from '../images/oci-layout.ts';
import { busyboxAvailable, buildTestImages } from '../images/test-images.ts';

const root = process.getuid?.() === 0 && process.platform === 'linux';
const reason = !root ? 'overlay mounts need root on Linux' : null;
if (reason && process.env.CI === 'true') throw new Error(`image tests cannot run in CI: ${reason}`);

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'bth-img-'));
  dirs.push(d);
  return d;
}

test('building the test images twice gives the same digests', { skip: !(await busyboxAvailable()) && 'busybox-static missing' }, async () => {
  const a = await buildTestImages(await tempDir());
  const b = await buildTestImages(await tempDir());
  assert.deepEqual(a, b);
});

test('whiteouts and opaque directories hide lower-layer files in the overlay rootfs', { skip: reason ?? false }, async () => {
  const layout = await tempDir();
  const dataDir = await tempDir();
  await writeImage(layout, {
    tag: 'wh', config: { Cmd: ['/x'] },
    layers: [
      [{ path: '/keep', content: 'k' }, { path: '/gone', content: 'g' }, { path: '/cache/old', content: 'o' }],
      [{ path: '/.wh.gone', content: '' }, { path: '/cache/.wh..wh..opq', content: '' }, { path: '/cache/new', content: 'n' }],
    ],
  });
  const processes = new NodeProcessRunner();
  const store = new ImageStore({ dataDir, processes, ids: cryptoIds });
  const image = await store.pull(new OciLayoutSource(layout), 'wh');
  assert.equal((await store.pull(new OciLayoutSource(layout), 'wh')).layerDirs[0], image.layerDirs[0], 'layers are unpacked once');
  const container = join(dataDir, 'c');
  const rootfs = await store.mountRootfs(container, image);
  try {
    assert.equal(await readFile(join(rootfs, 'keep'), 'utf8'), 'k');
    await assert.rejects(access(join(rootfs, 'gone')));
    assert.deepEqual(await readdir(join(rootfs, 'cache')), ['new']);
  } finally {
    await store.removeRootfs(container);
  }
  await assert.rejects(access(container));
});
