// Inline policies embedded in a role, a user or a group: Put/Get/List/Delete{Role,User,Group}Policy.
//
// Facts (IAM API reference): PutRolePolicy replaces a policy of the same name; the documents are
// returned URL-encoded; the inline policies of a role may total 10,240 characters and of a user
// 2,048, of a group 5,120 (policy-document.ts checks the quota).
import type {
  DeleteGroupPolicyRequest, GetGroupPolicyRequest, GetGroupPolicyResponse, ListGroupPoliciesRequest, ListGroupPoliciesResponse, PutGroupPolicyRequest,
  DeleteRolePolicyRequest, DeleteUserPolicyRequest, GetRolePolicyRequest, GetRolePolicyResponse, GetUserPolicyRequest,
  GetUserPolicyResponse, ListRolePoliciesRequest, ListRolePoliciesResponse, ListUserPoliciesRequest, ListUserPoliciesResponse,
  PutRolePolicyRequest, PutUserPolicyRequest,
} from '@aws-sdk/client-iam';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { globalScope } from '../common/scope.ts';
import { encodePolicyDocument, policyTextOf } from './documents.ts';
import { NoSuchEntityException } from './errors.ts';
import { iamPageOf, type PageInput } from './paging.ts';
import { checkInlinePoliciesSize, parsePolicyDocument } from './policy-document.ts';
import { ownerKey, requireEntity, requireModifiableEntity, type EntityType, type InlinePolicyRecord } from './records.ts';
import type { Empty } from './responses.ts';
import { required } from './validation.ts';

function policyId(type: EntityType, entityName: string, policyName: string): string {
  return `${ownerKey(type, entityName)}/${policyName}`;
}

/**
 * NoSuchEntity "The role policy with name X cannot be found." (verified: aws/aws-cli#6139);
 * the user form follows it ("The user policy with name X cannot be found.", moto's wording).
 */
async function requireInlinePolicy(tx: StoreTx, scope: Scope, type: EntityType, entityName: string, policyName: string): Promise<InlinePolicyRecord> {
  const found = await tx.get('iam.inline-policy', scope, policyId(type, entityName, policyName));
  if (!found) throw new NoSuchEntityException(`The ${type} policy with name ${policyName} cannot be found.`);
  return found;
}

/** The shared body of Put{Role,User}Policy. */
async function putInline(deps: ServiceDeps, ctx: RequestContext, type: EntityType, entityName: string, policyName: string, document: string): Promise<void> {
  const text = policyTextOf(document);
  parsePolicyDocument(text, 'identity');
  const scope = globalScope(ctx);
  await deps.store.write(async (tx) => {
    const entity = await requireModifiableEntity(tx, scope, type, entityName);
    const others = await tx.list('iam.inline-policy', scope, { parent: ownerKey(type, entity.name) });
    const texts = others.filter((p) => p.body.policyName !== policyName).map((p) => p.body.document);
    checkInlinePoliciesSize(type, entity.name, [...texts, text]);
    const body: InlinePolicyRecord = { entityType: type, entityName: entity.name, policyName, document: text };
    await tx.put('iam.inline-policy', scope, { id: policyId(type, entity.name, policyName), parent: ownerKey(type, entity.name), body });
  });
}

async function getInline(deps: ServiceDeps, ctx: RequestContext, type: EntityType, entityName: string, policyName: string):
  Promise<{ entityName: string; policyName: string; document: string }> {
  const scope = globalScope(ctx);
  return deps.store.read(async (tx) => {
    const entity = await requireEntity(tx, scope, type, entityName);
    const policy = await requireInlinePolicy(tx, scope, type, entity.name, policyName);
    return { entityName: entity.name, policyName: policy.policyName, document: encodePolicyDocument(policy.document) };
  });
}

async function listInline(deps: ServiceDeps, ctx: RequestContext, type: EntityType, entityName: string, page: PageInput):
  Promise<{ PolicyNames: string[]; IsTruncated: boolean; Marker: string | undefined }> {
  const scope = globalScope(ctx);
  const result = await deps.store.read(async (tx) => {
    const entity = await requireEntity(tx, scope, type, entityName);
    return iamPageOf(tx, 'iam.inline-policy', scope, { parent: ownerKey(type, entity.name) }, page);
  });
  return { PolicyNames: result.items.map((r) => r.body.policyName), IsTruncated: result.IsTruncated, Marker: result.Marker };
}

async function deleteInline(deps: ServiceDeps, ctx: RequestContext, type: EntityType, entityName: string, policyName: string): Promise<void> {
  const scope = globalScope(ctx);
  await deps.store.write(async (tx) => {
    const entity = await requireModifiableEntity(tx, scope, type, entityName);
    await requireInlinePolicy(tx, scope, type, entity.name, policyName);
    await tx.delete('iam.inline-policy', scope, policyId(type, entity.name, policyName));
  });
}

export function inlinePolicyOperations(deps: ServiceDeps): ServiceOperations<{
  PutRolePolicy: [PutRolePolicyRequest, Empty];
  GetRolePolicy: [GetRolePolicyRequest, GetRolePolicyResponse];
  ListRolePolicies: [ListRolePoliciesRequest, ListRolePoliciesResponse];
  DeleteRolePolicy: [DeleteRolePolicyRequest, Empty];
  PutUserPolicy: [PutUserPolicyRequest, Empty];
  GetUserPolicy: [GetUserPolicyRequest, GetUserPolicyResponse];
  ListUserPolicies: [ListUserPoliciesRequest, ListUserPoliciesResponse];
  DeleteUserPolicy: [DeleteUserPolicyRequest, Empty];
  PutGroupPolicy: [PutGroupPolicyRequest, Empty];
  GetGroupPolicy: [GetGroupPolicyRequest, GetGroupPolicyResponse];
  ListGroupPolicies: [ListGroupPoliciesRequest, ListGroupPoliciesResponse];
  DeleteGroupPolicy: [DeleteGroupPolicyRequest, Empty];
}> {
  return {
    PutRolePolicy: async (input, ctx) => {
      await putInline(deps, ctx, 'role', required(input.RoleName, 'RoleName'), required(input.PolicyName, 'PolicyName'), required(input.PolicyDocument, 'PolicyDocument'));
      return {};
    },
    GetRolePolicy: async (input, ctx) => {
      const got = await getInline(deps, ctx, 'role', required(input.RoleName, 'RoleName'), required(input.PolicyName, 'PolicyName'));
      return { RoleName: got.entityName, PolicyName: got.policyName, PolicyDocument: got.document };
    },
    ListRolePolicies: async (input, ctx) => listInline(deps, ctx, 'role', required(input.RoleName, 'RoleName'), input),
    DeleteRolePolicy: async (input, ctx) => {
      await deleteInline(deps, ctx, 'role', required(input.RoleName, 'RoleName'), required(input.PolicyName, 'PolicyName'));
      return {};
    },
    PutUserPolicy: async (input, ctx) => {
      await putInline(deps, ctx, 'user', required(input.UserName, 'UserName'), required(input.PolicyName, 'PolicyName'), required(input.PolicyDocument, 'PolicyDocument'));
      return {};
    },
    GetUserPolicy: async (input, ctx) => {
      const got = await getInline(deps, ctx, 'user', required(input.UserName, 'UserName'), required(input.PolicyName, 'PolicyName'));
      return { UserName: got.entityName, PolicyName: got.policyName, PolicyDocument: got.document };
    },
    ListUserPolicies: async (input, ctx) => listInline(deps, ctx, 'user', required(input.UserName, 'UserName'), input),
    DeleteUserPolicy: async (input, ctx) => {
      await deleteInline(deps, ctx, 'user', required(input.UserName, 'UserName'), required(input.PolicyName, 'PolicyName'));
      return {};
    },
    PutGroupPolicy: async (input, ctx) => {
      await putInline(deps, ctx, 'group', required(input.GroupName, 'GroupName'), required(input.PolicyName, 'PolicyName'), required(input.PolicyDocument, 'PolicyDocument'));
      return {};
    },
    GetGroupPolicy: async (input, ctx) => {
      const got = await getInline(deps, ctx, 'group', required(input.GroupName, 'GroupName'), required(input.PolicyName, 'PolicyName'));
      return { GroupName: got.entityName, PolicyName: got.policyName, PolicyDocument: got.document };
    },
    ListGroupPolicies: async (input, ctx) => listInline(deps, ctx, 'group', required(input.GroupName, 'GroupName'), input),
    DeleteGroupPolicy: async (input, ctx) => {
      await deleteInline(deps, ctx, 'group', required(input.GroupName, 'GroupName'), required(input.PolicyName, 'PolicyName'));
      return {};
    },
  };
}
