// A service task's load balancer targets, written inside the task runner's record transactions
// (ecs-behaviour.md §1): registered in each of its service's target groups as the task moves to
// RUNNING (ECS registers during ACTIVATING), marked draining as it moves to DEACTIVATING. The
// load-balancer controller deletes a target once its draining completes; the runner's planner waits
// in DEACTIVATING for that (or for drainUntil). Each change gets its service event in AWS's words.
import type { IdSource } from '../../platform/ids.ts';
import { appendServiceEvent } from '../../services/ecs/service-events.ts';
import type { TaskRecord } from '../../services/ecs/task-records.ts';
import { putTarget, targetGroupIdOf, targetKey, type TargetRecord } from '../../services/elbv2/records.ts';
import type { Scope, StoreTx } from '../../store/store.ts';

/** ELBv2's default deregistration_delay.timeout_seconds. */
export const DEFAULT_DEREGISTRATION_DELAY_S = 300;

export interface TargetWrites {
  tx: StoreTx;
  scope: Scope;
  record: TaskRecord;
  now: Date;
  ids: IdSource;
}

/**
 * Registers the task's IP and containerPort in each target group of its service's loadBalancers (target type
 * ip: id and address are the IP). Answers log lines for target groups that no longer exist, which are skipped.
 */
export async function registerTaskTargets({ tx, scope, record, now, ids }: TargetWrites): Promise<string[]> {
  const service = record.service;
  const taskArn = record.task.taskArn ?? '';
  const ip = record.network.privateIpv4Address;
  const notes: string[] = [];
  for (const lb of service?.loadBalancers ?? []) {
    if (!(await tx.get('elbv2.target-group', scope, targetGroupIdOf(lb.targetGroupArn)))) {
      notes.push(`target group ${lb.targetGroupArn} of service ${service?.serviceName ?? ''} no longer exists: not registered there`);
      continue;
    }
    const target: TargetRecord = {
      targetGroupArn: lb.targetGroupArn, id: ip, port: lb.containerPort, address: ip, registeredAt: now, state: 'registered', taskArn,
      ...(record.task.availabilityZone !== undefined ? { availabilityZone: record.task.availabilityZone } : {}),
    };
    // A new registration: whatever health an earlier target at this address and port had is not this task's.
    await tx.delete('elbv2.target-health', scope, targetKey(lb.targetGroupArn, ip, lb.containerPort));
    await putTarget(tx, scope, target);
    await serviceEvent(tx, scope, record, now, ids, `registered 1 targets in (target-group ${lb.targetGroupArn})`);
  }
  return notes;
}

/**
 * Marks every target of the task still 'registered' as draining, until now + its target group's
 * deregistration_delay.timeout_seconds. A target whose group is gone is deleted: nothing else would.
 */
export async function drainTaskTargets({ tx, scope, record, now, ids }: TargetWrites): Promise<string[]> {
  const notes: string[] = [];
  for (const row of await tx.list('elbv2.target', scope, { name: record.task.taskArn ?? '' })) {
    const target = row.body;
    if (target.state !== 'registered') continue;
    const group = await tx.get('elbv2.target-group', scope, targetGroupIdOf(target.targetGroupArn));
    if (!group) {
      await tx.delete('elbv2.target', scope, row.id);
      notes.push(`target group ${target.targetGroupArn} no longer exists: its target ${target.id}:${target.port} is removed`);
      continue;
    }
    const delay = Number(group.attributes['deregistration_delay.timeout_seconds'] ?? DEFAULT_DEREGISTRATION_DELAY_S);
    const seconds = Number.isFinite(delay) && delay >= 0 ? delay : DEFAULT_DEREGISTRATION_DELAY_S;
    await putTarget(tx, scope, { ...target, state: 'draining', drainingSince: now, drainUntil: new Date(now.getTime() + seconds * 1000) });
    await serviceEvent(tx, scope, record, now, ids, `deregistered 1 targets in (target-group ${target.targetGroupArn})`);
  }
  return notes;
}

async function serviceEvent(tx: StoreTx, scope: Scope, record: TaskRecord, now: Date, ids: IdSource, what: string): Promise<void> {
  const service = record.service;
  if (!service) return;
  await appendServiceEvent(tx, scope, { serviceArn: service.serviceArn, message: `(service ${service.serviceName}) ${what}`, now, id: ids.uuid(), repeatable: true });
}
