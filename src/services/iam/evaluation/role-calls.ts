// The platform's own AWS calls made as a role — the ECS agent's calls as a task's execution role (pull from
// ECR, write logs, read secrets): each call is read through its service's IAM map, exactly as the same call
// from a client would be, and checked against the role session's policies.
import { iamRequestsFor, type IamRequest, type ServiceIam } from '../../../aws/authz/iam-request.ts';
import type { RequestContext } from '../../../aws/context.ts';
import type { AwsError } from '../../../aws/errors.ts';
import type { AwsService } from '../../../aws/service.ts';
import type { Clock } from '../../../platform/clock.ts';
import type { PolicyAuthorizer } from './policy-authorizer.ts';
import { roleSessionPrincipal } from './policy-authorizer.ts';

/** The role session the platform acts as. */
export interface RoleSession {
  /** The role's ARN and the session name (ECS names execution role sessions after the task id). */
  roleArn: string;
  sessionName: string;
  region: string;
}

/** One call the platform makes as a role: Berth's name of the service (`ecr`, `logs`, …) and AWS's operation name. */
export interface RoleCall {
  service: string;
  operation: string;
  input: object;
}

export class RoleCalls {
  readonly #services: () => readonly AwsService[];
  readonly #authorizer: PolicyAuthorizer;
  readonly #clock: Clock;

  /** `services`: every service Berth serves (read per call: the runner that uses this is built before them). */
  constructor(services: () => readonly AwsService[], authorizer: PolicyAuthorizer, clock: Clock) {
    this.#services = services;
    this.#authorizer = authorizer;
    this.#clock = clock;
  }

  /**
   * The access-denied error (AccessDeniedException with IAM's "User: … is not authorized to perform: …" text) of the
   * first call's service whose request the role's policies do not allow; undefined when they allow all the calls (or
   * enforcement is off). The role's policies are read once for all of them.
   */
  async denied(session: RoleSession, calls: readonly RoleCall[]): Promise<AwsError | undefined> {
    const principal = roleSessionPrincipal(session.roleArn, session.sessionName);
    const now = this.#clock.now();
    const ctx: RequestContext = { requestId: '', region: session.region, principal, now };
    const mapped: { iam: ServiceIam; requests: IamRequest[] }[] = [];
    for (const call of calls) {
      const iam = this.#services().find((s) => s.name === call.service)?.iam;
      if (!iam) throw new Error(`no IAM map for service ${call.service}`);
      mapped.push({ iam, requests: await iamRequestsFor(iam, call.operation, call.input, ctx) });
    }
    const denial = await this.#authorizer.check(principal, mapped.flatMap((m) => m.requests), { region: session.region, now });
    if (!denial) return undefined;
    const owner = mapped.find((m) => m.requests.includes(denial.request));
    if (!owner) throw new Error(`a denial for ${denial.request.action} that no call asked for`);
    return owner.iam.accessDenied(denial.message);
  }
}
