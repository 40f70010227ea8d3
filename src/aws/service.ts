// What a service folder hands the API layer: its model, its operations, and how it words
// input that breaks the model (each AWS service names that error differently).
import type { ServiceIam } from './authz/iam-request.ts';
import type { AwsError } from './errors.ts';
import type { Operation } from './context.ts';
import type { ModelIndex } from './models/model-index.ts';
import type { Violation } from './models/validate.ts';

export interface AwsService {
  /** Berth's name for the service, as in the SigV4 scope (`ecs`, `iam`, `sts`, `ec2`). */
  readonly name: string;
  readonly model: ModelIndex;
  /** The operations Berth serves, by AWS's name; the model's others answer NotImplemented. */
  readonly operations: Readonly<Record<string, Operation<never, unknown>>>;
  /** AWS's error for a constraint violation, e.g. ECS InvalidParameterException, IAM ValidationError. */
  validationError(message: string): AwsError;
  /**
   * For services that do not answer with the generic "N validation errors detected" text (EC2:
   * `MissingParameter: The request must contain the parameter X`): builds the error from the
   * violations themselves. When absent, validationError(describeViolations(violations)) is used.
   */
  invalidInput?(violations: Violation[]): AwsError;
  /**
   * What each operation asks of IAM, for callers whose policies are enforced (roles' sessions, IAM users).
   * Absent: the service's operations are not authorized against policies (README says which).
   */
  readonly iam?: ServiceIam;
}

/**
 * Types a service's operation table with the official SDK's request/response shapes:
 * `satisfies ServiceOperations<{ CreateCluster: [CreateClusterRequest, CreateClusterResponse] }>`.
 */
export type ServiceOperations<T extends Record<string, [unknown, unknown]>> = {
  [K in keyof T]: Operation<T[K][0], T[K][1]>;
};
