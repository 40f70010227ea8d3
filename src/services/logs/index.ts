// Amazon CloudWatch Logs: log groups, streams and events.
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService } from '../../aws/service.ts';
import { clientError } from '../../aws/errors.ts';
import type { ServiceDeps } from '../common/deps.ts';

export function createLogsService(_deps: ServiceDeps): AwsService {
  return {
    name: 'logs',
    model: ModelIndex.load('logs'),
    operations: {},
    validationError: (message) => clientError('InvalidParameterException', message),
  };
}
