// What IAM keeps in the store: the record of each role, user, managed policy (and its versions),
// inline policy, policy attachment and access key, their store keys, and the lookups every
// resource family shares. Everything lives in the account's global scope (`globalScope(ctx)`).
import type { Tag } from '@aws-sdk/client-iam';
import type { Scope, StoreTx } from '../../store/store.ts';
import { NoSuchEntityException } from './errors.ts';

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

/** Which kind of IAM identity an inline policy, an attachment or an access key belongs to. */
export type EntityType = 'role' | 'user';

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

/** A role or a user, by entity type: the owner of inline policies and attachments. */
export interface Entity {
  type: EntityType;
  name: string;
  id: string;
  path: string;
  arn: string;
}

export async function requireEntity(tx: StoreTx, scope: Scope, type: EntityType, name: string): Promise<Entity> {
  if (type === 'role') {
    const role = await requireRole(tx, scope, name);
    return { type, name: role.roleName, id: role.roleId, path: role.path, arn: role.arn };
  }
  const user = await requireUser(tx, scope, name);
  return { type, name: user.userName, id: user.userId, path: user.path, arn: user.arn };
}
