// Elastic Load Balancing v2 (application and network load balancers): the API over the store.
// The data plane that really listens is src/lb/, fed by src/controllers/load-balancers/. Operations the
// model has and this table lacks answer NotImplemented (see LIMITATIONS.md).
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { ValidationError } from './errors.ts';
import { elbv2ServiceIam } from './iam-requests.ts';
import { limitOperations } from './limits.ts';
import { listenerAttributeOperations } from './listener-attributes.ts';
import { listenerCertificateOperations } from './listener-certificates.ts';
import { listenerOperations } from './listeners.ts';
import { loadBalancerAttributeOperations } from './load-balancer-attributes.ts';
import { loadBalancerOperations } from './load-balancers.ts';
import { ruleOperations } from './rules.ts';
import { sslPolicyOperations } from './ssl-policies.ts';
import { tagOperations } from './tags.ts';
import { targetGroupAttributeOperations } from './target-group-attributes.ts';
import { targetGroupOperations } from './target-groups.ts';
import { targetHealthOperations } from './target-health.ts';
import { targetOperations } from './targets.ts';
import { selfSignedIssuer, type CertificateIssuer } from './tls.ts';

export interface Elbv2Options {
  /** Makes the certificates HTTPS listeners serve; self-signed for the load balancer's DNS name by default. */
  certificates?: CertificateIssuer;
}

export function createElbv2Service(deps: ServiceDeps, options: Elbv2Options = {}): AwsService {
  return {
    // The SigV4 signing name, which the router matches Query requests on.
    name: 'elasticloadbalancing',
    model: ModelIndex.load('elbv2'),
    operations: {
      ...loadBalancerOperations(deps),
      ...loadBalancerAttributeOperations(deps),
      ...targetGroupOperations(deps),
      ...targetGroupAttributeOperations(deps),
      ...listenerOperations(deps, options.certificates ?? selfSignedIssuer),
      ...listenerAttributeOperations(deps),
      ...listenerCertificateOperations(deps),
      ...sslPolicyOperations(),
      ...ruleOperations(deps),
      ...targetOperations(deps),
      ...targetHealthOperations(deps),
      ...tagOperations(deps),
      ...limitOperations(),
    },
    validationError: (message) => new ValidationError(message),
    iam: elbv2ServiceIam(),
  };
}
