// SSM Parameter Store's client-visible errors, named after the exception shapes of the SSM model (awsJson1_1: the wire
// code is the shape name, 400). Texts are AWS's where a source records them (cited); the rest are marked Not verified.
import { AwsError } from '../../aws/errors.ts';

export class SsmError extends AwsError {
  constructor(code: string, message: string) {
    super({ code, httpStatus: 400, senderFault: true, message });
  }
}

export class ValidationException extends SsmError {
  constructor(message: string) {
    super('ValidationException', message);
  }
}

/** AWS answers "Parameter name: …" texts for names under /aws as AccessDeniedException (moto records it; Not verified). */
export class AccessDeniedException extends SsmError {
  constructor(message: string) {
    super('AccessDeniedException', message);
  }
}

/**
 * AWS sends ParameterNotFound with an empty message for GetParameter/DeleteParameter: the CLI prints "An error occurred
 * (ParameterNotFound) when calling the GetParameter operation: " (awslabs/aws-simple-cicd #10, aws/aws-cdk #1621).
 */
export class ParameterNotFound extends SsmError {
  constructor(message = '') {
    super('ParameterNotFound', message);
  }
}

/** The PutParameter API reference's text for the shape, which AWS also answers. */
export class ParameterAlreadyExists extends SsmError {
  constructor() {
    super('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
  }
}

/** Verified: AWS's answer as recorded by getmoto/moto #3977 (real responses quoted there). */
export class ParameterVersionNotFound extends SsmError {
  constructor(name: string, selector: string) {
    super('ParameterVersionNotFound', `Systems Manager could not find version ${selector} of ${name}. Verify the version and try again.`);
  }
}

/** The shape's documentation quotes this message (ParameterMaxVersionLimitExceeded, SSM API reference). */
export class ParameterMaxVersionLimitExceeded extends SsmError {
  constructor(name: string, oldest: number) {
    super('ParameterMaxVersionLimitExceeded',
      `You attempted to create a new version of ${name} by calling the PutParameter API with the overwrite flag. ` +
      `Version ${oldest}, the oldest version, can't be deleted because it has a label associated with it. ` +
      'Move the label to another version of the parameter, and try again.');
  }
}

export class ParameterPatternMismatchException extends SsmError {
  constructor(pattern: string) {
    // Not verified: Berth's text.
    super('ParameterPatternMismatchException', `Parameter value, cannot be validated against allowedPattern: ${pattern}`);
  }
}

export class InvalidAllowedPatternException extends SsmError {
  constructor(pattern: string) {
    // Not verified: Berth's text (the shape's description: "The request doesn't meet the regular expression requirement.").
    super('InvalidAllowedPatternException', `The allowedPattern ${pattern} is not a valid regular expression.`);
  }
}

/** The shape's documentation text (HierarchyLevelLimitExceededException, SSM API reference). */
export class HierarchyLevelLimitExceededException extends SsmError {
  constructor() {
    super('HierarchyLevelLimitExceededException',
      'A hierarchy can have a maximum of 15 levels. For more information, see Requirements and constraints for parameter names ' +
      'in the Amazon Web Services Systems Manager User Guide.');
  }
}

export class InvalidKeyId extends SsmError {
  constructor(keyId: string) {
    // Not verified: Berth's text (the shape's description: "The query key ID isn't valid.").
    super('InvalidKeyId', `The query key ID isn't valid: ${keyId}`);
  }
}

export class InvalidFilterKey extends SsmError {
  constructor(message: string) {
    super('InvalidFilterKey', message);
  }
}

export class InvalidFilterOption extends SsmError {
  constructor(message: string) {
    super('InvalidFilterOption', message);
  }
}

export class InvalidFilterValue extends SsmError {
  constructor(message: string) {
    super('InvalidFilterValue', message);
  }
}

export class InvalidNextToken extends SsmError {
  constructor() {
    // Not verified: Berth's text (the shape's description: "The specified token isn't valid.").
    super('InvalidNextToken', "The specified token isn't valid.");
  }
}

export class ParameterVersionLabelLimitExceeded extends SsmError {
  constructor() {
    // Not verified: the shape's description; moto answers the same text.
    super('ParameterVersionLabelLimitExceeded',
      'A parameter version can have maximum 10 labels. Move one or more labels to another version and try again.');
  }
}

export class TooManyTagsError extends SsmError {
  constructor() {
    // Not verified: Berth's text ("The Targets parameter includes too many tags. Remove one or more tags and try the request again." is the shape's description).
    super('TooManyTagsError', 'A resource can have a maximum of 50 tags. Remove one or more tags and try the request again.');
  }
}

/** moto's text for this shape (Not verified against AWS). */
export class InvalidResourceId extends SsmError {
  constructor() {
    super('InvalidResourceId', 'Invalid Resource Id');
  }
}
