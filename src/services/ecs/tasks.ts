// ECS tasks: RunTask (run-task.ts), DescribeTasks, ListTasks, StopTask; tasks as a taggable
// resource; and the cluster counts tasks supply. Operations record intent only: StopTask sets
// desiredStatus and the task runner, woken by taskEvents after the commit, stops what runs (DESIGN.md rule 1).
import type {
  DescribeTasksRequest,
  DescribeTasksResponse,
  Failure,
  ListTasksRequest,
  ListTasksResponse,
  RunTaskRequest,
  RunTaskResponse,
  StopTaskRequest,
  StopTaskResponse,
  Task,
  TaskStopCode,
} from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ListQuery, Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { pageOf } from '../common/pagination.ts';
import { regionalScope } from '../common/scope.ts';
import { parseTaskReference, taskArn, type EcsArn } from './arns.ts';
import { DEFAULT_CLUSTER_NAME, findCluster, type ClusterCounts, type ClusterRecord, type ClusterWorkload } from './cluster-records.ts';
import { ClusterNotFoundException, InvalidParameterException, ResourceNotFoundException } from './errors.ts';
import { storePage } from './pages.ts';
import { runTaskOperation } from './run-task.ts';
import { readTags, type TaggableResource } from './tags.ts';
import { putTaskRecord, type TaskRecord } from './task-records.ts';

/** Verified: StopTask's InvalidParameterException for a task it cannot find (Airflow's ECS executor tests, several emulators). */
export const TASK_NOT_FOUND_MESSAGE = 'The referenced task was not found.';

/** ecs-behaviour.md §1: StopTask without a reason. */
export const USER_STOP_REASON = 'Task stopped by user';

/** DescribeTasks `tasks`: "You can specify up to 100 tasks" (API reference). */
const MAX_DESCRIBE = 100;

/** lastStatus values that count as pending in DescribeClusters (before RUNNING, not yet stopping). */
const PENDING_STATES: ReadonlySet<string> = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

/**
 * StopTask's change to a task (ecs-behaviour.md §1): desiredStatus STOPPED, stopCode UserInitiated,
 * the caller's reason or "Task stopped by user", version + 1; lastStatus stays as it is. A task
 * already desired STOPPED (by the user or the runner) keeps its first stop code and reason. The
 * service scheduler makes the same change with stopCode ServiceSchedulerInitiated and its reason.
 */
export function requestStop(task: Task, reason: string | undefined, stopCode: TaskStopCode = 'UserInitiated'): Task {
  if (task.desiredStatus === 'STOPPED') return task;
  return {
    ...task,
    desiredStatus: 'STOPPED',
    stopCode,
    stoppedReason: reason !== undefined && reason !== '' ? reason : USER_STOP_REASON,
    version: (task.version ?? 0) + 1,
  };
}

/** The cluster a task operation names (default: `default`), ACTIVE or not; ClusterNotFoundException when there is none. */
async function existingCluster(tx: StoreTx, ctx: RequestContext, ref: string | undefined): Promise<ClusterRecord> {
  const cluster = await findCluster(tx, ctx, ref ?? DEFAULT_CLUSTER_NAME);
  if (!cluster) throw new ClusterNotFoundException();
  return cluster;
}

/** The task a `task` parameter names in `cluster`, or undefined. */
async function findTask(tx: StoreTx, ctx: RequestContext, cluster: ClusterRecord, ref: string): Promise<TaskRecord | undefined> {
  const parsed = parseTaskReference(ref, ctx);
  if (!parsed || (parsed.clusterName !== undefined && parsed.clusterName !== cluster.clusterName)) return undefined;
  const record = await tx.get('ecs.task', regionalScope(ctx), parsed.taskId);
  return record?.task.clusterArn === cluster.clusterArn ? record : undefined;
}

/** A task as DescribeTasks shows it: tags only when asked for (`include: TAGS`), else `[]`. */
async function taskView(tx: StoreTx, scope: Scope, record: TaskRecord, withTags: boolean): Promise<Task> {
  return { ...record.task, tags: withTags ? await readTags(tx, scope, record.task.taskArn ?? '') : [] };
}

/** The counts DescribeClusters shows for a cluster's tasks: RUNNING, and pending (PROVISIONING, PENDING, ACTIVATING). */
export async function taskCounts(tx: StoreTx, scope: Scope, clusterArn: string): Promise<Pick<ClusterCounts, 'runningFargateTasks' | 'pendingFargateTasks'>> {
  // Every task of the cluster is read: lastStatus is not indexed (state is desiredStatus), and a
  // task desired STOPPED may still be RUNNING. Stopped tasks leave after an hour (expiredStoppedTasks).
  let running = 0;
  let pending = 0;
  for (const row of await tx.list('ecs.task', scope, { parent: clusterArn })) {
    const status = row.body.task.lastStatus ?? '';
    if (status === 'RUNNING') running += 1;
    else if (PENDING_STATES.has(status)) pending += 1;
  }
  return { runningFargateTasks: running, pendingFargateTasks: pending };
}

/** The cluster workload while tasks are the only thing that runs: services and container instances count 0. */
export const taskWorkload: ClusterWorkload = Object.freeze({
  async countsOf(tx: StoreTx, scope: Scope, clusterArn: string): Promise<ClusterCounts> {
    return {
      registeredContainerInstances: 0, runningEC2Tasks: 0, pendingEC2Tasks: 0,
      activeEC2Services: 0, activeFargateServices: 0, drainingEC2Services: 0, drainingFargateServices: 0,
      ...(await taskCounts(tx, scope, clusterArn)),
    };
  },
});

/** Tasks as a taggable resource: `task/<cluster>/<id>` (or the short `task/<id>`), also a stopped one while it is kept. */
export const taskTaggable: TaggableResource = {
  resourceType: 'task',
  async assertExists(tx: StoreTx, arn: EcsArn, ctx: RequestContext) {
    const parts = arn.resourceId.split('/');
    const taskId = parts[parts.length - 1] ?? '';
    const record = parts.length <= 2 ? await tx.get('ecs.task', regionalScope(ctx), taskId) : undefined;
    const clusterMatches = parts.length === 1 || record?.task.clusterArn?.endsWith(`:cluster/${parts[0] ?? ''}`) === true;
    // Not verified: the text, in the form tags.ts uses for other missing ECS resources.
    if (!record || !clusterMatches) throw new ResourceNotFoundException('The specified task does not exist in this account and Region.');
  },
};

export function taskOperations(deps: ServiceDeps) {
  return {
    RunTask: runTaskOperation(deps),

    DescribeTasks: async (input: DescribeTasksRequest, ctx) => {
      const refs = input.tasks ?? [];
      // Not verified: Berth's texts for the documented limits.
      if (refs.length === 0) throw new InvalidParameterException('Tasks cannot be empty.');
      if (refs.length > MAX_DESCRIBE) throw new InvalidParameterException(`You can specify up to ${MAX_DESCRIBE} tasks.`);
      const withTags = input.include?.includes('TAGS') ?? false;
      const scope = regionalScope(ctx);
      return deps.store.read(async (tx) => {
        const cluster = await existingCluster(tx, ctx, input.cluster);
        const tasks: Task[] = [];
        const failures: Failure[] = [];
        for (const ref of refs) {
          const record = await findTask(tx, ctx, cluster, ref);
          if (record) tasks.push(await taskView(tx, scope, record, withTags));
          else failures.push({ arn: ref.startsWith('arn:') ? ref : taskArn(ctx, cluster.clusterName, ref), reason: 'MISSING' });
        }
        return { tasks, failures };
      });
    },

    ListTasks: async (input: ListTasksRequest, ctx) => {
      const page = storePage(input.nextToken, input.maxResults, 100);
      const scope = regionalScope(ctx);
      return deps.store.read(async (tx) => {
        const cluster = await existingCluster(tx, ctx, input.cluster);
        // Fargate tasks run on no container instance, and Berth has no daemons: such filters match nothing.
        if (input.containerInstance !== undefined || input.daemonName !== undefined) return { taskArns: [] };
        // "desiredStatus … The default is RUNNING"; PENDING matches nothing, as ECS documents.
        const query: ListQuery = {
          parent: cluster.clusterArn,
          state: input.desiredStatus ?? 'RUNNING',
          ...(input.family !== undefined ? { namePrefix: `${input.family}:` } : {}),
        };
        const group = input.serviceName !== undefined ? `service:${input.serviceName}` : undefined;
        const keep = (row: { body: TaskRecord }): boolean => {
          const task = row.body.task;
          if (input.startedBy !== undefined && task.startedBy !== input.startedBy) return false;
          if (input.launchType !== undefined && task.launchType !== input.launchType) return false;
          return group === undefined || task.group === group;
        };
        const result = await pageOf(tx, 'ecs.task', scope, query, page, keep);
        return { taskArns: result.items.map((row) => row.body.task.taskArn ?? ''), nextToken: result.nextToken };
      });
    },

    StopTask: async (input: StopTaskRequest, ctx) => {
      const scope = regionalScope(ctx);
      const { response, changed } = await deps.store.write(async (tx) => {
        const cluster = await existingCluster(tx, ctx, input.cluster);
        const record = await findTask(tx, ctx, cluster, input.task ?? '');
        if (!record) throw new InvalidParameterException(TASK_NOT_FOUND_MESSAGE);
        if (record.task.desiredStatus === 'STOPPED') return { response: { task: await taskView(tx, scope, record, false) }, changed: false };
        const stopped: TaskRecord = { ...record, task: requestStop(record.task, input.reason) };
        await putTaskRecord(tx, scope, stopped);
        return { response: { task: await taskView(tx, scope, stopped, false) }, changed: true };
      });
      // After the commit, so the runner reads desiredStatus STOPPED when it wakes.
      if (changed) deps.taskEvents?.changed();
      return response;
    },
  } satisfies ServiceOperations<{
    RunTask: [RunTaskRequest, RunTaskResponse];
    DescribeTasks: [DescribeTasksRequest, DescribeTasksResponse];
    ListTasks: [ListTasksRequest, ListTasksResponse];
    StopTask: [StopTaskRequest, StopTaskResponse];
  }>;
}
