// IAM's client-visible errors: one AwsError subclass per error shape in the IAM model.
//
// IAM is an awsQuery service, so the wire code is not the shape name: each shape in
// botocore's data/iam/2010-05-08/service-2.json carries `error: {code, httpStatusCode,
// senderFault}` and the classes below copy those three facts exactly (errors.test.ts checks
// every class against the model). The set covers the shapes that the role, policy, user,
// group, instance-profile and access-key operations declare in that model.

import { AwsError } from '../../aws/errors.ts';

/** EntityAlreadyExists, 409: CreateRole/CreatePolicy/CreateUser/... on a name already taken. */
export class EntityAlreadyExistsException extends AwsError {
  constructor(message: string) {
    super({ code: 'EntityAlreadyExists', httpStatus: 409, senderFault: true, message });
  }
}

/** NoSuchEntity, 404: the named role, user, policy, access key ... does not exist. */
export class NoSuchEntityException extends AwsError {
  constructor(message: string) {
    super({ code: 'NoSuchEntity', httpStatus: 404, senderFault: true, message });
  }
}

/** DeleteConflict, 409: the entity still has subordinate entities (policies, keys, profiles). */
export class DeleteConflictException extends AwsError {
  constructor(message: string) {
    super({ code: 'DeleteConflict', httpStatus: 409, senderFault: true, message });
  }
}

/** MalformedPolicyDocument, 400: the policy text fails IAM's grammar (see policy-document.ts). */
export class MalformedPolicyDocumentException extends AwsError {
  constructor(message: string) {
    super({ code: 'MalformedPolicyDocument', httpStatus: 400, senderFault: true, message });
  }
}

/** LimitExceeded, 409: a quota (policy size, keys per user, policies per role ...) is reached. */
export class LimitExceededException extends AwsError {
  constructor(message: string) {
    super({ code: 'LimitExceeded', httpStatus: 409, senderFault: true, message });
  }
}

/** InvalidInput, 400: a parameter is invalid or out of range in a way the shapes don't express. */
export class InvalidInputException extends AwsError {
  constructor(message: string) {
    super({ code: 'InvalidInput', httpStatus: 400, senderFault: true, message });
  }
}

/** ConcurrentModification, 409: another request changed the same entity at the same time. */
export class ConcurrentModificationException extends AwsError {
  constructor(message: string) {
    super({ code: 'ConcurrentModification', httpStatus: 409, senderFault: true, message });
  }
}

/** UnmodifiableEntity, 400: service-linked roles are protected and can't be changed by callers. */
export class UnmodifiableEntityException extends AwsError {
  constructor(message: string) {
    super({ code: 'UnmodifiableEntity', httpStatus: 400, senderFault: true, message });
  }
}

/** PolicyNotAttachable, 400: AWS service-role policies attach only to service-linked roles. */
export class PolicyNotAttachableException extends AwsError {
  constructor(message: string) {
    super({ code: 'PolicyNotAttachable', httpStatus: 400, senderFault: true, message });
  }
}

/** EntityTemporarilyUnmodifiable, 409: the user is mid-change (e.g. its login profile). */
export class EntityTemporarilyUnmodifiableException extends AwsError {
  constructor(message: string) {
    super({ code: 'EntityTemporarilyUnmodifiable', httpStatus: 409, senderFault: true, message });
  }
}

/** PolicyEvaluation, 500: SimulatePrincipalPolicy/SimulateCustomPolicy could not evaluate. */
export class PolicyEvaluationException extends AwsError {
  constructor(message: string) {
    // The model declares no senderFault for this shape, which means the service's side.
    super({ code: 'PolicyEvaluation', httpStatus: 500, senderFault: false, message });
  }
}

/** ServiceFailure, 500: IAM's own unknown failure. The default text is the model's documentation. */
export class ServiceFailureException extends AwsError {
  constructor(message = 'The request processing has failed because of an unknown error, exception or failure.') {
    super({ code: 'ServiceFailure', httpStatus: 500, senderFault: false, message });
  }
}

/**
 * ValidationError, 400: what Query-protocol services (IAM, STS) answer when an input breaks a
 * constraint of the model (length, pattern, enum). It is not an IAM error shape; the wire
 * protocol raises it before an operation runs, and operations may raise it for the same reason.
 */
export class ValidationError extends AwsError {
  constructor(message: string) {
    super({ code: 'ValidationError', httpStatus: 400, senderFault: true, message });
  }
}

/** Every IAM error-shape class above, keyed by its shape name in the IAM model. */
export const IAM_ERROR_SHAPES = {
  EntityAlreadyExistsException,
  NoSuchEntityException,
  DeleteConflictException,
  MalformedPolicyDocumentException,
  LimitExceededException,
  InvalidInputException,
  ConcurrentModificationException,
  UnmodifiableEntityException,
  PolicyNotAttachableException,
  EntityTemporarilyUnmodifiableException,
  PolicyEvaluationException,
  ServiceFailureException,
} as const;
