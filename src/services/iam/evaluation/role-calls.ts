// The platform's own AWS calls made as a role — the ECS agent's calls as a task's execution role (pull from
// ECR, write logs, read secrets): each call is read through its service's IAM map, exactly as the same call
// from a client would be, and checked against the role session's policies.
import { iamRequestsFor } from '../../../aws/authz/iam-request.ts';
import type { RequestContext } from '../../../aws/context.ts';
import type { AwsError } from '../../../aws/errors.ts';
import type { AwsService } from '../../../aws/service.ts';
import type { Clock } from '../../../platform/clock.ts';
import type { PolicyAuthorizer } from './policy-authorizer.ts';
import { roleSessionPrincipal } from './policy-authorizer.ts';

/** One call the platform makes as a role. */
export interface RoleCall {
  /** The role's ARN and the session name (ECS names execution role sessions after the task id). */
  roleArn: string;
  sessionName: string;
  /** Berth's name of the service (`ecr`, `logs`, `secretsmanager`, `ssm`) and AWS's operation name. */
  service: string;
  operation: string;
  input: object;
  region: string;
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
   * The service's access-denied error (AccessDeniedException with IAM's "User: … is not authorized to perform: …"
   * text) when the role's policies do not allow the call; undefined when they do (or enforcement is off).
   */
  async denied(call: RoleCall): Promise<AwsError | undefined> {
    const service = this.#services().find((s) => s.name === call.service);
    const iam = service?.iam;
    if (!iam) throw new Error(`no IAM map for service ${call.service}`);
    const principal = roleSessionPrincipal(call.roleArn, call.sessionName);
    const now = this.#clock.now();
    const ctx: RequestContext = { requestId: '', region: call.region, principal, now };
    const requests = await iamRequestsFor(iam, call.operation, call.input, ctx);
    const denial = await this.#authorizer.check(principal, requests, { region: call.region, now });
    return denial ? iam.accessDenied(denial.message) : undefined;
  }
}
