// ECS task scale-in protection: UpdateTaskProtection and GetTaskProtection. Protection is a field of the task
// record; the service scheduler reads it (observe.ts) and does not choose a protected task for scale-in or to
// replace an older deployment's task (planner.ts). Operations record intent only (DESIGN.md rule 1).
import type {
  Failure,
  GetTaskProtectionRequest,
  GetTaskProtectionResponse,
  ProtectedTask,
  UpdateTaskProtectionRequest,
  UpdateTaskProtectionResponse,
} from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { parseTaskReference, taskArn } from './arns.ts';
import { findCluster, type ClusterRecord } from './cluster-records.ts';
import { ClusterNotFoundException, InvalidParameterException } from './errors.ts';
import { putServiceRecord, serviceIdOfArn } from './service-records.ts';
import { putTaskRecord, taskIdOf, type TaskProtection, type TaskRecord } from './task-records.ts';

/** "If you don't specify the time, then the task is automatically protected for 120 minutes (2 hours)." */
export const DEFAULT_PROTECTION_MINUTES = 120;
/** "You can specify a value from 1 minute to up to 2,880 minutes (48 hours)." */
export const MIN_PROTECTION_MINUTES = 1;
export const MAX_PROTECTION_MINUTES = 2880;
/** UpdateTaskProtection `tasks`: "A list of up to 10 task IDs or full ARN entries." */
export const MAX_UPDATE_TASKS = 10;
/** GetTaskProtection `tasks`: "A list of up to 100 task IDs or full ARN entries." */
export const MAX_GET_TASKS = 100;

/** Not verified: the failure detail ECS gives a standalone task (the API reference names only the reason, TASK_NOT_VALID). */
export const TASK_NOT_VALID_DETAIL = 'The task is not part of a service.';
/**
 * Not verified: the detail of DEPLOYMENT_BLOCKED. The developer guide ("Task scale-in protection considerations")
 * documents the reason: "the service has more protected tasks than the desired count of tasks for the service".
 */
export const DEPLOYMENT_BLOCKED_DETAIL = 'The service has more protected tasks than its desired count.';

/** Whether the protection holds at `now`: enabled and not yet expired (AWS then resets protectionEnabled to false). */
export function isProtectedAt(protection: TaskProtection | undefined, now: Date): boolean {
  if (protection?.enabled !== true) return false;
  return protection.expiresAt === undefined || now.getTime() < new Date(protection.expiresAt).getTime();
}

/** A task's protection as GetTaskProtection and UpdateTaskProtection show it at `now`. */
export function protectedTaskView(record: TaskRecord, now: Date): ProtectedTask {
  const taskArnValue = record.task.taskArn ?? '';
  const protection = record.protection;
  if (!protection || !isProtectedAt(protection, now)) return { taskArn: taskArnValue, protectionEnabled: false };
  return {
    taskArn: taskArnValue,
    protectionEnabled: true,
    ...(protection.expiresAt !== undefined ? { expirationDate: new Date(protection.expiresAt) } : {}),
  };
}

/** The protection UpdateTaskProtection sets: enabled for expiresInMinutes (120 by default) from now, or none. */
export function protectionFor(enabled: boolean, expiresInMinutes: number | undefined, now: Date): TaskProtection | undefined {
  if (!enabled) return undefined;
  const minutes = expiresInMinutes ?? DEFAULT_PROTECTION_MINUTES;
  return { enabled: true, expiresAt: new Date(now.getTime() + minutes * 60_000) };
}

/** The request checks ECS makes before it reads anything. Not verified: the texts (Berth's, in ECS's usual form). */
export function validateUpdate(input: UpdateTaskProtectionRequest): void {
  const tasks = input.tasks ?? [];
  if (tasks.length === 0) throw new InvalidParameterException('Tasks cannot be empty.');
  if (tasks.length > MAX_UPDATE_TASKS) throw new InvalidParameterException(`You can specify up to ${MAX_UPDATE_TASKS} tasks.`);
  const minutes = input.expiresInMinutes;
  if (minutes === undefined) return;
  if (!Number.isInteger(minutes) || minutes < MIN_PROTECTION_MINUTES || minutes > MAX_PROTECTION_MINUTES) {
    throw new InvalidParameterException(`expiresInMinutes must be between ${MIN_PROTECTION_MINUTES} and ${MAX_PROTECTION_MINUTES} minutes.`);
  }
}

/** The cluster the request names; ClusterNotFoundException ("Cluster not found.") when there is none. */
async function namedCluster(tx: StoreTx, ctx: RequestContext, ref: string | undefined): Promise<ClusterRecord> {
  const cluster = ref !== undefined && ref !== '' ? await findCluster(tx, ctx, ref) : undefined;
  if (!cluster) throw new ClusterNotFoundException();
  return cluster;
}

/** The task a reference names in the cluster, or undefined (a MISSING failure). */
async function taskIn(tx: StoreTx, ctx: RequestContext, cluster: ClusterRecord, ref: string): Promise<TaskRecord | undefined> {
  const parsed = parseTaskReference(ref, ctx);
  if (!parsed || (parsed.clusterName !== undefined && parsed.clusterName !== cluster.clusterName)) return undefined;
  const record = await tx.get('ecs.task', regionalScope(ctx), parsed.taskId);
  return record?.task.clusterArn === cluster.clusterArn ? record : undefined;
}

function missing(ctx: RequestContext, cluster: ClusterRecord, ref: string): Failure {
  return { arn: ref.startsWith('arn:') ? ref : taskArn(ctx, cluster.clusterName, ref), reason: 'MISSING' };
}

function notValid(record: TaskRecord): Failure {
  return { arn: record.task.taskArn ?? '', reason: 'TASK_NOT_VALID', detail: TASK_NOT_VALID_DETAIL };
}

/** How many of a service's live tasks (not desired STOPPED) hold protection at `now`, other than `except`. */
async function protectedCount(tx: StoreTx, scope: Scope, clusterArn: string, serviceArn: string, now: Date, except: ReadonlySet<string>): Promise<number> {
  let count = 0;
  for (const row of await tx.list('ecs.task', scope, { parent: clusterArn, state: 'RUNNING' })) {
    const record = row.body;
    if (record.service?.serviceArn !== serviceArn || except.has(row.id)) continue;
    if (isProtectedAt(record.protection, now)) count += 1;
  }
  return count;
}

export function taskProtectionOperations(deps: ServiceDeps) {
  return {
    UpdateTaskProtection: async (input: UpdateTaskProtectionRequest, ctx) => {
      validateUpdate(input);
      const scope = regionalScope(ctx);
      const enabled = input.protectionEnabled === true;
      const { response, changed } = await deps.store.write(async (tx) => {
        const cluster = await namedCluster(tx, ctx, input.cluster);
        const protectedTasks: ProtectedTask[] = [];
        const failures: Failure[] = [];
        const services = new Set<string>();
        // Tasks this call protects, per service: DEPLOYMENT_BLOCKED once they would outnumber its desiredCount.
        const granted = new Map<string, Set<string>>();
        for (const ref of input.tasks ?? []) {
          const record = await taskIn(tx, ctx, cluster, ref);
          if (!record) {
            failures.push(missing(ctx, cluster, ref));
            continue;
          }
          // "This operation is only supported for tasks belonging to an Amazon ECS service."
          const link = record.service;
          if (!link) {
            failures.push(notValid(record));
            continue;
          }
          const id = taskIdOf(record.task.taskArn ?? '');
          if (enabled && record.task.desiredStatus !== 'STOPPED') {
            const service = await tx.get('ecs.service', scope, serviceIdOfArn(link.serviceArn));
            const mine = granted.get(link.serviceArn) ?? new Set<string>();
            const others = await protectedCount(tx, scope, cluster.clusterArn, link.serviceArn, ctx.now, new Set([...mine, id]));
            if (service && others + mine.size + 1 > (service.service.desiredCount ?? 0)) {
              failures.push({ arn: record.task.taskArn ?? '', reason: 'DEPLOYMENT_BLOCKED', detail: DEPLOYMENT_BLOCKED_DETAIL });
              continue;
            }
            mine.add(id);
            granted.set(link.serviceArn, mine);
          }
          const protection = protectionFor(enabled, input.expiresInMinutes, ctx.now);
          const { protection: _old, ...rest } = record;
          const updated: TaskRecord = protection ? { ...rest, protection } : rest;
          await putTaskRecord(tx, scope, updated);
          services.add(link.serviceArn);
          protectedTasks.push(protectedTaskView(updated, ctx.now));
        }
        // Re-storing each service bumps its generation: a scheduler plan made before this change is not applied
        // (apply.ts), so a task protected now is never stopped by a pass that did not see its protection.
        for (const arn of services) {
          const service = await tx.get('ecs.service', scope, serviceIdOfArn(arn));
          if (service) await putServiceRecord(tx, scope, service);
        }
        return { response: { protectedTasks, failures }, changed: services.size > 0 };
      });
      // After the commit: unprotected tasks may now be stopped without waiting for the next pass.
      if (changed) deps.taskEvents?.changed();
      return response;
    },

    GetTaskProtection: async (input: GetTaskProtectionRequest, ctx) => {
      const refs = input.tasks;
      // Not verified: Berth's text for the documented limit.
      if (refs !== undefined && refs.length > MAX_GET_TASKS) throw new InvalidParameterException(`You can specify up to ${MAX_GET_TASKS} tasks.`);
      const scope = regionalScope(ctx);
      return deps.store.read(async (tx) => {
        const cluster = await namedCluster(tx, ctx, input.cluster);
        const protectedTasks: ProtectedTask[] = [];
        const failures: Failure[] = [];
        if (refs === undefined) {
          // Not verified: without `tasks`, Berth answers the cluster's service tasks whose protection holds now.
          for (const row of await tx.list('ecs.task', scope, { parent: cluster.clusterArn, state: 'RUNNING' })) {
            if (row.body.service && isProtectedAt(row.body.protection, ctx.now)) protectedTasks.push(protectedTaskView(row.body, ctx.now));
          }
          return { protectedTasks, failures };
        }
        for (const ref of refs) {
          const record = await taskIn(tx, ctx, cluster, ref);
          if (!record) failures.push(missing(ctx, cluster, ref));
          else if (!record.service) failures.push(notValid(record));
          else protectedTasks.push(protectedTaskView(record, ctx.now));
        }
        return { protectedTasks, failures };
      });
    },
  } satisfies ServiceOperations<{
    UpdateTaskProtection: [UpdateTaskProtectionRequest, UpdateTaskProtectionResponse];
    GetTaskProtection: [GetTaskProtectionRequest, GetTaskProtectionResponse];
  }>;
}
