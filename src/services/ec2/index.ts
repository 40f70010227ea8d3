// Amazon EC2, the networking part ECS users touch: VPCs, subnets, security groups, ENIs, tags.
import { clientError } from '../../aws/errors.ts';
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';

export function createEc2Service(_deps: ServiceDeps): AwsService {
  return {
    name: 'ec2',
    model: ModelIndex.load('ec2'),
    operations: {},
    validationError: (message) => clientError('InvalidParameterValue', message),
  };
}
