// The registry's client errors in the distribution spec's JSON shape
// (`{"errors":[{"code","message","detail"}]}`, OCI distribution-spec "Error Codes").

/** The spec's error codes, plus ECR's TAG_INVALID for a tag an IMMUTABLE repository already has. */
export type RegistryErrorCode =
  | 'BLOB_UNKNOWN' | 'BLOB_UPLOAD_INVALID' | 'BLOB_UPLOAD_UNKNOWN' | 'DIGEST_INVALID' | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID' | 'MANIFEST_UNKNOWN' | 'NAME_INVALID' | 'NAME_UNKNOWN' | 'SIZE_INVALID' | 'UNAUTHORIZED'
  | 'DENIED' | 'UNSUPPORTED' | 'RANGE_INVALID' | 'TAG_INVALID';

export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly status: number;
  readonly detail: unknown;
  /** Extra response headers (WWW-Authenticate on a 401, Range on a 416). */
  readonly headers: Record<string, string>;

  constructor(code: RegistryErrorCode, status: number, message: string, detail?: unknown, headers: Record<string, string> = {}) {
    super(message);
    this.name = `RegistryError.${code}`;
    this.code = code;
    this.status = status;
    this.detail = detail;
    this.headers = headers;
  }

  toJson(): string {
    return JSON.stringify({ errors: [{ code: this.code, message: this.message, ...(this.detail !== undefined ? { detail: this.detail } : {}) }] });
  }
}

export const blobUnknown = (digest: string) => new RegistryError('BLOB_UNKNOWN', 404, 'blob unknown to registry', { digest });
export const uploadUnknown = (uuid: string) => new RegistryError('BLOB_UPLOAD_UNKNOWN', 404, 'blob upload unknown to registry', { uuid });
export const digestInvalid = (expected: string, actual?: string) =>
  new RegistryError('DIGEST_INVALID', 400, 'provided digest did not match uploaded content', actual === undefined ? { expected } : { expected, actual });
export const manifestUnknown = (reference: string, message = 'manifest unknown') => new RegistryError('MANIFEST_UNKNOWN', 404, message, { reference });
export const manifestInvalid = (reason: string) => new RegistryError('MANIFEST_INVALID', 400, 'manifest invalid', { reason });
export const manifestBlobUnknown = (digest: string) => new RegistryError('MANIFEST_BLOB_UNKNOWN', 404, 'blob unknown to registry', { digest });
export const nameInvalid = (name: string) => new RegistryError('NAME_INVALID', 400, 'invalid repository name', { name });
export const unsupported = (message: string) => new RegistryError('UNSUPPORTED', 405, message);

/**
 * ECR's answer for a repository that does not exist: NAME_UNKNOWN with
 * "The repository with name 'x' does not exist in the registry with id '123456789012'"
 * (verified: docker printed `name unknown: The repository with name …` in actions/starter-workflows #2647).
 */
export const nameUnknown = (name: string, registryId: string) =>
  new RegistryError('NAME_UNKNOWN', 404, `The repository with name '${name}' does not exist in the registry with id '${registryId}'`, { name });

/** ECR's text when an IMMUTABLE repository already has the tag (docker push prints it after "tag invalid:"). */
export const tagImmutable = (tag: string, repository: string) =>
  new RegistryError('TAG_INVALID', 400, `The image tag '${tag}' already exists in the '${repository}' repository and cannot be overwritten because the repository is immutable.`);
