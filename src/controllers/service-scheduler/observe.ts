// What the scheduler reads in one pass, in one read transaction per scope: every service that is not
// gone, each with its tasks (stopped ones too while they are kept), the target registrations and health
// the load balancer records hold for them, and the availability zone of each subnet its deployments name.
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { targetKey } from '../../services/elbv2/records.ts';
import type { ServiceRecord } from '../../services/ecs/service-records.ts';
import { taskIdOf, type TaskRecord } from '../../services/ecs/task-records.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ObservedTarget, ObservedTask, ServiceSnapshot } from './model.ts';

/** Whether an essential container of the definition has a health check (then health counts toward the minimum). */
export function hasEssentialHealthCheck(definition: TaskDefinition): boolean {
  return (definition.containerDefinitions ?? []).some((c) => c.essential !== false && (c.healthCheck?.command ?? []).length > 0);
}

async function observeTargets(tx: StoreTx, scope: Scope, record: TaskRecord): Promise<ObservedTarget[]> {
  const targets: ObservedTarget[] = [];
  const ip = record.network.privateIpv4Address;
  for (const lb of record.service?.loadBalancers ?? []) {
    const id = targetKey(lb.targetGroupArn, ip, lb.containerPort);
    const target = await tx.get('elbv2.target', scope, id);
    const health = target ? await tx.get('elbv2.target-health', scope, id) : undefined;
    targets.push({
      targetGroupArn: lb.targetGroupArn,
      port: lb.containerPort,
      ...(target ? { registration: target.state } : {}),
      ...(health ? { health: health.state } : {}),
      ...(health?.description !== undefined ? { description: health.description } : {}),
    });
  }
  return targets;
}

/** One task as the planner sees it. */
export async function observeTask(tx: StoreTx, scope: Scope, record: TaskRecord): Promise<ObservedTask> {
  const task = record.task;
  return {
    taskId: taskIdOf(task.taskArn ?? ''),
    deploymentId: record.service?.deploymentId ?? task.startedBy ?? '',
    lastStatus: task.lastStatus ?? 'PROVISIONING',
    desiredStatus: task.desiredStatus ?? 'RUNNING',
    ...(task.healthStatus !== undefined ? { healthStatus: task.healthStatus } : {}),
    ...(task.startedAt !== undefined ? { startedAt: new Date(task.startedAt) } : {}),
    ...(task.stopCode !== undefined ? { stopCode: task.stopCode } : {}),
    availabilityZone: task.availabilityZone ?? '',
    subnetId: record.network.subnetId,
    hasHealthCheck: hasEssentialHealthCheck(record.taskDefinition),
    targets: await observeTargets(tx, scope, record),
    healthCheckGracePeriodSeconds: record.service?.healthCheckGracePeriodSeconds ?? 0,
    // Enabled protection always carries its expiry (UpdateTaskProtection defaults it to 120 minutes).
    ...(record.protection?.enabled === true && record.protection.expiresAt !== undefined ? { protectedUntil: new Date(record.protection.expiresAt) } : {}),
  };
}

/** Every ACTIVE, DRAINING and INACTIVE service of a scope, with what the planner needs about each. */
export async function observeScope(tx: StoreTx, scope: Scope): Promise<ServiceSnapshot[]> {
  const services: ServiceRecord[] = [];
  for (const state of ['ACTIVE', 'DRAINING', 'INACTIVE']) {
    for (const row of await tx.list('ecs.service', scope, { state })) services.push(row.body);
  }
  const tasksByCluster = new Map<string, TaskRecord[]>();
  const snapshots: ServiceSnapshot[] = [];
  for (const record of services) {
    if (record.status === 'INACTIVE') {
      snapshots.push({ record, tasks: [], subnetZones: {} });
      continue;
    }
    const clusterArn = record.service.clusterArn ?? '';
    let clusterTasks = tasksByCluster.get(clusterArn);
    if (!clusterTasks) {
      clusterTasks = (await tx.list('ecs.task', scope, { parent: clusterArn })).map((row) => row.body);
      tasksByCluster.set(clusterArn, clusterTasks);
    }
    const arn = record.service.serviceArn ?? '';
    const tasks: ObservedTask[] = [];
    for (const task of clusterTasks) if (task.service?.serviceArn === arn) tasks.push(await observeTask(tx, scope, task));
    const subnetZones: Record<string, string> = {};
    for (const d of record.deployments) {
      for (const subnetId of d.spec.networkConfiguration.awsvpcConfiguration?.subnets ?? []) {
        const subnet = await tx.get('ec2.subnet', scope, subnetId);
        if (subnet) subnetZones[subnetId] = subnet.AvailabilityZone;
      }
    }
    snapshots.push({ record, tasks, subnetZones });
  }
  return snapshots;
}
