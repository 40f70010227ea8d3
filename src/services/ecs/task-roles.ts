// ECS assumes a task's role and execution role as ecs-tasks.amazonaws.com before it creates the task: RunTask
// refuses a task whose role it cannot assume, and a service reports it in its events.
import type { TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';
import { unableToAssumeRole, type RoleTrust } from '../common/role-trust.ts';
import type { StoreTx } from '../../store/store.ts';
import { ClientException } from './errors.ts';

/** ECS could not assume one of a task's roles (Not verified: RunTask's error code; the text is ECS's, see role-trust.ts). */
export class TaskRoleNotAssumable extends ClientException {
  readonly roleArn: string;
  constructor(roleArn: string) {
    super(unableToAssumeRole(roleArn));
    this.roleArn = roleArn;
  }
}

/** Throws TaskRoleNotAssumable for the first of the task's roles (after overrides) ECS may not assume. */
export async function checkTaskRoles(tx: StoreTx, account: string, trust: RoleTrust | undefined, definition: TaskDefinition,
  overrides: TaskOverride): Promise<void> {
  if (!trust) return;
  for (const roleArn of [overrides.taskRoleArn ?? definition.taskRoleArn, overrides.executionRoleArn ?? definition.executionRoleArn]) {
    if (roleArn !== undefined && roleArn !== '' && !(await trust.tasksMayAssume(tx, account, roleArn))) throw new TaskRoleNotAssumable(roleArn);
  }
}
