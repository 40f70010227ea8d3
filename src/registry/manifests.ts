// What a pushed manifest says: its media type, the blobs and child manifests it references, and
// the image size ECR reports. Media types from the OCI image-spec and Docker's image manifest v2.
import { createHash } from 'node:crypto';
import { manifestInvalid } from './errors.ts';

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export const MANIFEST_MEDIA_TYPES: readonly string[] = [DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_MANIFEST, OCI_INDEX];
export const INDEX_MEDIA_TYPES: readonly string[] = [DOCKER_MANIFEST_LIST, OCI_INDEX];

/** `sha256:` and 64 lowercase hex digits: the only algorithm Berth stores (the spec's canonical one). */
export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

interface Descriptor {
  mediaType?: unknown;
  digest?: unknown;
  size?: unknown;
}

export interface ParsedManifest {
  mediaType: string;
  /** Config and layers (image manifests): must exist in the blob store. */
  blobs: string[];
  /** Child manifests (indexes): must exist in the repository. */
  manifests: string[];
  /** Sum of the config's and layers' sizes (ECR's imageSizeInBytes; for an index, the index's own size). */
  size: number;
  /** The manifest's artifactType, else its config's media type. */
  artifactMediaType: string | undefined;
}

function descriptor(value: unknown, where: string): { digest: string; size: number; mediaType: string | undefined } {
  if (typeof value !== 'object' || value === null) throw manifestInvalid(`${where} is not a descriptor`);
  const d = value as Descriptor;
  if (typeof d.digest !== 'string' || !DIGEST_PATTERN.test(d.digest)) throw manifestInvalid(`${where} has no valid sha256 digest`);
  if (typeof d.size !== 'number' || !Number.isInteger(d.size) || d.size < 0) throw manifestInvalid(`${where} has no valid size`);
  return { digest: d.digest, size: d.size, mediaType: typeof d.mediaType === 'string' ? d.mediaType : undefined };
}

/**
 * Parses manifest bytes. `contentType` is the request's Content-Type; when absent the manifest's own
 * mediaType member decides. Throws MANIFEST_INVALID for anything that is not one of the four types.
 */
export function parseManifest(bytes: Buffer, contentType: string | undefined): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw manifestInvalid('the manifest is not JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw manifestInvalid('the manifest is not a JSON object');
  const m = doc as Record<string, unknown>;
  if (m.schemaVersion !== 2) throw manifestInvalid('schemaVersion must be 2');
  const declared = typeof m.mediaType === 'string' ? m.mediaType : undefined;
  const requested = contentType?.split(';')[0]?.trim();
  // OCI manifests may omit mediaType; then the Content-Type (or the manifest's shape) tells.
  let mediaType = requested !== undefined && requested !== '' && requested !== 'application/json' ? requested : declared;
  mediaType ??= Array.isArray(m.manifests) ? OCI_INDEX : OCI_MANIFEST;
  if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) throw manifestInvalid(`unsupported manifest media type ${mediaType}`);
  if (declared !== undefined && declared !== mediaType) throw manifestInvalid(`mediaType ${declared} does not match Content-Type ${mediaType}`);
  if (INDEX_MEDIA_TYPES.includes(mediaType)) {
    if (!Array.isArray(m.manifests)) throw manifestInvalid('an index needs a manifests array');
    const children = m.manifests.map((d, i) => descriptor(d, `manifests[${i}]`).digest);
    return { mediaType, blobs: [], manifests: children, size: bytes.length, artifactMediaType: undefined };
  }
  const config = descriptor(m.config, 'config');
  if (!Array.isArray(m.layers)) throw manifestInvalid('an image manifest needs a layers array');
  const layers = m.layers.map((d, i) => descriptor(d, `layers[${i}]`));
  // ECR's artifactMediaType is the config's media type (application/vnd.docker.container.image.v1+json for docker images).
  const artifact = typeof m.artifactType === 'string' ? m.artifactType : config.mediaType;
  return {
    mediaType,
    blobs: [config.digest, ...layers.map((l) => l.digest)],
    manifests: [],
    size: config.size + layers.reduce((sum, l) => sum + l.size, 0),
    artifactMediaType: artifact,
  };
}
