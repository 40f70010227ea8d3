// IAM groups and their members: create, read (with the members), list, delete, add and remove
// users. Their inline and attached policies are in inline-policies.ts and policy-attachments.ts.
//
// Facts (IAM API reference): group names are unique per account without regard to case; Path
// defaults to "/"; GetGroup pages the group's users; DeleteGroup needs the group emptied of users
// and policies first, and its members' DeleteUser refuses while they are in a group, both with
// DeleteConflict "Cannot delete entity, must remove users from group first." (verified:
// go-to-k/delstack#40 for DeleteGroup, mozilla-services/userplex#17 for DeleteUser). Adding a
// member twice changes nothing.
import type {
  AddUserToGroupRequest, CreateGroupRequest, CreateGroupResponse, DeleteGroupRequest, GetGroupRequest, GetGroupResponse, Group,
  ListGroupsForUserRequest, ListGroupsForUserResponse, ListGroupsRequest, ListGroupsResponse, RemoveUserFromGroupRequest, User,
} from '@aws-sdk/client-iam';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { globalScope } from '../common/scope.ts';
import { groupArn } from './arns.ts';
import { attachmentsOf } from './attachments.ts';
import { DeleteConflictException, EntityAlreadyExistsException, NoSuchEntityException } from './errors.ts';
import { newGroupId } from './ids.ts';
import { iamPageOf } from './paging.ts';
import { entityKey, findGroup, findUser, ownerKey, requireGroup, requireUser, type GroupRecord } from './records.ts';
import type { Empty } from './responses.ts';
import { userOutput } from './users.ts';
import { required } from './validation.ts';

export const GROUP_HAS_MEMBERS = 'Cannot delete entity, must remove users from group first.';

function memberId(groupName: string, userName: string): string {
  return `${entityKey(groupName)}|${entityKey(userName)}`;
}

/** How many groups the user is in (DeleteUser refuses while any). */
export async function groupCountOf(tx: StoreTx, scope: Scope, userName: string): Promise<number> {
  return tx.count('iam.group-member', scope, { name: entityKey(userName) });
}

function groupOutput(group: GroupRecord): Group {
  return { Path: group.path, GroupName: group.groupName, GroupId: group.groupId, Arn: group.arn, CreateDate: group.createDate };
}

export function groupOperations(deps: ServiceDeps): ServiceOperations<{
  CreateGroup: [CreateGroupRequest, CreateGroupResponse];
  GetGroup: [GetGroupRequest, GetGroupResponse];
  ListGroups: [ListGroupsRequest, ListGroupsResponse];
  DeleteGroup: [DeleteGroupRequest, Empty];
  AddUserToGroup: [AddUserToGroupRequest, Empty];
  RemoveUserFromGroup: [RemoveUserFromGroupRequest, Empty];
  ListGroupsForUser: [ListGroupsForUserRequest, ListGroupsForUserResponse];
}> {
  const { store, ids } = deps;
  const random = (n: number): Buffer => ids.bytes(n);
  return {
    CreateGroup: async (input, ctx) => {
      const name = required(input.GroupName, 'GroupName');
      const path = input.Path ?? '/';
      const scope = globalScope(ctx);
      return store.write(async (tx) => {
        // The text follows the role's and user's (unverified for groups; moto answers the same).
        if (await findGroup(tx, scope, name)) throw new EntityAlreadyExistsException(`Group with name ${name} already exists.`);
        const group: GroupRecord = { groupName: name, groupId: newGroupId(random), path, arn: groupArn(scope.account, path, name), createDate: ctx.now };
        await tx.put('iam.group', scope, { id: entityKey(name), name: path, body: group });
        return { Group: groupOutput(group) };
      });
    },

    GetGroup: async (input, ctx) => {
      const name = required(input.GroupName, 'GroupName');
      const scope = globalScope(ctx);
      return store.read(async (tx) => {
        const group = await requireGroup(tx, scope, name);
        const page = await iamPageOf(tx, 'iam.group-member', scope, { parent: entityKey(group.groupName) }, input);
        const users: User[] = [];
        for (const row of page.items) {
          const user = await findUser(tx, scope, row.body.userName);
          if (user) users.push(userOutput(user, 'list'));
        }
        return { Group: groupOutput(group), Users: users, IsTruncated: page.IsTruncated, Marker: page.Marker };
      });
    },

    ListGroups: async (input, ctx) => {
      const page = await store.read((tx) => iamPageOf(tx, 'iam.group', globalScope(ctx), { namePrefix: input.PathPrefix ?? '/' }, input));
      return { Groups: page.items.map((r) => groupOutput(r.body)), IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    DeleteGroup: async (input, ctx) => {
      const name = required(input.GroupName, 'GroupName');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const group = await requireGroup(tx, scope, name);
        if ((await tx.count('iam.group-member', scope, { parent: entityKey(group.groupName) })) > 0) throw new DeleteConflictException(GROUP_HAS_MEMBERS);
        // The role's and user's texts (see roles.ts); unverified for groups.
        if ((await attachmentsOf(tx, scope, 'group', group.groupName, 'PermissionsPolicy')).length > 0) {
          throw new DeleteConflictException('Cannot delete entity, must detach all policies first.');
        }
        if ((await tx.count('iam.inline-policy', scope, { parent: ownerKey('group', group.groupName) })) > 0) {
          throw new DeleteConflictException('Cannot delete entity, must delete policies first.');
        }
        await tx.delete('iam.group', scope, entityKey(group.groupName));
      });
      return {};
    },

    AddUserToGroup: async (input, ctx) => {
      const groupName = required(input.GroupName, 'GroupName');
      const userName = required(input.UserName, 'UserName');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const group = await requireGroup(tx, scope, groupName);
        const user = await requireUser(tx, scope, userName);
        const id = memberId(group.groupName, user.userName);
        if (await tx.get('iam.group-member', scope, id)) return;
        await tx.put('iam.group-member', scope, {
          id, parent: entityKey(group.groupName), name: entityKey(user.userName), body: { groupName: group.groupName, userName: user.userName },
        });
      });
      return {};
    },

    RemoveUserFromGroup: async (input, ctx) => {
      const groupName = required(input.GroupName, 'GroupName');
      const userName = required(input.UserName, 'UserName');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const group = await requireGroup(tx, scope, groupName);
        const user = await requireUser(tx, scope, userName);
        if (!(await tx.delete('iam.group-member', scope, memberId(group.groupName, user.userName)))) {
          // Berth's wording (unverified): the user is not a member.
          throw new NoSuchEntityException(`User ${user.userName} is not in group ${group.groupName}.`);
        }
      });
      return {};
    },

    ListGroupsForUser: async (input, ctx) => {
      const userName = required(input.UserName, 'UserName');
      const scope = globalScope(ctx);
      return store.read(async (tx) => {
        const user = await requireUser(tx, scope, userName);
        const page = await iamPageOf(tx, 'iam.group-member', scope, { name: entityKey(user.userName) }, input);
        const groups: Group[] = [];
        for (const row of page.items) {
          const group = await findGroup(tx, scope, row.body.groupName);
          if (group) groups.push(groupOutput(group));
        }
        return { Groups: groups, IsTruncated: page.IsTruncated, Marker: page.Marker };
      });
    },
  };
}
