// Where a task's image comes from. An ECR reference (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`
// or `@sha256:…`, or the `.localhost` form) or the registry's own address (`127.0.0.1:<port>/<repo>`)
// resolves through the registry's records (src/registry/records.ts) to a manifest kept in the store,
// and its blobs are read straight from the BlobStore on disk: no HTTP, no copy. Any other reference
// is pulled from the registry it names (remote-registry.ts), when remote pulls are on.
import { Readable } from 'node:stream';
import { systemClock, type Clock } from '../../platform/clock.ts';
import { cryptoIds, type IdSource } from '../../platform/ids.ts';
import type { BlobStore } from '../../registry/blob-store.ts';
import { scopeOfHost, type RegistryAddressing } from '../../registry/host.ts';
import { getImage, getTag, recordCachedImage } from '../../registry/records.ts';
import type { Scope, Store } from '../../store/store.ts';
import { InvalidReferenceError, parseImageReference, type ImageReference } from './image-reference.ts';
import type { ImageStore, PulledImage } from './image-store.ts';
import { assertDigest, ImageNotFoundError, type BlobSource, type Descriptor } from './oci.ts';
import { hostPlatform } from './platform.ts';
import { RegistryAuthorizer } from './registry-auth.ts';
import { DEFAULT_REMOTE_TIMEOUTS, RemoteBlobSource, type RemoteRegistryDeps, type RemoteTimeouts } from './remote-registry.ts';

/** ECS's image pull failure, message in containerd's words through the ECS agent (ecs-behaviour.md §1). */
export class CannotPullContainerError extends Error {
  override readonly name = 'CannotPullContainerError';
  readonly code = 'BTH_CANNOT_PULL_CONTAINER';
  constructor(reference: string, detail: string) {
    super(`CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${reference}: ${detail}`);
  }
}

export { parseImageReference, type ImageReference } from './image-reference.ts';

/** The reference a task definition names, parsed; a malformed one is the pull failure ECS reports for it. */
export function pullReference(image: string): ImageReference {
  try {
    return parseImageReference(image);
  } catch (error) {
    if (error instanceof InvalidReferenceError) throw new CannotPullContainerError(image, error.message);
    throw error;
  }
}

const ECR_HOST = /^\d{12}\.dkr\.ecr\.[a-z]{2}(?:-[a-z]+)+-\d\.(?:amazonaws\.com|localhost)(?::\d+)?$/;

/** Where in Berth's registry a reference points, or undefined when it names another registry. */
export function registryLocation(image: ImageReference, addressing: RegistryAddressing): { scope: Scope; repository: string } | undefined {
  const host = image.host.toLowerCase();
  const port = addressing.endpoint().slice(addressing.endpoint().lastIndexOf(':') + 1);
  const own = [addressing.endpoint(), `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`];
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

export interface RegistryImagesOptions {
  store: Store;
  blobs: BlobStore;
  images: ImageStore;
  addressing: RegistryAddressing;
  /**
   * settings.remotePulls: pull references to other registries over the network. Off — the default
   * here, so that nothing reaches the network unless main.ts says so — they fail with
   * CannotPullContainerError saying remote pulls are disabled.
   */
  remotePulls?: boolean;
  ids?: IdSource;
  clock?: Clock;
  remoteTimeouts?: Partial<RemoteTimeouts>;
}

/**
 * The task runner's image source: pulls a task definition's image into the ImageStore — from Berth's
 * registry when the reference names it, else from the registry it names over the network (when
 * remote pulls are on). Rejects with CannotPullContainerError, in ECS's words, when it cannot.
 */
export class RegistryImages {
  readonly #store: Store;
  readonly #blobs: BlobStore;
  readonly #images: ImageStore;
  readonly #addressing: RegistryAddressing;
  readonly #remotePulls: boolean;
  /** What every remote source shares: ids, timeouts, tokens, downloads in flight. */
  readonly #remote: RemoteRegistryDeps;

  constructor(options: RegistryImagesOptions) {
    this.#store = options.store;
    this.#blobs = options.blobs;
    this.#images = options.images;
    this.#addressing = options.addressing;
    this.#remotePulls = options.remotePulls ?? false;
    const timeouts = { ...DEFAULT_REMOTE_TIMEOUTS, ...options.remoteTimeouts };
    // A token response is small: its deadline is the header bound plus a second.
    const http = { headersTimeoutMs: timeouts.headersMs, idleTimeoutMs: timeouts.idleMs, totalTimeoutMs: timeouts.headersMs + 1000 };
    this.#remote = {
      blobs: options.blobs, ids: options.ids ?? cryptoIds, timeouts, platform: hostPlatform(), downloads: new Map(),
      authorizer: new RegistryAuthorizer({ clock: options.clock ?? systemClock, http }),
    };
  }

  /** The ECR repository of Berth's registry that `image` names (by its ECR name or the registry's own address), if any. */
  locate(image: string): { registryId: string; repositoryName: string; region: string } | undefined {
    let ref: ImageReference;
    try {
      ref = parseImageReference(image);
    } catch {
      return undefined;
    }
    const location = registryLocation(ref, this.#addressing);
    return location ? { registryId: location.scope.account, repositoryName: location.repository, region: location.scope.region } : undefined;
  }

  async pull(image: string): Promise<PulledImage> {
    const ref = pullReference(image);
    const location = registryLocation(ref, this.#addressing);
    if (!location && !this.#remotePulls) {
      throw new CannotPullContainerError(ref.canonical, `remote pulls are disabled on this Berth (--remote-pulls false): only images in Berth's own registry can run, and ${ref.host} is another registry`);
    }
    try {
      if (location) return await this.#images.pull(new RegistryBlobSource(this.#store, this.#blobs, location.scope, location.repository), ref.reference);
      return await this.#pullRemote(ref);
    } catch (error) {
      const detail = error instanceof ImageNotFoundError ? `${ref.canonical}: not found` : error instanceof Error ? error.message : String(error);
      throw new CannotPullContainerError(ref.canonical, detail);
    }
  }

  /** Pulls from another registry, then keeps the image's blobs out of garbage collection: they are the pull cache. */
  async #pullRemote(ref: ImageReference): Promise<PulledImage> {
    const source = new RemoteBlobSource(ref, this.#remote);
    const pulled = await this.#images.pull(source, ref.reference);
    await this.#store.write((tx) => recordCachedImage(tx, `${ref.host}/${ref.repository}@${pulled.manifestDigest}`, source.digests()));
    return pulled;
  }
}
