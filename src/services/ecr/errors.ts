// ECR's client-visible errors, named after the exception shapes of the ECR model (awsJson1_1: the
// wire code is the shape name, 400 unless the shape is a fault). Messages follow AWS's texts as
// moto's ECR exceptions (moto/ecr/exceptions.py) record them; where noted, Berth's own wording.
import { AwsError } from '../../aws/errors.ts';

export class EcrError extends AwsError {
  constructor(code: string, message: string) {
    super({ code, httpStatus: 400, senderFault: true, message });
  }
}

export class InvalidParameterException extends EcrError {
  constructor(message: string) {
    super('InvalidParameterException', message);
  }
}

/** Verified: the same text reaches docker as NAME_UNKNOWN (actions/starter-workflows #2647). */
export class RepositoryNotFoundException extends EcrError {
  constructor(name: string, registryId: string) {
    super('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${registryId}'`);
  }
}

/** Verified: metaps/genova #164 quotes it. */
export class RepositoryAlreadyExistsException extends EcrError {
  constructor(name: string, registryId: string) {
    super('RepositoryAlreadyExistsException', `The repository with name '${name}' already exists in the registry with id '${registryId}'`);
  }
}

export class RepositoryNotEmptyException extends EcrError {
  constructor(name: string, registryId: string) {
    super('RepositoryNotEmptyException',
      `The repository with name '${name}' in registry with id '${registryId}' cannot be deleted because it still contains images`);
  }
}

export class RepositoryPolicyNotFoundException extends EcrError {
  constructor(name: string, registryId: string) {
    super('RepositoryPolicyNotFoundException',
      `Repository policy does not exist for the repository with name '${name}' in the registry with id '${registryId}'`);
  }
}

export class LifecyclePolicyNotFoundException extends EcrError {
  constructor(name: string, registryId: string) {
    super('LifecyclePolicyNotFoundException',
      `Lifecycle policy does not exist for the repository with name '${name}' in the registry with id '${registryId}'`);
  }
}

export class LifecyclePolicyPreviewNotFoundException extends EcrError {
  constructor(name: string, registryId: string) {
    // Not verified: Berth's text, in the style of LifecyclePolicyNotFoundException's.
    super('LifecyclePolicyPreviewNotFoundException',
      `Lifecycle policy preview does not exist for the repository with name '${name}' in the registry with id '${registryId}'`);
  }
}

export class ImageAlreadyExistsException extends EcrError {
  constructor(digest: string, tag: string, name: string, registryId: string) {
    super('ImageAlreadyExistsException',
      `Image with digest '${digest}' and tag '${tag}' already exists in the repository with name '${name}' in registry with id '${registryId}'`);
  }
}

export class ImageTagAlreadyExistsException extends EcrError {
  constructor(tag: string, name: string) {
    super('ImageTagAlreadyExistsException',
      `The image tag '${tag}' already exists in the '${name}' repository and cannot be overwritten because the repository is immutable.`);
  }
}

export class ImageDigestDoesNotMatchException extends EcrError {
  constructor(given: string, actual: string) {
    // Not verified: Berth's text.
    super('ImageDigestDoesNotMatchException', `The imageDigest '${given}' does not match the manifest's digest '${actual}'.`);
  }
}

export class LayersNotFoundException extends EcrError {
  /** By default PutImage's case (a manifest names it); GetDownloadUrlForLayer passes its own text. */
  constructor(digest: string, message = `The layer or manifest '${digest}' that the image references does not exist in the repository.`) {
    // Not verified: Berth's text.
    super('LayersNotFoundException', message);
  }
}

export class InvalidTagParameterException extends EcrError {
  constructor(message: string) {
    super('InvalidTagParameterException', message);
  }
}

export class TooManyTagsException extends EcrError {
  constructor(message: string) {
    super('TooManyTagsException', message);
  }
}

export class ImageNotFoundException extends EcrError {
  constructor(message: string) {
    super('ImageNotFoundException', message);
  }
}

// The layer API's errors (layers.ts, layer-uploads.ts). The shapes' descriptions are the ECR API
// Reference's; the texts are Berth's (Not verified against AWS answers).

export class UploadNotFoundException extends EcrError {
  constructor(uploadId: string, name: string, registryId: string) {
    super('UploadNotFoundException',
      `The upload with id '${uploadId}' does not exist in the repository with name '${name}' in the registry with id '${registryId}'`);
  }
}

/**
 * A part that does not continue the upload exactly. The shape also has registryId, repositoryName,
 * uploadId and lastValidByteReceived members; Berth's JSON error writer sends only the message, so the
 * last valid byte is in the text.
 */
export class InvalidLayerPartException extends EcrError {
  constructor(uploadId: string, lastValidByte: number, first: number, last: number) {
    super('InvalidLayerPartException',
      `The layer part [${first}, ${last}] of upload '${uploadId}' does not continue the upload: the last valid byte received is ${lastValidByte}`);
  }
}

export class EmptyUploadException extends EcrError {
  constructor(uploadId: string) {
    super('EmptyUploadException', `The upload with id '${uploadId}' does not contain any layer parts`);
  }
}

export class InvalidLayerException extends EcrError {
  constructor(given: string, actual: string) {
    super('InvalidLayerException', `The layer digest '${given}' does not match the digest of the uploaded layer '${actual}'`);
  }
}

export class LayerAlreadyExistsException extends EcrError {
  constructor(digest: string, name: string, registryId: string) {
    super('LayerAlreadyExistsException',
      `The layer '${digest}' already exists in the repository with name '${name}' in the registry with id '${registryId}'`);
  }
}

export class LayerInaccessibleException extends EcrError {
  constructor(digest: string) {
    // The API Reference's description of the shape, with the digest.
    super('LayerInaccessibleException',
      `The layer '${digest}' is not available because it is not associated with an image. Unassociated image layers may be cleaned up at any time.`);
  }
}
