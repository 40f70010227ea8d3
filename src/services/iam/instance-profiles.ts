// IAM instance profiles: the container that hands a role to EC2 instances (and so to ECS
// container instances). Create, read, list, delete, and the one role a profile holds.
//
// Facts: the ARN is `arn:aws:iam::<account>:instance-profile<path><name>` and ids start with AIPA
// (IAM User Guide, "IAM identifiers"); Path defaults to "/"; "An instance profile can contain only
// one role, and this quota cannot be increased" (IAM API reference, AddRoleToInstanceProfile), and
// a second role is LimitExceeded "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"
// (verified against AWS by moto's maintainer: getmoto/moto#6404); "Instance Profile X cannot be
// found." (verified: skyplane-project/skyplane#724, DataBiosphere/toil#4836); "Instance Profile X
// already exists." (verified: ine-labs/AWSGoat#49, zalando-stups/planb-cassandra#153);
// DeleteInstanceProfile with a role in it is DeleteConflict "Cannot delete entity, must remove
// roles from instance profile first." (verified: 99designs/iamy#47, hashicorp/terraform-provider-aws#19071).
import type {
  AddRoleToInstanceProfileRequest, CreateInstanceProfileRequest, CreateInstanceProfileResponse, DeleteInstanceProfileRequest,
  GetInstanceProfileRequest, GetInstanceProfileResponse, InstanceProfile, ListInstanceProfilesForRoleRequest,
  ListInstanceProfilesForRoleResponse, ListInstanceProfilesRequest, ListInstanceProfilesResponse, RemoveRoleFromInstanceProfileRequest, Role,
} from '@aws-sdk/client-iam';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { globalScope } from '../common/scope.ts';
import { instanceProfileArn } from './arns.ts';
import { encodePolicyDocument } from './documents.ts';
import { DeleteConflictException, EntityAlreadyExistsException, LimitExceededException, NoSuchEntityException } from './errors.ts';
import { newInstanceProfileId } from './ids.ts';
import { iamPageOf } from './paging.ts';
import { entityKey, findRole, ownerKey, requireRole, type InstanceProfileRecord, type RoleRecord } from './records.ts';
import type { Empty } from './responses.ts';
import { checkRequestTags, tagsOrUndefined } from './tags.ts';
import { required } from './validation.ts';

export const MAX_ROLES_PER_INSTANCE_PROFILE = 1;

export async function requireInstanceProfile(tx: StoreTx, scope: Scope, name: string): Promise<InstanceProfileRecord> {
  const found = await tx.get('iam.instance-profile', scope, entityKey(name));
  if (!found) throw new NoSuchEntityException(`Instance Profile ${name} cannot be found.`);
  return found;
}

/** Stores the profile, indexed under its role (if any) so ListInstanceProfilesForRole and DeleteRole find it. */
export async function putInstanceProfile(tx: StoreTx, scope: Scope, profile: InstanceProfileRecord): Promise<void> {
  const parent = profile.roleName === undefined ? '' : ownerKey('role', profile.roleName);
  await tx.put('iam.instance-profile', scope, { id: entityKey(profile.instanceProfileName), name: profile.path, parent, body: profile });
}

/** How many instance profiles hold the role (DeleteRole refuses while any do). */
export async function instanceProfileCountOf(tx: StoreTx, scope: Scope, roleName: string): Promise<number> {
  return tx.count('iam.instance-profile', scope, { parent: ownerKey('role', roleName) });
}

/** The role as an InstanceProfile carries it (the API reference's GetInstanceProfile example: no tags, no last use). */
function profileRole(role: RoleRecord): Role {
  return {
    Path: role.path, RoleName: role.roleName, RoleId: role.roleId, Arn: role.arn, CreateDate: role.createDate,
    AssumeRolePolicyDocument: encodePolicyDocument(role.assumeRolePolicyDocument), Description: role.description,
  };
}

/** `withTags`: GetInstanceProfile and CreateInstanceProfile carry Tags; the lists do not. */
async function profileOutput(tx: StoreTx, scope: Scope, profile: InstanceProfileRecord, withTags: boolean): Promise<InstanceProfile> {
  const role = profile.roleName === undefined ? undefined : await findRole(tx, scope, profile.roleName);
  return {
    Path: profile.path,
    InstanceProfileName: profile.instanceProfileName,
    InstanceProfileId: profile.instanceProfileId,
    Arn: profile.arn,
    CreateDate: profile.createDate,
    Roles: role ? [profileRole(role)] : [],
    Tags: withTags ? tagsOrUndefined(profile.tags) : undefined,
  };
}

export function instanceProfileOperations(deps: ServiceDeps): ServiceOperations<{
  CreateInstanceProfile: [CreateInstanceProfileRequest, CreateInstanceProfileResponse];
  GetInstanceProfile: [GetInstanceProfileRequest, GetInstanceProfileResponse];
  ListInstanceProfiles: [ListInstanceProfilesRequest, ListInstanceProfilesResponse];
  DeleteInstanceProfile: [DeleteInstanceProfileRequest, Empty];
  AddRoleToInstanceProfile: [AddRoleToInstanceProfileRequest, Empty];
  RemoveRoleFromInstanceProfile: [RemoveRoleFromInstanceProfileRequest, Empty];
  ListInstanceProfilesForRole: [ListInstanceProfilesForRoleRequest, ListInstanceProfilesForRoleResponse];
}> {
  const { store, ids } = deps;
  const random = (n: number): Buffer => ids.bytes(n);
  return {
    CreateInstanceProfile: async (input, ctx) => {
      const name = required(input.InstanceProfileName, 'InstanceProfileName');
      const path = input.Path ?? '/';
      const tags = checkRequestTags(input.Tags);
      const scope = globalScope(ctx);
      return store.write(async (tx) => {
        if (await tx.get('iam.instance-profile', scope, entityKey(name))) {
          throw new EntityAlreadyExistsException(`Instance Profile ${name} already exists.`);
        }
        const profile: InstanceProfileRecord = {
          instanceProfileName: name,
          instanceProfileId: newInstanceProfileId(random),
          path,
          arn: instanceProfileArn(scope.account, path, name),
          createDate: ctx.now,
          tags,
        };
        await putInstanceProfile(tx, scope, profile);
        return { InstanceProfile: await profileOutput(tx, scope, profile, true) };
      });
    },

    GetInstanceProfile: async (input, ctx) => {
      const name = required(input.InstanceProfileName, 'InstanceProfileName');
      const scope = globalScope(ctx);
      return store.read(async (tx) => ({ InstanceProfile: await profileOutput(tx, scope, await requireInstanceProfile(tx, scope, name), true) }));
    },

    ListInstanceProfiles: async (input, ctx) => {
      const scope = globalScope(ctx);
      return store.read(async (tx) => {
        const page = await iamPageOf(tx, 'iam.instance-profile', scope, { namePrefix: input.PathPrefix ?? '/' }, input);
        const profiles: InstanceProfile[] = [];
        for (const row of page.items) profiles.push(await profileOutput(tx, scope, row.body, false));
        return { InstanceProfiles: profiles, IsTruncated: page.IsTruncated, Marker: page.Marker };
      });
    },

    DeleteInstanceProfile: async (input, ctx) => {
      const name = required(input.InstanceProfileName, 'InstanceProfileName');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const profile = await requireInstanceProfile(tx, scope, name);
        if (profile.roleName !== undefined) throw new DeleteConflictException('Cannot delete entity, must remove roles from instance profile first.');
        await tx.delete('iam.instance-profile', scope, entityKey(name));
      });
      return {};
    },

    AddRoleToInstanceProfile: async (input, ctx) => {
      const name = required(input.InstanceProfileName, 'InstanceProfileName');
      const roleName = required(input.RoleName, 'RoleName');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const profile = await requireInstanceProfile(tx, scope, name);
        const role = await requireRole(tx, scope, roleName);
        // The quota counts the role already there, even when it is the same role.
        if (profile.roleName !== undefined) {
          throw new LimitExceededException(`Cannot exceed quota for InstanceSessionsPerInstanceProfile: ${MAX_ROLES_PER_INSTANCE_PROFILE}`);
        }
        await putInstanceProfile(tx, scope, { ...profile, roleName: role.roleName });
      });
      return {};
    },

    RemoveRoleFromInstanceProfile: async (input, ctx) => {
      const name = required(input.InstanceProfileName, 'InstanceProfileName');
      const roleName = required(input.RoleName, 'RoleName');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const profile = await requireInstanceProfile(tx, scope, name);
        const role = await requireRole(tx, scope, roleName);
        if (profile.roleName === undefined || entityKey(profile.roleName) !== entityKey(role.roleName)) {
          // Berth's wording: no IAM answer for a role that is not in the profile was found.
          throw new NoSuchEntityException(`Role ${role.roleName} is not in instance profile ${profile.instanceProfileName}.`);
        }
        const emptied: InstanceProfileRecord = { ...profile };
        delete emptied.roleName;
        await putInstanceProfile(tx, scope, emptied);
      });
      return {};
    },

    ListInstanceProfilesForRole: async (input, ctx) => {
      const roleName = required(input.RoleName, 'RoleName');
      const scope = globalScope(ctx);
      return store.read(async (tx) => {
        const role = await requireRole(tx, scope, roleName);
        const page = await iamPageOf(tx, 'iam.instance-profile', scope, { parent: ownerKey('role', role.roleName) }, input);
        const profiles: InstanceProfile[] = [];
        for (const row of page.items) profiles.push(await profileOutput(tx, scope, row.body, false));
        return { InstanceProfiles: profiles, IsTruncated: page.IsTruncated, Marker: page.Marker };
      });
    },
  };
}
