// AWS Secrets Manager: secrets, their versions and stages, sealed at rest with the SecretBox.
import { ModelIndex } from '../../aws/models/model-index.ts';
import { AwsError } from '../../aws/errors.ts';
import type { AwsService } from '../../aws/service.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { ServiceDeps } from '../common/deps.ts';

export interface SecretsManagerParts {
  /** Seals secret values before they reach the store. */
  box: SecretBox;
}

export function createSecretsManagerService(_deps: ServiceDeps, _parts: SecretsManagerParts): AwsService {
  return {
    name: 'secretsmanager',
    model: ModelIndex.load('secretsmanager'),
    operations: {},
    validationError: (message) => new AwsError({ code: 'ValidationException', httpStatus: 400, senderFault: true, message }),
  };
}
