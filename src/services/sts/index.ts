// AWS STS: who is calling, and temporary credentials for roles and sessions. Operations the model
// has and this table lacks answer NotImplemented (see LIMITATIONS.md).
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { ValidationError } from '../iam/errors.ts';
import { assumeRoleOperations } from './assume-role.ts';
import { stsServiceIam } from './iam-requests.ts';
import { identityOperations } from './identity.ts';
import { sessionTokenOperations } from './session-token.ts';

export { assumeRoleAsService, type AssumedRole, type ServiceAssumeOptions } from './assume-role.ts';

export function createStsService(deps: ServiceDeps): AwsService {
  return {
    name: 'sts',
    model: ModelIndex.load('sts'),
    operations: {
      ...identityOperations(deps),
      ...assumeRoleOperations(deps),
      ...sessionTokenOperations(deps),
    },
    validationError: (message) => new ValidationError(message),
    iam: stsServiceIam(deps),
  };
}
