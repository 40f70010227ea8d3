// The boundary between the API layer and IAM's policy evaluation: the dispatcher asks, for callers whose
// policies are enforced, whether every IamRequest of an operation is allowed, before the operation runs.
import type { RequestContext } from '../context.ts';
import type { IamRequest, ServiceIam } from './iam-request.ts';

export interface Authorizer {
  /** Whether this caller's requests are checked at all (the account's root credentials are not). */
  enforces(ctx: RequestContext): boolean;
  /** Throws `iam.accessDenied(…)` with IAM's text for the first request the caller's policies do not allow. */
  authorize(iam: ServiceIam, requests: readonly IamRequest[], ctx: RequestContext): Promise<void>;
}
