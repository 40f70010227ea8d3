// AWS IAM: roles, policies, users and access keys.
import { clientError } from '../../aws/errors.ts';
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';

export function createIamService(_deps: ServiceDeps): AwsService {
  return {
    name: 'iam',
    model: ModelIndex.load('iam'),
    operations: {},
    validationError: (message) => clientError('ValidationError', message),
  };
}
