// How long ECS keeps a stopped task: "Stopped tasks stay describable for at least 1 hour"
// (ecs-behaviour.md §1). The housekeeping controller (src/controllers/housekeeping/stopped-tasks.ts)
// asks these pure functions which records may go.
import type { Task } from '@aws-sdk/client-ecs';
import type { TaskRecord } from './task-records.ts';

/** The least time a STOPPED task stays describable after its stoppedAt. */
export const STOPPED_TASK_RETENTION_MS = 60 * 60 * 1000;

/**
 * Whether `task` may be deleted at `now`: its lastStatus is STOPPED and its stoppedAt lies more
 * than an hour before `now`. A task still stopping, or without a stoppedAt, is kept.
 */
export function stoppedTaskExpired(task: Task, now: Date): boolean {
  return task.lastStatus === 'STOPPED' && task.stoppedAt !== undefined
    && now.getTime() - new Date(task.stoppedAt).getTime() > STOPPED_TASK_RETENTION_MS;
}

/** The records of `records` that may be deleted at `now` (see stoppedTaskExpired). */
export function expiredStoppedTasks<T extends Pick<TaskRecord, 'task'>>(records: readonly T[], now: Date): T[] {
  return records.filter(({ task }) => stoppedTaskExpired(task, now));
}
