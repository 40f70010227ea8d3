// Amazon ECS: clusters, task definitions, capacity providers, account settings, tags.
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { clientError } from '../../aws/errors.ts';

export function createEcsService(_deps: ServiceDeps): AwsService {
  return {
    name: 'ecs',
    model: ModelIndex.load('ecs'),
    operations: {},
    validationError: (message) => clientError('InvalidParameterException', message),
  };
}
