// What the store keeps for an ECS task: the Task as DescribeTasks shows it, and what the runtime
// needs to run it that DescribeTasks never shows (the resolved definition, overrides, the ENI).
// RunTask writes these; the task runner (src/controllers/task-runner/) moves them through
// src/runtime/task-lifecycle.ts and writes back what it observes. Operations record intent only.
import { recordTaskScope } from './task-scopes.ts';
import type { Task, TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';
import type { Scope, StoreTx } from '../../store/store.ts';

export interface TaskNetworkRecord {
  networkInterfaceId: string;
  subnetId: string;
  vpcId: string;
  /** The subnet's block, e.g. 10.0.1.0/24, and the VPC's blocks (for on-link routes in the task). */
  subnetCidr: string;
  vpcCidrBlocks: string[];
  /** The subnet's first usable address (AWS reserves .1 for the router). */
  gatewayIp: string;
  privateIpv4Address: string;
  macAddress: string;
  securityGroupIds: string[];
  assignPublicIp: boolean;
}

/**
 * What a service task carries of its service (written by the service scheduler when it launches the task):
 * the task runner registers the task's targets when it reaches RUNNING and drains them (DEACTIVATING)
 * before its containers stop; health results are ignored for the grace period after it starts.
 */
export interface TaskServiceLink {
  serviceArn: string;
  serviceName: string;
  /** The deployment that launched it: `ecs-svc/<19 digits>` (also the task's startedBy). */
  deploymentId: string;
  loadBalancers: { targetGroupArn: string; containerName: string; containerPort: number }[];
  healthCheckGracePeriodSeconds: number;
}

/**
 * Scale-in protection set by UpdateTaskProtection (service tasks only): while enabled and before expiresAt,
 * the service scheduler does not choose the task for scale-in nor stop it to replace an older deployment.
 * Absent when protection was never set or was turned off.
 */
export interface TaskProtection {
  enabled: boolean;
  /** When protection lapses: AWS then reports protectionEnabled false. */
  expiresAt?: Date;
}

export interface TaskRecord {
  /** Exactly what DescribeTasks answers (tags live with the tag store, not here). */
  task: Task;
  /** The task definition revision as it was at RunTask: later deregistration does not change a running task. */
  taskDefinition: TaskDefinition;
  overrides: TaskOverride;
  network: TaskNetworkRecord;
  /** Set for tasks a service launched. */
  service?: TaskServiceLink;
  /** Why the runtime stopped the task on its own (pull failure, essential exit…), as ECS words it. */
  stopReason?: { stopCode: string; stoppedReason: string };
  /** Scale-in protection (task-protection.ts). */
  protection?: TaskProtection;
  /** The id of AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (`/v2/credentials/<id>`), for a task with a task role. */
  credentialsId?: string;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    /**
     * id = task id (32 hex), parent = cluster ARN, name = `family:revision` of its definition,
     * state = desiredStatus (RUNNING | STOPPED): ListTasks filters on it in SQL; the runner lists
     * what is desired RUNNING or not yet STOPPED.
     */
    'ecs.task': TaskRecord;
  }
}

/** The 32-hex task id at the end of a task ARN (`…:task/<cluster>/<id>`). */
export function taskIdOf(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf('/') + 1);
}

/**
 * Stores a task with the lookup keys the kind documents (id, parent = cluster ARN, name =
 * `family:revision`, state = desiredStatus). Every writer of 'ecs.task' should go through it, so
 * ListTasks' SQL filters stay right whoever wrote last.
 */
export async function putTaskRecord(tx: StoreTx, scope: Scope, record: TaskRecord): Promise<void> {
  const { task, taskDefinition } = record;
  // The runner lists tasks per scope; it learns which scopes hold tasks from this index.
  await recordTaskScope(tx, scope);
  await tx.put('ecs.task', scope, {
    id: taskIdOf(task.taskArn ?? ''),
    parent: task.clusterArn ?? '',
    name: `${taskDefinition.family ?? ''}:${taskDefinition.revision ?? 0}`,
    state: task.desiredStatus ?? 'RUNNING',
    body: record,
  });
}
