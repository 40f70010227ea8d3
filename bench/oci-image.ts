// Reads one tagged image of an OCI layout (the test images the benchmark builds) and unpacks its
// layers into directories, bottom layer first, for the bare-runc peer's overlay rootfs.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extract } from 'tar';
import type { ImageRunDefaults } from '../src/runtime/images/oci.ts';

export interface UnpackedImage {
  config: ImageRunDefaults;
  /** Bottom layer first, as in the manifest. */
  layerDirs: string[];
}

interface Manifest {
  config: { digest: string };
  layers: { digest: string }[];
}

const blobPath = (layoutDir: string, digest: string): string => join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length));

/**
 * Unpacks image `tag` of the layout at `layoutDir` under `intoDir`. The test images have no
 * whiteouts, so plain extraction in order is the image's filesystem (a general image would need
 * whiteout handling, as src/runtime/images/layer-unpack.ts does).
 */
export async function unpackImage(layoutDir: string, tag: string, intoDir: string): Promise<UnpackedImage> {
  const index = JSON.parse(await readFile(join(layoutDir, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (entry === undefined) throw new Error(`image ${tag} is not in the layout at ${layoutDir}`);
  const manifest = JSON.parse(await readFile(blobPath(layoutDir, entry.digest), 'utf8')) as Manifest;
  const imageConfig = JSON.parse(await readFile(blobPath(layoutDir, manifest.config.digest), 'utf8')) as { config?: ImageRunDefaults };
  const layerDirs: string[] = [];
  for (const [i, layer] of manifest.layers.entries()) {
    const dir = join(intoDir, `layer-${i}`);
    await mkdir(dir, { recursive: true });
    await extract({ file: blobPath(layoutDir, layer.digest), cwd: dir, preserveOwner: true });
    layerDirs.push(dir);
  }
  return { config: imageConfig.config ?? {}, layerDirs };
}
