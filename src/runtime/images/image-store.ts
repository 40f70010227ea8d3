// The runtime's image store: reads an image from a BlobSource, unpacks each layer once per digest
// under <dataDir>/runtime/layers/, and builds each container's rootfs as an overlayfs mount.
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { IdSource } from '../../platform/ids.ts';
import { runChecked, type ProcessRunner } from '../../platform/processes.ts';
import { CommandWhiteoutWriter, unpackLayer, type WhiteoutWriter } from './layer-unpack.ts';
import { assertDigest, MEDIA, type BlobSource, type Descriptor, type ImageConfig, type ImageIndex,
  type ImageManifest } from './oci.ts';

export interface PulledImage {
  manifestDigest: string;
  config: ImageConfig;
  /** Unpacked layer directories, bottom layer first (manifest order); empty when an engine keeps the layers (Docker driver). */
  layerDirs: string[];
  /** Docker driver: the reference the engine pulled the image as (its containers are created from it). */
  engineReference?: string;
}

export interface ImageStoreOptions {
  dataDir: string;
  processes: ProcessRunner;
  ids: IdSource;
  whiteouts?: WhiteoutWriter;
  /** GOARCH of the host, to pick a manifest from a multi-arch index. */
  architecture?: string;
}

// Manifests and configs are small; a larger "manifest" is not one.
const MAX_JSON_BLOB = 4 * 1024 * 1024;

/**
 * Kernel facts for the overlay mount (Documentation/filesystems/overlayfs.rst, fs/overlayfs):
 * - lowerdir lists layers top first, separated by ':' — so layer directories are named
 *   `sha256/<hex>`, never `sha256:<hex>`.
 * - overlayfs stacks at most 500 lower layers (OVL_MAX_STACK), but mount(2) copies the option
 *   string into one page (4096 bytes), which is the limit first reached. Paths are passed relative
 *   to the layers directory (mount runs with that cwd; the kernel resolves them there) to fit ~55
 *   layers; the new mount API's `lowerdir+` (Linux 6.5+) would lift it.
 * - upperdir and workdir must be on the same filesystem, and not on an overlayfs.
 */
const MOUNT_DATA_LIMIT = 4095;

export class ImageStore {
  readonly #layersDir: string;
  readonly #tmpDir: string;
  readonly #processes: ProcessRunner;
  readonly #ids: IdSource;
  readonly #whiteouts: WhiteoutWriter;
  readonly #architecture: string;
  /** Unpacks in flight by digest, so concurrent pulls of one image unpack each layer once. */
  readonly #unpacking = new Map<string, Promise<string>>();

  constructor(options: ImageStoreOptions) {
    this.#layersDir = join(options.dataDir, 'runtime', 'layers');
    this.#tmpDir = join(options.dataDir, 'runtime', 'tmp');
    this.#processes = options.processes;
    this.#ids = options.ids;
    this.#whiteouts = options.whiteouts ?? new CommandWhiteoutWriter(options.processes);
    this.#architecture = options.architecture ?? (process.arch === 'x64' ? 'amd64' : process.arch);
  }

  /** Resolves `reference` in `source`, verifies every blob it reads, and unpacks missing layers. */
  async pull(source: BlobSource, reference: string): Promise<PulledImage> {
    let descriptor = await source.resolve(reference);
    if (descriptor.mediaType === MEDIA.ociIndex || descriptor.mediaType === MEDIA.dockerList) {
      const index = await readJsonBlob<ImageIndex>(source, descriptor);
      const match = index.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === this.#architecture);
      if (!match) throw new Error(`image ${reference} has no linux/${this.#architecture} manifest`);
      descriptor = match;
    }
    const manifest = await readJsonBlob<ImageManifest>(source, descriptor);
    const config = await readJsonBlob<ImageConfig>(source, manifest.config);
    const layerDirs: string[] = [];
    for (const layer of manifest.layers) layerDirs.push(await this.#ensureLayer(source, layer));
    return { manifestDigest: descriptor.digest, config, layerDirs };
  }

  /** The directory a layer digest unpacks to, `<dataDir>/runtime/layers/sha256/<hex>`. */
  layerDir(digest: string): string {
    return join(this.#layersDir, ...assertDigest(digest).split(':'));
  }

  #ensureLayer(source: BlobSource, layer: Descriptor): Promise<string> {
    const pending = this.#unpacking.get(layer.digest);
    if (pending) return pending;
    const work = this.#unpackOnce(source, layer).finally(() => this.#unpacking.delete(layer.digest));
    this.#unpacking.set(layer.digest, work);
    return work;
  }

  async #unpackOnce(source: BlobSource, layer: Descriptor): Promise<string> {
    const final = this.layerDir(layer.digest);
    if (await exists(final)) return final;
    // Unpack beside, then rename: a layer directory exists only when complete, even after a crash.
    const tmp = join(this.#tmpDir, `layer-${this.#ids.uuid()}`);
    await mkdir(tmp, { recursive: true });
    try {
      await unpackLayer(source.open(layer.digest), layer.digest, tmp, this.#whiteouts);
      await mkdir(join(final, '..'), { recursive: true });
      await rename(tmp, final);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      // Another Berth process finished the same layer first: theirs is as good as ours.
      if (await exists(final)) return final;
      throw err;
    }
    return final;
  }

  /**
   * Mounts the container's rootfs at `<containerDir>/rootfs`: the image's layers read-only below,
   * `<containerDir>/upper` and `work` for the container's writes. Returns the rootfs path.
   */
  async mountRootfs(containerDir: string, image: PulledImage): Promise<string> {
    const rootfs = join(containerDir, 'rootfs');
    const upper = join(containerDir, 'upper');
    const work = join(containerDir, 'work');
    for (const dir of [rootfs, upper, work]) await mkdir(dir, { recursive: true });
    let lowers = [...image.layerDirs].reverse().map((dir) => relativeTo(this.#layersDir, dir));
    if (lowers.length === 0) {
      // overlayfs needs at least one lowerdir; an image with no layers gets an empty one.
      const empty = join(containerDir, 'empty');
      await mkdir(empty, { recursive: true });
      lowers = [empty];
    }
    const data = `lowerdir=${lowers.join(':')},upperdir=${upper},workdir=${work}`;
    if (data.length > MOUNT_DATA_LIMIT) throw new Error(`image has too many layers for one overlay mount (${lowers.length})`);
    await mkdir(this.#layersDir, { recursive: true });
    await runChecked(this.#processes, 'mount', ['-t', 'overlay', 'overlay', '-o', data, rootfs], { cwd: this.#layersDir });
    return rootfs;
  }

  /** Unmounts the rootfs (if mounted) and removes the container's directory. */
  async removeRootfs(containerDir: string): Promise<void> {
    const rootfs = join(containerDir, 'rootfs');
    const result = await this.#processes.run('umount', [rootfs]);
    // umount exits 32 for "not mounted", the state a retried removal finds.
    if (result.code !== 0 && !/not mounted|no mount point/i.test(result.stderr)) {
      throw new Error(`umount ${rootfs}: ${result.stderr.trim()}`);
    }
    await rm(containerDir, { recursive: true, force: true });
  }
}

function relativeTo(base: string, dir: string): string {
  return dir.startsWith(`${base}/`) ? dir.slice(base.length + 1) : dir;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function readJsonBlob<T>(source: BlobSource, descriptor: Descriptor): Promise<T> {
  const bytes = await readAll(source.open(descriptor.digest), MAX_JSON_BLOB);
  const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (actual !== descriptor.digest) throw new Error(`blob ${descriptor.digest} has digest ${actual}`);
  return JSON.parse(bytes.toString('utf8')) as T;
}

async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      stream.destroy();
      throw new Error(`blob larger than ${limit} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}
