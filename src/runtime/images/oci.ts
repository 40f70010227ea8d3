// What the runtime reads of an OCI image (image-spec v1.1): descriptors, manifests, indexes and the
// image config; and BlobSource, the one interface through which image content arrives.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string; variant?: string };
}

export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
}

/** The `config` member of an image config: the defaults a container starts with. */
export interface ImageRunDefaults {
  User?: string;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  StopSignal?: string;
}

export interface ImageConfig {
  architecture: string;
  os: string;
  config?: ImageRunDefaults;
  rootfs: { type: 'layers'; diff_ids: string[] };
}

/**
 * Where image content comes from: an OCI layout on disk, Berth's registry, or a remote registry.
 * Implementations verify nothing; the image store checks every digest it reads.
 */
export interface BlobSource {
  /** The descriptor a reference (tag or `sha256:` digest) names: a manifest or an index. */
  resolve(reference: string): Promise<Descriptor>;
  /** The blob's bytes as a stream; a missing blob errors the stream with code ENOENT. */
  open(digest: string): Readable;
}

export class ImageNotFoundError extends Error {
  override readonly name = 'ImageNotFoundError';
  readonly code = 'BTH_IMAGE_NOT_FOUND';
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Throws unless `digest` is a well-formed sha256 digest (it becomes part of file paths). */
export function assertDigest(digest: string): string {
  if (!DIGEST.test(digest)) throw new Error(`unsupported or malformed digest: ${digest}`);
  return digest;
}

/** Reads an OCI image layout directory ("image-layout.md"): index.json names images by tag. */
export class OciLayoutSource implements BlobSource {
  readonly #dir: string;
  constructor(dir: string) {
    this.#dir = dir;
  }

  async resolve(reference: string): Promise<Descriptor> {
    const index = JSON.parse(await readFile(join(this.#dir, 'index.json'), 'utf8')) as ImageIndex;
    const found = index.manifests.find((d) => d.digest === reference
      || d.annotations?.['org.opencontainers.image.ref.name'] === reference);
    if (!found) throw new ImageNotFoundError(`${reference} not found in OCI layout ${this.#dir}`);
    return found;
  }

  open(digest: string): Readable {
    return createReadStream(join(this.#dir, 'blobs', 'sha256', assertDigest(digest).slice('sha256:'.length)));
  }
}
