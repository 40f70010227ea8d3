// What each STS operation asks of IAM: sts:AssumeRole on the role, judged together with the role's trust policy
// (its resource policy), and nothing for the operations AWS does not authorize.
//
// Facts:
// - GetCallerIdentity: "No permissions are required to perform this operation" (STS API reference).
// - GetSessionToken: "No permissions are required for a user to get a session token … You cannot use policies to
//   control authentication operations" (IAM User Guide, "Permissions for GetSessionToken"). Role sessions are
//   refused by the operation itself (session-token.ts: "Cannot call GetSessionToken with session credentials").
// - GetAccessKeyInfo: sts:GetAccessKeyInfo, an action without resource types (Service Authorization Reference).
// - AssumeRole: sts:AssumeRole on the role ARN; the trust policy is the role's resource-based policy, so "a
//   principal can assume a role only if the trust policy allows it": a trust policy naming the caller allows it on
//   its own, one naming the caller's account needs the caller's identity policies to allow it too (IAM User Guide,
//   "Policy evaluation logic"; @cloud-copilot/iam-simulate's STS authorizer evaluates exactly this). Session tags
//   also need sts:TagSession and a source identity sts:SetSourceIdentity, both allowed by the trust policy (IAM User
//   Guide, "Passing session tags in AWS STS", "Monitor and control actions taken with assumed roles").
// The operation itself keeps checking the trust policy (trust.ts) for every caller, the account root included, so a
// caller whose policies are enforced passes both; trust.ts is the stricter of the two for the condition keys it
// does not know (an Allow conditioned on one of them never applies there).
import type { AssumeRoleRequest, Tag } from '@aws-sdk/client-sts';
import { clientError } from '../../aws/errors.ts';
import type { IamRequest, IamRequestMapper, ServiceIam } from '../../aws/authz/iam-request.ts';
import type { Store } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { parseRoleArn } from '../iam/arns.ts';
import { requestTagContext } from '../iam/iam-requests.ts';
import { findRole } from '../iam/records.ts';

type Context = Record<string, string | string[]>;

/** The trust policy of the role an ARN names, when that role exists with exactly that ARN (path included). */
async function trustPolicyOf(store: Store, roleArn: string): Promise<string | undefined> {
  const parsed = parseRoleArn(roleArn);
  if (!parsed) return undefined;
  // The role lives in the account its ARN names, which may not be the caller's.
  const role = await store.read((tx) => findRole(tx, { account: parsed.account, region: '' }, parsed.name));
  return role && role.arn === roleArn ? role.assumeRolePolicyDocument : undefined;
}

function assumeRoleContext(input: AssumeRoleRequest): Context {
  const context: Context = { 'sts:RoleSessionName': input.RoleSessionName ?? '' };
  if (input.ExternalId !== undefined) context['sts:ExternalId'] = input.ExternalId;
  if (input.SourceIdentity !== undefined) context['sts:SourceIdentity'] = input.SourceIdentity;
  return { ...context, ...sessionTagContext(input.Tags, input.TransitiveTagKeys) };
}

function sessionTagContext(tags: Tag[] | undefined, transitive: string[] | undefined): Context {
  const context = requestTagContext(tags);
  if (transitive && transitive.length > 0) context['sts:TransitiveTagKeys'] = [...transitive];
  return context;
}

function assumeRole(store: Store): IamRequestMapper {
  return async (input: AssumeRoleRequest) => {
    const resource = input.RoleArn ?? '';
    const trust = await trustPolicyOf(store, resource);
    const withTrust = (request: IamRequest): IamRequest => (trust === undefined ? request : { ...request, resourcePolicy: trust });
    const requests = [withTrust({ action: 'sts:AssumeRole', resource, context: assumeRoleContext(input) })];
    if ((input.Tags?.length ?? 0) > 0 || (input.TransitiveTagKeys?.length ?? 0) > 0) {
      requests.push(withTrust({ action: 'sts:TagSession', resource, context: sessionTagContext(input.Tags, input.TransitiveTagKeys) }));
    }
    if (input.SourceIdentity !== undefined) {
      requests.push(withTrust({ action: 'sts:SetSourceIdentity', resource, context: { 'sts:SourceIdentity': input.SourceIdentity } }));
    }
    return requests;
  };
}

/** How STS's operations read to IAM, for callers whose policies are enforced. */
export function stsServiceIam(deps: ServiceDeps): ServiceIam {
  return {
    prefix: 'sts',
    requests: {
      GetCallerIdentity: () => [],
      GetSessionToken: () => [],
      GetAccessKeyInfo: () => [{ action: 'sts:GetAccessKeyInfo', resource: '*' }],
      AssumeRole: assumeRole(deps.store),
    },
    // STS answers AccessDenied, 403 (assume-role.ts cites real responses).
    accessDenied: (message) => clientError('AccessDenied', message, 403),
  };
}
