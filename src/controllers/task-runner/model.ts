// The task runner's vocabulary, shared by the pure planner (planner.ts) and the applier
// (task-runner.ts): what the runner has observed of each task on this host, the actions a plan
// is made of, and the stop reasons as ECS words them (ecs-behaviour.md §1, §7).
import type { Container } from '@aws-sdk/client-ecs';
import type { HealthStatus } from '../../runtime/health/container-health.ts';
import type { TargetRecord } from '../../services/elbv2/records.ts';
import type { TaskRecord } from '../../services/ecs/task-records.ts';
import type { Scope } from '../../store/store.ts';
import type { TaskState } from '../../runtime/task-lifecycle.ts';

/** A task record as the runner reads it, with the scope it lives in. */
export interface RunnerTask {
  scope: Scope;
  record: TaskRecord;
  /** A service task's load balancer targets ('elbv2.target' records naming its ARN); read only for service tasks. */
  targets?: readonly TaskTarget[];
}

/** What the planner needs of a task's target: whether it still serves, and how long its draining may last. */
export type TaskTarget = Pick<TargetRecord, 'targetGroupArn' | 'id' | 'port' | 'state' | 'drainUntil'>;

export interface ObservedExit {
  /** Absent when the driver lost the process (then `reason` says so). */
  exitCode?: number;
  oomKilled: boolean;
  reason?: string;
}

export interface ObservedContainer {
  /** The runc container id (`bth-<task id>-<n>`): DescribeTasks' runtimeId. */
  runtimeId: string;
  imageDigest?: string;
  exit?: ObservedExit;
  /** Never started: a dependency can never be met (dependencies.ts); `exit.reason` says why. */
  never?: boolean;
  /** When it was started (dependency startTimeouts count from here, as the ECS agent counts them). */
  startedAt?: Date;
  /** Its health check's status, once a probe changed it (containers with a healthCheck only). */
  health?: HealthStatus;
}

/** Why a task could not start, already in ECS's words. */
export interface StartFailure {
  stopCode: 'TaskFailedToStart';
  stoppedReason: string;
  /** The container the failure is about, whose `reason` gets the same text. */
  container?: string;
}

/**
 * What the runner knows of one task on this host. Lives only in the applier's memory: a task the
 * runner has not seen since it started has no entry (after a restart its containers are gone).
 */
export interface ObservedTask {
  /** An operation for this task is in flight (attach, pull, start, stop, detach): plan nothing else. */
  busy: boolean;
  network: 'none' | 'attached' | 'detached';
  pull?: { pulledAt: Date; digests: Record<string, string> };
  /** When the first containers were started: dependency startTimeouts count from here. */
  startingSince?: Date;
  /** Every container has started or been found unable to start (dependencies.ts). */
  started: boolean;
  failure?: StartFailure;
  /** Containers by container name, once started. */
  containers: Record<string, ObservedContainer>;
  /** stop-containers has finished: every container has exited and is removed. */
  stopped: boolean;
}

export function newObservedTask(): ObservedTask {
  return { busy: false, network: 'none', started: false, containers: {}, stopped: false };
}

/** Fields of a container the runner writes; merged by name into the record's `containers`. */
export type ContainerPatch = Pick<Container, 'lastStatus' | 'exitCode' | 'reason' | 'runtimeId' | 'imageDigest' | 'healthStatus'>;

/** What a record action changes besides the lifecycle move. */
export interface TaskPatch {
  desiredStatus?: 'STOPPED';
  stopCode?: string;
  stoppedReason?: string;
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  containers?: Record<string, ContainerPatch>;
  /** Status of the task's ElasticNetworkInterface attachment (ATTACHED, DETACHING, DELETED). */
  attachmentStatus?: string;
  /** The task's health over its essential containers (task-health.ts). */
  healthStatus?: HealthStatus;
}

/** Per container: how long `stop` waits after the stop signal before SIGKILL. */
export interface StopTimeout {
  container: string;
  timeoutMs: number;
}

export type TaskAction =
  /**
   * One store transaction: re-read the task, skip unless lastStatus is still `expect`, patch, move. With
   * `targets`, in the same transaction: `register` a service task's targets in its target groups, or `drain`
   * the ones still registered (targets.ts).
   */
  | { kind: 'record'; taskId: string; scope: Scope; expect: TaskState; move?: TaskState; patch: TaskPatch; deleteEni?: boolean; targets?: 'register' | 'drain' }
  | { kind: 'attach-network'; taskId: string; scope: Scope }
  | { kind: 'pull'; taskId: string; scope: Scope }
  | { kind: 'start-containers'; taskId: string; scope: Scope }
  | { kind: 'stop-containers'; taskId: string; scope: Scope; timeouts: StopTimeout[] }
  | { kind: 'detach-network'; taskId: string; scope: Scope }
  /** The task is STOPPED: drop what the runner remembers of it. */
  | { kind: 'forget'; taskId: string };

export type ActionKind = TaskAction['kind'];

export interface PlanInput {
  tasks: readonly RunnerTask[];
  observed: ReadonlyMap<string, ObservedTask>;
  now: Date;
  /** Set when this host cannot run containers (not root, no runc): every task fails to start with it. */
  unavailable?: string;
}

export const ESSENTIAL_EXITED = 'Essential container in task exited';
export const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';
/** Fargate's default and maximum stopTimeout (seconds). */
export const DEFAULT_STOP_TIMEOUT_S = 30;
export const MAX_STOP_TIMEOUT_S = 120;

/** containerd's words through the ECS agent, as ecs-behaviour.md §1 shows them. */
export function cannotPullReason(reference: string, detail: string): string {
  return `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${reference}: ${detail}`;
}

const REGISTRY_AUTH = 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: '
  + 'unable to retrieve ecr registry auth: service call has been retried 1 time(s)';

/** The agent's words when the execution role may not get an ECR token (ecs-behaviour.md §1: "…retried 1 time(s): AccessDeniedException: …"). */
export function registryAuthReason(error: Error): string {
  return `${REGISTRY_AUTH}: ${awsErrorText(error)}`;
}

/** The awslogs driver's words when the execution role may not create the stream (or the group, with awslogs-create-group). */
export function loggerDeniedReason(what: 'stream' | 'group', error: Error): string {
  return `ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log ${what}: ${awsErrorText(error)}`;
}

/** `<Code>: <message>` as the AWS SDK for Go prints a service error. */
export function awsErrorText(error: Error): string {
  return 'code' in error && typeof error.code === 'string' ? `${error.code}: ${error.message}` : error.message;
}

/** The awslogs driver's words when the log group is missing (ecs-behaviour.md §7). */
export const MISSING_LOG_GROUP_REASON = 'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: '
  + 'failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.';

