// ECR's layer reads: BatchCheckLayerAvailability and GetDownloadUrlForLayer, over the registry's
// blob store. Blobs are shared by every repository (src/registry/README.md), so a layer stored
// anywhere is available in every repository; its download is Berth's own /v2/ blob URL.
import type {
  BatchCheckLayerAvailabilityRequest, BatchCheckLayerAvailabilityResponse, GetDownloadUrlForLayerRequest,
  GetDownloadUrlForLayerResponse, Layer, LayerFailure,
} from '@aws-sdk/client-ecr';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import { registryHost } from '../../registry/host.ts';
import { DIGEST_PATTERN } from '../../registry/manifests.ts';
import { listImages } from '../../registry/records.ts';
import { ecrScope, repositoryOf, type EcrDeps } from './context.ts';
import { LayerInaccessibleException, LayersNotFoundException } from './errors.ts';

export function layerOperations(deps: EcrDeps) {
  return {
    BatchCheckLayerAvailability: async (input: BatchCheckLayerAvailabilityRequest, ctx: RequestContext) => {
      const scope = ecrScope(ctx, input.registryId);
      await deps.store.read((tx) => repositoryOf(tx, scope, input.repositoryName));
      const layers: Layer[] = [];
      const failures: LayerFailure[] = [];
      for (const layerDigest of input.layerDigests ?? []) {
        // Not verified: the failure reasons are Berth's text. A layer not stored is a failure, not an
        // UNAVAILABLE layer (Berth never answers UNAVAILABLE; LIMITATIONS.md).
        if (!DIGEST_PATTERN.test(layerDigest)) {
          failures.push({ layerDigest, failureCode: 'InvalidLayerDigest', failureReason: 'Invalid layer digest' });
          continue;
        }
        const info = await deps.blobs.stat(layerDigest);
        if (!info) {
          failures.push({ layerDigest, failureCode: 'MissingLayerDigest', failureReason: 'Could not find layer' });
          continue;
        }
        layers.push({ layerDigest, layerAvailability: 'AVAILABLE', layerSize: info.size });
      }
      return { layers, failures };
    },

    GetDownloadUrlForLayer: async (input: GetDownloadUrlForLayerRequest, ctx: RequestContext) => {
      const scope = ecrScope(ctx, input.registryId);
      const digest = input.layerDigest ?? '';
      const name = await deps.store.read(async (tx) => {
        const repo = await repositoryOf(tx, scope, input.repositoryName);
        const notFound = `The layer '${digest}' does not exist in the repository with name '${repo.repositoryName}' in the registry with id '${scope.account}'`;
        if (!DIGEST_PATTERN.test(digest) || !(await deps.blobs.stat(digest))) throw new LayersNotFoundException(digest, notFound);
        // As ECR: a layer no image of the repository references is not offered for download (it may
        // be garbage-collected at any time).
        const images = await listImages(tx, scope, repo.repositoryName);
        if (!images.some((image) => image.blobs.includes(digest))) throw new LayerInaccessibleException(digest);
        return repo.repositoryName;
      });
      // ECR answers a presigned S3 URL; Berth's is its /v2/ blob URL, which wants the registry's Basic
      // credentials in strict auth mode (LIMITATIONS.md).
      return { downloadUrl: `http://${registryHost(scope, deps.addressing)}/v2/${name}/blobs/${digest}`, layerDigest: digest };
    },
  } satisfies ServiceOperations<{
    BatchCheckLayerAvailability: [BatchCheckLayerAvailabilityRequest, BatchCheckLayerAvailabilityResponse];
    GetDownloadUrlForLayer: [GetDownloadUrlForLayerRequest, GetDownloadUrlForLayerResponse];
  }>;
}
