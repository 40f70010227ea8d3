// GetAuthorizationToken: the password `docker login -u AWS` uses on Berth's registry, 12 hours valid.
import type { GetAuthorizationTokenRequest, GetAuthorizationTokenResponse } from '@aws-sdk/client-ecr';
import type { ServiceOperations } from '../../aws/service.ts';
import { issueRegistryPassword } from '../../registry/auth-token.ts';
import { registryHost } from '../../registry/host.ts';
import { regionalScope } from '../common/scope.ts';
import type { EcrDeps } from './context.ts';

export function authorizationOperations(deps: EcrDeps) {
  return {
    GetAuthorizationToken: async (_input: GetAuthorizationTokenRequest, ctx) => {
      // registryIds is deprecated on AWS (every token is valid for every registry the caller may reach); Berth ignores it.
      const scope = regionalScope(ctx);
      const token = await issueRegistryPassword(deps.store, deps.ids, scope.account, ctx.now);
      return {
        authorizationData: [{
          // As ECR: base64 of "AWS:<password>" (`aws ecr get-login-password` prints the part after the colon).
          authorizationToken: Buffer.from(`AWS:${token.password}`, 'utf8').toString('base64'),
          expiresAt: token.expiresAt,
          proxyEndpoint: `http://${registryHost(scope, deps.addressing)}`,
        }],
      };
    },
  } satisfies ServiceOperations<{ GetAuthorizationToken: [GetAuthorizationTokenRequest, GetAuthorizationTokenResponse] }>;
}
