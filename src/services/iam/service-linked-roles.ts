// Service-linked roles: the roles an AWS service owns in the account (AWSServiceRoleForECS and
// friends), created on request for the services Berth knows, refused changes by callers
// (records.ts, checkModifiable), and deleted through a deletion task.
//
// Facts: a service-linked role lives at `/aws-service-role/<service principal>/`, trusts that
// principal, and carries the service's policy under `arn:aws:iam::aws:policy/aws-service-role/`
// (IAM User Guide, "Using service-linked roles"; e.g. the ARN in
// aws-samples/aws-workshop-for-kubernetes#544). A second create for the same service is InvalidInput
// "Service role name <name> has been taken in this account, please try a different suffix."
// (verified: Rayraegah/terraform-aws-hasura#17, bcgov/startup-sample-project-aws-containers#13).
// DeleteServiceLinkedRole answers a DeletionTaskId
// `task/aws-service-role/<service-principal-name>/<role-name>/<task-uuid>` and
// GetServiceLinkedRoleDeletionStatus its Status (IAM API reference).
import type {
  CreateServiceLinkedRoleRequest, CreateServiceLinkedRoleResponse, DeleteServiceLinkedRoleRequest, DeleteServiceLinkedRoleResponse,
  GetServiceLinkedRoleDeletionStatusRequest, GetServiceLinkedRoleDeletionStatusResponse,
} from '@aws-sdk/client-iam';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { globalScope } from '../common/scope.ts';
import { roleArn } from './arns.ts';
import { attachmentsOf, deleteAttachment, putAttachment } from './attachments.ts';
import { InvalidInputException, NoSuchEntityException } from './errors.ts';
import { newRoleId } from './ids.ts';
import { instanceProfileCountOf } from './instance-profiles.ts';
import { entityKey, findRole, putRole, requireRole, type RoleRecord } from './records.ts';
import { DEFAULT_MAX_SESSION_DURATION, roleEntity, roleOutput } from './roles.ts';
import { required } from './validation.ts';

export interface LinkedService {
  roleName: string;
  policyName: string;
  /** The role's description when the caller gives none; absent where AWS's is not on record. */
  description?: string;
}

/**
 * The services whose service-linked roles Berth creates. Sources: ECS developer guide "Using
 * service-linked roles for Amazon ECS" (AWSServiceRoleForECS, AmazonECSServiceRolePolicy, the
 * description "Role to enable Amazon ECS to manage your cluster."); Application Auto Scaling user
 * guide "Service-linked roles" (AWSServiceRoleForApplicationAutoScaling_ECSService, trusting
 * ecs.application-autoscaling.amazonaws.com) with the policy AWSApplicationAutoscalingECSServicePolicy;
 * ELB user guide "Elastic Load Balancing service-linked role" (AWSServiceRoleForElasticLoadBalancing,
 * AWSElasticLoadBalancingServiceRolePolicy).
 */
export const LINKED_SERVICES: Readonly<Record<string, LinkedService>> = Object.freeze({
  'ecs.amazonaws.com': {
    roleName: 'AWSServiceRoleForECS', policyName: 'AmazonECSServiceRolePolicy', description: 'Role to enable Amazon ECS to manage your cluster.',
  },
  'ecs.application-autoscaling.amazonaws.com': {
    roleName: 'AWSServiceRoleForApplicationAutoScaling_ECSService', policyName: 'AWSApplicationAutoscalingECSServicePolicy',
  },
  'elasticloadbalancing.amazonaws.com': { roleName: 'AWSServiceRoleForElasticLoadBalancing', policyName: 'AWSElasticLoadBalancingServiceRolePolicy' },
});

export const SERVICE_ROLE_POLICY_PATH = '/aws-service-role/';

function linkedServiceOf(name: string): LinkedService {
  const known = Object.hasOwn(LINKED_SERVICES, name) ? LINKED_SERVICES[name] : undefined;
  // Berth's wording (unverified): no IAM answer for an unknown service principal was found.
  if (!known) throw new InvalidInputException(`Unrecognized service name ${name}: Berth does not know its service-linked role.`);
  return known;
}

function trustPolicyFor(service: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
}

export function serviceLinkedRoleOperations(deps: ServiceDeps): ServiceOperations<{
  CreateServiceLinkedRole: [CreateServiceLinkedRoleRequest, CreateServiceLinkedRoleResponse];
  DeleteServiceLinkedRole: [DeleteServiceLinkedRoleRequest, DeleteServiceLinkedRoleResponse];
  GetServiceLinkedRoleDeletionStatus: [GetServiceLinkedRoleDeletionStatusRequest, GetServiceLinkedRoleDeletionStatusResponse];
}> {
  const { store, ids } = deps;
  const random = (n: number): Buffer => ids.bytes(n);
  return {
    CreateServiceLinkedRole: async (input, ctx) => {
      const service = required(input.AWSServiceName, 'AWSServiceName');
      const linked = linkedServiceOf(service);
      if (input.CustomSuffix !== undefined) {
        // These services take no suffix (aws-samples/aws-container-devsecops-workshop#4 for ECS);
        // the wording is Berth's (unverified).
        throw new InvalidInputException(`Custom suffix is not allowed for ${service}`);
      }
      const scope = globalScope(ctx);
      const path = `${SERVICE_ROLE_POLICY_PATH}${service}/`;
      return store.write(async (tx) => {
        if (await findRole(tx, scope, linked.roleName)) {
          throw new InvalidInputException(`Service role name ${linked.roleName} has been taken in this account, please try a different suffix.`);
        }
        const role: RoleRecord = {
          roleName: linked.roleName,
          roleId: newRoleId(random),
          path,
          arn: roleArn(scope.account, path, linked.roleName),
          createDate: ctx.now,
          assumeRolePolicyDocument: trustPolicyFor(service),
          maxSessionDuration: DEFAULT_MAX_SESSION_DURATION,
          tags: [],
          linkedService: service,
        };
        const description = input.Description ?? linked.description;
        if (description !== undefined) role.description = description;
        await putRole(tx, scope, role);
        const policyName = linked.policyName;
        await putAttachment(tx, scope, roleEntity(role), {
          arn: `arn:aws:iam::aws:policy${SERVICE_ROLE_POLICY_PATH}${policyName}`, policyName, path: SERVICE_ROLE_POLICY_PATH,
        }, 'PermissionsPolicy');
        return { Role: roleOutput(role, 'create') };
      });
    },

    DeleteServiceLinkedRole: async (input, ctx) => {
      const name = required(input.RoleName, 'RoleName');
      const scope = globalScope(ctx);
      const taskUuid = ids.uuid();
      return store.write(async (tx) => {
        const role = await requireRole(tx, scope, name);
        if (role.linkedService === undefined) {
          // Berth's wording (unverified); NoSuchEntity is the error the API reference lists.
          throw new NoSuchEntityException(`Role ${role.roleName} is not a service-linked role.`);
        }
        const deletionTaskId = `task${role.path}${role.roleName}/${taskUuid}`;
        if ((await instanceProfileCountOf(tx, scope, role.roleName)) > 0) {
          // AWS accepts the request and the task fails; the role stays. Berth's services hold no
          // other resources that use the role.
          await tx.put('iam.deletion-task', scope, { id: deletionTaskId, body: { deletionTaskId, status: 'FAILED' } });
          return { DeletionTaskId: deletionTaskId };
        }
        // The service detaches its own policy, and the deletion succeeds at once.
        for (const row of await attachmentsOf(tx, scope, 'role', role.roleName, 'PermissionsPolicy')) {
          await deleteAttachment(tx, scope, 'role', role.roleName, 'PermissionsPolicy', row.body.policyArn);
        }
        await tx.delete('iam.role', scope, entityKey(role.roleName));
        await tx.put('iam.deletion-task', scope, { id: deletionTaskId, body: { deletionTaskId, status: 'SUCCEEDED' } });
        return { DeletionTaskId: deletionTaskId };
      });
    },

    GetServiceLinkedRoleDeletionStatus: async (input, ctx) => {
      const id = required(input.DeletionTaskId, 'DeletionTaskId');
      const task = await store.read((tx) => tx.get('iam.deletion-task', globalScope(ctx), id));
      // Berth's wording (unverified).
      if (!task) throw new NoSuchEntityException(`Deletion task ${id} cannot be found.`);
      return { Status: task.status };
    },
  };
}
