// Amazon ECS: clusters, task definitions, tasks, services (with their deployments and revisions), capacity
// providers, account settings, tags.
// The operations Berth does not serve yet answer NotImplemented (see LIMITATIONS.md).
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { accountSettingOperations } from './account-settings.ts';
import { capacityProviderOperations, capacityProviderTaggable } from './capacity-providers.ts';
import { clusterOperations, clusterTaggable } from './clusters.ts';
import { InvalidParameterException } from './errors.ts';
import { ecsIam } from './iam-requests.ts';
import { serviceDeploymentOperations } from './service-deployments.ts';
import { serviceOperations } from './services.ts';
import { serviceTaggable, serviceWorkload } from './services-view.ts';
import { tagOperations } from './tags.ts';
import { taskDefinitionOperations, taskDefinitionTaggable } from './task-definitions.ts';
import { taskProtectionOperations } from './task-protection.ts';
import { taskOperations, taskTaggable } from './tasks.ts';

export function createEcsService(deps: ServiceDeps): AwsService {
  return {
    name: 'ecs',
    model: ModelIndex.load('ecs'),
    operations: {
      // Cluster counts come from the cluster's tasks and services; container instances do not exist in Berth.
      ...clusterOperations(deps, serviceWorkload),
      ...taskDefinitionOperations(deps),
      ...taskOperations(deps),
      ...taskProtectionOperations(deps),
      ...serviceOperations(deps),
      ...serviceDeploymentOperations(deps),
      ...capacityProviderOperations(deps),
      ...accountSettingOperations(deps),
      ...tagOperations(deps, [clusterTaggable, taskDefinitionTaggable, capacityProviderTaggable, taskTaggable, serviceTaggable]),
    },
    // ECS reports input that breaks the model (a missing required member, a length or enum) as InvalidParameterException.
    validationError: (message) => new InvalidParameterException(message),
    iam: ecsIam(deps),
  };
}
