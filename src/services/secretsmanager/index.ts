// AWS Secrets Manager: secrets, their versions and stages, sealed at rest with the SecretBox.
// The operations Berth does not serve yet answer NotImplemented (see LIMITATIONS.md).
import { ModelIndex } from '../../aws/models/model-index.ts';
import { AwsError } from '../../aws/errors.ts';
import type { AwsService } from '../../aws/service.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { secretsManagerIam } from './iam-requests.ts';
import { listSecretsOperations } from './list-secrets.ts';
import { policyOperations } from './policies.ts';
import { randomPasswordOperations } from './random-password.ts';
import { secretOperations } from './secrets.ts';
import { valueOperations } from './values.ts';

export { purgeDeletedSecrets } from './purge.ts';
export { readSecretValue, type SecretValueRequest } from './values.ts';

export interface SecretsManagerParts {
  /** Seals secret values before they reach the store. */
  box: SecretBox;
}

export function createSecretsManagerService(deps: ServiceDeps, parts: SecretsManagerParts): AwsService {
  return {
    name: 'secretsmanager',
    model: ModelIndex.load('secretsmanager'),
    operations: {
      ...secretOperations(deps, parts.box),
      ...valueOperations(deps, parts.box),
      ...listSecretsOperations(deps),
      ...policyOperations(deps),
      ...randomPasswordOperations(deps),
    },
    // Model constraint violations ("1 validation error detected: …") answer ValidationException (Not verified:
    // the model names no shape for them; InvalidParameterException is used for Secrets Manager's own checks).
    validationError: (message) => new AwsError({ code: 'ValidationException', httpStatus: 400, senderFault: true, message }),
    iam: secretsManagerIam(deps),
  };
}
