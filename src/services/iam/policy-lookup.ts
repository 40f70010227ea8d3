// Managed policies by ARN, whoever owns them: the account's customer managed policies (the
// store) and AWS managed policies (aws-managed-policies.ts, readable from every account), seen
// through one view; and the policy's usage counts, which are per account.
import type { Policy } from '@aws-sdk/client-iam';
import type { Scope, StoreTx } from '../../store/store.ts';
import { parsePolicyArn } from './arns.ts';
import { findAwsManagedPolicy, isAwsManagedPolicyArn, type AwsManagedPolicy } from './aws-managed-policies.ts';
import { NoSuchEntityException } from './errors.ts';
import { newUniqueId, type RandomBytes } from './ids.ts';
import { entityKey, type ManagedPolicyRecord } from './records.ts';

export interface PolicyView {
  arn: string;
  policyName: string;
  path: string;
  policyId: string;
  defaultVersionId: string;
  description: string | undefined;
  createDate: Date;
  updateDate: Date;
  isAttachable: boolean;
  /** Set for AWS managed policies; their only known version is the default one. */
  aws: AwsManagedPolicy | undefined;
  /** Set for customer managed policies. */
  local: ManagedPolicyRecord | undefined;
}

/**
 * The policy with this ARN as the caller's account sees it, or undefined. A customer managed
 * policy is visible only in its own account.
 */
export async function findPolicy(tx: StoreTx, scope: Scope, arn: string): Promise<PolicyView | undefined> {
  if (isAwsManagedPolicyArn(arn)) {
    const aws = findAwsManagedPolicy(arn);
    return aws ? awsView(aws) : undefined;
  }
  const parsed = parsePolicyArn(arn);
  if (!parsed || parsed.account !== scope.account) return undefined;
  const record = await tx.get('iam.policy', scope, entityKey(parsed.name));
  return record && record.arn === arn ? localView(record) : undefined;
}

/** GetPolicy/DeletePolicy/CreatePolicyVersion…: NoSuchEntity "Policy <arn> was not found." (verified: aws-observability's script output, GetPolicy). */
export async function requirePolicy(tx: StoreTx, scope: Scope, arn: string): Promise<PolicyView> {
  const policy = await findPolicy(tx, scope, arn);
  if (!policy) throw new NoSuchEntityException(`Policy ${arn} was not found.`);
  return policy;
}

export function localView(record: ManagedPolicyRecord): PolicyView {
  return {
    arn: record.arn,
    policyName: record.policyName,
    path: record.path,
    policyId: record.policyId,
    defaultVersionId: record.defaultVersionId,
    description: record.description,
    createDate: record.createDate,
    updateDate: record.updateDate,
    isAttachable: true,
    aws: undefined,
    local: record,
  };
}

export function awsView(policy: AwsManagedPolicy): PolicyView {
  return {
    arn: policy.arn,
    policyName: policy.policyName,
    path: policy.path,
    policyId: policy.policyId ?? stableAwsPolicyId(policy.arn),
    defaultVersionId: policy.defaultVersionId,
    description: policy.description ?? undefined,
    createDate: new Date(policy.createDate),
    updateDate: new Date(policy.updateDate),
    isAttachable: policy.isAttachable,
    aws: policy,
    local: undefined,
  };
}

/**
 * An ANPA… id for an AWS managed policy whose real id is not on record: derived from the ARN
 * (FNV-1a, then xorshift32) so that every account and every restart sees the same id.
 */
function stableAwsPolicyId(arn: string): string {
  let state = 0x811c9dc5;
  for (const ch of arn) state = Math.imul(state ^ (ch.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  const bytes: RandomBytes = (n) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      state ^= state << 13; state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5; state >>>= 0;
      out[i] = state & 0xff;
    }
    return out;
  };
  return newUniqueId('managedPolicy', bytes);
}

export interface PolicyUsage {
  attachments: number;
  boundaries: number;
}

/** How many of the account's roles and users use the policy, as a permissions policy and as a boundary. */
export async function policyUsage(tx: StoreTx, scope: Scope, arn: string): Promise<PolicyUsage> {
  const rows = await tx.list('iam.attachment', scope, { parent: arn });
  const boundaries = rows.filter((r) => r.body.usage === 'PermissionsBoundary').length;
  return { attachments: rows.length - boundaries, boundaries };
}

/** The Policy shape of GetPolicy/CreatePolicy/ListPolicies (tags only where the caller asks). */
export function policyOutput(view: PolicyView, usage: PolicyUsage): Policy {
  return {
    PolicyName: view.policyName,
    PolicyId: view.policyId,
    Arn: view.arn,
    Path: view.path,
    DefaultVersionId: view.defaultVersionId,
    AttachmentCount: usage.attachments,
    PermissionsBoundaryUsageCount: usage.boundaries,
    IsAttachable: view.isAttachable,
    Description: view.description,
    CreateDate: view.createDate,
    UpdateDate: view.updateDate,
  };
}
