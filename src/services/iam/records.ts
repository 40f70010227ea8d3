// What IAM keeps in the store: the record of each role, user, group, instance profile, managed
// policy (and its versions), inline policy, policy attachment and access key, their store keys,
// and the lookups every resource family shares. Everything lives in the account's global scope (`globalScope(ctx)`).
import type { Tag } from '@aws-sdk/client-iam';
import type { Scope, StoreTx } from '../../store/store.ts';
import { NoSuchEntityException, UnmodifiableEntityException } from './errors.ts';

export interface RoleRecord {
  roleName: string;
  roleId: string;
  path: string;
  arn: string;
  createDate: Date;
  /** The trust policy as the caller sent it (percent-decoded when it came encoded). */
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  permissionsBoundaryArn?: string;
  tags: Tag[];
  /** Set by STS when the role is assumed. */
  lastUsed?: { date: Date; region?: string };
  /** The service principal a service-linked role belongs to (CreateServiceLinkedRole); absent for other roles. */
  linkedService?: string;
}

export interface UserRecord {
  userName: string;
  userId: string;
  path: string;
  arn: string;
  createDate: Date;
  permissionsBoundaryArn?: string;
  tags: Tag[];
}

export interface ManagedPolicyRecord {
  policyName: string;
  policyId: string;
  path: string;
  arn: string;
  description?: string;
  defaultVersionId: string;
  /** Version ids are never reused: the next CreatePolicyVersion gets `v<nextVersion>`. */
  nextVersion: number;
  createDate: Date;
  updateDate: Date;
  tags: Tag[];
}

export interface PolicyVersionRecord {
  versionId: string;
  document: string;
  createDate: Date;
}

export interface GroupRecord {
  groupName: string;
  groupId: string;
  path: string;
  arn: string;
  createDate: Date;
}

/** A user's membership of a group. */
export interface GroupMemberRecord {
  groupName: string;
  userName: string;
}

export interface InstanceProfileRecord {
  instanceProfileName: string;
  instanceProfileId: string;
  path: string;
  arn: string;
  createDate: Date;
  /** The role in the profile (IAM allows one); absent while it is empty. */
  roleName?: string;
  tags: Tag[];
}

/** A DeleteServiceLinkedRole request, kept so GetServiceLinkedRoleDeletionStatus can answer for it. */
export interface DeletionTaskRecord {
  deletionTaskId: string;
  status: 'SUCCEEDED' | 'IN_PROGRESS' | 'FAILED' | 'NOT_STARTED';
}

/** Which kind of IAM identity an inline policy, an attachment or an access key belongs to. */
export type EntityType = 'role' | 'user' | 'group';

export interface InlinePolicyRecord {
  entityType: EntityType;
  entityName: string;
  policyName: string;
  document: string;
}

/** How a managed policy is used by a role or user (the model's PolicyUsageType). */
export type PolicyUsage = 'PermissionsPolicy' | 'PermissionsBoundary';

export interface AttachmentRecord {
  entityType: EntityType;
  entityName: string;
  entityId: string;
  entityPath: string;
  policyArn: string;
  policyName: string;
  policyPath: string;
  usage: PolicyUsage;
}

export interface AccessKeyRecord {
  accessKeyId: string;
  /** Absent for the account root's own keys. */
  userName?: string;
  status: 'Active' | 'Inactive';
  createDate: Date;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    /** id: entityKey(roleName); name: path. */
    'iam.role': RoleRecord;
    /** id: entityKey(userName); name: path. */
    'iam.user': UserRecord;
    /** id: entityKey(policyName); name: path. Customer managed policies only. */
    'iam.policy': ManagedPolicyRecord;
    /** id: `<policy key>/<versionId>`; parent: policy key. */
    'iam.policy-version': PolicyVersionRecord;
    /** id: `<owner>/<policyName>`; parent: owner (`role:<key>` / `user:<key>`). */
    'iam.inline-policy': InlinePolicyRecord;
    /** id: `<owner>|<usage>|<policyArn>`; parent: policyArn; name: owner. */
    'iam.attachment': AttachmentRecord;
    /** id: accessKeyId; parent: owner (`user:<key>`, or `root`). */
    'iam.access-key': AccessKeyRecord;
    /** id: entityKey(groupName); name: path. */
    'iam.group': GroupRecord;
    /** id: `<group key>|<user key>`; parent: group key; name: user key. */
    'iam.group-member': GroupMemberRecord;
    /** id: entityKey(instanceProfileName); name: path; parent: ownerKey('role', roleName) while it holds a role, else ''. */
    'iam.instance-profile': InstanceProfileRecord;
    /** id: the deletion task id. */
    'iam.deletion-task': DeletionTaskRecord;
  }
}

/**
 * IAM names are unique per account without regard to case ("you cannot create resources named
 * both "MyResource" and "myresource"", IAM API reference, CreateRole/CreateUser/CreatePolicy),
 * so records are keyed by the lower-cased name and keep the caller's spelling in the body.
 */
export function entityKey(name: string): string {
  return name.toLowerCase();
}

/** The owner key of an entity's inline policies, attachments and access keys. */
export function ownerKey(entityType: EntityType, name: string): string {
  return `${entityType}:${entityKey(name)}`;
}

export const ROOT_OWNER = 'root';

export async function findRole(tx: StoreTx, scope: Scope, roleName: string): Promise<RoleRecord | undefined> {
  return tx.get('iam.role', scope, entityKey(roleName));
}

/** Throws NoSuchEntity with IAM's text (verified: aws/amazon-sagemaker-examples#2300). */
export async function requireRole(tx: StoreTx, scope: Scope, roleName: string): Promise<RoleRecord> {
  const role = await findRole(tx, scope, roleName);
  if (!role) throw new NoSuchEntityException(`The role with name ${roleName} cannot be found.`);
  return role;
}

export async function putRole(tx: StoreTx, scope: Scope, role: RoleRecord): Promise<void> {
  await tx.put('iam.role', scope, { id: entityKey(role.roleName), name: role.path, body: role });
}

export async function findUser(tx: StoreTx, scope: Scope, userName: string): Promise<UserRecord | undefined> {
  return tx.get('iam.user', scope, entityKey(userName));
}

/** Throws NoSuchEntity; the text follows the role's (moto and LocalStack answer the same). */
export async function requireUser(tx: StoreTx, scope: Scope, userName: string): Promise<UserRecord> {
  const user = await findUser(tx, scope, userName);
  if (!user) throw new NoSuchEntityException(`The user with name ${userName} cannot be found.`);
  return user;
}

export async function putUser(tx: StoreTx, scope: Scope, user: UserRecord): Promise<void> {
  await tx.put('iam.user', scope, { id: entityKey(user.userName), name: user.path, body: user });
}

export async function findGroup(tx: StoreTx, scope: Scope, groupName: string): Promise<GroupRecord | undefined> {
  return tx.get('iam.group', scope, entityKey(groupName));
}

/** Throws NoSuchEntity; the text follows the role's (unverified for groups; moto answers the same). */
export async function requireGroup(tx: StoreTx, scope: Scope, groupName: string): Promise<GroupRecord> {
  const group = await findGroup(tx, scope, groupName);
  if (!group) throw new NoSuchEntityException(`The group with name ${groupName} cannot be found.`);
  return group;
}

/**
 * Service-linked roles belong to their service: callers may not change or delete them. Text
 * verified: rebuy-de/aws-nuke#331 (DeleteRolePolicy), gruntwork-io/cloud-nuke#880 (DetachRolePolicy).
 */
export function checkModifiable(role: RoleRecord): void {
  if (role.linkedService !== undefined) {
    throw new UnmodifiableEntityException(`Cannot perform the operation on the protected role '${role.roleName}' - this role is only modifiable by AWS`);
  }
}

/** A role, user or group, by entity type: the owner of inline policies and attachments. */
export interface Entity {
  type: EntityType;
  name: string;
  id: string;
  path: string;
  arn: string;
}

/** The entity, for reading. */
export async function requireEntity(tx: StoreTx, scope: Scope, type: EntityType, name: string): Promise<Entity> {
  return (await loadEntity(tx, scope, type, name)).entity;
}

/** The entity, for changing: a service-linked role answers UnmodifiableEntity. */
export async function requireModifiableEntity(tx: StoreTx, scope: Scope, type: EntityType, name: string): Promise<Entity> {
  const { entity, role } = await loadEntity(tx, scope, type, name);
  if (role) checkModifiable(role);
  return entity;
}

async function loadEntity(tx: StoreTx, scope: Scope, type: EntityType, name: string): Promise<{ entity: Entity; role?: RoleRecord }> {
  if (type === 'role') {
    const role = await requireRole(tx, scope, name);
    return { entity: { type, name: role.roleName, id: role.roleId, path: role.path, arn: role.arn }, role };
  }
  if (type === 'group') {
    const group = await requireGroup(tx, scope, name);
    return { entity: { type, name: group.groupName, id: group.groupId, path: group.path, arn: group.arn } };
  }
  const user = await requireUser(tx, scope, name);
  return { entity: { type, name: user.userName, id: user.userId, path: user.path, arn: user.arn } };
}
