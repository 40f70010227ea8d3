// The content-addressed blob store on disk: `<root>/blobs/sha256/<first two hex>/<digest hex>`,
// shared by every repository, and the upload sessions under `<root>/uploads/<uuid>`. A blob
// enters the store only by rename after its digest was checked, so a blob path never holds
// bytes that do not match its name.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { digestInvalid } from './errors.ts';

export interface BlobInfo {
  size: number;
  modifiedAt: Date;
}

export class BlobStore {
  readonly #root: string;

  /** `root` is `<dataDir>/registry`. */
  constructor(root: string) {
    this.#root = root;
  }

  #blobPath(digest: string): string {
    const hex = digest.slice('sha256:'.length);
    return join(this.#root, 'blobs', 'sha256', hex.slice(0, 2), hex);
  }

  #uploadPath(uuid: string): string {
    return join(this.#root, 'uploads', uuid);
  }

  /** undefined when the blob is not stored. */
  async stat(digest: string): Promise<BlobInfo | undefined> {
    try {
      const s = await stat(this.#blobPath(digest));
      return { size: s.size, modifiedAt: s.mtime };
    } catch {
      return undefined;
    }
  }

  /** `end` is inclusive, as in an HTTP Range. */
  read(digest: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.#blobPath(digest), range);
  }

  async startUpload(uuid: string): Promise<void> {
    await mkdir(join(this.#root, 'uploads'), { recursive: true });
    await pipeline([], createWriteStream(this.#uploadPath(uuid)));
  }

  /** Bytes received so far; undefined for an unknown session. */
  async uploadedSize(uuid: string): Promise<number | undefined> {
    try {
      return (await stat(this.#uploadPath(uuid))).size;
    } catch {
      return undefined;
    }
  }

  /** Appends a request body to the session's file. */
  async append(uuid: string, body: Readable): Promise<void> {
    await pipeline(body, createWriteStream(this.#uploadPath(uuid), { flags: 'a' }));
  }

  /**
   * Hashes the session's bytes and, when they match `digest`, moves them into the store.
   * Throws DIGEST_INVALID otherwise (and drops the session: its bytes can never become that blob).
   */
  async commit(uuid: string, digest: string): Promise<BlobInfo> {
    const path = this.#uploadPath(uuid);
    const hash = createHash('sha256');
    await pipeline(createReadStream(path), hash);
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest) {
      await rm(path, { force: true });
      throw digestInvalid(digest, actual);
    }
    const target = this.#blobPath(digest);
    await mkdir(join(target, '..'), { recursive: true });
    await rename(path, target);
    const s = await stat(target);
    return { size: s.size, modifiedAt: s.mtime };
  }

  async cancelUpload(uuid: string): Promise<boolean> {
    const existed = (await this.uploadedSize(uuid)) !== undefined;
    await rm(this.#uploadPath(uuid), { force: true });
    return existed;
  }

  async delete(digest: string): Promise<boolean> {
    const existed = (await this.stat(digest)) !== undefined;
    await rm(this.#blobPath(digest), { force: true });
    return existed;
  }

  /** Every stored blob's digest (walks the two-level fan-out). */
  async list(): Promise<string[]> {
    const base = join(this.#root, 'blobs', 'sha256');
    const digests: string[] = [];
    let prefixes: string[];
    try {
      prefixes = await readdir(base);
    } catch {
      return digests;
    }
    for (const prefix of prefixes) {
      for (const hex of await readdir(join(base, prefix))) digests.push(`sha256:${hex}`);
    }
    return digests;
  }
}
