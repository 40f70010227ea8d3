// The task's execution role as the platform acts with it: each call the ECS agent would make for the task is
// checked against the role's session `assumed-role/<role>/<task id>` (RoleCalls: the service's own IAM map).
import { taskIdOf } from '../../services/ecs/task-records.ts';
import type { RoleCalls } from '../../services/iam/evaluation/role-calls.ts';
import type { RunnerTask } from './model.ts';
import type { ExecutionRoleGate, PlatformCall } from './ports.ts';

export class ExecutionRoleChecks implements ExecutionRoleGate {
  readonly #calls: RoleCalls;

  constructor(calls: RoleCalls) {
    this.#calls = calls;
  }

  async denied(task: RunnerTask, calls: readonly PlatformCall[]): Promise<Error | undefined> {
    const { record } = task;
    const roleArn = record.overrides.executionRoleArn ?? record.taskDefinition.executionRoleArn;
    // Only a task written around the API can lack one: RegisterTaskDefinition refuses awslogs, ECR images and
    // secrets without an execution role (fargate.ts), so there is nothing such a task's calls could be checked as.
    if (roleArn === undefined) return undefined;
    return this.#calls.denied({ roleArn, sessionName: taskIdOf(record.task.taskArn ?? ''), region: task.scope.region }, calls);
  }
}
