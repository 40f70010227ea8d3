// How long ECS keeps a stopped task: "Stopped tasks stay describable for at least 1 hour"
// (ecs-behaviour.md §1). The retention controller asks this pure function which records may go.
import type { TaskRecord } from './task-records.ts';

/** The least time a STOPPED task stays describable after its stoppedAt. */
export const STOPPED_TASK_RETENTION_MS = 60 * 60 * 1000;

/**
 * The records that may be deleted at `now`: tasks whose lastStatus is STOPPED and whose stoppedAt
 * lies more than an hour before `now`. Tasks still stopping, or without a stoppedAt, are kept.
 */
export function expiredStoppedTasks<T extends Pick<TaskRecord, 'task'>>(records: readonly T[], now: Date): T[] {
  return records.filter(({ task }) => task.lastStatus === 'STOPPED' && task.stoppedAt !== undefined
    && now.getTime() - new Date(task.stoppedAt).getTime() > STOPPED_TASK_RETENTION_MS);
}
