// Amazon ECR: repositories, images and authorization for the registry Berth serves under /v2/.
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService } from '../../aws/service.ts';
import { clientError } from '../../aws/errors.ts';
import type { ServiceDeps } from '../common/deps.ts';

export function createEcrService(_deps: ServiceDeps): AwsService {
  return {
    name: 'ecr',
    model: ModelIndex.load('ecr'),
    operations: {},
    validationError: (message) => clientError('InvalidParameterException', message),
  };
}
