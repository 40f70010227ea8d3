// AssumeRole: temporary credentials for a role whose trust policy admits the caller; and
// assumeRoleAsService, the same for an AWS service principal (ECS tasks assume their task and
// execution roles through it).
//
// Facts (STS API reference, AssumeRole; IAM User Guide, "Role terms and concepts"):
// - A caller the trust policy does not admit, or a role that does not exist, gets AccessDenied
//   (403) "User: <caller arn> is not authorized to perform: sts:AssumeRole on resource: <role arn>"
//   (verified: nccgroup/aws-inventory#34, Netflix/security_monkey#77).
// - DurationSeconds is 900…the role's MaxSessionDuration, default 3600; above it: ValidationError
//   "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
//   (verified: kreuzwerker/awsu#27). Role chaining — calling with temporary credentials — caps
//   it at one hour: "The requested DurationSeconds exceeds the 1 hour session limit for roles
//   assumed by role chaining." (verified: aws/eks-anywhere#9485, mmmorris1975/aws-runas#11).
// - The session's ARN is arn:aws:sts::<account>:assumed-role/<role name>/<session name> and its
//   id <role id>:<session name>.
import type { AssumedRoleUser, AssumeRoleRequest, AssumeRoleResponse, Credentials } from '@aws-sdk/client-sts';
import type { RequestContext } from '../../aws/context.ts';
import { clientError, type AwsError } from '../../aws/errors.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { IdSource } from '../../platform/ids.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { assumedRoleArn, parseRoleArn } from '../iam/arns.ts';
import { policyTextOf } from '../iam/documents.ts';
import { ValidationError } from '../iam/errors.ts';
import { parsePolicyDocument } from '../iam/policy-document.ts';
import { findRole, putRole } from '../iam/records.ts';
import { required } from '../iam/validation.ts';
import { issueTemporaryCredentials, usesSessionCredentials } from './credentials.ts';
import { trustAllows, type TrustCaller } from './trust.ts';

export const DEFAULT_DURATION_SECONDS = 3600;
/** Role chaining's cap, whatever the role's MaxSessionDuration. */
export const CHAINED_MAX_DURATION_SECONDS = 3600;

export interface AssumedRole {
  Credentials: Credentials;
  AssumedRoleUser: AssumedRoleUser;
}

interface AssumeRequest {
  roleArn: string;
  caller: TrustCaller;
  /** How the caller is named in AccessDenied. */
  callerName: string;
  sessionName: string;
  durationSeconds: number | undefined;
  chained: boolean;
  context: Record<string, string>;
  now: Date;
  region: string | undefined;
}

function accessDenied(callerName: string, roleArn: string): AwsError {
  return clientError('AccessDenied', `${callerName} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
}

/** The shared core of AssumeRole and assumeRoleAsService, inside the caller's transaction. */
async function assume(tx: StoreTx, ids: IdSource, request: AssumeRequest): Promise<AssumedRole> {
  const parsed = parseRoleArn(request.roleArn);
  if (!parsed) throw accessDenied(request.callerName, request.roleArn);
  // The role lives in the account its ARN names, which may not be the caller's.
  const scope: Scope = { account: parsed.account, region: '' };
  const role = await findRole(tx, scope, parsed.name);
  if (!role || role.arn !== request.roleArn) throw accessDenied(request.callerName, request.roleArn);
  const trust = parsePolicyDocument(role.assumeRolePolicyDocument, 'trust');
  if (!trustAllows(trust, { caller: request.caller, action: 'sts:AssumeRole', context: request.context })) {
    throw accessDenied(request.callerName, request.roleArn);
  }
  const duration = request.durationSeconds ?? DEFAULT_DURATION_SECONDS;
  if (request.chained && duration > CHAINED_MAX_DURATION_SECONDS) {
    throw new ValidationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (duration > role.maxSessionDuration) {
    throw new ValidationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const arn = assumedRoleArn(parsed.account, role.roleName, request.sessionName);
  const assumedRoleId = `${role.roleId}:${request.sessionName}`;
  const credentials = await issueTemporaryCredentials(tx, ids, (accessKeyId) => ({
    accountId: parsed.account, arn, userId: assumedRoleId, accessKeyId, kind: 'assumed-role', roleArn: role.arn,
  }), request.now, duration);
  role.lastUsed = { date: request.now, ...(request.region !== undefined ? { region: request.region } : {}) };
  await putRole(tx, scope, role);
  return { Credentials: credentials, AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: arn } };
}

/** What an AWS service knows about the resource it assumes the role for (the confused-deputy keys). */
export interface ServiceAssumeOptions {
  durationSeconds?: number;
  /** aws:SourceAccount, e.g. the account of the ECS task. */
  sourceAccount?: string;
  /** aws:SourceArn, e.g. the ARN of the ECS task or cluster. */
  sourceArn?: string;
  /** The region RoleLastUsed records. */
  region?: string;
}

/**
 * Credentials for `servicePrincipal` (e.g. `ecs-tasks.amazonaws.com`) acting as `roleArn`, inside
 * the caller's transaction. Throws AccessDenied (an AwsError) when the role does not exist or its
 * trust policy does not admit the service; ValidationError for a duration the role does not allow.
 */
export async function assumeRoleAsService(tx: StoreTx, roleArn: string, servicePrincipal: string, sessionName: string, now: Date,
  ids: IdSource, options: ServiceAssumeOptions = {}): Promise<AssumedRole> {
  const context: Record<string, string> = { 'sts:RoleSessionName': sessionName };
  if (options.sourceAccount !== undefined) context['aws:SourceAccount'] = options.sourceAccount;
  if (options.sourceArn !== undefined) context['aws:SourceArn'] = options.sourceArn;
  return assume(tx, ids, {
    roleArn,
    caller: { kind: 'service', service: servicePrincipal },
    callerName: `Service: ${servicePrincipal}`,
    sessionName,
    durationSeconds: options.durationSeconds,
    chained: false,
    context,
    now,
    region: options.region,
  });
}

function callerContext(ctx: RequestContext, input: AssumeRoleRequest, sessionName: string): Record<string, string> {
  const { principal } = ctx;
  const context: Record<string, string> = {
    'sts:RoleSessionName': sessionName,
    // For a role session aws:PrincipalArn is the role's ARN (IAM User Guide, "AWS global condition context keys").
    'aws:PrincipalArn': principal.roleArn ?? principal.arn,
    'aws:PrincipalAccount': principal.accountId,
  };
  if (input.ExternalId !== undefined) context['sts:ExternalId'] = input.ExternalId;
  return context;
}

export function assumeRoleOperations(deps: ServiceDeps): ServiceOperations<{ AssumeRole: [AssumeRoleRequest, AssumeRoleResponse] }> {
  return {
    AssumeRole: async (input, ctx) => {
      const roleArn = required(input.RoleArn, 'RoleArn');
      const sessionName = required(input.RoleSessionName, 'RoleSessionName');
      // A session policy must be a valid identity policy; Berth does not apply it (LIMITATIONS.md).
      if (input.Policy !== undefined) parsePolicyDocument(policyTextOf(input.Policy), 'identity');
      const assumed = await deps.store.write((tx) => assume(tx, deps.ids, {
        roleArn,
        caller: { kind: 'aws', principal: ctx.principal },
        callerName: `User: ${ctx.principal.arn}`,
        sessionName,
        durationSeconds: input.DurationSeconds,
        chained: usesSessionCredentials(ctx.principal),
        context: callerContext(ctx, input, sessionName),
        now: ctx.now,
        region: ctx.region,
      }));
      return { ...assumed, SourceIdentity: input.SourceIdentity };
    },
  };
}
