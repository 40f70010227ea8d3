// ECR images: DescribeImages, ListImages, BatchGetImage, BatchDeleteImage, PutImage. An image is a
// manifest pushed to a repository (through /v2/ or PutImage); its tags point at its digest.
import type {
  BatchDeleteImageRequest, BatchDeleteImageResponse, BatchGetImageRequest, BatchGetImageResponse, DescribeImagesRequest,
  DescribeImagesResponse, Image, ImageDetail, ImageFailure, ImageIdentifier, ListImagesRequest, ListImagesResponse,
  PutImageRequest, PutImageResponse,
} from '@aws-sdk/client-ecr';
import type { ServiceOperations } from '../../aws/service.ts';
import { RegistryError } from '../../registry/errors.ts';
import { applyLifecyclePolicy } from '../../registry/lifecycle.ts';
import { parseManifest, sha256Digest } from '../../registry/manifests.ts';
import {
  deleteImage, deleteTag, getImage, getTag, listImages, putImage, tagsByDigest, type ImageRecord,
} from '../../registry/records.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import { decodeToken, encodeToken } from '../common/pagination.ts';
import { ecrScope, repositoryOf, type EcrDeps } from './context.ts';
import {
  ImageAlreadyExistsException, ImageDigestDoesNotMatchException, ImageNotFoundException, ImageTagAlreadyExistsException, InvalidParameterException,
  LayersNotFoundException,
} from './errors.ts';

/** ListImages/DescribeImages page size without maxResults (API reference: up to 100; ListImages 1000 is the max). */
const DEFAULT_PAGE = 100;

/** BatchGetImage's and BatchDeleteImage's failure for an id that names no image (as AWS: "Requested image not found"). */
const NOT_FOUND: Omit<ImageFailure, 'imageId'> = { failureCode: 'ImageNotFound', failureReason: 'Requested image not found' };

type Resolved = { image: ImageRecord; tag: string | undefined } | { failure: ImageFailure };

async function resolveId(tx: StoreTx, scope: Scope, repository: string, id: ImageIdentifier): Promise<Resolved> {
  if (id.imageDigest === undefined && id.imageTag === undefined) {
    return { failure: { imageId: id, failureCode: 'MissingDigestAndTag', failureReason: 'Invalid request parameters: both tag and digest cannot be null' } };
  }
  const tagDigest = id.imageTag !== undefined ? (await getTag(tx, scope, repository, id.imageTag))?.digest : undefined;
  const digest = id.imageDigest ?? tagDigest;
  if (id.imageDigest !== undefined && id.imageTag !== undefined && tagDigest !== id.imageDigest) {
    return { failure: { imageId: id, ...NOT_FOUND } };
  }
  const image = digest === undefined ? undefined : await getImage(tx, scope, repository, digest);
  return image ? { image, tag: id.imageTag } : { failure: { imageId: id, ...NOT_FOUND } };
}

/** A page over a sorted in-memory list (a repository's images), with the common opaque token. */
function pageOfList<T>(items: T[], token: string | undefined, limit: number): { items: T[]; nextToken: string | undefined } {
  const start = token === undefined || token === '' ? 0 : decodeToken(token);
  if (start === undefined) throw new InvalidParameterException("Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid token'");
  const page = items.slice(start, start + limit);
  return { items: page, nextToken: start + limit < items.length ? encodeToken(start + limit) : undefined };
}

export function imageOperations(deps: EcrDeps) {
  return {
    DescribeImages: async (input: DescribeImagesRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      return deps.store.read(async (tx) => {
        const repo = await repositoryOf(tx, scope, input.repositoryName);
        const tags = await tagsByDigest(tx, scope, repo.repositoryName);
        const detail = (image: ImageRecord): ImageDetail => ({
          registryId: scope.account, repositoryName: repo.repositoryName, imageDigest: image.digest,
          ...((tags.get(image.digest) ?? []).length > 0 ? { imageTags: tags.get(image.digest) } : {}),
          imageSizeInBytes: image.size, imagePushedAt: image.pushedAt, imageManifestMediaType: image.mediaType,
          ...(image.artifactMediaType !== undefined ? { artifactMediaType: image.artifactMediaType } : {}),
        });
        if (input.imageIds !== undefined && input.imageIds.length > 0) {
          const imageDetails: ImageDetail[] = [];
          for (const id of input.imageIds) {
            const resolved = await resolveId(tx, scope, repo.repositoryName, id);
            if ('failure' in resolved) {
              // DescribeImages throws where BatchGetImage reports a failure.
              const what = `imageDigest=${id.imageDigest ?? 'null'}, imageTag=${id.imageTag ?? 'null'}`;
              throw new ImageNotFoundException(`The image with imageId {${what}} does not exist within the repository with name '${repo.repositoryName}' in the registry with id '${scope.account}'`);
            }
            imageDetails.push(detail(resolved.image));
          }
          return { imageDetails };
        }
        const status = input.filter?.tagStatus ?? 'ANY';
        const images = (await listImages(tx, scope, repo.repositoryName))
          .filter((i) => status === 'ANY' || (status === 'TAGGED') === (tags.get(i.digest) ?? []).length > 0);
        const page = pageOfList(images, input.nextToken, input.maxResults ?? DEFAULT_PAGE);
        return { imageDetails: page.items.map(detail), nextToken: page.nextToken };
      });
    },

    ListImages: async (input: ListImagesRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      return deps.store.read(async (tx) => {
        const repo = await repositoryOf(tx, scope, input.repositoryName);
        const tags = await tagsByDigest(tx, scope, repo.repositoryName);
        const status = input.filter?.tagStatus ?? 'ANY';
        // One id per (digest, tag) as ECR lists them, and one digest-only id for an untagged image.
        const ids: ImageIdentifier[] = [];
        for (const image of await listImages(tx, scope, repo.repositoryName)) {
          const imageTags = tags.get(image.digest) ?? [];
          if (imageTags.length === 0 && status !== 'TAGGED') ids.push({ imageDigest: image.digest });
          if (status !== 'UNTAGGED') for (const tag of imageTags) ids.push({ imageDigest: image.digest, imageTag: tag });
        }
        const page = pageOfList(ids, input.nextToken, input.maxResults ?? DEFAULT_PAGE);
        return { imageIds: page.items, nextToken: page.nextToken };
      });
    },

    BatchGetImage: async (input: BatchGetImageRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      return deps.store.read(async (tx) => {
        const repo = await repositoryOf(tx, scope, input.repositoryName);
        const images: Image[] = [];
        const failures: ImageFailure[] = [];
        for (const id of input.imageIds ?? []) {
          const resolved = await resolveId(tx, scope, repo.repositoryName, id);
          if ('failure' in resolved) {
            failures.push(resolved.failure);
            continue;
          }
          images.push({
            registryId: scope.account, repositoryName: repo.repositoryName,
            imageId: { imageDigest: resolved.image.digest, ...(resolved.tag !== undefined ? { imageTag: resolved.tag } : {}) },
            imageManifest: resolved.image.manifest.toString('utf8'), imageManifestMediaType: resolved.image.mediaType,
          });
        }
        return { images, failures };
      });
    },

    BatchDeleteImage: async (input: BatchDeleteImageRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      return deps.store.write(async (tx) => {
        const repo = await repositoryOf(tx, scope, input.repositoryName);
        const imageIds: ImageIdentifier[] = [];
        const failures: ImageFailure[] = [];
        for (const id of input.imageIds ?? []) {
          const resolved = await resolveId(tx, scope, repo.repositoryName, id);
          if ('failure' in resolved) {
            failures.push(resolved.failure);
            continue;
          }
          // By tag alone: only the tag goes (the image stays while other tags or its digest name it; an untagged image remains).
          if (id.imageDigest === undefined && id.imageTag !== undefined) {
            await deleteTag(tx, scope, repo.repositoryName, id.imageTag);
            imageIds.push({ imageDigest: resolved.image.digest, imageTag: id.imageTag });
            continue;
          }
          const tags = (await tagsByDigest(tx, scope, repo.repositoryName)).get(resolved.image.digest) ?? [];
          await deleteImage(tx, scope, repo.repositoryName, resolved.image.digest);
          if (tags.length === 0) imageIds.push({ imageDigest: resolved.image.digest });
          for (const tag of tags) imageIds.push({ imageDigest: resolved.image.digest, imageTag: tag });
        }
        return { imageIds, failures };
      });
    },

    PutImage: async (input: PutImageRequest, ctx) => {
      const scope = ecrScope(ctx, input.registryId);
      const bytes = Buffer.from(input.imageManifest ?? '', 'utf8');
      const digest = sha256Digest(bytes);
      if (input.imageDigest !== undefined && input.imageDigest !== digest) throw new ImageDigestDoesNotMatchException(input.imageDigest, digest);
      let parsed;
      try {
        parsed = parseManifest(bytes, input.imageManifestMediaType);
      } catch (error) {
        if (error instanceof RegistryError) throw new InvalidParameterException(`Invalid parameter at 'imageManifest' failed to satisfy constraint: '${JSON.stringify(error.detail)}'`);
        throw error;
      }
      const present = new Set<string>();
      for (const blob of parsed.blobs) if (await deps.blobs.stat(blob)) present.add(blob);
      return deps.store.write(async (tx) => {
        const repo = await repositoryOf(tx, scope, input.repositoryName);
        const tag = input.imageTag;
        const current = tag !== undefined ? await getTag(tx, scope, repo.repositoryName, tag) : undefined;
        const existing = await getImage(tx, scope, repo.repositoryName, digest);
        if (existing && (tag === undefined || current?.digest === digest)) {
          throw new ImageAlreadyExistsException(digest, tag ?? 'null', repo.repositoryName, scope.account);
        }
        if (tag !== undefined && current && current.digest !== digest && repo.imageTagMutability === 'IMMUTABLE') {
          throw new ImageTagAlreadyExistsException(tag, repo.repositoryName);
        }
        try {
          await putImage(tx, scope, { repository: repo, manifest: bytes, digest, parsed, tag, now: ctx.now, blobExists: (d) => present.has(d) });
        } catch (error) {
          if (error instanceof RegistryError && error.code === 'MANIFEST_BLOB_UNKNOWN') throw new LayersNotFoundException(String((error.detail as { digest?: string }).digest));
          throw error;
        }
        // As for a push by tag through /v2/ (manifest-handlers.ts): the lifecycle policy applies now.
        if (tag !== undefined) await applyLifecyclePolicy(tx, scope, repo.repositoryName, ctx.now);
        return {
          image: {
            registryId: scope.account, repositoryName: repo.repositoryName,
            imageId: { imageDigest: digest, ...(tag !== undefined ? { imageTag: tag } : {}) },
            imageManifest: input.imageManifest, imageManifestMediaType: parsed.mediaType,
          },
        };
      });
    },
  } satisfies ServiceOperations<{
    DescribeImages: [DescribeImagesRequest, DescribeImagesResponse];
    ListImages: [ListImagesRequest, ListImagesResponse];
    BatchGetImage: [BatchGetImageRequest, BatchGetImageResponse];
    BatchDeleteImage: [BatchDeleteImageRequest, BatchDeleteImageResponse];
    PutImage: [PutImageRequest, PutImageResponse];
  }>;
}
