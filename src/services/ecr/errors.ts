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
  constructor(digest: string) {
    // Not verified: Berth's text.
    super('LayersNotFoundException', `The layer or manifest '${digest}' that the image references does not exist in the repository.`);
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
