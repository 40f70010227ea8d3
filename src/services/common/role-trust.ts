// Whether ECS may assume a role for a task (its trust policy names ecs-tasks.amazonaws.com), asked by RunTask
// and the service scheduler before they create a task. IAM answers it (services/iam/evaluation).
import type { StoreTx } from '../../store/store.ts';

export interface RoleTrust {
  /** True when the role exists in `account` and its trust policy lets ecs-tasks.amazonaws.com assume it. */
  tasksMayAssume(tx: StoreTx, account: string, roleArn: string): Promise<boolean>;
}

/**
 * ECS's answer when it cannot assume a task's role, at RunTask (ClientException) and in a service's events
 * ("failed to launch a task with (error …)", verified: aws-samples/aws-modern-application-workshop#88).
 */
export function unableToAssumeRole(roleArn: string): string {
  return `ECS was unable to assume the role '${roleArn}' that was provided for this task. Please verify that the role being passed has the `
    + 'proper trust relationship and permissions and that your IAM user has permissions to pass this role.';
}
