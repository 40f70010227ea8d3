// How a planner's TaskPatch lands on the record as it is at write time (pure).
import type { Container, Task } from '@aws-sdk/client-ecs';
import type { TaskRecord } from '../../services/ecs/task-records.ts';
import type { TaskPatch } from './model.ts';

/**
 * The task with `patch` applied. A stop the runner decides never overwrites one already asked for
 * (StopTask's UserInitiated wins over a later EssentialContainerExited); timestamps keep their
 * first value; containers merge by name.
 */
export function applyTaskPatch(record: TaskRecord, patch: TaskPatch): { task: Task; stopReason?: TaskRecord['stopReason'] } {
  const task: Task = { ...record.task };
  let stopReason: TaskRecord['stopReason'];
  if (patch.desiredStatus === 'STOPPED' && task.desiredStatus !== 'STOPPED') {
    task.desiredStatus = 'STOPPED';
    if (patch.stopCode !== undefined) task.stopCode = patch.stopCode as Task['stopCode'];
    if (patch.stoppedReason !== undefined) task.stoppedReason = patch.stoppedReason;
    stopReason = { stopCode: patch.stopCode ?? '', stoppedReason: patch.stoppedReason ?? '' };
  }
  if (patch.pullStartedAt) task.pullStartedAt ??= patch.pullStartedAt;
  if (patch.pullStoppedAt) task.pullStoppedAt ??= patch.pullStoppedAt;
  if (patch.containers) task.containers = mergeContainers(task, patch.containers);
  if (patch.healthStatus !== undefined) task.healthStatus = patch.healthStatus;
  if (patch.attachmentStatus !== undefined) {
    task.attachments = task.attachments?.map((a) => (a.type === 'ElasticNetworkInterface' ? { ...a, status: patch.attachmentStatus } : a));
  }
  return { task, ...(stopReason ? { stopReason } : {}) };
}

function mergeContainers(task: Task, patches: NonNullable<TaskPatch['containers']>): Container[] {
  const containers = (task.containers ?? []).map((c) => (c.name !== undefined && patches[c.name] ? { ...c, ...patches[c.name] } : c));
  for (const [name, patch] of Object.entries(patches)) {
    if (!containers.some((c) => c.name === name)) containers.push({ name, ...(task.taskArn !== undefined ? { taskArn: task.taskArn } : {}), ...patch });
  }
  return containers;
}
