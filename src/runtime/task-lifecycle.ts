// The ECS task lifecycle as a transition table (ecs-behaviour.md §1): every lastStatus a task
// passes through, the moves each allows, and the timestamp each move stamps. An illegal move throws.
import type { Task } from '@aws-sdk/client-ecs';

/**
 * Start: PROVISIONING (ENI attach) → PENDING → ACTIVATING (image pull, containers, networking)
 * → RUNNING. Stop: DEACTIVATING → STOPPING (signal, stopTimeout, SIGKILL) → DEPROVISIONING
 * (ENI detach) → STOPPED. A task that fails to start skips ahead to the stop half.
 */
export const TASK_STATES = [
  'PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED',
] as const;

export type TaskState = (typeof TASK_STATES)[number];

const TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  PROVISIONING: ['PENDING', 'DEPROVISIONING', 'STOPPED'],
  PENDING: ['ACTIVATING', 'STOPPING', 'DEPROVISIONING'],
  ACTIVATING: ['RUNNING', 'DEACTIVATING', 'STOPPING'],
  RUNNING: ['DEACTIVATING', 'STOPPING'],
  DEACTIVATING: ['STOPPING'],
  STOPPING: ['DEPROVISIONING'],
  DEPROVISIONING: ['STOPPED'],
  STOPPED: [],
};

export class InvalidTaskTransition extends Error {
  override readonly name = 'InvalidTaskTransition';
  constructor(from: string, to: string) {
    super(`invalid state transition from ${from} to ${to}`);
  }
}

export function canMove(from: TaskState, to: TaskState): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * The task after moving to `to` at `now`: lastStatus set, the move's timestamp stamped (only the
 * first time), `version` incremented as ECS does on every state change. Throws InvalidTaskTransition.
 */
export function moveTask(task: Task, to: TaskState, now: Date): Task {
  const from = (task.lastStatus ?? 'PROVISIONING') as TaskState;
  if (!canMove(from, to)) throw new InvalidTaskTransition(from, to);
  const next: Task = { ...task, lastStatus: to, version: (task.version ?? 0) + 1 };
  if (to === 'RUNNING') next.startedAt ??= now;
  if (to === 'STOPPING' || to === 'DEACTIVATING') next.stoppingAt ??= now;
  if (to === 'DEPROVISIONING') next.executionStoppedAt ??= now;
  if (to === 'STOPPED') {
    next.stoppedAt ??= now;
    next.executionStoppedAt ??= now;
    next.stoppingAt ??= now;
  }
  return next;
}
