// Amazon ECR: repositories, images, layers and authorization for the registry Berth serves under /v2/
// (src/registry/). The operations Berth does not serve yet answer NotImplemented (LIMITATIONS.md).
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { authorizationOperations } from './authorization.ts';
import type { EcrRegistryDeps } from './context.ts';
import { InvalidParameterException } from './errors.ts';
import { ecrIam } from './iam-requests.ts';
import { imageOperations } from './images.ts';
import { KeyedLock } from './keyed-lock.ts';
import { layerUploadOperations } from './layer-uploads.ts';
import { layerOperations } from './layers.ts';
import { lifecycleOperations } from './lifecycle.ts';
import { repositoryOperations } from './repositories.ts';
import { tagOperations } from './tags.ts';

export type { EcrRegistryDeps } from './context.ts';
/** For the periodic controller: applies every repository's lifecycle policy (all accounts and regions). */
export { applyLifecyclePolicies } from '../../registry/lifecycle.ts';

export function createEcrService(deps: ServiceDeps, registry: EcrRegistryDeps): AwsService {
  const ecr = { ...deps, ...registry };
  return {
    name: 'ecr',
    model: ModelIndex.load('ecr'),
    operations: {
      ...repositoryOperations(ecr),
      ...imageOperations(ecr),
      ...authorizationOperations(ecr),
      ...tagOperations(ecr),
      ...lifecycleOperations(ecr),
      ...layerOperations(ecr),
      ...layerUploadOperations({ ...ecr, uploadLocks: new KeyedLock() }),
    },
    // ECR reports input that breaks the model as InvalidParameterException (awsJson1_1, 400).
    validationError: (message) => new InvalidParameterException(message),
    iam: ecrIam(deps),
  };
}
