// Amazon ECS: clusters, task definitions, tasks, capacity providers, account settings, tags.
// The operations Berth does not serve yet answer NotImplemented (see LIMITATIONS.md).
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { accountSettingOperations } from './account-settings.ts';
import { capacityProviderOperations, capacityProviderTaggable } from './capacity-providers.ts';
import { clusterOperations, clusterTaggable } from './clusters.ts';
import { InvalidParameterException } from './errors.ts';
import { tagOperations } from './tags.ts';
import { taskDefinitionOperations, taskDefinitionTaggable } from './task-definitions.ts';
import { taskOperations, taskTaggable, taskWorkload } from './tasks.ts';

export function createEcsService(deps: ServiceDeps): AwsService {
  return {
    name: 'ecs',
    model: ModelIndex.load('ecs'),
    operations: {
      // Cluster counts come from the cluster's tasks; services and container instances do not exist yet.
      ...clusterOperations(deps, taskWorkload),
      ...taskDefinitionOperations(deps),
      ...taskOperations(deps),
      ...capacityProviderOperations(deps),
      ...accountSettingOperations(deps),
      ...tagOperations(deps, [clusterTaggable, taskDefinitionTaggable, capacityProviderTaggable, taskTaggable]),
    },
    // ECS reports input that breaks the model (a missing required member, a length or enum) as InvalidParameterException.
    validationError: (message) => new InvalidParameterException(message),
  };
}
