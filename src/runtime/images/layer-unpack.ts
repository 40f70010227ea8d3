// Unpacks one image layer (a tar, gzip or not) into a directory that overlayfs can use as a
// lowerdir, turning the OCI whiteouts into overlayfs whiteouts, and checks the layer's digest.
import { createHash } from 'node:crypto';
import { lstat, mkdir } from 'node:fs/promises';
import { basename, dirname, join, normalize } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar';
import { runChecked, type ProcessRunner } from '../../platform/processes.ts';

/**
 * OCI image-spec layer.md: an entry `<dir>/.wh.<name>` deletes `<name>` from the layers below; an
 * entry `<dir>/.wh..wh..opq` makes `<dir>` opaque (hides everything the layers below have in it).
 * Neither is extracted as a file.
 */
export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

/** Writes overlayfs's own markers; behind an interface because Node has neither mknod nor setxattr. */
export interface WhiteoutWriter {
  /** Hides `path` of the lower layers. */
  whiteout(path: string): Promise<void>;
  /** Hides every entry the lower layers have in directory `dir`. */
  opaque(dir: string): Promise<void>;
}

/**
 * Kernel Documentation/filesystems/overlayfs.rst: a whiteout is a character device with 0/0
 * device number; an opaque directory carries the xattr `trusted.overlay.opaque` = "y" (trusted.*
 * xattrs need CAP_SYS_ADMIN, which the runc driver has anyway). mknod is coreutils; setfattr is
 * Debian's `attr` package.
 */
export class CommandWhiteoutWriter implements WhiteoutWriter {
  readonly #processes: ProcessRunner;
  constructor(processes: ProcessRunner) {
    this.#processes = processes;
  }
  async whiteout(path: string): Promise<void> {
    await runChecked(this.#processes, 'mknod', [path, 'c', '0', '0']);
  }
  async opaque(dir: string): Promise<void> {
    await runChecked(this.#processes, 'setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', dir]);
  }
}

export class LayerDigestMismatchError extends Error {
  override readonly name = 'LayerDigestMismatchError';
  readonly code = 'BTH_LAYER_DIGEST_MISMATCH';
}

export type WhiteoutMark = { kind: 'whiteout'; path: string } | { kind: 'opaque'; dir: string };

/** Classifies a tar entry path: a whiteout or opaque marker, or null for an ordinary entry. */
export function whiteoutOf(entryPath: string): WhiteoutMark | null {
  const path = normalize(entryPath.replace(/^\/+/, '')).replace(/\/+$/, '');
  const name = basename(path);
  if (!name.startsWith(WHITEOUT_PREFIX)) return null;
  const dir = dirname(path);
  if (name === OPAQUE_MARKER) return { kind: 'opaque', dir };
  return { kind: 'whiteout', path: join(dir, name.slice(WHITEOUT_PREFIX.length)) };
}

/**
 * Extracts `layer` into `dest` (which must exist and be empty), owners and modes exactly as
 * archived, then writes the layer's whiteouts. Rejects with LayerDigestMismatchError when the
 * bytes do not hash to `digest`. node-tar refuses absolute paths, `..` and writes through
 * symlinks, which is what makes untrusted layers safe to extract.
 */
export async function unpackLayer(layer: Readable, digest: string, dest: string, whiteouts: WhiteoutWriter): Promise<void> {
  const marks: WhiteoutMark[] = [];
  const hash = createHash('sha256');
  const tee = new PassThrough();
  tee.on('data', (chunk: Buffer) => hash.update(chunk));
  const extractor = extract({
    cwd: dest,
    // Running as root, preserveOwner keeps the archived uid/gid; chmod with umask 0 keeps modes
    // such as /tmp's 1777 exactly.
    preserveOwner: true,
    chmod: true,
    processUmask: 0,
    filter: (path) => {
      const mark = whiteoutOf(path);
      if (mark) marks.push(mark);
      return mark === null;
    },
  });
  await pipeline(layer, tee, extractor);
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== digest) throw new LayerDigestMismatchError(`layer ${digest} has digest ${actual}`);
  for (const mark of marks) {
    const rel = mark.kind === 'opaque' ? mark.dir : dirname(mark.path);
    await mkdirNoSymlinks(dest, rel);
    const dir = join(dest, rel);
    if (mark.kind === 'opaque') await whiteouts.opaque(dir);
    else await whiteouts.whiteout(join(dest, mark.path));
  }
}

/**
 * Creates `rel` under `root` one component at a time and refuses a component that is a symlink:
 * a layer could carry `etc -> /etc` and `etc/.wh.passwd`, and mknod would then follow the link
 * onto the host.
 */
async function mkdirNoSymlinks(root: string, rel: string): Promise<void> {
  if (rel.startsWith('..')) throw new Error(`whiteout outside the layer: ${rel}`);
  let current = root;
  for (const part of rel.split('/').filter((p) => p !== '' && p !== '.')) {
    current = join(current, part);
    const st = await lstat(current).catch(() => null);
    if (st === null) await mkdir(current);
    else if (!st.isDirectory()) throw new Error(`whiteout under a non-directory: ${rel}`);
  }
}
