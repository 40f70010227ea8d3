// Elastic Load Balancing v2 (application and network load balancers): the API over the store.
// The data plane that really listens is src/lb/, fed by src/controllers/load-balancers/.
import { ModelIndex } from '../../aws/models/model-index.ts';
import { AwsError } from '../../aws/errors.ts';
import type { AwsService } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';

export function createElbv2Service(_deps: ServiceDeps): AwsService {
  return {
    // The SigV4 signing name, which the router matches Query requests on.
    name: 'elasticloadbalancing',
    model: ModelIndex.load('elbv2'),
    operations: {},
    validationError: (message) => new AwsError({ code: 'ValidationError', httpStatus: 400, senderFault: true, message }),
  };
}
