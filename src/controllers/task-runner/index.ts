// The task runner: moves 'ecs.task' records through the ECS lifecycle by running their containers.
export { TaskRunner, type TaskRunnerOptions } from './task-runner.ts';
export { planTaskRunner } from './planner.ts';
export { recordTaskScope, taskScopes } from '../../services/ecs/task-scopes.ts';
export type { LogDestination, RunnerHost, RunnerImages } from './ports.ts';
export { TaskSecrets, type SecretReaders, type SecretSource } from './secrets.ts';
