// Images from Berth's own registry: an ECR reference (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`
// or `@sha256:…`, or the `.localhost` form) or the registry's own address (`127.0.0.1:<port>/<repo>`)
// resolves through the registry's records (src/registry/records.ts) to a manifest kept in the store,
// and its blobs are read straight from the BlobStore on disk: no HTTP, no copy.
import { Readable } from 'node:stream';
import type { BlobStore } from '../../registry/blob-store.ts';
import { scopeOfHost, type RegistryAddressing } from '../../registry/host.ts';
import { getImage, getTag } from '../../registry/records.ts';
import type { Scope, Store } from '../../store/store.ts';
import type { ImageStore, PulledImage } from './image-store.ts';
import { assertDigest, ImageNotFoundError, type BlobSource, type Descriptor } from './oci.ts';

/** ECS's image pull failure, message in containerd's words through the ECS agent (ecs-behaviour.md §1). */
export class CannotPullContainerError extends Error {
  override readonly name = 'CannotPullContainerError';
  readonly code = 'BTH_CANNOT_PULL_CONTAINER';
  constructor(reference: string, detail: string) {
    super(`CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${reference}: ${detail}`);
  }
}

export interface ImageReference {
  /** The registry host as written (`docker.io` when the reference names none). */
  host: string;
  repository: string;
  /** A tag or a `sha256:` digest (`latest` when the reference names neither). */
  reference: string;
  /** The fully qualified form containerd reports (`docker.io/library/httpd:2.4`). */
  canonical: string;
}

/** Splits an image reference the way Docker does: a first component with `.` or `:` (or `localhost`) is a host. */
export function parseImageReference(image: string): ImageReference {
  let rest = image;
  let reference = 'latest';
  const at = rest.indexOf('@');
  if (at >= 0) {
    reference = rest.slice(at + 1);
    rest = rest.slice(0, at);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      reference = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasHost = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const host = hasHost ? first : 'docker.io';
  let repository = hasHost ? rest.slice(slash + 1) : rest;
  if (host === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  const separator = reference.startsWith('sha256:') ? '@' : ':';
  return { host, repository, reference, canonical: `${host}/${repository}${separator}${reference}` };
}

const ECR_HOST = /^\d{12}\.dkr\.ecr\.[a-z]{2}(?:-[a-z]+)+-\d\.(?:amazonaws\.com|localhost)(?::\d+)?$/;

/** Where in Berth's registry a reference points, or undefined when it names another registry. */
export function registryLocation(image: ImageReference, addressing: RegistryAddressing): { scope: Scope; repository: string } | undefined {
  const host = image.host.toLowerCase();
  const port = addressing.endpoint().slice(addressing.endpoint().lastIndexOf(':') + 1);
  const own = [addressing.endpoint(), `localhost:${port}`, `127.0.0.1:${port}`];
  if (!ECR_HOST.test(host) && !own.includes(host)) return undefined;
  return { scope: scopeOfHost(host, addressing), repository: image.repository };
}

/** One repository of Berth's registry as a BlobSource: manifests from the store, blobs from disk. */
export class RegistryBlobSource implements BlobSource {
  readonly #store: Store;
  readonly #blobs: BlobStore;
  readonly #scope: Scope;
  readonly #repository: string;

  constructor(store: Store, blobs: BlobStore, scope: Scope, repository: string) {
    this.#store = store;
    this.#blobs = blobs;
    this.#scope = scope;
    this.#repository = repository;
  }

  async resolve(reference: string): Promise<Descriptor> {
    const image = await this.#store.read(async (tx) => {
      const digest = reference.startsWith('sha256:') ? reference : (await getTag(tx, this.#scope, this.#repository, reference))?.digest;
      return digest === undefined ? undefined : getImage(tx, this.#scope, this.#repository, digest);
    });
    if (!image) throw new ImageNotFoundError(`${this.#repository}:${reference}: not found`);
    return { mediaType: image.mediaType, digest: image.digest, size: image.manifest.length };
  }

  open(digest: string): Readable {
    return Readable.from(this.#bytes(assertDigest(digest)), { objectMode: false });
  }

  /** A manifest (an index's children too) is kept in the store, everything else in the blob store. */
  async *#bytes(digest: string): AsyncGenerator<Buffer> {
    const image = await this.#store.read((tx) => getImage(tx, this.#scope, this.#repository, digest));
    if (image) {
      yield image.manifest;
      return;
    }
    for await (const chunk of this.#blobs.read(digest)) yield chunk as Buffer;
  }
}

/**
 * The task runner's image source: pulls references to Berth's registry into the ImageStore.
 * Rejects with CannotPullContainerError for anything else — Berth does not reach other registries
 * yet (src/runtime/LIMITATIONS.md) — and for an image the registry does not have.
 */
export class RegistryImages {
  readonly #store: Store;
  readonly #blobs: BlobStore;
  readonly #images: ImageStore;
  readonly #addressing: RegistryAddressing;

  constructor(options: { store: Store; blobs: BlobStore; images: ImageStore; addressing: RegistryAddressing }) {
    this.#store = options.store;
    this.#blobs = options.blobs;
    this.#images = options.images;
    this.#addressing = options.addressing;
  }

  async pull(image: string): Promise<PulledImage> {
    const ref = parseImageReference(image);
    const location = registryLocation(ref, this.#addressing);
    if (!location) {
      throw new CannotPullContainerError(ref.canonical, `Berth pulls images only from its own registry; ${ref.host} cannot be reached from this host`);
    }
    const source = new RegistryBlobSource(this.#store, this.#blobs, location.scope, location.repository);
    try {
      return await this.#images.pull(source, ref.reference);
    } catch (error) {
      const detail = error instanceof ImageNotFoundError ? `${ref.canonical}: not found` : error instanceof Error ? error.message : String(error);
      throw new CannotPullContainerError(ref.canonical, detail);
    }
  }
}
