// AWS Systems Manager Parameter Store: parameters, versions, labels; SecureString values sealed with the SecretBox.
import { ModelIndex } from '../../aws/models/model-index.ts';
import { AwsError } from '../../aws/errors.ts';
import type { AwsService } from '../../aws/service.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { ServiceDeps } from '../common/deps.ts';

export interface SsmParts {
  /** Seals SecureString values before they reach the store. */
  box: SecretBox;
}

export function createSsmService(_deps: ServiceDeps, _parts: SsmParts): AwsService {
  return {
    name: 'ssm',
    model: ModelIndex.load('ssm'),
    operations: {},
    validationError: (message) => new AwsError({ code: 'ValidationException', httpStatus: 400, senderFault: true, message }),
  };
}
