// One repository of another registry (docker.io, public.ecr.aws, ghcr.io, any host[:port]) as a
// BlobSource, over the OCI distribution protocol: the manifest by tag or digest (an index resolved
// to the host's platform), then config and layers as blobs, every digest verified. Everything
// fetched is kept in Berth's BlobStore by digest, so pulling a digest again makes no request for
// it; a tag costs one manifest GET, since tags move. Failures carry containerd's texts.
import { createHash } from 'node:crypto';
import { pipeline, Readable, Transform } from 'node:stream';
import type { IdSource } from '../../platform/ids.ts';
import type { BlobStore } from '../../registry/blob-store.ts';
import { registryBaseUrl, type ImageReference } from './image-reference.ts';
import { MEDIA, ImageNotFoundError, type BlobSource, type Descriptor, type ImageIndex, type ImageManifest } from './oci.ts';
import { pickManifest, type Platform } from './platform.ts';
import { parseChallenges, readLimited, TooLargeError, type RegistryAuthorizer } from './registry-auth.ts';
import { httpGet, RemoteHttpError, type HttpResponse } from './remote-http.ts';

export interface RemoteTimeouts {
  /** Connecting and receiving response headers (containerd's dialer and Go's header timeouts are 30 s). */
  headersMs: number;
  /** The longest pause in a body. */
  idleMs: number;
  /** The slowest average rate a blob may arrive at: a blob's deadline is headersMs + size / rate. */
  minBytesPerSecond: number;
}

export const DEFAULT_REMOTE_TIMEOUTS: RemoteTimeouts = { headersMs: 30_000, idleMs: 30_000, minBytesPerSecond: 256 * 1024 };

export interface RemoteRegistryDeps {
  blobs: BlobStore;
  ids: IdSource;
  authorizer: RegistryAuthorizer;
  timeouts: RemoteTimeouts;
  platform: Platform;
  /** Blob downloads in flight by digest, shared by every source, so concurrent pulls fetch a blob once. */
  downloads: Map<string, Promise<void>>;
}

/** A remote pull failure; the message is the detail of CannotPullContainerError. */
export class RemotePullError extends Error {
  override readonly name = 'RemotePullError';
  readonly code = 'BTH_REMOTE_PULL';
}

/** containerd's MaxManifestSize (remotes/docker/resolver.go): 4 MiB. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Indexes of indexes are allowed; this bounds the nesting. */
const MAX_INDEX_DEPTH = 4;
/** What containerd sends when resolving. */
const ACCEPT = [MEDIA.dockerManifest, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.ociIndex, '*/*'].join(', ');
const INDEX_TYPES: readonly string[] = [MEDIA.ociIndex, MEDIA.dockerList];
const MANIFEST_TYPES: readonly string[] = [MEDIA.ociManifest, MEDIA.dockerManifest, ...INDEX_TYPES];
const DIGEST = /^sha256:[0-9a-f]{64}$/;

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** containerd's texts (content store commit) when fetched bytes are not what the descriptor names. */
const digestMismatch = (kind: string, expected: string, actual: string) =>
  new RemotePullError(`failed commit on ref "${kind}-${expected}": unexpected commit digest ${actual}, expected ${expected}: failed precondition`);
const sizeMismatch = (kind: string, digest: string, actual: number, expected: number) =>
  new RemotePullError(`failed commit on ref "${kind}-${digest}": unexpected commit size ${actual}, expected ${expected}: failed precondition`);

interface Expected {
  kind: 'config' | 'layer';
  size: number;
  mediaType: string;
}

export class RemoteBlobSource implements BlobSource {
  readonly #ref: ImageReference;
  readonly #deps: RemoteRegistryDeps;
  readonly #base: string;
  /** Config and layers of the resolved manifest: what open() may fetch, and how big each is. */
  readonly #expected = new Map<string, Expected>();
  /** Digests of the image as resolved (indexes, manifest, config, layers). */
  readonly #digests = new Set<string>();

  constructor(ref: ImageReference, deps: RemoteRegistryDeps) {
    this.#ref = ref;
    this.#deps = deps;
    this.#base = registryBaseUrl(ref.host);
  }

  /** Every digest the resolved image is made of (for the cache's garbage-collection references). */
  digests(): string[] {
    return [...this.#digests];
  }

  async resolve(reference: string): Promise<Descriptor> {
    let current = await this.#manifest(reference, true);
    for (let depth = 0; INDEX_TYPES.includes(current.mediaType); depth++) {
      if (depth >= MAX_INDEX_DEPTH) throw new RemotePullError(`image index nested deeper than ${MAX_INDEX_DEPTH} levels`);
      const index = parseJson<ImageIndex>(current.bytes);
      const picked = pickManifest(Array.isArray(index.manifests) ? index.manifests : [], this.#deps.platform);
      // containerd's text when no entry fits the host.
      if (!picked || !DIGEST.test(picked.digest)) throw new RemotePullError('no match for platform in manifest: not found');
      current = await this.#manifest(picked.digest, false);
    }
    const manifest = parseJson<ImageManifest>(current.bytes);
    if (!manifest.config || !Array.isArray(manifest.layers)) throw new RemotePullError(`manifest ${current.digest} has no config or layers`);
    const blobs: [Expected['kind'], Descriptor][] = [['config', manifest.config], ...manifest.layers.map((l): [Expected['kind'], Descriptor] => ['layer', l])];
    for (const [kind, d] of blobs) {
      if (typeof d.digest !== 'string' || !DIGEST.test(d.digest) || typeof d.size !== 'number' || d.size < 0) {
        throw new RemotePullError(`manifest ${current.digest} has a descriptor without a valid sha256 digest and size`);
      }
      this.#expected.set(d.digest, { kind, size: d.size, mediaType: String(d.mediaType) });
      this.#digests.add(d.digest);
    }
    return { mediaType: current.mediaType, digest: current.digest, size: current.bytes.length };
  }

  open(digest: string): Readable {
    return Readable.from(this.#read(digest), { objectMode: false });
  }

  async *#read(digest: string): AsyncGenerator<Buffer> {
    await this.#ensureBlob(digest);
    for await (const chunk of this.#deps.blobs.read(digest)) yield chunk as Buffer;
  }

  /** A manifest or index by tag or digest: from the blob store when the digest is there, else fetched. */
  async #manifest(reference: string, top: boolean): Promise<{ digest: string; mediaType: string; bytes: Buffer }> {
    const byDigest = reference.startsWith('sha256:');
    if (byDigest && (await this.#deps.blobs.stat(reference))) {
      const bytes = await readLimited(this.#deps.blobs.read(reference), MAX_MANIFEST_BYTES);
      this.#digests.add(reference);
      return { digest: reference, mediaType: mediaTypeOf(undefined, bytes), bytes };
    }
    const url = `${this.#base}/v2/${this.#ref.repository}/manifests/${reference}`;
    const response = await this.#get(url, { accept: ACCEPT }, MAX_MANIFEST_BYTES);
    if (response.status === 404) {
      response.body.resume();
      // containerd: "<ref>: not found" (the runtime prints the canonical reference).
      if (top) throw new ImageNotFoundError(`${this.#ref.canonical}: not found`);
      throw new RemotePullError(`${this.#ref.host}/${this.#ref.repository}@${reference}: not found`);
    }
    const bytes = await this.#body(response, MAX_MANIFEST_BYTES, (size) =>
      new RemotePullError(`rejecting ${size} byte manifest for ${this.#ref.canonical}: not found`));
    const digest = sha256(bytes);
    if (byDigest && digest !== reference) throw digestMismatch('manifest', reference, digest);
    const announced = response.headers['docker-content-digest'];
    if (!byDigest && typeof announced === 'string' && DIGEST.test(announced) && announced !== digest) throw digestMismatch('manifest', announced, digest);
    const contentType = typeof response.headers['content-type'] === 'string' ? response.headers['content-type'] : undefined;
    const mediaType = mediaTypeOf(contentType, bytes);
    await this.#store(digest, Readable.from([bytes]), 'manifest', bytes.length);
    this.#digests.add(digest);
    return { digest, mediaType, bytes };
  }

  #ensureBlob(digest: string): Promise<void> {
    const pending = this.#deps.downloads.get(digest);
    if (pending) return pending;
    const work = (async () => {
      if (await this.#deps.blobs.stat(digest)) return;
      await this.#download(digest);
    })().finally(() => this.#deps.downloads.delete(digest));
    this.#deps.downloads.set(digest, work);
    return work;
  }

  async #download(digest: string): Promise<void> {
    const expected = this.#expected.get(digest);
    // The image store opens only what resolve() listed; anything else is a programming error.
    if (!expected) throw new RemotePullError(`blob ${digest} is not part of the resolved image`);
    const response = await this.#get(`${this.#base}/v2/${this.#ref.repository}/blobs/${digest}`, {}, expected.size);
    if (response.status === 404) {
      response.body.resume();
      // containerd's fetcher text.
      throw new RemotePullError(`could not fetch content descriptor ${digest} (${expected.mediaType}) from remote: not found`);
    }
    if (response.status < 200 || response.status > 299) throw unexpected(response);
    await this.#store(digest, response.body, expected.kind, expected.size);
  }

  /** Streams bytes into the blob store; they enter it only when they hash to `digest` (and are not longer than `size`). */
  async #store(digest: string, body: Readable, kind: string, size: number): Promise<void> {
    const hash = createHash('sha256');
    let received = 0;
    const check = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (received > size) {
          done(sizeMismatch(kind, digest, received, size));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const uuid = this.#deps.ids.uuid();
    await this.#deps.blobs.startUpload(uuid);
    try {
      // pipeline() passes an error of either stream on to the other; append() sees it and rejects.
      await this.#deps.blobs.append(uuid, pipeline(body, check, () => undefined));
      if (received !== size) throw sizeMismatch(kind, digest, received, size);
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== digest) throw digestMismatch(kind, digest, actual);
      await this.#deps.blobs.commit(uuid, digest);
    } catch (error) {
      await this.#deps.blobs.cancelUpload(uuid);
      if (error instanceof RemotePullError) throw error;
      throw new RemotePullError(`failed to copy: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * GET with the host's token when it asked for one before. On a 401 the challenge is taken
   * (fetching an anonymous token) and the request retried once; a token refused again with an
   * `error` in its challenge is containerd's "pull access denied". Other answers go to the caller.
   */
  async #get(url: string, headers: Record<string, string>, expectedBytes: number): Promise<HttpResponse> {
    const { host, repository } = this.#ref;
    const { authorizer, timeouts } = this.#deps;
    const options = {
      headersTimeoutMs: timeouts.headersMs, idleTimeoutMs: timeouts.idleMs,
      totalTimeoutMs: timeouts.headersMs + Math.ceil((expectedBytes / timeouts.minBytesPerSecond) * 1000),
    };
    const send = async (authorization: string | undefined) => {
      try {
        return await httpGet(url, { ...options, headers: { ...headers, ...(authorization !== undefined ? { authorization } : {}) } });
      } catch (error) {
        if (error instanceof RemoteHttpError) throw new RemotePullError(`failed to do request: ${error.message}`);
        throw error;
      }
    };
    let sent = await authorizer.authorization(host, repository);
    let response = await send(sent);
    if (response.status !== 401) return response;
    response.body.resume();
    if (sent !== undefined) authorizer.forget(host, repository);
    // A challenge Berth cannot answer (Basic: no credentials): containerd reports the 401 as it came.
    if (!(await authorizer.challenged(host, repository, response.challenges))) throw unexpected(response);
    sent = await authorizer.authorization(host, repository);
    response = await send(sent);
    if (response.status !== 401) return response;
    response.body.resume();
    const refusal = parseChallenges(response.challenges).find((c) => c.scheme === 'bearer')?.params.error;
    if (refusal !== undefined && refusal !== '') {
      throw new RemotePullError(`pull access denied, repository does not exist or may require authorization: server message: ${refusal}: authorization failed`);
    }
    throw unexpected(response);
  }

  async #body(response: HttpResponse, limit: number, tooLarge: (size: number) => Error): Promise<Buffer> {
    if (response.status < 200 || response.status > 299) throw unexpected(response);
    const length = Number(response.headers['content-length']);
    if (Number.isFinite(length) && length > limit) {
      response.body.destroy();
      throw tooLarge(length);
    }
    try {
      return await readLimited(response.body, limit);
    } catch (error) {
      if (error instanceof TooLargeError) throw tooLarge(error.size);
      throw new RemotePullError(`failed to copy: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** containerd's ErrUnexpectedStatus text (the body is dropped). */
function unexpected(response: HttpResponse): RemotePullError {
  response.body.resume();
  return new RemotePullError(`unexpected status from GET request to ${response.url}: ${response.statusLine}`);
}

/**
 * A manifest's media type: the Content-Type when it names one of the four types, else the document's
 * own mediaType, else its shape (OCI lets both omit it). Docker schema 1 is refused, as containerd 2 does.
 */
function mediaTypeOf(contentType: string | undefined, bytes: Buffer): string {
  const header = contentType?.split(';')[0]?.trim().toLowerCase();
  if (header !== undefined && MANIFEST_TYPES.includes(header)) return header;
  const doc = parseJson<{ mediaType?: unknown; manifests?: unknown; schemaVersion?: unknown }>(bytes);
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  if (doc.schemaVersion === 1 || header?.startsWith('application/vnd.docker.distribution.manifest.v1') === true) {
    throw new RemotePullError('Docker Image manifest version 2, schema 1 is not supported: rebuild the image as application/vnd.docker.distribution.manifest.v2+json or application/vnd.oci.image.manifest.v1+json');
  }
  if (declared !== undefined) {
    if (!MANIFEST_TYPES.includes(declared)) throw new RemotePullError(`unsupported manifest media type ${declared}`);
    return declared;
  }
  return Array.isArray(doc.manifests) ? MEDIA.ociIndex : MEDIA.ociManifest;
}

function parseJson<T>(bytes: Buffer): T {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null) throw new Error('not a JSON object');
    return value as T;
  } catch (error) {
    throw new RemotePullError(`failed to parse manifest: ${error instanceof Error ? error.message : String(error)}`);
  }
}
