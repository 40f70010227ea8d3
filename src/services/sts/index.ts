// AWS STS: who is calling, and temporary credentials for roles.
import type { GetCallerIdentityRequest, GetCallerIdentityResponse } from '@aws-sdk/client-sts';
import { clientError } from '../../aws/errors.ts';
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService, ServiceOperations } from '../../aws/service.ts';

export function createStsService(): AwsService {
  const operations = {
    GetCallerIdentity: async (_input: GetCallerIdentityRequest, ctx) => ({
      UserId: ctx.principal.userId,
      Account: ctx.principal.accountId,
      Arn: ctx.principal.arn,
    }),
  } satisfies ServiceOperations<{ GetCallerIdentity: [GetCallerIdentityRequest, GetCallerIdentityResponse] }>;
  return {
    name: 'sts',
    model: ModelIndex.load('sts'),
    operations,
    validationError: (message) => clientError('ValidationError', message),
  };
}
