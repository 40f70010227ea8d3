// Amazon CloudWatch Logs: log groups, streams, events (put, get, filter), retention and tags.
// The operations Berth does not serve yet answer NotImplemented (see LIMITATIONS.md).
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { InvalidParameterException } from './errors.ts';
import { filterLogEventsOperations } from './filter-log-events.ts';
import { getLogEventsOperations } from './get-log-events.ts';
import { logsIam } from './iam-requests.ts';
import { logGroupOperations } from './log-groups.ts';
import { logStreamOperations } from './log-streams.ts';
import { putLogEventsOperations } from './put-log-events.ts';
import { tagOperations } from './tags.ts';

export { appendLogEvents, ensureLogStream, type StreamTarget } from './put-log-events.ts';
export { enforceRetention } from './retention.ts';

export function createLogsService(deps: ServiceDeps): AwsService {
  return {
    name: 'logs',
    model: ModelIndex.load('logs'),
    operations: {
      ...logGroupOperations(deps),
      ...logStreamOperations(deps),
      ...putLogEventsOperations(deps),
      ...getLogEventsOperations(deps),
      ...filterLogEventsOperations(deps),
      ...tagOperations(deps),
    },
    // Logs reports input that breaks the model as InvalidParameterException ("1 validation error
    // detected: Value '' at 'nextToken' failed to satisfy constraint: ...", fluent-plugin-cloudwatch-logs #116).
    validationError: (message) => new InvalidParameterException(message),
    iam: logsIam(),
  };
}
