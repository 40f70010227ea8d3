// The AWS managed policies that ECS setups attach (AmazonECSTaskExecutionRolePolicy and friends),
// with the documents, ids, versions and dates AWS reports, looked up by ARN.
//
// Each policy is one JSON file in ./aws-managed-policies/, copied from AWS's own output
// (GetPolicyVersion snapshots, the AWS Managed Policy Reference) and naming its sources; see
// each file's `sources` and `notes`. A `policyId` is null where no AWS output with the id was
// found: the id is never invented, so GetPolicy must fill the gap itself. ReadOnlyAccess is
// left out on purpose (too large to carry).

import AdministratorAccess from './aws-managed-policies/AdministratorAccess.json' with { type: 'json' };
import AmazonEC2ContainerRegistryReadOnly from './aws-managed-policies/AmazonEC2ContainerRegistryReadOnly.json' with { type: 'json' };
import AmazonEC2ContainerServiceAutoscaleRole from './aws-managed-policies/AmazonEC2ContainerServiceAutoscaleRole.json' with { type: 'json' };
import AmazonEC2ContainerServiceRole from './aws-managed-policies/AmazonEC2ContainerServiceRole.json' with { type: 'json' };
import AmazonEC2ContainerServiceforEC2Role from './aws-managed-policies/AmazonEC2ContainerServiceforEC2Role.json' with { type: 'json' };
import AmazonECSInfrastructureRolePolicyForLoadBalancers from './aws-managed-policies/AmazonECSInfrastructureRolePolicyForLoadBalancers.json' with { type: 'json' };
import AmazonECSTaskExecutionRolePolicy from './aws-managed-policies/AmazonECSTaskExecutionRolePolicy.json' with { type: 'json' };
import AmazonECS_FullAccess from './aws-managed-policies/AmazonECS_FullAccess.json' with { type: 'json' };
import AmazonS3ReadOnlyAccess from './aws-managed-policies/AmazonS3ReadOnlyAccess.json' with { type: 'json' };
import AmazonSSMManagedInstanceCore from './aws-managed-policies/AmazonSSMManagedInstanceCore.json' with { type: 'json' };
import AWSCodeDeployRoleForECS from './aws-managed-policies/AWSCodeDeployRoleForECS.json' with { type: 'json' };
import CloudWatchLogsFullAccess from './aws-managed-policies/CloudWatchLogsFullAccess.json' with { type: 'json' };
import SecretsManagerReadWrite from './aws-managed-policies/SecretsManagerReadWrite.json' with { type: 'json' };

/** An AWS managed policy as GetPolicy and GetPolicyVersion describe it. */
export interface AwsManagedPolicy {
  readonly policyName: string;
  /** arn:aws:iam::aws:policy{path}{policyName} */
  readonly arn: string;
  readonly path: string;
  /** ANPA… as AWS reports it; null where no AWS output with the id was found. */
  readonly policyId: string | null;
  readonly defaultVersionId: string;
  /** ISO 8601, UTC. Where AWS only publishes minutes, the seconds are 00 (see the file's notes). */
  readonly createDate: string;
  readonly updateDate: string;
  readonly description: string | null;
  readonly isAttachable: boolean;
  /** The default version's document, as a JSON value. */
  readonly document: unknown;
  /** The default version's document as text, the form PolicyVersion.Document carries. */
  readonly documentText: string;
  readonly sources: { readonly document: readonly string[]; readonly metadata: readonly string[]; readonly policyId: string | null };
  readonly notes: string;
}

const ARN_PREFIX = 'arn:aws:iam::aws:policy';

function str(raw: Record<string, unknown>, key: string): string {
  const v = raw[key];
  if (typeof v !== 'string') throw new TypeError(`managed policy data: ${key} must be a string`);
  return v;
}

function strOrNull(raw: Record<string, unknown>, key: string): string | null {
  const v = raw[key];
  return v === null ? null : str(raw, key);
}

function strings(raw: unknown, what: string): string[] {
  if (!Array.isArray(raw) || !raw.every((s): s is string => typeof s === 'string')) throw new TypeError(`managed policy data: ${what} must be strings`);
  return raw;
}

/** Checks one data file's shape; a malformed file is a Berth bug, so it throws at load. */
function toPolicy(raw: unknown): AwsManagedPolicy {
  if (typeof raw !== 'object' || raw === null) throw new TypeError('managed policy data: not an object');
  const r = raw as Record<string, unknown>;
  const sources = (r['sources'] ?? {}) as Record<string, unknown>;
  const policy: AwsManagedPolicy = {
    policyName: str(r, 'policyName'),
    arn: str(r, 'arn'),
    path: str(r, 'path'),
    policyId: strOrNull(r, 'policyId'),
    defaultVersionId: str(r, 'defaultVersionId'),
    createDate: str(r, 'createDate'),
    updateDate: str(r, 'updateDate'),
    description: strOrNull(r, 'description'),
    isAttachable: r['isAttachable'] === true,
    document: r['document'],
    documentText: JSON.stringify(r['document']),
    sources: {
      document: strings(sources['document'], 'sources.document'),
      metadata: strings(sources['metadata'], 'sources.metadata'),
      policyId: strOrNull(sources, 'policyId'),
    },
    notes: str(r, 'notes'),
  };
  if (policy.arn !== `${ARN_PREFIX}${policy.path}${policy.policyName}`) {
    throw new TypeError(`managed policy data: ${policy.policyName} has ARN ${policy.arn}, not path + name`);
  }
  return Object.freeze(policy);
}

/** Every AWS managed policy Berth knows, in name order. */
export const AWS_MANAGED_POLICIES: readonly AwsManagedPolicy[] = Object.freeze(
  [
    AdministratorAccess,
    AmazonEC2ContainerRegistryReadOnly,
    AmazonEC2ContainerServiceAutoscaleRole,
    AmazonEC2ContainerServiceRole,
    AmazonEC2ContainerServiceforEC2Role,
    AmazonECSInfrastructureRolePolicyForLoadBalancers,
    AmazonECSTaskExecutionRolePolicy,
    AmazonECS_FullAccess,
    AmazonS3ReadOnlyAccess,
    AmazonSSMManagedInstanceCore,
    AWSCodeDeployRoleForECS,
    CloudWatchLogsFullAccess,
    SecretsManagerReadWrite,
  ]
    .map(toPolicy)
    .sort((a, b) => a.policyName.localeCompare(b.policyName)),
);

const BY_ARN: ReadonlyMap<string, AwsManagedPolicy> = new Map(AWS_MANAGED_POLICIES.map((p) => [p.arn, p]));

/** The AWS managed policy with this ARN, or undefined (the caller answers NoSuchEntity). */
export function findAwsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  return BY_ARN.get(arn);
}

/** True for ARNs in AWS's own policy namespace (arn:aws:iam::aws:policy/…), known here or not. */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return arn.startsWith(`${ARN_PREFIX}/`);
}
