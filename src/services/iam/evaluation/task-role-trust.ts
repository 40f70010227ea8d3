// Decides with the policy evaluator whether ECS's task service principal may assume a role: the role's trust
// policy is the resource policy of sts:AssumeRole, and a service principal has no identity policies.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { RoleTrust } from '../../common/role-trust.ts';
import type { StoreTx } from '../../../store/store.ts';
import { parseRoleArn } from '../arns.ts';
import { entityKey } from '../records.ts';

/** The service principal ECS assumes task and task execution roles as (Developer Guide, "Task IAM role"). */
export const ECS_TASKS_PRINCIPAL = 'ecs-tasks.amazonaws.com';

export class PolicyRoleTrust implements RoleTrust {
  readonly #enforce: boolean;

  /** `enforce` false (IAM enforcement off): every role ARN is taken as it is, even one that does not exist. */
  constructor(options: { enforce: boolean }) {
    this.#enforce = options.enforce;
  }

  async tasksMayAssume(tx: StoreTx, account: string, roleArn: string): Promise<boolean> {
    if (!this.#enforce) return true;
    const parsed = parseRoleArn(roleArn);
    if (!parsed || parsed.account !== account) return false;
    const role = await tx.get('iam.role', { account, region: '' }, entityKey(parsed.name));
    if (!role || role.arn !== roleArn) return false;
    const result = await runSimulation({
      request: {
        principal: ECS_TASKS_PRINCIPAL,
        action: 'sts:AssumeRole',
        resource: { resource: role.arn, accountId: account },
        contextVariables: { 'aws:PrincipalServiceName': ECS_TASKS_PRINCIPAL, 'aws:SourceAccount': account },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: JSON.parse(role.assumeRolePolicyDocument) as unknown,
    }, {});
    return result.resultType !== 'error' && result.overallResult === 'Allowed';
  }
}
