// Manifest and tag endpoints (OCI distribution-spec "Pulling manifests", "Pushing manifests",
// "Listing tags", "Deleting tags/manifests"): /v2/<name>/manifests/<tag|digest>, /v2/<name>/tags/list.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Scope, Store } from '../store/store.ts';
import type { BlobStore } from './blob-store.ts';
import { digestInvalid, manifestUnknown, RegistryError, unsupported } from './errors.ts';
import { drain, header, readSmallBody, reply } from './http-util.ts';
import { applyLifecyclePolicy } from './lifecycle.ts';
import { DIGEST_PATTERN, INDEX_MEDIA_TYPES, parseManifest, sha256Digest } from './manifests.ts';
import { deleteImage, deleteTag, getImage, getTag, listTags, putImage, type ImageRecord, type RepositoryRecord } from './records.ts';

/** ECR's limit on a manifest's size (ECR service quotas: "Image manifest size", 4 MiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** Tag syntax from the distribution spec: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`. */
const TAG_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** tags/list's page size when the client gives no `n` (and the largest it may ask for), as ECR's ListImages. */
const MAX_TAGS_PAGE = 1000;

export interface ManifestDeps {
  store: Store;
  blobs: BlobStore;
  now: () => Date;
}

export interface RepositoryTarget {
  scope: Scope;
  repository: RepositoryRecord;
}

export class ManifestHandlers {
  readonly #deps: ManifestDeps;

  constructor(deps: ManifestDeps) {
    this.#deps = deps;
  }

  async manifest(req: IncomingMessage, res: ServerResponse, target: RepositoryTarget, reference: string): Promise<void> {
    const byDigest = reference.startsWith('sha256:');
    if (byDigest ? !DIGEST_PATTERN.test(reference) : !TAG_PATTERN.test(reference)) {
      await drain(req);
      throw byDigest ? digestInvalid(reference) : new RegistryError('TAG_INVALID', 400, 'manifest tag did not match URI', { tag: reference });
    }
    switch (req.method) {
      case 'PUT': return this.#put(req, res, target, reference, byDigest);
      case 'GET': case 'HEAD': return this.#get(req, res, target, reference, byDigest);
      case 'DELETE': return this.#delete(res, target, reference, byDigest);
      default:
        await drain(req);
        throw unsupported(`${req.method ?? ''} is not allowed on a manifest`);
    }
  }

  async #put(req: IncomingMessage, res: ServerResponse, target: RepositoryTarget, reference: string, byDigest: boolean): Promise<void> {
    const bytes = await readSmallBody(req, MAX_MANIFEST_BYTES);
    const digest = sha256Digest(bytes);
    if (byDigest && digest !== reference) throw digestInvalid(reference, digest);
    const parsed = parseManifest(bytes, header(req, 'content-type'));
    const present = new Set<string>();
    for (const blob of parsed.blobs) if (await this.#deps.blobs.stat(blob)) present.add(blob);
    const now = this.#deps.now();
    await this.#deps.store.write(async (tx) => {
      await putImage(tx, target.scope, {
        repository: target.repository, manifest: bytes, digest, parsed, tag: byDigest ? undefined : reference,
        now, blobExists: (d) => present.has(d),
      });
      // A push by tag ends an image's push (an index's children come by digest first, and expiring
      // one of them early would fail the index): the repository's lifecycle policy applies now.
      if (!byDigest) await applyLifecyclePolicy(tx, target.scope, target.repository.repositoryName, now);
    });
    reply(res, 201, { location: `/v2/${target.repository.repositoryName}/manifests/${digest}`, 'docker-content-digest': digest });
  }

  async #resolve(target: RepositoryTarget, reference: string, byDigest: boolean): Promise<ImageRecord> {
    const name = target.repository.repositoryName;
    const image = await this.#deps.store.read(async (tx) => {
      const digest = byDigest ? reference : (await getTag(tx, target.scope, name, reference))?.digest;
      return digest === undefined ? undefined : getImage(tx, target.scope, name, digest);
    });
    // ECR's text for an unknown tag or digest (docker pull prints it after "manifest unknown:").
    if (!image) throw manifestUnknown(reference, `Requested image not found`);
    return image;
  }

  async #get(req: IncomingMessage, res: ServerResponse, target: RepositoryTarget, reference: string, byDigest: boolean): Promise<void> {
    const image = await this.#resolve(target, reference, byDigest);
    // Content negotiation: Berth converts nothing, so an image manifest is served whatever the
    // Accept says; an index is refused to a client that does not accept indexes (distribution's
    // behaviour: "OCI index found, but accept header does not support OCI indexes").
    const accept = header(req, 'accept');
    if (accept !== undefined && INDEX_MEDIA_TYPES.includes(image.mediaType)) {
      const accepted = accept.split(',').map((a) => a.split(';')[0]?.trim() ?? '');
      if (!accepted.includes(image.mediaType) && !accepted.includes('*/*') && accepted.some((a) => a !== '')) {
        throw manifestUnknown(reference, 'OCI index found, but accept header does not support OCI indexes');
      }
    }
    res.writeHead(200, {
      'docker-distribution-api-version': 'registry/2.0', 'content-type': image.mediaType,
      'docker-content-digest': image.digest, etag: `"${image.digest}"`, 'content-length': String(image.manifest.length),
    });
    res.end(req.method === 'HEAD' ? undefined : image.manifest);
  }

  async #delete(res: ServerResponse, target: RepositoryTarget, reference: string, byDigest: boolean): Promise<void> {
    const name = target.repository.repositoryName;
    const found = await this.#deps.store.write(async (tx) =>
      byDigest ? deleteImage(tx, target.scope, name, reference) : deleteTag(tx, target.scope, name, reference));
    if (!found) throw manifestUnknown(reference, 'Requested image not found');
    reply(res, 202);
  }

  /** GET /v2/<name>/tags/list?n=&last= : lexical order, with a Link header when more follow. */
  async tags(res: ServerResponse, target: RepositoryTarget, url: URL): Promise<void> {
    const nText = url.searchParams.get('n');
    const n = nText === null || nText === '' ? MAX_TAGS_PAGE : Number(nText);
    if (!Number.isInteger(n) || n < 0) throw new RegistryError('UNSUPPORTED', 400, 'n must be a non-negative integer', { n: nText });
    const last = url.searchParams.get('last') ?? undefined;
    const name = target.repository.repositoryName;
    const page = n === 0 ? [] : await this.#deps.store.read((tx) =>
      listTags(tx, target.scope, name, { ...(last !== undefined && last !== '' ? { after: last } : {}), limit: Math.min(n, MAX_TAGS_PAGE) + 1 }));
    const tags = page.slice(0, Math.min(n, MAX_TAGS_PAGE)).map((t) => t.tag);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const lastTag = tags[tags.length - 1];
    if (page.length > tags.length && lastTag !== undefined) {
      headers.link = `</v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(lastTag)}>; rel="next"`;
    }
    reply(res, 200, headers, JSON.stringify({ name, tags }));
  }
}
