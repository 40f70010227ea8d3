// GetSessionToken: temporary credentials for the account root or an IAM user, standing for that
// same principal.
//
// Facts (STS API reference, GetSessionToken): DurationSeconds is 900–129,600 with 43,200 (12
// hours) the default; "Sessions for AWS account owners are restricted to a maximum of 3,600
// seconds (one hour). If the duration is longer than one hour, the session for AWS account owners
// defaults to one hour." Called with temporary credentials it is refused: AccessDenied "Cannot
// call GetSessionToken with session credentials" (verified: aws/aws-sdk-php#1876,
// aws/aws-sdk-net#1704).
import type { GetSessionTokenRequest, GetSessionTokenResponse } from '@aws-sdk/client-sts';
import { clientError } from '../../aws/errors.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { issueTemporaryCredentials, usesSessionCredentials } from './credentials.ts';

export const DEFAULT_SESSION_TOKEN_SECONDS = 43_200;
export const ROOT_MAX_SESSION_TOKEN_SECONDS = 3_600;

export function sessionTokenOperations(deps: ServiceDeps): ServiceOperations<{ GetSessionToken: [GetSessionTokenRequest, GetSessionTokenResponse] }> {
  return {
    GetSessionToken: async (input, ctx) => {
      const { principal } = ctx;
      if (usesSessionCredentials(principal)) throw clientError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
      let duration = input.DurationSeconds ?? DEFAULT_SESSION_TOKEN_SECONDS;
      if (principal.kind === 'root') duration = Math.min(duration, ROOT_MAX_SESSION_TOKEN_SECONDS);
      const credentials = await deps.store.write((tx) =>
        issueTemporaryCredentials(tx, deps.ids, (accessKeyId) => ({ ...principal, accessKeyId }), ctx.now, duration));
      return { Credentials: credentials };
    },
  };
}
