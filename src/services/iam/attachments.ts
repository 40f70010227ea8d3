// The store's record of which managed policy each role and user uses, and how: as an attached
// permissions policy or as its permissions boundary. Indexed by policy ARN (usage counts,
// ListEntitiesForPolicy, DeletePolicy's conflict check) and by owner (ListAttached*Policies).
import type { Scope, StoredResource, StoreTx } from '../../store/store.ts';
import type { PolicyView } from './policy-lookup.ts';
import { ownerKey, type AttachmentRecord, type Entity, type EntityType, type PolicyUsage } from './records.ts';

function attachmentId(owner: string, usage: PolicyUsage, arn: string): string {
  return `${owner}|${usage}|${arn}`;
}

/** `policy` needs only its ARN, name and path: service-linked roles use AWS policies Berth has no document for. */
export async function putAttachment(tx: StoreTx, scope: Scope, entity: Entity, policy: Pick<PolicyView, 'arn' | 'policyName' | 'path'>, usage: PolicyUsage):
  Promise<void> {
  const owner = ownerKey(entity.type, entity.name);
  const body: AttachmentRecord = {
    entityType: entity.type,
    entityName: entity.name,
    entityId: entity.id,
    entityPath: entity.path,
    policyArn: policy.arn,
    policyName: policy.policyName,
    policyPath: policy.path,
    usage,
  };
  await tx.put('iam.attachment', scope, { id: attachmentId(owner, usage, policy.arn), parent: policy.arn, name: owner, body });
}

/** Removes one use of a policy; false when it was not in use that way. */
export async function deleteAttachment(tx: StoreTx, scope: Scope, type: EntityType, name: string, usage: PolicyUsage, arn: string): Promise<boolean> {
  return tx.delete('iam.attachment', scope, attachmentId(ownerKey(type, name), usage, arn));
}

export async function hasAttachment(tx: StoreTx, scope: Scope, type: EntityType, name: string, usage: PolicyUsage, arn: string): Promise<boolean> {
  return (await tx.get('iam.attachment', scope, attachmentId(ownerKey(type, name), usage, arn))) !== undefined;
}

/** The owner's uses of managed policies of one kind, in the order they were made. */
export async function attachmentsOf(tx: StoreTx, scope: Scope, type: EntityType, name: string, usage: PolicyUsage): Promise<StoredResource<AttachmentRecord>[]> {
  const rows = await tx.list('iam.attachment', scope, { name: ownerKey(type, name) });
  return rows.filter((r) => r.body.usage === usage);
}
