// Repository, image and tag metadata in the store, shared by the registry (/v2/) and the ECR API:
// a repository per name, an image per (repository, manifest digest) holding the manifest bytes
// exactly as pushed, and a tag per (repository, tag) naming an image's digest. A system-scope
// reference row per image lists the blobs it holds, so garbage collection can see every account.
import type { Scope, StoreTx } from '../store/store.ts';
import { SYSTEM_SCOPE } from '../services/common/scope.ts';
import { manifestBlobUnknown, tagImmutable } from './errors.ts';
import type { ParsedManifest } from './manifests.ts';

export interface RepositoryRecord {
  repositoryName: string;
  repositoryArn: string;
  registryId: string;
  createdAt: Date;
  /** MUTABLE or IMMUTABLE (the *_WITH_EXCLUSION forms are refused by the ECR API for now). */
  imageTagMutability: string;
  scanOnPush: boolean;
  encryptionType: string;
  kmsKey?: string;
  policyText?: string;
  lifecyclePolicyText?: string;
  /** When the lifecycle policy was last applied (GetLifecyclePolicy's lastEvaluatedAt). */
  lifecycleEvaluatedAt?: Date;
  tags: { Key: string; Value: string }[];
}

export interface ImageRecord {
  repositoryName: string;
  digest: string;
  mediaType: string;
  /** The manifest exactly as pushed: GET returns these bytes and no others. */
  manifest: Buffer;
  size: number;
  pushedAt: Date;
  blobs: string[];
  manifests: string[];
  artifactMediaType?: string;
}

export interface TagRecord {
  repositoryName: string;
  tag: string;
  digest: string;
}

/** What garbage collection needs from every account: which blobs an image keeps alive. */
export interface BlobReferenceRecord {
  blobs: string[];
}

declare module '../store/store.ts' {
  interface ResourceKinds {
    'ecr.repository': RepositoryRecord;
    'ecr.image': ImageRecord;
    'ecr.tag': TagRecord;
    'registry.reference': BlobReferenceRecord;
  }
}

const imageId = (repository: string, digest: string) => `${repository}@${digest}`;
const tagId = (repository: string, tag: string) => `${repository}:${tag}`;
const referenceId = (scope: Scope, repository: string, digest: string) => `${scope.account}/${scope.region}/${repository}@${digest}`;

export function getRepository(tx: StoreTx, scope: Scope, name: string): Promise<RepositoryRecord | undefined> {
  return tx.get('ecr.repository', scope, name);
}

export function getImage(tx: StoreTx, scope: Scope, repository: string, digest: string): Promise<ImageRecord | undefined> {
  return tx.get('ecr.image', scope, imageId(repository, digest));
}

export async function getTag(tx: StoreTx, scope: Scope, repository: string, tag: string): Promise<TagRecord | undefined> {
  return tx.get('ecr.tag', scope, tagId(repository, tag));
}

/** A repository's tags in lexical order (tags/list's order), optionally only those after `last`. */
export async function listTags(tx: StoreTx, scope: Scope, repository: string, options: { after?: string; limit?: number } = {}): Promise<TagRecord[]> {
  const rows = await tx.list('ecr.tag', scope, {
    parent: repository, order: 'name',
    ...(options.after !== undefined ? { after: { name: options.after, seq: Number.MAX_SAFE_INTEGER } } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });
  return rows.map((r) => r.body);
}

export async function listImages(tx: StoreTx, scope: Scope, repository: string): Promise<ImageRecord[]> {
  return (await tx.list('ecr.image', scope, { parent: repository })).map((r) => r.body);
}

/** The tags that name each digest of a repository. */
export async function tagsByDigest(tx: StoreTx, scope: Scope, repository: string): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  for (const tag of await listTags(tx, scope, repository)) map.set(tag.digest, [...(map.get(tag.digest) ?? []), tag.tag]);
  return map;
}

export interface NewImage {
  repository: RepositoryRecord;
  manifest: Buffer;
  digest: string;
  parsed: ParsedManifest;
  tag: string | undefined;
  now: Date;
  /** Whether a blob is in the blob store (checked before the transaction). */
  blobExists: (digest: string) => boolean;
}

/**
 * Records a pushed manifest and its tag. Throws MANIFEST_BLOB_UNKNOWN for a missing blob or child
 * manifest and TAG_INVALID when an IMMUTABLE repository's tag already names another image.
 * Returns whether the image (digest) and the tag were already there.
 */
export async function putImage(tx: StoreTx, scope: Scope, image: NewImage): Promise<{ imageExisted: boolean; tagExisted: boolean }> {
  const name = image.repository.repositoryName;
  for (const blob of image.parsed.blobs) if (!image.blobExists(blob)) throw manifestBlobUnknown(blob);
  for (const child of image.parsed.manifests) if (!(await getImage(tx, scope, name, child))) throw manifestBlobUnknown(child);
  const existing = await getImage(tx, scope, name, image.digest);
  if (!existing) {
    await tx.put('ecr.image', scope, {
      id: imageId(name, image.digest), parent: name, name: image.digest,
      body: {
        repositoryName: name, digest: image.digest, mediaType: image.parsed.mediaType, manifest: image.manifest,
        size: image.parsed.size, pushedAt: image.now, blobs: image.parsed.blobs, manifests: image.parsed.manifests,
        ...(image.parsed.artifactMediaType !== undefined ? { artifactMediaType: image.parsed.artifactMediaType } : {}),
      },
    });
    await tx.put('registry.reference', SYSTEM_SCOPE, { id: referenceId(scope, name, image.digest), body: { blobs: image.parsed.blobs } });
  }
  let tagExisted = false;
  if (image.tag !== undefined) {
    const current = await getTag(tx, scope, name, image.tag);
    tagExisted = current?.digest === image.digest;
    if (current && !tagExisted && image.repository.imageTagMutability === 'IMMUTABLE') throw tagImmutable(image.tag, name);
    if (!tagExisted) {
      await tx.put('ecr.tag', scope, { id: tagId(name, image.tag), parent: name, name: image.tag, body: { repositoryName: name, tag: image.tag, digest: image.digest } });
    }
  }
  return { imageExisted: existing !== undefined, tagExisted };
}

export async function deleteTag(tx: StoreTx, scope: Scope, repository: string, tag: string): Promise<boolean> {
  return tx.delete('ecr.tag', scope, tagId(repository, tag));
}

/** Deletes an image and every tag naming it; its blobs stay until garbage collection. */
export async function deleteImage(tx: StoreTx, scope: Scope, repository: string, digest: string): Promise<boolean> {
  for (const tag of await listTags(tx, scope, repository)) if (tag.digest === digest) await deleteTag(tx, scope, repository, tag.tag);
  await tx.delete('registry.reference', SYSTEM_SCOPE, referenceId(scope, repository, digest));
  return tx.delete('ecr.image', scope, imageId(repository, digest));
}

/** Deletes a repository with all its images and tags. */
export async function deleteRepositoryContents(tx: StoreTx, scope: Scope, repository: string): Promise<void> {
  for (const image of await listImages(tx, scope, repository)) await deleteImage(tx, scope, repository, image.digest);
}

/**
 * Keeps the blobs of an image the runtime pulled from another registry (`key` is
 * `<host>/<repository>@<digest>`) out of garbage collection: they are the pull cache, which has no
 * eviction yet.
 */
export async function recordCachedImage(tx: StoreTx, key: string, blobs: string[]): Promise<void> {
  const id = `remote/${key}`;
  const existing = await tx.get('registry.reference', SYSTEM_SCOPE, id);
  if (existing && existing.blobs.length === blobs.length && existing.blobs.every((b, i) => b === blobs[i])) return;
  await tx.put('registry.reference', SYSTEM_SCOPE, { id, body: { blobs } });
}

/** Every blob some image in some account references. */
export async function referencedBlobs(tx: StoreTx): Promise<Set<string>> {
  const referenced = new Set<string>();
  for (const row of await tx.list('registry.reference', SYSTEM_SCOPE)) for (const blob of row.body.blobs) referenced.add(blob);
  return referenced;
}
