// Permissions boundaries of roles and users: which managed policy caps an entity's permissions.
// Berth records the boundary (GetRole/GetUser show it, ListEntitiesForPolicy and the policy's
// PermissionsBoundaryUsageCount count it, DeletePolicy refuses while it is in use); it does not
// evaluate permissions, so the boundary limits nothing yet (LIMITATIONS.md).
import type { AttachedPermissionsBoundary, PermissionsBoundaryAttachmentType } from '@aws-sdk/client-iam';
import type { Scope, StoreTx } from '../../store/store.ts';
import { parsePolicyArn } from './arns.ts';
import { deleteAttachment, putAttachment } from './attachments.ts';
import { InvalidInputException, NoSuchEntityException } from './errors.ts';
import { findPolicy } from './policy-lookup.ts';
import type { Entity, EntityType } from './records.ts';

/**
 * Checks that `arn` names a policy the account can use as a boundary and records the use.
 * Wording (unverified, moto's; no IAM answer quoting them was found): InvalidInput
 * "ARN <arn> is not valid." for a malformed ARN, NoSuchEntity "Scope ARN: <arn> does not exist
 * or is not attachable." for a policy that is not there.
 */
export async function useAsBoundary(tx: StoreTx, scope: Scope, entity: Entity, arn: string, previous: string | undefined): Promise<void> {
  if (!parsePolicyArn(arn)) throw new InvalidInputException(`ARN ${arn} is not valid.`);
  const policy = await findPolicy(tx, scope, arn);
  if (!policy || !policy.isAttachable) throw new NoSuchEntityException(`Scope ARN: ${arn} does not exist or is not attachable.`);
  if (previous !== undefined) await deleteAttachment(tx, scope, entity.type, entity.name, 'PermissionsBoundary', previous);
  await putAttachment(tx, scope, entity, policy, 'PermissionsBoundary');
}

export async function stopUsingAsBoundary(tx: StoreTx, scope: Scope, type: EntityType, name: string, arn: string | undefined): Promise<void> {
  if (arn !== undefined) await deleteAttachment(tx, scope, type, name, 'PermissionsBoundary', arn);
}

/**
 * The PermissionsBoundary member of Role and User. IAM answers the type `Policy`, although the
 * model's enum says `PermissionsBoundaryPolicy` (awsdocs/iam-user-guide#82; the AWS CLI's
 * get-user example prints `"PermissionsBoundaryType": "Policy"`).
 */
export function boundaryOutput(arn: string | undefined): AttachedPermissionsBoundary | undefined {
  if (arn === undefined) return undefined;
  return { PermissionsBoundaryType: 'Policy' as PermissionsBoundaryAttachmentType, PermissionsBoundaryArn: arn };
}
