// ECR's layer uploads: InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload. The bytes go
// through the same blob store upload sessions as /v2/ (src/registry/blob-store.ts, keyed by the
// uploadId), so a completed layer is an ordinary blob: PutImage and /v2/ manifests may reference it,
// /v2/ serves it, and garbage collection keeps it by age until an image references it, exactly as a
// blob pushed through /v2/. Which repository an upload belongs to is an `ecr.layer-upload` row.
import { Readable } from 'node:stream';
import type {
  CompleteLayerUploadRequest, CompleteLayerUploadResponse, InitiateLayerUploadRequest, InitiateLayerUploadResponse,
  UploadLayerPartRequest, UploadLayerPartResponse,
} from '@aws-sdk/client-ecr';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import { RegistryError } from '../../registry/errors.ts';
import { DIGEST_PATTERN } from '../../registry/manifests.ts';
import type { Scope } from '../../store/store.ts';
import { ecrScope, repositoryOf, type EcrDeps } from './context.ts';
import {
  EmptyUploadException, InvalidLayerException, InvalidLayerPartException, InvalidParameterException, LayerAlreadyExistsException,
  UploadNotFoundException,
} from './errors.ts';
import type { KeyedLock } from './keyed-lock.ts';

/** An upload session of the layer API; its bytes are the blob store's upload `uploadId`. */
export interface LayerUploadRecord {
  uploadId: string;
  repositoryName: string;
  initiatedAt: Date;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    'ecr.layer-upload': LayerUploadRecord;
  }
}

/**
 * InitiateLayerUpload's partSize: what ECR answers (10 MiB, the AWS CLI reference's example). Berth
 * accepts parts of any size; a part is still bounded by the request size limit (10 MiB of JSON by
 * default, about 7.5 MiB of layer once base64-encoded).
 */
const PART_SIZE = 10 * 1024 * 1024;

export interface LayerUploadDeps extends EcrDeps {
  /** Serializes the parts and the completion of one upload. */
  uploadLocks: KeyedLock;
}

export function layerUploadOperations(deps: LayerUploadDeps) {
  /** The upload, when it exists and belongs to this repository (the repository must exist). */
  async function sessionOf(scope: Scope, repositoryName: string | undefined, uploadId: string | undefined): Promise<{ name: string; uploadId: string }> {
    return deps.store.read(async (tx) => {
      const repo = await repositoryOf(tx, scope, repositoryName);
      const record = await tx.get('ecr.layer-upload', scope, uploadId ?? '');
      if (!record || record.repositoryName !== repo.repositoryName) throw new UploadNotFoundException(uploadId ?? '', repo.repositoryName, scope.account);
      return { name: repo.repositoryName, uploadId: record.uploadId };
    });
  }

  /** Bytes received so far; a session whose bytes are gone (completed meanwhile) is not found. */
  async function received(scope: Scope, session: { name: string; uploadId: string }): Promise<number> {
    const size = await deps.blobs.uploadedSize(session.uploadId);
    if (size === undefined) throw new UploadNotFoundException(session.uploadId, session.name, scope.account);
    return size;
  }

  async function forget(scope: Scope, uploadId: string): Promise<void> {
    await deps.store.write(async (tx) => {
      await tx.delete('ecr.layer-upload', scope, uploadId);
    });
  }

  return {
    InitiateLayerUpload: async (input: InitiateLayerUploadRequest, ctx: RequestContext) => {
      const scope = ecrScope(ctx, input.registryId);
      const uploadId = deps.ids.uuid();
      await deps.store.write(async (tx) => {
        const repo = await repositoryOf(tx, scope, input.repositoryName);
        await tx.put('ecr.layer-upload', scope, {
          id: uploadId, parent: repo.repositoryName,
          body: { uploadId, repositoryName: repo.repositoryName, initiatedAt: ctx.now },
        });
      });
      await deps.blobs.startUpload(uploadId);
      return { uploadId, partSize: PART_SIZE };
    },

    UploadLayerPart: async (input: UploadLayerPartRequest, ctx: RequestContext) => {
      const scope = ecrScope(ctx, input.registryId);
      const session = await sessionOf(scope, input.repositoryName, input.uploadId);
      const part = Buffer.from(input.layerPartBlob ?? new Uint8Array());
      const first = input.partFirstByte ?? 0;
      const last = input.partLastByte ?? -1;
      return deps.uploadLocks.run(session.uploadId, async () => {
        const size = await received(scope, session);
        // The part must start right after the last byte received and span exactly its own bytes.
        if (first !== size || last !== first + part.length - 1 || part.length === 0) {
          throw new InvalidLayerPartException(session.uploadId, size - 1, first, last);
        }
        await deps.blobs.append(session.uploadId, Readable.from([part]));
        return { registryId: scope.account, repositoryName: session.name, uploadId: session.uploadId, lastByteReceived: last };
      });
    },

    CompleteLayerUpload: async (input: CompleteLayerUploadRequest, ctx: RequestContext) => {
      const scope = ecrScope(ctx, input.registryId);
      const session = await sessionOf(scope, input.repositoryName, input.uploadId);
      // Berth's blobs are sha256 only (src/registry/README.md): the list must name the layer's sha256 digest.
      const digest = (input.layerDigests ?? []).find((d) => d.startsWith('sha256:'));
      if (digest === undefined || !DIGEST_PATTERN.test(digest)) {
        throw new InvalidParameterException(`Invalid parameter at 'layerDigests' failed to satisfy constraint: 'Berth accepts only sha256 layer digests (64 lowercase hex digits)'`);
      }
      return deps.uploadLocks.run(session.uploadId, async () => {
        if ((await received(scope, session)) === 0) throw new EmptyUploadException(session.uploadId);
        const existed = (await deps.blobs.stat(digest)) !== undefined;
        try {
          // Verifies the bytes' sha256 and moves them into the store (over an existing copy, which
          // refreshes its age for garbage collection); on a mismatch the session's bytes are dropped.
          await deps.blobs.commit(session.uploadId, digest);
        } catch (error) {
          if (error instanceof RegistryError && error.code === 'DIGEST_INVALID') {
            await forget(scope, session.uploadId);
            throw new InvalidLayerException(digest, String((error.detail as { actual?: string }).actual));
          }
          throw error;
        }
        await forget(scope, session.uploadId);
        // Blobs are shared by every repository (src/registry/README.md): a layer stored anywhere exists here.
        if (existed) throw new LayerAlreadyExistsException(digest, session.name, scope.account);
        return { registryId: scope.account, repositoryName: session.name, uploadId: session.uploadId, layerDigest: digest };
      });
    },
  } satisfies ServiceOperations<{
    InitiateLayerUpload: [InitiateLayerUploadRequest, InitiateLayerUploadResponse];
    UploadLayerPart: [UploadLayerPartRequest, UploadLayerPartResponse];
    CompleteLayerUpload: [CompleteLayerUploadRequest, CompleteLayerUploadResponse];
  }>;
}
