// The policies that decide what an IAM identity may do: a role's or user's inline and attached managed
// policies (a user's groups' too) and its permissions boundary, read from the store as JSON documents.
import type { Tag } from '@aws-sdk/client-iam';
import type { Scope, StoreTx } from '../../../store/store.ts';
import { attachmentsOf } from '../attachments.ts';
import { findPolicy } from '../policy-lookup.ts';
import { entityKey, ownerKey, type EntityType } from '../records.ts';

export interface NamedPolicy {
  /** Where it comes from, for explanations: `role/R/inline/P`, a managed policy's ARN. */
  name: string;
  document: unknown;
}

export interface IdentityPolicies {
  identity: NamedPolicy[];
  /** The permissions boundary's document, when the identity has one. */
  boundary?: NamedPolicy;
}

/** An identity as IAM evaluates it: its policies, and its tags (the aws:PrincipalTag/<key> condition keys). */
export interface EvaluatedIdentity {
  policies: IdentityPolicies;
  tags: readonly Tag[];
}

/** A role's or user's policies and tags; undefined when it does not exist (any request it makes is denied). */
export async function policiesOf(tx: StoreTx, scope: Scope, type: 'role' | 'user', name: string): Promise<EvaluatedIdentity | undefined> {
  const entity = type === 'role'
    ? await tx.get('iam.role', scope, entityKey(name))
    : await tx.get('iam.user', scope, entityKey(name));
  if (!entity) return undefined;
  const identity = [...await inlineOf(tx, scope, type, name), ...await attachedOf(tx, scope, type, name)];
  if (type === 'user') {
    for (const membership of await tx.list('iam.group-member', scope, { name: entityKey(name) })) {
      const group = membership.body.groupName;
      identity.push(...await inlineOf(tx, scope, 'group', group), ...await attachedOf(tx, scope, 'group', group));
    }
  }
  const boundaryArn = entity.permissionsBoundaryArn;
  if (boundaryArn === undefined) return { policies: { identity }, tags: entity.tags };
  // A boundary whose policy is gone allows nothing (IAM refuses to delete a policy in use as a boundary).
  const boundary = await managedDocument(tx, scope, boundaryArn) ?? { name: boundaryArn, document: { Version: '2012-10-17', Statement: [] } };
  return { policies: { identity, boundary }, tags: entity.tags };
}

async function inlineOf(tx: StoreTx, scope: Scope, type: EntityType, name: string): Promise<NamedPolicy[]> {
  const rows = await tx.list('iam.inline-policy', scope, { parent: ownerKey(type, name) });
  return rows.map((row) => ({ name: `${type}/${name}/inline/${row.body.policyName}`, document: JSON.parse(row.body.document) as unknown }));
}

async function attachedOf(tx: StoreTx, scope: Scope, type: EntityType, name: string): Promise<NamedPolicy[]> {
  const policies: NamedPolicy[] = [];
  for (const row of await attachmentsOf(tx, scope, type, name, 'PermissionsPolicy')) {
    const policy = await managedDocument(tx, scope, row.body.policyArn);
    if (policy) policies.push(policy);
  }
  return policies;
}

/** A managed policy's default version document (customer managed: the store's; AWS managed: the copy Berth carries). */
async function managedDocument(tx: StoreTx, scope: Scope, arn: string): Promise<NamedPolicy | undefined> {
  const view = await findPolicy(tx, scope, arn);
  if (!view) return undefined;
  if (view.aws) return { name: arn, document: view.aws.document };
  const version = await tx.get('iam.policy-version', scope, `${entityKey(view.policyName)}/${view.defaultVersionId}`);
  return version ? { name: arn, document: JSON.parse(version.document) as unknown } : undefined;
}
