// Blob endpoints (OCI distribution-spec "Pulling blobs", "Pushing blobs", "Deleting blobs"):
// HEAD/GET/DELETE /v2/<name>/blobs/<digest>, uploads under /v2/<name>/blobs/uploads/ —
// monolithic (POST ?digest=), chunked (POST, PATCH…, PUT ?digest=), status (GET), cancel
// (DELETE) and cross-repository mount (POST ?mount=&from=).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { IdSource } from '../platform/ids.ts';
import type { Store } from '../store/store.ts';
import type { BlobStore } from './blob-store.ts';
import { blobUnknown, digestInvalid, RegistryError, unsupported, uploadUnknown } from './errors.ts';
import { drain, header, reply } from './http-util.ts';
import { DIGEST_PATTERN } from './manifests.ts';
import { referencedBlobs } from './records.ts';

export interface BlobDeps {
  store: Store;
  ids: IdSource;
  blobs: BlobStore;
}

/** Upload session ids are Berth's UUIDs; anything else is not a session (and never a path). */
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function checkDigest(digest: string | null): string {
  if (digest === null || !DIGEST_PATTERN.test(digest)) throw digestInvalid(digest ?? '');
  return digest;
}

/** The Range header of an upload's progress: inclusive, and `0-0` when nothing arrived yet (as distribution answers). */
const progress = (size: number) => `0-${Math.max(size - 1, 0)}`;

export class BlobHandlers {
  readonly #deps: BlobDeps;

  constructor(deps: BlobDeps) {
    this.#deps = deps;
  }

  async blob(req: IncomingMessage, res: ServerResponse, digestText: string): Promise<void> {
    const method = req.method ?? 'GET';
    const digest = checkDigest(digestText);
    if (method === 'DELETE') return this.#deleteBlob(res, digest);
    if (method !== 'GET' && method !== 'HEAD') throw unsupported(`${method} is not allowed on a blob`);
    const info = await this.#deps.blobs.stat(digest);
    if (!info) throw blobUnknown(digest);
    const headers: Record<string, string> = {
      'docker-content-digest': digest, 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes',
      etag: `"${digest}"`,
    };
    const range = parseRange(header(req, 'range'), info.size);
    if (range === 'invalid') {
      throw new RegistryError('RANGE_INVALID', 416, 'requested range not satisfiable', undefined, { 'content-range': `bytes */${info.size}` });
    }
    const status = range ? 206 : 200;
    if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${info.size}`;
    const length = range ? range.end - range.start + 1 : info.size;
    res.writeHead(status, { 'docker-distribution-api-version': 'registry/2.0', ...headers, 'content-length': String(length) });
    if (method === 'HEAD' || length === 0) {
      res.end();
      return;
    }
    try {
      await pipeline(this.#deps.blobs.read(digest, range), res);
    } catch (error) {
      // A client may stop reading a blob midway (skopeo closes one once it has what it needs): not an error of ours.
      if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE' && res.destroyed) return;
      throw error;
    }
  }

  async #deleteBlob(res: ServerResponse, digest: string): Promise<void> {
    // Blobs are shared by every repository and account: one still referenced by an image must stay.
    const referenced = await this.#deps.store.read((tx) => referencedBlobs(tx));
    if (referenced.has(digest)) throw unsupported('the blob is referenced by an image; delete the image instead');
    if (!(await this.#deps.blobs.delete(digest))) throw blobUnknown(digest);
    reply(res, 202);
  }

  /** POST /v2/<name>/blobs/uploads/ */
  async startUpload(req: IncomingMessage, res: ServerResponse, name: string, url: URL): Promise<void> {
    const mount = url.searchParams.get('mount');
    if (mount !== null) {
      await drain(req);
      // The store is shared, so a blob that exists can be mounted into any repository; when it
      // does not, the spec has the registry fall back to an ordinary upload session (202).
      const digest = checkDigest(mount);
      if (await this.#deps.blobs.stat(digest)) return this.#created(res, name, digest);
    }
    const uuid = this.#deps.ids.uuid();
    await this.#deps.blobs.startUpload(uuid);
    const digest = mount === null ? url.searchParams.get('digest') : null;
    if (digest !== null) {
      // Monolithic upload: the whole blob is this request's body.
      checkDigest(digest);
      await this.#deps.blobs.append(uuid, req);
      await this.#deps.blobs.commit(uuid, digest);
      return this.#created(res, name, digest);
    }
    if (mount === null) await drain(req);
    reply(res, 202, { location: uploadLocation(name, uuid), 'docker-upload-uuid': uuid, range: '0-0' });
  }

  /** PATCH, PUT, GET and DELETE on /v2/<name>/blobs/uploads/<uuid> */
  async upload(req: IncomingMessage, res: ServerResponse, name: string, uuid: string, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const size = UUID_PATTERN.test(uuid) ? await this.#deps.blobs.uploadedSize(uuid) : undefined;
    if (size === undefined) {
      await drain(req);
      throw uploadUnknown(uuid);
    }
    const session = { location: uploadLocation(name, uuid), 'docker-upload-uuid': uuid };
    switch (method) {
      case 'GET':
        reply(res, 204, { ...session, range: progress(size) });
        return;
      case 'DELETE':
        await this.#deps.blobs.cancelUpload(uuid);
        reply(res, 204);
        return;
      case 'PATCH': {
        const contentRange = header(req, 'content-range');
        const start = contentRange === undefined ? size : Number(/^(?:bytes )?(\d+)-\d+$/.exec(contentRange)?.[1] ?? NaN);
        if (start !== size) {
          // Chunks must arrive in order (spec: "416 Requested Range Not Satisfiable" for an out-of-order chunk).
          await drain(req);
          throw new RegistryError('RANGE_INVALID', 416, 'the chunk does not start where the upload stands', { uploaded: size, contentRange },
            { ...session, range: progress(size) });
        }
        await this.#deps.blobs.append(uuid, req);
        const after = (await this.#deps.blobs.uploadedSize(uuid)) ?? size;
        reply(res, 202, { ...session, range: progress(after) });
        return;
      }
      case 'PUT': {
        const digest = url.searchParams.get('digest');
        if (digest === null || !DIGEST_PATTERN.test(digest)) {
          await drain(req);
          throw digestInvalid(digest ?? '');
        }
        await this.#deps.blobs.append(uuid, req);
        await this.#deps.blobs.commit(uuid, digest);
        return this.#created(res, name, digest);
      }
      default:
        await drain(req);
        throw unsupported(`${method} is not allowed on an upload`);
    }
  }

  #created(res: ServerResponse, name: string, digest: string): void {
    reply(res, 201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest });
  }
}

function uploadLocation(name: string, uuid: string): string {
  return `/v2/${name}/blobs/uploads/${uuid}`;
}

/** One `bytes=a-b` (or `a-`, or `-n`) range, undefined without a Range header, 'invalid' if it cannot be served. */
function parseRange(value: string | undefined, size: number): { start: number; end: number } | undefined | 'invalid' {
  if (value === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!match || (match[1] === '' && match[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(size - Number(match[2]), 0);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || end < start) return 'invalid';
  return { start, end };
}
