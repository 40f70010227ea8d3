// Secrets Manager's client-visible errors: one AwsError subclass per exception shape the served operations
// name. Secrets Manager speaks awsJson1_1; its model gives these shapes no `error` trait, so the wire code is
// the shape name and the status 400.
import { AwsError } from '../../aws/errors.ts';

abstract class SecretsManagerError extends AwsError {
  constructor(code: string, message: string) {
    super({ code, httpStatus: 400, senderFault: true, message });
  }
}

export class ResourceNotFoundException extends SecretsManagerError {
  constructor(message: string = SECRET_NOT_FOUND) {
    super('ResourceNotFoundException', message);
  }
}

export class InvalidParameterException extends SecretsManagerError {
  constructor(message: string) {
    super('InvalidParameterException', message);
  }
}

export class InvalidRequestException extends SecretsManagerError {
  constructor(message: string) {
    super('InvalidRequestException', message);
  }
}

export class InvalidNextTokenException extends SecretsManagerError {
  constructor(message: string) {
    super('InvalidNextTokenException', message);
  }
}

export class ResourceExistsException extends SecretsManagerError {
  constructor(message: string) {
    super('ResourceExistsException', message);
  }
}

export class LimitExceededException extends SecretsManagerError {
  constructor(message: string) {
    super('LimitExceededException', message);
  }
}

/** A sealed value did not open (the key file was replaced): AWS's error for a value KMS cannot decrypt. */
export class DecryptionFailure extends SecretsManagerError {
  constructor(message: string) {
    super('DecryptionFailure', message);
  }
}

export class MalformedPolicyDocumentException extends SecretsManagerError {
  constructor(message: string) {
    super('MalformedPolicyDocumentException', message);
  }
}

// AWS's texts, verified where a source is named.
/** Verified: lgallard/terraform-aws-secrets-manager #24, digitalis-io/vals-operator #44. */
export const SECRET_NOT_FOUND = "Secrets Manager can't find the specified secret.";
/** Verified: the lead's brief (AWS's text for reading a secret scheduled for deletion). */
export const MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion.";
/** Verified: aws-controllers-k8s/community #2969. */
export const NAME_SCHEDULED_FOR_DELETION = "You can't create this secret because a secret with this name is already scheduled for deletion.";
/** Verified: aws/aws-sdk-js #2082 (the upper bound); the lower bound's text is Not verified. */
export const RECOVERY_WINDOW_TOO_LONG = 'The RecoveryWindowInDays value must be less than or equal to 30.';
/** Not verified. */
export const RECOVERY_WINDOW_TOO_SHORT = 'The RecoveryWindowInDays value must be greater than or equal to 7.';
/** Not verified (moto's wording of AWS's InvalidParameterException). */
export const FORCE_AND_WINDOW = "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.";
/** Not verified. */
export const SECRET_EXISTS = (name: string): string => `The operation failed because the secret ${name} already exists.`;
/** Not verified. */
export const VERSION_EXISTS = "You can't modify an existing version, you can only create a new version.";
/** Not verified. */
export const BOTH_VALUES = "You can't specify both a binary secret value and a string secret value in the same secret.";
/** Not verified. */
export const NO_VALUE = 'You must provide either SecretString or SecretBinary.';
/** Not verified (the shape of AWS's message; boto/boto3 #2794 confirms the exception). */
export const NO_VALUE_FOR_STAGE = (stage: string): string => `Secrets Manager can't find the specified secret value for staging label: ${stage}`;
/** Not verified. */
export const NO_VALUE_FOR_VERSION = (versionId: string): string => `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`;
/** Not verified. */
export const INVALID_NAME = 'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!';
/** Not verified. */
export const INVALID_NEXT_TOKEN = 'The NextToken value is invalid.';
/** Not verified. */
export const MALFORMED_POLICY = 'This resource policy contains a syntax error.';
/** Not verified. */
export const CANNOT_DECRYPT = "Secrets Manager can't decrypt the protected secret text using the provided KMS key.";
