// IAM roles: create, read, list, update, delete, and their trust policy and permissions boundary.
//
// Facts (IAM API reference): Path defaults to "/"; MaxSessionDuration defaults to 3600; role
// names are unique per account without regard to case; GetRole and ListRoles return the trust
// policy URL-encoded; ListRoles "does not return PermissionsBoundary, RoleLastUsed, Tags";
// DeleteRole requires inline policies deleted, managed policies detached and instance profiles
// emptied first. Service-linked roles (service-linked-roles.ts) refuse changes to their trust
// policy and boundary and DeleteRole: UnmodifiableEntity (records.ts, checkModifiable); their
// description may be edited, as the IAM User Guide's "Editing a service-linked role" allows.
import type {
  CreateRoleRequest, CreateRoleResponse, DeleteRolePermissionsBoundaryRequest, DeleteRoleRequest, GetRoleRequest,
  GetRoleResponse, ListRolesRequest, ListRolesResponse, PutRolePermissionsBoundaryRequest, Role, UpdateAssumeRolePolicyRequest,
  UpdateRoleDescriptionRequest, UpdateRoleDescriptionResponse, UpdateRoleRequest, UpdateRoleResponse,
} from '@aws-sdk/client-iam';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { globalScope } from '../common/scope.ts';
import { parseRoleArn, parseUserArn, roleArn } from './arns.ts';
import { attachmentsOf } from './attachments.ts';
import { boundaryOutput, stopUsingAsBoundary, useAsBoundary } from './boundaries.ts';
import { encodePolicyDocument, policyTextOf } from './documents.ts';
import { DeleteConflictException, EntityAlreadyExistsException, MalformedPolicyDocumentException } from './errors.ts';
import { newRoleId } from './ids.ts';
import { instanceProfileCountOf } from './instance-profiles.ts';
import { iamPageOf } from './paging.ts';
import { checkTrustPolicySize, parsePolicyDocument, type PolicyDocument } from './policy-document.ts';
import { checkModifiable, entityKey, findRole, findUser, ownerKey, putRole, requireRole, type Entity, type RoleRecord } from './records.ts';
import type { Empty } from './responses.ts';
import { checkRequestTags, tagsOrUndefined } from './tags.ts';
import { required } from './validation.ts';

export const DEFAULT_MAX_SESSION_DURATION = 3600;

export function roleEntity(role: RoleRecord): Entity {
  return { type: 'role', name: role.roleName, id: role.roleId, path: role.path, arn: role.arn };
}

/**
 * A Role as each operation returns it: `list` leaves out what ListRoles does not return;
 * `create` leaves out RoleLastUsed, and MaxSessionDuration when it is the default (the API
 * reference's create-role example carries none).
 */
export function roleOutput(role: RoleRecord, view: 'create' | 'get' | 'list'): Role {
  const out: Role = {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: role.createDate,
    AssumeRolePolicyDocument: encodePolicyDocument(role.assumeRolePolicyDocument),
    Description: role.description,
  };
  if (view !== 'create' || role.maxSessionDuration !== DEFAULT_MAX_SESSION_DURATION) out.MaxSessionDuration = role.maxSessionDuration;
  if (view === 'list') return out;
  out.PermissionsBoundary = boundaryOutput(role.permissionsBoundaryArn);
  out.Tags = tagsOrUndefined(role.tags);
  if (view === 'get') out.RoleLastUsed = role.lastUsed ? { LastUsedDate: role.lastUsed.date, Region: role.lastUsed.region } : {};
  return out;
}

/** Parses and size-checks a trust policy, then checks that the roles and users it names exist. */
async function readTrustPolicy(tx: StoreTx, scope: Scope, text: string): Promise<void> {
  const doc = parsePolicyDocument(text, 'trust');
  checkTrustPolicySize(text);
  await checkNamedPrincipalsExist(tx, scope, doc);
}

/**
 * IAM refuses a trust policy naming a role or user that does not exist — it stores the principal
 * as the entity's unique id — with the same text as a malformed principal: "Invalid principal in
 * policy: "AWS":"arn:aws:iam::…:role/…"" (verified: opstrace/opstrace#88 for CreateRole,
 * databrickslabs/ucx#2269 for UpdateAssumeRolePolicy, hashicorp/terraform-provider-aws#8905 for
 * the cause). Berth checks the caller's own account only.
 */
async function checkNamedPrincipalsExist(tx: StoreTx, scope: Scope, doc: PolicyDocument): Promise<void> {
  for (const statement of doc.statements) {
    const value = statement.principal?.value;
    if (value === undefined || value === '*') continue;
    for (const arn of value.AWS ?? []) {
      const role = parseRoleArn(arn);
      const user = parseUserArn(arn);
      let exists = true;
      if (role && role.account === scope.account) exists = (await findRole(tx, scope, role.name))?.arn === arn;
      else if (user && user.account === scope.account) exists = (await findUser(tx, scope, user.name))?.arn === arn;
      if (!exists) throw new MalformedPolicyDocumentException(`Invalid principal in policy: "AWS":"${arn}"`);
    }
  }
}

export function roleOperations(deps: ServiceDeps): ServiceOperations<{
  CreateRole: [CreateRoleRequest, CreateRoleResponse];
  GetRole: [GetRoleRequest, GetRoleResponse];
  ListRoles: [ListRolesRequest, ListRolesResponse];
  UpdateRole: [UpdateRoleRequest, UpdateRoleResponse];
  UpdateRoleDescription: [UpdateRoleDescriptionRequest, UpdateRoleDescriptionResponse];
  UpdateAssumeRolePolicy: [UpdateAssumeRolePolicyRequest, Empty];
  DeleteRole: [DeleteRoleRequest, Empty];
  PutRolePermissionsBoundary: [PutRolePermissionsBoundaryRequest, Empty];
  DeleteRolePermissionsBoundary: [DeleteRolePermissionsBoundaryRequest, Empty];
}> {
  const { store, ids } = deps;
  const random = (n: number): Buffer => ids.bytes(n);
  return {
    CreateRole: async (input, ctx) => {
      const name = required(input.RoleName, 'RoleName');
      const path = input.Path ?? '/';
      const text = policyTextOf(required(input.AssumeRolePolicyDocument, 'AssumeRolePolicyDocument'));
      const tags = checkRequestTags(input.Tags);
      const scope = globalScope(ctx);
      return store.write(async (tx) => {
        // verified: "Role with name X already exists." (IAM CreateRole; moto and LocalStack agree).
        if (await findRole(tx, scope, name)) throw new EntityAlreadyExistsException(`Role with name ${name} already exists.`);
        await readTrustPolicy(tx, scope, text);
        const role: RoleRecord = {
          roleName: name,
          roleId: newRoleId(random),
          path,
          arn: roleArn(scope.account, path, name),
          createDate: ctx.now,
          assumeRolePolicyDocument: text,
          maxSessionDuration: input.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
          tags,
        };
        if (input.Description !== undefined) role.description = input.Description;
        if (input.PermissionsBoundary !== undefined) {
          await useAsBoundary(tx, scope, roleEntity(role), input.PermissionsBoundary, undefined);
          role.permissionsBoundaryArn = input.PermissionsBoundary;
        }
        await putRole(tx, scope, role);
        return { Role: roleOutput(role, 'create') };
      });
    },

    GetRole: async (input, ctx) => {
      const name = required(input.RoleName, 'RoleName');
      const role = await store.read((tx) => requireRole(tx, globalScope(ctx), name));
      return { Role: roleOutput(role, 'get') };
    },

    ListRoles: async (input, ctx) => {
      const page = await store.read((tx) => iamPageOf(tx, 'iam.role', globalScope(ctx), { namePrefix: input.PathPrefix ?? '/' }, input));
      return { Roles: page.items.map((r) => roleOutput(r.body, 'list')), IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    UpdateRole: async (input, ctx) => {
      const name = required(input.RoleName, 'RoleName');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const role = await requireRole(tx, scope, name);
        if (input.Description !== undefined) role.description = input.Description;
        if (input.MaxSessionDuration !== undefined) role.maxSessionDuration = input.MaxSessionDuration;
        await putRole(tx, scope, role);
      });
      return {};
    },

    UpdateRoleDescription: async (input, ctx) => {
      const name = required(input.RoleName, 'RoleName');
      const description = required(input.Description, 'Description');
      const scope = globalScope(ctx);
      const role = await store.write(async (tx) => {
        const found = await requireRole(tx, scope, name);
        found.description = description;
        await putRole(tx, scope, found);
        return found;
      });
      return { Role: roleOutput(role, 'get') };
    },

    UpdateAssumeRolePolicy: async (input, ctx) => {
      const name = required(input.RoleName, 'RoleName');
      const text = policyTextOf(required(input.PolicyDocument, 'PolicyDocument'));
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const role = await requireRole(tx, scope, name);
        checkModifiable(role);
        await readTrustPolicy(tx, scope, text);
        role.assumeRolePolicyDocument = text;
        await putRole(tx, scope, role);
      });
      return {};
    },

    DeleteRole: async (input, ctx) => {
      const name = required(input.RoleName, 'RoleName');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const role = await requireRole(tx, scope, name);
        checkModifiable(role);
        // Checked in this order by moto, which was built against IAM's answers; texts verified:
        // hashicorp/boundary#5646 (attached), awslabs/aws-orbit-workbench#633 (inline).
        if ((await attachmentsOf(tx, scope, 'role', role.roleName, 'PermissionsPolicy')).length > 0) {
          throw new DeleteConflictException('Cannot delete entity, must detach all policies first.');
        }
        if ((await tx.count('iam.inline-policy', scope, { parent: ownerKey('role', role.roleName) })) > 0) {
          throw new DeleteConflictException('Cannot delete entity, must delete policies first.');
        }
        // verified: 99designs/iamy#68, rebuy-de/aws-nuke#702.
        if ((await instanceProfileCountOf(tx, scope, role.roleName)) > 0) {
          throw new DeleteConflictException('Cannot delete entity, must remove roles from instance profile first.');
        }
        await stopUsingAsBoundary(tx, scope, 'role', role.roleName, role.permissionsBoundaryArn);
        await tx.delete('iam.role', scope, entityKey(name));
      });
      return {};
    },

    PutRolePermissionsBoundary: async (input, ctx) => {
      const name = required(input.RoleName, 'RoleName');
      const arn = required(input.PermissionsBoundary, 'PermissionsBoundary');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const role = await requireRole(tx, scope, name);
        checkModifiable(role);
        await useAsBoundary(tx, scope, roleEntity(role), arn, role.permissionsBoundaryArn);
        role.permissionsBoundaryArn = arn;
        await putRole(tx, scope, role);
      });
      return {};
    },

    DeleteRolePermissionsBoundary: async (input, ctx) => {
      const name = required(input.RoleName, 'RoleName');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const role = await requireRole(tx, scope, name);
        checkModifiable(role);
        await stopUsingAsBoundary(tx, scope, 'role', role.roleName, role.permissionsBoundaryArn);
        delete role.permissionsBoundaryArn;
        await putRole(tx, scope, role);
      });
      return {};
    },
  };
}
