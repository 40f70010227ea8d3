// Amazon EC2, the networking part ECS users touch: VPCs with their route tables, internet gateways, ACLs and
// DHCP options, subnets, security groups, ENIs, tags.
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { availabilityZoneOperations } from './availability-zones.ts';
import { invalidParameterValue } from './errors.ts';
import { ec2ServiceIam } from './iam-requests.ts';
import { internetGatewayOperations } from './internet-gateways.ts';
import { ec2Env } from './network-call.ts';
import { networkInterfaceOperations } from './network-interfaces.ts';
import { ec2InvalidInput } from './request-errors.ts';
import { routeTableOperations } from './route-tables.ts';
import { routeOperations } from './routes.ts';
import { securityGroupRuleOperations } from './security-group-rules.ts';
import { securityGroupOperations } from './security-groups.ts';
import { subnetOperations } from './subnets.ts';
import { tagOperations } from './tags.ts';
import { vpcSettingOperations } from './vpc-settings.ts';
import { vpcOperations } from './vpcs.ts';

export function createEc2Service(deps: ServiceDeps): AwsService {
  const env = ec2Env(deps);
  return {
    name: 'ec2',
    model: ModelIndex.load('ec2'),
    operations: {
      ...vpcOperations(env),
      ...subnetOperations(env),
      ...securityGroupOperations(env),
      ...securityGroupRuleOperations(env),
      ...networkInterfaceOperations(env),
      ...availabilityZoneOperations(env),
      ...tagOperations(env),
      ...routeTableOperations(env),
      ...routeOperations(env),
      ...internetGatewayOperations(env),
      ...vpcSettingOperations(env),
    },
    // EC2 names most bad input InvalidParameterValue, and an absent required member MissingParameter.
    validationError: invalidParameterValue,
    invalidInput: ec2InvalidInput,
    iam: ec2ServiceIam(deps),
  };
}
