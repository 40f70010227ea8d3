// Attaching managed policies to roles, users and groups, listing what is attached, and which entities
// use a policy: Attach/Detach/ListAttached{Role,User,Group}Policies and ListEntitiesForPolicy.
//
// Facts: attaching an unknown or unattachable policy is NoSuchEntity "Policy <arn> does not exist
// or is not attachable." (verified: getmoto/moto#6482 quoting IAM, pulumi/pulumi#7419); an AWS
// service-linked-role policy is PolicyNotAttachable "Cannot attach a Service Role Policy to a
// Customer Role." (verified: aws/aws-cdk#6131); a role holds at most 10 managed policies:
// LimitExceeded "Cannot exceed quota for PoliciesPerRole: 10" (verified: aws/eks-hybrid#741; the
// quota can be raised to 20 on AWS). Attaching an attached policy again changes nothing.
import type {
  AttachGroupPolicyRequest, DetachGroupPolicyRequest, ListAttachedGroupPoliciesRequest, ListAttachedGroupPoliciesResponse,
  AttachRolePolicyRequest, AttachUserPolicyRequest, DetachRolePolicyRequest, DetachUserPolicyRequest,
  ListAttachedRolePoliciesRequest, ListAttachedRolePoliciesResponse, ListAttachedUserPoliciesRequest,
  ListAttachedUserPoliciesResponse, ListEntitiesForPolicyRequest, ListEntitiesForPolicyResponse,
} from '@aws-sdk/client-iam';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { globalScope } from '../common/scope.ts';
import { parsePolicyArn } from './arns.ts';
import { attachmentsOf, deleteAttachment, hasAttachment, putAttachment } from './attachments.ts';
import { InvalidInputException, LimitExceededException, NoSuchEntityException, PolicyNotAttachableException } from './errors.ts';
import { iamPageOf, type PageInput } from './paging.ts';
import { findPolicy, requirePolicy } from './policy-lookup.ts';
import { ownerKey, requireEntity, requireModifiableEntity, type EntityType } from './records.ts';
import type { Empty } from './responses.ts';
import { required } from './validation.ts';

export const MAX_POLICIES_PER_ENTITY = 10;
const QUOTA_NAMES: Record<EntityType, string> = { role: 'PoliciesPerRole', user: 'PoliciesPerUser', group: 'PoliciesPerGroup' };

async function attach(deps: ServiceDeps, ctx: RequestContext, type: EntityType, entityName: string, arn: string): Promise<void> {
  const scope = globalScope(ctx);
  await deps.store.write(async (tx) => {
    const entity = await requireModifiableEntity(tx, scope, type, entityName);
    // unverified wording, moto's.
    if (!parsePolicyArn(arn)) throw new InvalidInputException(`ARN ${arn} is not valid.`);
    const policy = await findPolicy(tx, scope, arn);
    if (!policy || !policy.isAttachable) throw new NoSuchEntityException(`Policy ${arn} does not exist or is not attachable.`);
    if (policy.aws && policy.path.startsWith('/aws-service-role/')) {
      throw new PolicyNotAttachableException('Cannot attach a Service Role Policy to a Customer Role.');
    }
    if (await hasAttachment(tx, scope, type, entity.name, 'PermissionsPolicy', arn)) return;
    if ((await attachmentsOf(tx, scope, type, entity.name, 'PermissionsPolicy')).length >= MAX_POLICIES_PER_ENTITY) {
      throw new LimitExceededException(`Cannot exceed quota for ${QUOTA_NAMES[type]}: ${MAX_POLICIES_PER_ENTITY}`);
    }
    await putAttachment(tx, scope, entity, policy, 'PermissionsPolicy');
  });
}

async function detach(deps: ServiceDeps, ctx: RequestContext, type: EntityType, entityName: string, arn: string): Promise<void> {
  const scope = globalScope(ctx);
  await deps.store.write(async (tx) => {
    const entity = await requireModifiableEntity(tx, scope, type, entityName);
    if (!(await deleteAttachment(tx, scope, type, entity.name, 'PermissionsPolicy', arn))) {
      // unverified wording, moto's: the policy is not attached to this entity.
      throw new NoSuchEntityException(`Policy ${arn} was not found.`);
    }
  });
}

async function listAttached(deps: ServiceDeps, ctx: RequestContext, type: EntityType, entityName: string, pathPrefix: string | undefined, page: PageInput):
  Promise<ListAttachedRolePoliciesResponse> {
  const scope = globalScope(ctx);
  const prefix = pathPrefix ?? '/';
  const result = await deps.store.read(async (tx) => {
    const entity = await requireEntity(tx, scope, type, entityName);
    return iamPageOf(tx, 'iam.attachment', scope, { name: ownerKey(type, entity.name) }, page,
      (r) => r.body.usage === 'PermissionsPolicy' && r.body.policyPath.startsWith(prefix));
  });
  return {
    AttachedPolicies: result.items.map((r) => ({ PolicyName: r.body.policyName, PolicyArn: r.body.policyArn })),
    IsTruncated: result.IsTruncated,
    Marker: result.Marker,
  };
}

export function policyAttachmentOperations(deps: ServiceDeps): ServiceOperations<{
  AttachRolePolicy: [AttachRolePolicyRequest, Empty];
  DetachRolePolicy: [DetachRolePolicyRequest, Empty];
  ListAttachedRolePolicies: [ListAttachedRolePoliciesRequest, ListAttachedRolePoliciesResponse];
  AttachUserPolicy: [AttachUserPolicyRequest, Empty];
  DetachUserPolicy: [DetachUserPolicyRequest, Empty];
  ListAttachedUserPolicies: [ListAttachedUserPoliciesRequest, ListAttachedUserPoliciesResponse];
  AttachGroupPolicy: [AttachGroupPolicyRequest, Empty];
  DetachGroupPolicy: [DetachGroupPolicyRequest, Empty];
  ListAttachedGroupPolicies: [ListAttachedGroupPoliciesRequest, ListAttachedGroupPoliciesResponse];
  ListEntitiesForPolicy: [ListEntitiesForPolicyRequest, ListEntitiesForPolicyResponse];
}> {
  return {
    AttachRolePolicy: async (input, ctx) => {
      await attach(deps, ctx, 'role', required(input.RoleName, 'RoleName'), required(input.PolicyArn, 'PolicyArn'));
      return {};
    },
    DetachRolePolicy: async (input, ctx) => {
      await detach(deps, ctx, 'role', required(input.RoleName, 'RoleName'), required(input.PolicyArn, 'PolicyArn'));
      return {};
    },
    ListAttachedRolePolicies: async (input, ctx) => listAttached(deps, ctx, 'role', required(input.RoleName, 'RoleName'), input.PathPrefix, input),
    AttachUserPolicy: async (input, ctx) => {
      await attach(deps, ctx, 'user', required(input.UserName, 'UserName'), required(input.PolicyArn, 'PolicyArn'));
      return {};
    },
    DetachUserPolicy: async (input, ctx) => {
      await detach(deps, ctx, 'user', required(input.UserName, 'UserName'), required(input.PolicyArn, 'PolicyArn'));
      return {};
    },
    ListAttachedUserPolicies: async (input, ctx) => listAttached(deps, ctx, 'user', required(input.UserName, 'UserName'), input.PathPrefix, input),
    AttachGroupPolicy: async (input, ctx) => {
      await attach(deps, ctx, 'group', required(input.GroupName, 'GroupName'), required(input.PolicyArn, 'PolicyArn'));
      return {};
    },
    DetachGroupPolicy: async (input, ctx) => {
      await detach(deps, ctx, 'group', required(input.GroupName, 'GroupName'), required(input.PolicyArn, 'PolicyArn'));
      return {};
    },
    ListAttachedGroupPolicies: async (input, ctx) => listAttached(deps, ctx, 'group', required(input.GroupName, 'GroupName'), input.PathPrefix, input),

    ListEntitiesForPolicy: async (input, ctx) => {
      const arn = required(input.PolicyArn, 'PolicyArn');
      const scope = globalScope(ctx);
      const prefix = input.PathPrefix ?? '/';
      const filters: Record<string, EntityType> = { Role: 'role', User: 'user', Group: 'group' };
      const wanted = input.EntityFilter === undefined ? 'any' : (filters[input.EntityFilter] ?? 'none');
      const page = await deps.store.read(async (tx) => {
        await requirePolicy(tx, scope, arn);
        // An entity using the policy both ways is listed once.
        const rows = await tx.list('iam.attachment', scope, { parent: arn });
        const attachedOwners = new Set(rows.filter((r) => r.body.usage === 'PermissionsPolicy').map((r) => r.name));
        return iamPageOf(tx, 'iam.attachment', scope, { parent: arn }, input, (r) => {
          if (wanted === 'none' || (wanted !== 'any' && r.body.entityType !== wanted)) return false;
          if (!r.body.entityPath.startsWith(prefix)) return false;
          if (input.PolicyUsageFilter !== undefined) return r.body.usage === input.PolicyUsageFilter;
          return r.body.usage === 'PermissionsPolicy' || !attachedOwners.has(r.name);
        });
      });
      const rows = page.items.map((r) => r.body);
      return {
        PolicyGroups: rows.filter((r) => r.entityType === 'group').map((r) => ({ GroupName: r.entityName, GroupId: r.entityId })),
        PolicyUsers: rows.filter((r) => r.entityType === 'user').map((r) => ({ UserName: r.entityName, UserId: r.entityId })),
        PolicyRoles: rows.filter((r) => r.entityType === 'role').map((r) => ({ RoleName: r.entityName, RoleId: r.entityId })),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },
  };
}
