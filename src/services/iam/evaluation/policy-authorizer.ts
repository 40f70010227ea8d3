// Authorizes requests signed by IAM users' keys and roles' session credentials against their policies
// (the dispatcher's Authorizer), and lets the platform act as a role (the task runner acting as a task's
// execution role): the same evaluation, the same AWS message.
import type { Authorizer } from '../../../aws/authz/authorizer.ts';
import type { IamRequest, ServiceIam } from '../../../aws/authz/iam-request.ts';
import type { Principal, RequestContext } from '../../../aws/context.ts';
import type { Store } from '../../../store/store.ts';
import { denialMessage, evaluate, type Decision } from './policy-evaluator.ts';
import { assumedRoleArn, parseRoleArn } from '../arns.ts';
import { policiesOf } from './principal-policies.ts';

export interface AuthorizerSettings {
  /** false: no request is checked against policies (the setting `--iam-enforcement false`). */
  enforce: boolean;
}

/** A request the policies refused, with IAM's text for it. */
export interface Denial {
  request: IamRequest;
  message: string;
}

export class PolicyAuthorizer implements Authorizer {
  readonly #store: Store;
  readonly #settings: AuthorizerSettings;

  constructor(store: Store, settings: AuthorizerSettings) {
    this.#store = store;
    this.#settings = settings;
  }

  enforces(ctx: RequestContext): boolean {
    return this.#settings.enforce && ctx.principal.kind !== 'root';
  }

  async authorize(iam: ServiceIam, requests: readonly IamRequest[], ctx: RequestContext): Promise<void> {
    const denial = await this.check(ctx.principal, requests, { region: ctx.region, now: ctx.now });
    if (denial) throw iam.accessDenied(denial.message);
  }

  /**
   * The first of `requests` the principal's policies do not allow, or undefined when they allow them all. A role or
   * user that no longer exists is allowed nothing. The root principal is allowed everything.
   */
  async check(principal: Principal, requests: readonly IamRequest[], at: { region: string; now: Date }): Promise<Denial | undefined> {
    if (!this.#settings.enforce || principal.kind === 'root' || requests.length === 0) return undefined;
    const identity = identityOf(principal);
    const scope = { account: principal.accountId, region: '' };
    const found = await this.#store.read((tx) => policiesOf(tx, scope, identity.type, identity.name));
    const globals = globalKeys(principal, identity, at, found?.tags ?? []);
    for (const request of requests) {
      const decision: Decision = found
        ? await evaluate({ principal: principal.arn, resourceAccount: resourceAccountOf(request.resource, principal.accountId), request, globals, policies: found.policies })
        : { allowed: false, explicit: false, policy: 'identity' };
      if (!decision.allowed) return { request, message: denialMessage(principal.arn, request, decision) };
    }
    return undefined;
  }
}

/** The principal of a role's session, as STS's AssumeRole makes it (the userId's role id is unknown here: AROA… not needed for evaluation). */
export function roleSessionPrincipal(roleArn: string, sessionName: string): Principal {
  const parsed = parseRoleArn(roleArn);
  const account = parsed?.account ?? '';
  const name = parsed?.name ?? roleArn;
  return {
    accountId: account,
    arn: assumedRoleArn(account, name, sessionName),
    userId: `${name}:${sessionName}`,
    accessKeyId: '',
    kind: 'assumed-role',
    roleArn,
  };
}

/** The account an ARN names (AssumeRole may name another account's role); the caller's for `*` and AWS-owned ARNs. */
function resourceAccountOf(resource: string, callerAccount: string): string {
  const account = resource.split(':')[4] ?? '';
  return /^\d{12}$/.test(account) ? account : callerAccount;
}

function identityOf(principal: Principal): { type: 'role' | 'user'; name: string } {
  if (principal.kind === 'assumed-role') {
    const roleArn = principal.roleArn ?? '';
    return { type: 'role', name: roleArn.slice(roleArn.lastIndexOf('/') + 1) };
  }
  return { type: 'user', name: principal.arn.slice(principal.arn.lastIndexOf('/') + 1) };
}

/** The global condition keys Berth knows for every request (IAM User Guide, "AWS global condition context keys"). */
function globalKeys(principal: Principal, identity: { type: 'role' | 'user'; name: string }, at: { region: string; now: Date },
  tags: readonly { Key?: string | undefined; Value?: string | undefined }[]): Record<string, string> {
  const keys: Record<string, string> = {
    'aws:PrincipalArn': principal.kind === 'assumed-role' ? principal.roleArn ?? principal.arn : principal.arn,
    'aws:PrincipalAccount': principal.accountId,
    'aws:PrincipalType': principal.kind === 'assumed-role' ? 'AssumedRole' : 'User',
    'aws:userid': principal.userId,
    'aws:CurrentTime': at.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(at.now.getTime() / 1000)),
    'aws:RequestedRegion': at.region,
    // Berth's endpoint is plain HTTP unless a TLS proxy stands in front of it.
    'aws:SecureTransport': 'false',
  };
  if (identity.type === 'user') keys['aws:username'] = identity.name;
  for (const tag of tags) if (tag.Key !== undefined) keys[`aws:PrincipalTag/${tag.Key}`] = tag.Value ?? '';
  return keys;
}
