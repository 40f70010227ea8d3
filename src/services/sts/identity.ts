// Who is calling (GetCallerIdentity) and which account an access key belongs to (GetAccessKeyInfo).
import type { GetAccessKeyInfoRequest, GetAccessKeyInfoResponse, GetCallerIdentityRequest, GetCallerIdentityResponse } from '@aws-sdk/client-sts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { SYSTEM_SCOPE } from '../common/scope.ts';
import { required } from '../iam/validation.ts';

export function identityOperations(deps: ServiceDeps): ServiceOperations<{
  GetCallerIdentity: [GetCallerIdentityRequest, GetCallerIdentityResponse];
  GetAccessKeyInfo: [GetAccessKeyInfoRequest, GetAccessKeyInfoResponse];
}> {
  return {
    GetCallerIdentity: async (_input, ctx) => ({
      UserId: ctx.principal.userId,
      Account: ctx.principal.accountId,
      Arn: ctx.principal.arn,
    }),

    /**
     * The account of a key Berth issued; any other key belongs to the default account, as every
     * unknown key does in lenient mode. (AWS decodes the account from the key id itself.)
     */
    GetAccessKeyInfo: async (input) => {
      const accessKeyId = required(input.AccessKeyId, 'AccessKeyId');
      const issued = await deps.store.read((tx) => tx.get('auth.issued-key', SYSTEM_SCOPE, accessKeyId));
      return { Account: issued?.principal.accountId ?? deps.defaultAccountId };
    },
  };
}
