// How a request reads to IAM: the action(s) an operation needs and the resources they act on. Each service
// folder says this for its own operations (its `iam` map); the dispatcher hands it to the Authorizer.
import type { AwsError } from '../errors.ts';
import type { RequestContext } from '../context.ts';

/** One action IAM must allow for an operation to run. */
export interface IamRequest {
  /** The IAM action, `secretsmanager:GetSecretValue` (service prefix and AWS's action name). */
  action: string;
  /** The resource's ARN as IAM sees it, or `*` for actions that take no resource (AWS's "wildcard-only" actions). */
  resource: string;
  /**
   * Condition keys this request sets beyond the global ones the authorizer fills (aws:PrincipalArn,
   * aws:CurrentTime, aws:RequestedRegion, …): `secretsmanager:VersionStage`, `aws:RequestTag/team`, `ecs:cluster`.
   */
  context?: Record<string, string | string[]>;
  /** The resource's own policy, where the service has them (a secret's, an ECR repository's), as JSON text. */
  resourcePolicy?: string;
}

/**
 * Maps one operation's (already validated) input to what IAM must allow. An empty list means the operation
 * needs no permission at all (sts:GetCallerIdentity). It may read the store (a secret's name → its ARN).
 */
export type IamRequestMapper = (input: never, ctx: RequestContext) => IamRequest[] | Promise<IamRequest[]>;

export interface ServiceIam {
  /** The IAM service prefix: `ecs`, `secretsmanager`, `elasticloadbalancing` for ELBv2. */
  prefix: string;
  /** Per operation, when it is not simply `<prefix>:<Operation>` on `*`. */
  requests: Readonly<Record<string, IamRequestMapper>>;
  /**
   * AWS's access-denied error in this service's words: AccessDeniedException (JSON services), AccessDenied
   * (IAM, STS, ELBv2), UnauthorizedOperation (EC2). `message` is IAM's "User: … is not authorized to perform: …".
   */
  accessDenied(message: string): AwsError;
}

/** The requests an operation makes of IAM: its service's mapping, or `<prefix>:<Operation>` on `*`. */
export async function iamRequestsFor(iam: ServiceIam, operation: string, input: unknown, ctx: RequestContext): Promise<IamRequest[]> {
  const mapper = iam.requests[operation];
  if (!mapper) return [{ action: `${iam.prefix}:${operation}`, resource: '*' }];
  return await mapper(input as never, ctx);
}

/**
 * `aws:RequestTag/<key>` for each tag and `aws:TagKeys`: the condition keys a request that sets tags carries
 * (IAM User Guide, "Controlling access during AWS requests"); none when it sets no tags. Tags as [key, value] pairs,
 * since each service names their members differently (Key/Value, key/value, a map).
 */
export function requestTagContext(tags: readonly (readonly [string, string])[]): Record<string, string | string[]> {
  if (tags.length === 0) return {};
  return { ...Object.fromEntries(tags.map(([key, value]) => [`aws:RequestTag/${key}`, value])), 'aws:TagKeys': tags.map(([key]) => key) };
}
