// IAM users: create, read (GetUser without a name answers the caller), list, delete, and their
// permissions boundary. Their access keys are in access-keys.ts.
//
// Facts (IAM API reference): user names are unique per account without regard to case; Path
// defaults to "/"; GetUser without UserName describes the user whose key signed the request, and
// answers ValidationError "Must specify userName when calling with non-User credentials" to role
// sessions (verified: aws/aws-sdk-go's GetUser federated-failure fixture,
// hashicorp/terraform-provider-aws's aws_iam_access_key importer notes); DeleteUser requires the
// user's access keys, inline policies and attached policies removed first, and the user out of
// every group (groups.ts).
import type {
  CreateUserRequest, CreateUserResponse, DeleteUserPermissionsBoundaryRequest, DeleteUserRequest, GetUserRequest, GetUserResponse,
  ListUsersRequest, ListUsersResponse, PutUserPermissionsBoundaryRequest, User,
} from '@aws-sdk/client-iam';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { globalScope } from '../common/scope.ts';
import { parseUserArn, rootArn, userArn } from './arns.ts';
import { attachmentsOf } from './attachments.ts';
import { boundaryOutput, stopUsingAsBoundary, useAsBoundary } from './boundaries.ts';
import { DeleteConflictException, EntityAlreadyExistsException, ValidationError } from './errors.ts';
import { GROUP_HAS_MEMBERS, groupCountOf } from './groups.ts';
import { newUserId } from './ids.ts';
import { iamPageOf } from './paging.ts';
import { entityKey, findUser, ownerKey, putUser, requireUser, type Entity, type UserRecord } from './records.ts';
import type { Empty } from './responses.ts';
import { checkRequestTags, tagsOrUndefined } from './tags.ts';
import { required } from './validation.ts';

export function userEntity(user: UserRecord): Entity {
  return { type: 'user', name: user.userName, id: user.userId, path: user.path, arn: user.arn };
}

/** A User as each operation returns it: ListUsers leaves out PermissionsBoundary and Tags. */
export function userOutput(user: UserRecord, view: 'full' | 'list'): User {
  const out: User = { Path: user.path, UserName: user.userName, UserId: user.userId, Arn: user.arn, CreateDate: user.createDate };
  if (view === 'full') {
    out.PermissionsBoundary = boundaryOutput(user.permissionsBoundaryArn);
    out.Tags = tagsOrUndefined(user.tags);
  }
  return out;
}

/** verified wording (see the header). */
export function nonUserCredentials(): ValidationError {
  return new ValidationError('Must specify userName when calling with non-User credentials');
}

/**
 * Whose user an operation without UserName is about: the calling user's name, `root` for the
 * account root, or a ValidationError for role sessions.
 */
export function callerUserName(ctx: RequestContext): string {
  const { principal } = ctx;
  if (principal.kind === 'root') return 'root';
  const parsed = principal.kind === 'user' ? parseUserArn(principal.arn) : undefined;
  if (!parsed) throw nonUserCredentials();
  return parsed.name;
}

export function userOperations(deps: ServiceDeps): ServiceOperations<{
  CreateUser: [CreateUserRequest, CreateUserResponse];
  GetUser: [GetUserRequest, GetUserResponse];
  ListUsers: [ListUsersRequest, ListUsersResponse];
  DeleteUser: [DeleteUserRequest, Empty];
  PutUserPermissionsBoundary: [PutUserPermissionsBoundaryRequest, Empty];
  DeleteUserPermissionsBoundary: [DeleteUserPermissionsBoundaryRequest, Empty];
}> {
  const { store, ids } = deps;
  const random = (n: number): Buffer => ids.bytes(n);
  return {
    CreateUser: async (input, ctx) => {
      const name = required(input.UserName, 'UserName');
      const path = input.Path ?? '/';
      const tags = checkRequestTags(input.Tags);
      const scope = globalScope(ctx);
      return store.write(async (tx) => {
        // verified: ucopacme/aws-orgs#12.
        if (await findUser(tx, scope, name)) throw new EntityAlreadyExistsException(`User with name ${name} already exists.`);
        const user: UserRecord = {
          userName: name, userId: newUserId(random), path, arn: userArn(scope.account, path, name), createDate: ctx.now, tags,
        };
        if (input.PermissionsBoundary !== undefined) {
          await useAsBoundary(tx, scope, userEntity(user), input.PermissionsBoundary, undefined);
          user.permissionsBoundaryArn = input.PermissionsBoundary;
        }
        await putUser(tx, scope, user);
        return { User: userOutput(user, 'full') };
      });
    },

    GetUser: async (input, ctx) => {
      const scope = globalScope(ctx);
      const name = input.UserName ?? callerUserName(ctx);
      if (input.UserName === undefined && name === 'root') {
        // The root answers without UserName and Path (the AWS CLI's get-user output for root
        // credentials). Berth does not know when the account was made; it answers the Unix epoch.
        return { User: { UserName: undefined, Path: undefined, UserId: scope.account, Arn: rootArn(scope.account), CreateDate: new Date(0) } };
      }
      const user = await store.read((tx) => requireUser(tx, scope, name));
      return { User: userOutput(user, 'full') };
    },

    ListUsers: async (input, ctx) => {
      const page = await store.read((tx) => iamPageOf(tx, 'iam.user', globalScope(ctx), { namePrefix: input.PathPrefix ?? '/' }, input));
      return { Users: page.items.map((r) => userOutput(r.body, 'list')), IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    DeleteUser: async (input, ctx) => {
      const name = required(input.UserName, 'UserName');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const user = await requireUser(tx, scope, name);
        const owner = ownerKey('user', user.userName);
        // Texts: "must delete access keys first." as quoted from a terraform destroy against AWS
        // (LocalStack answers the same); "must detach all policies first." (verified:
        // hashicorp/boundary#5646); "must delete policies first." (verified: awslabs/aws-orbit-workbench#633).
        if ((await tx.count('iam.access-key', scope, { parent: owner })) > 0) {
          throw new DeleteConflictException('Cannot delete entity, must delete access keys first.');
        }
        if ((await attachmentsOf(tx, scope, 'user', user.userName, 'PermissionsPolicy')).length > 0) {
          throw new DeleteConflictException('Cannot delete entity, must detach all policies first.');
        }
        if ((await tx.count('iam.inline-policy', scope, { parent: owner })) > 0) {
          throw new DeleteConflictException('Cannot delete entity, must delete policies first.');
        }
        if ((await groupCountOf(tx, scope, user.userName)) > 0) throw new DeleteConflictException(GROUP_HAS_MEMBERS);
        await stopUsingAsBoundary(tx, scope, 'user', user.userName, user.permissionsBoundaryArn);
        await tx.delete('iam.user', scope, entityKey(name));
      });
      return {};
    },

    PutUserPermissionsBoundary: async (input, ctx) => {
      const name = required(input.UserName, 'UserName');
      const arn = required(input.PermissionsBoundary, 'PermissionsBoundary');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const user = await requireUser(tx, scope, name);
        await useAsBoundary(tx, scope, userEntity(user), arn, user.permissionsBoundaryArn);
        user.permissionsBoundaryArn = arn;
        await putUser(tx, scope, user);
      });
      return {};
    },

    DeleteUserPermissionsBoundary: async (input, ctx) => {
      const name = required(input.UserName, 'UserName');
      const scope = globalScope(ctx);
      await store.write(async (tx) => {
        const user = await requireUser(tx, scope, name);
        await stopUsingAsBoundary(tx, scope, 'user', user.userName, user.permissionsBoundaryArn);
        delete user.permissionsBoundaryArn;
        await putUser(tx, scope, user);
      });
      return {};
    },
  };
}
