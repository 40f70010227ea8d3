// AWS IAM: roles (service-linked ones too), policies (inline and managed), users, groups, instance
// profiles and access keys. Operations the model has
// and this table lacks answer NotImplemented (see LIMITATIONS.md).
import { ModelIndex } from '../../aws/models/model-index.ts';
import type { AwsService } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { accessKeyOperations } from './access-keys.ts';
import { ValidationError } from './errors.ts';
import { groupOperations } from './groups.ts';
import { iamServiceIam } from './iam-requests.ts';
import { inlinePolicyOperations } from './inline-policies.ts';
import { instanceProfileOperations } from './instance-profiles.ts';
import { managedPolicyOperations } from './managed-policies.ts';
import { policyAttachmentOperations } from './policy-attachments.ts';
import { policyVersionOperations } from './policy-versions.ts';
import { roleOperations } from './roles.ts';
import { serviceLinkedRoleOperations } from './service-linked-roles.ts';
import { taggingOperations } from './tagging.ts';
import { userOperations } from './users.ts';

export function createIamService(deps: ServiceDeps): AwsService {
  return {
    name: 'iam',
    model: ModelIndex.load('iam'),
    operations: {
      ...roleOperations(deps),
      ...inlinePolicyOperations(deps),
      ...managedPolicyOperations(deps),
      ...policyVersionOperations(deps),
      ...policyAttachmentOperations(deps),
      ...userOperations(deps),
      ...accessKeyOperations(deps),
      ...taggingOperations(deps),
      ...instanceProfileOperations(deps),
      ...serviceLinkedRoleOperations(deps),
      ...groupOperations(deps),
    },
    validationError: (message) => new ValidationError(message),
    iam: iamServiceIam(deps),
  };
}
