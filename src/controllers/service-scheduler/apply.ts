// The scheduler's applier: one store transaction per service plan. It applies the plan only to the
// service generation it was planned from (an UpdateService in between makes the plan stale: the next
// pass plans again), stops tasks with the same record change as StopTask, launches through launch.ts,
// and appends the plan's events. A launch ECS would refuse (a subnet gone, no address left) rolls the
// batch back; the rest is then applied without it, with the "unable to place a task" event.
import { AwsError } from '../../aws/errors.ts';
import type { IdSource } from '../../platform/ids.ts';
import { appendServiceEvent } from '../../services/ecs/service-events.ts';
import { putServiceRecord, serviceIdOfArn, type ServiceRecord } from '../../services/ecs/service-records.ts';
import { writeTags } from '../../services/ecs/tags.ts';
import { requestStop } from '../../services/ecs/tasks.ts';
import { putTaskRecord } from '../../services/ecs/task-records.ts';
import type { Scope, Store, StoreTx } from '../../store/store.ts';
import { launchServiceTasks, schedulerContext } from './launch.ts';
import type { RoleTrust } from '../../services/common/role-trust.ts';
import { TaskRoleNotAssumable } from '../../services/ecs/task-roles.ts';
import type { ServicePlan } from './model.ts';

export interface ApplyResult {
  /** The service moved on since the plan was made; nothing was written. */
  stale: boolean;
  launched: number;
  stopped: number;
}

/** `(service S) has started 2 tasks: (task a) (task b).` */
function startedEvent(service: string, taskIds: readonly string[]): string {
  return `(service ${service}) has started ${taskIds.length} tasks: ${taskIds.map((id) => `(task ${id})`).join(' ')}.`;
}

function isEmpty(plan: ServicePlan): boolean {
  return !plan.record && !plan.remove && plan.launches.length === 0 && plan.stops.length === 0 && plan.events.length === 0;
}

export async function applyPlan(store: Store, ids: IdSource, scope: Scope, planned: ServiceRecord, plan: ServicePlan, now: Date,
  roleTrust?: RoleTrust): Promise<ApplyResult> {
  if (isEmpty(plan)) return { stale: false, launched: 0, stopped: 0 };
  try {
    return await store.write((tx) => applyInTx(tx, ids, scope, planned, plan, now, roleTrust));
  } catch (error) {
    if (!(error instanceof AwsError) || plan.launches.length === 0) throw error;
    const name = planned.service.serviceName ?? '';
    // ECS's two wordings: a role it cannot assume fails the launch (verified: aws-samples/aws-modern-application-workshop#88);
    // anything else (a subnet gone, no address left) is a placement failure.
    const event = error instanceof TaskRoleNotAssumable
      ? `service ${name} failed to launch a task with (error ${error.message}).`
      : `(service ${name}) was unable to place a task. Reason: ${error.message.replace(/\.$/, '')}.`;
    return store.write((tx) => applyInTx(tx, ids, scope, planned, { ...plan, events: [...plan.events, event] }, now, undefined, false));
  }
}

async function applyInTx(tx: StoreTx, ids: IdSource, scope: Scope, planned: ServiceRecord, plan: ServicePlan, now: Date,
  roleTrust: RoleTrust | undefined, withLaunches = true): Promise<ApplyResult> {
  const arn = planned.service.serviceArn ?? '';
  const current = await tx.get('ecs.service', scope, serviceIdOfArn(arn));
  if (!current || current.generation !== planned.generation) return { stale: true, launched: 0, stopped: 0 };
  if (plan.remove) {
    await tx.delete('ecs.service', scope, serviceIdOfArn(arn));
    for (const row of await tx.list('ecs.service-event', scope, { parent: arn })) await tx.delete('ecs.service-event', scope, row.id);
    await writeTags(tx, scope, arn, []);
    return { stale: false, launched: 0, stopped: 0 };
  }
  let stopped = 0;
  for (const stop of plan.stops) {
    const task = await tx.get('ecs.task', scope, stop.taskId);
    if (!task || task.task.desiredStatus === 'STOPPED') continue;
    await putTaskRecord(tx, scope, { ...task, task: requestStop(task.task, stop.reason, 'ServiceSchedulerInitiated') });
    stopped += 1;
  }
  const events = [...plan.events];
  let launched = 0;
  if (withLaunches) {
    const record = plan.record ?? current;
    const ctx = schedulerContext(scope, now, ids.uuid());
    for (const launch of plan.launches) {
      const deployment = record.deployments.find((d) => d.deployment.id === launch.deploymentId);
      if (!deployment) continue;
      const taskIds = await launchServiceTasks(tx, ctx, ids, record, deployment, launch.subnetIds, roleTrust);
      events.push(startedEvent(record.service.serviceName ?? '', taskIds));
      launched += taskIds.length;
    }
  }
  for (const message of events) await appendServiceEvent(tx, scope, { serviceArn: arn, message, now, id: ids.uuid() });
  if (plan.record) {
    // Without its launches the plan's pending counts would be too high: the next pass recounts them.
    await putServiceRecord(tx, scope, plan.record);
  }
  return { stale: false, launched, stopped };
}
