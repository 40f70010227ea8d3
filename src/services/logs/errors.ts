// CloudWatch Logs' client-visible errors: one AwsError subclass per exception shape the served
// operations name. Logs speaks awsJson1_1 and its model gives these shapes no `error` trait, so
// the wire code is the shape name and the status 400.
import { AwsError } from '../../aws/errors.ts';

abstract class LogsClientError extends AwsError {
  constructor(code: string, message: string) {
    super({ code, httpStatus: 400, senderFault: true, message });
  }
}

/** A parameter is specified incorrectly (also the model's constraint violations). */
export class InvalidParameterException extends LogsClientError {
  constructor(message: string) {
    super('InvalidParameterException', message);
  }
}

export class ResourceNotFoundException extends LogsClientError {
  constructor(message: string) {
    super('ResourceNotFoundException', message);
  }
}

export class ResourceAlreadyExistsException extends LogsClientError {
  constructor(message: string) {
    super('ResourceAlreadyExistsException', message);
  }
}

/** TagResource past the 50-tags-per-resource limit. */
export class TooManyTagsException extends LogsClientError {
  constructor(message: string) {
    super('TooManyTagsException', message);
  }
}

/** DeleteLogGroup on a group with deletion protection enabled. */
export class ValidationException extends LogsClientError {
  constructor(message: string) {
    super('ValidationException', message);
  }
}

// AWS's texts, verified where a source is named.
/** Verified: ecs-behaviour.md §7 (the awslogs driver's error) and aws-robotics/cloudwatchlogs-ros1 #1. */
export const GROUP_NOT_FOUND = 'The specified log group does not exist.';
/** Verified: mentum/lawgs #11. */
export const STREAM_NOT_FOUND = 'The specified log stream does not exist.';
/** Verified: aws-robotics/cloudwatchlogs-ros1 #1 (no final period). */
export const GROUP_EXISTS = 'The specified log group already exists';
/** Verified: aws-robotics/cloudwatchlogs-ros1 #1, aws/aws-logging-dotnet #244 (no final period). */
export const STREAM_EXISTS = 'The specified log stream already exists';
/** Verified: boto/boto3 #1467 (FilterLogEvents). */
export const INVALID_NEXT_TOKEN = 'The specified nextToken is invalid.';
