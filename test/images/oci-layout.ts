// Writes OCI image layouts (image-spec "image-layout.md") from files described in code, with no
// Docker engine: gzip tar layers, an image config and a manifest, all content-addressed, so the
// same description always gives the same digests.
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile, lutimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { create as createTar } from 'tar';

/** One entry of a layer: a regular file (content), a symlink (target) or a directory. */
export type LayerEntry =
  | { path: string; content: string | Buffer; mode?: number }
  | { path: string; symlink: string }
  | { path: string; dir: true; mode?: number };

/** The `config` object of an OCI image config ("config.md"): what the runtime reads. */
export interface ImageRunConfig {
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  User?: string;
  StopSignal?: string;
}

export interface ImageDescription {
  /** Bottom layer first, as in a manifest's `layers`. */
  layers: LayerEntry[][];
  config: ImageRunConfig;
  /** The tag recorded as `org.opencontainers.image.ref.name` in index.json. */
  tag: string;
}

export interface WrittenImage {
  manifestDigest: string;
  configDigest: string;
  layerDigests: string[];
}

export const MEDIA_TYPES = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

// Every entry gets this mtime so that a layer's bytes depend only on its description.
const EPOCH = new Date(0);

/**
 * Adds one image to the OCI layout at `dir` (created if missing; index.json keeps earlier
 * images under other tags), and returns its digests.
 */
export async function writeImage(dir: string, image: ImageDescription): Promise<WrittenImage> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const layers: { digest: string; size: number; diffId: string }[] = [];
  for (const entries of image.layers) {
    const { gz, tarBytes } = await buildLayer(entries);
    layers.push({ digest: await putBlob(dir, gz), size: gz.length, diffId: sha256(tarBytes) });
  }
  const config = Buffer.from(JSON.stringify({
    created: EPOCH.toISOString(),
    architecture: goArch(),
    os: 'linux',
    config: image.config,
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
  }));
  const configDigest = await putBlob(dir, config);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: MEDIA_TYPES.config, digest: configDigest, size: config.length },
    layers: layers.map((l) => ({ mediaType: MEDIA_TYPES.layerGzip, digest: l.digest, size: l.size })),
  }));
  const manifestDigest = await putBlob(dir, manifest);
  await addToIndex(dir, { mediaType: MEDIA_TYPES.manifest, digest: manifestDigest, size: manifest.length, tag: image.tag });
  return { manifestDigest, configDigest, layerDigests: layers.map((l) => l.digest) };
}

/** A gzip tar of the entries, built from a staging directory with fixed modes, owners and times. */
async function buildLayer(entries: LayerEntry[]): Promise<{ gz: Buffer; tarBytes: Buffer }> {
  const stage = await mkdtemp(join(tmpdir(), 'bth-layer-'));
  try {
    const paths = new Set<string>();
    for (const entry of entries) {
      const rel = entry.path.replace(/^\/+/, '');
      // Parent directories are listed explicitly so the archive carries their modes.
      for (let parent = dirname(rel); parent !== '.'; parent = dirname(parent)) paths.add(parent);
      paths.add(rel);
      const abs = join(stage, rel);
      await mkdir(dirname(abs), { recursive: true });
      if ('content' in entry) {
        await writeFile(abs, entry.content);
        await chmod(abs, entry.mode ?? 0o644);
      } else if ('symlink' in entry) {
        await symlink(entry.symlink, abs);
      } else {
        await mkdir(abs, { recursive: true });
        await chmod(abs, entry.mode ?? 0o755);
      }
    }
    const sorted = [...paths].sort();
    for (const rel of sorted) {
      const abs = join(stage, rel);
      const st = await lstat(abs);
      if (st.isSymbolicLink()) await lutimes(abs, EPOCH, EPOCH);
      else await utimes(abs, EPOCH, EPOCH);
    }
    const tarBytes = await collect(createTar({ cwd: stage, noDirRecurse: true, noPax: true, mtime: EPOCH,
      // Not `portable` (it masks modes with 022, losing /tmp's 1777); instead the fields that vary
      // by machine and by run (ctime cannot be set with utimes; owners) are pinned before the header.
      onWriteEntry: (e) => {
        if (!e.stat) return;
        e.stat.atime = EPOCH;
        e.stat.ctime = EPOCH;
        e.stat.uid = 0;
        e.stat.gid = 0;
      } }, sorted));
    const gz = await gzipDeterministic(tarBytes);
    return { gz, tarBytes };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

async function collect(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

// node:zlib writes a gzip header with MTIME 0 and OS 3 on every platform, so this is stable.
async function gzipDeterministic(data: Buffer): Promise<Buffer> {
  const { gzipSync } = await import('node:zlib');
  return gzipSync(data, { level: 6 });
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

async function putBlob(dir: string, data: Buffer): Promise<string> {
  const digest = sha256(data);
  await writeFile(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), data);
  return digest;
}

interface IndexEntry { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }

async function addToIndex(dir: string, m: { mediaType: string; digest: string; size: number; tag: string }): Promise<void> {
  const path = join(dir, 'index.json');
  let manifests: IndexEntry[] = [];
  try {
    manifests = (JSON.parse(await readFile(path, 'utf8')) as { manifests: IndexEntry[] }).manifests;
  } catch {
    manifests = [];
  }
  manifests = manifests.filter((e) => e.annotations?.['org.opencontainers.image.ref.name'] !== m.tag);
  manifests.push({ mediaType: m.mediaType, digest: m.digest, size: m.size,
    annotations: { 'org.opencontainers.image.ref.name': m.tag } });
  await writeFile(path, JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
}

function goArch(): string {
  return process.arch === 'x64' ? 'amd64' : process.arch;
}
