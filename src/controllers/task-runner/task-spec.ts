// What a task record says about how to run it, read without side effects: its containers in start
// order, which are essential, their stop timeouts, their runc ids, bundle inputs and awslogs streams.
import type { ContainerDefinition, ContainerOverride, KeyValuePair } from '@aws-sdk/client-ecs';
import type { ContainerDefinitionInput, ContainerOverrideInput } from '../../runtime/drivers/runc/bundle-config.ts';
import type { TaskLimits } from '../../runtime/drivers/runc/cgroups.ts';
import type { TaskRecord } from '../../services/ecs/task-records.ts';
import type { Scope } from '../../store/store.ts';
import { DEFAULT_STOP_TIMEOUT_S, MAX_STOP_TIMEOUT_S, type StopTimeout } from './model.ts';

export function containerDefinitions(record: TaskRecord): ContainerDefinition[] {
  return record.taskDefinition.containerDefinitions ?? [];
}

/** ECS: `essential` defaults to true. */
export function isEssential(definition: ContainerDefinition): boolean {
  return definition.essential !== false;
}

/** The task id: the last segment of its ARN. */
export function taskIdOf(record: TaskRecord): string {
  return record.task.taskArn?.split('/').pop() ?? '';
}

/** `bth-<task id>-<n>`: the `bth-` prefix marks Berth's containers, the task id finds a task's leftovers. */
export function runtimeIdOf(taskId: string, index: number): string {
  return `${containerPrefix(taskId)}${index}`;
}

export function containerPrefix(taskId: string): string {
  return `bth-${taskId}-`;
}

/** stopTimeout from the definition, clamped to Fargate's 2–120 s, default 30 s (ecs-behaviour.md §1). */
export function stopTimeouts(record: TaskRecord): StopTimeout[] {
  return containerDefinitions(record).map((definition) => {
    const seconds = definition.stopTimeout ?? DEFAULT_STOP_TIMEOUT_S;
    return { container: definition.name ?? '', timeoutMs: Math.min(Math.max(seconds, 0), MAX_STOP_TIMEOUT_S) * 1000 };
  });
}

function keyValues(pairs: KeyValuePair[] | undefined): { name: string; value: string }[] | undefined {
  return pairs?.map((pair) => ({ name: pair.name ?? '', value: pair.value ?? '' }));
}

/** The bundle inputs of a container definition (bundle-config.ts), with ECS's field names. */
export function definitionInput(definition: ContainerDefinition): ContainerDefinitionInput {
  const params = definition.linuxParameters;
  return {
    entryPoint: definition.entryPoint,
    command: definition.command,
    environment: keyValues(definition.environment),
    workingDirectory: definition.workingDirectory,
    user: definition.user,
    ulimits: definition.ulimits?.map((u) => ({ name: String(u.name), softLimit: u.softLimit ?? 0, hardLimit: u.hardLimit ?? 0 })),
    readonlyRootFilesystem: definition.readonlyRootFilesystem,
    hostname: definition.hostname,
    cpu: definition.cpu,
    memory: definition.memory,
    memoryReservation: definition.memoryReservation,
    linuxParameters: params ? {
      initProcessEnabled: params.initProcessEnabled,
      capabilities: params.capabilities ? { add: params.capabilities.add, drop: params.capabilities.drop } : undefined,
    } : undefined,
  };
}

export function overrideInput(record: TaskRecord, name: string): ContainerOverrideInput | undefined {
  const override: ContainerOverride | undefined = record.overrides.containerOverrides?.find((o) => o.name === name);
  if (!override) return undefined;
  return { command: override.command, environment: keyValues(override.environment) };
}

/** The task's cgroup envelope: RunTask's task-level overrides win over the definition (units, MiB). */
export function taskLimits(record: TaskRecord): TaskLimits {
  const number = (value: string | undefined): number | undefined => (value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined);
  return {
    cpu: number(record.overrides.cpu ?? record.taskDefinition.cpu ?? record.task.cpu),
    memory: number(record.overrides.memory ?? record.taskDefinition.memory ?? record.task.memory),
  };
}

export interface AwslogsTarget {
  scope: Scope;
  group: string;
  stream: string;
  createGroup: boolean;
}

/**
 * The awslogs stream of a container (ecs-behaviour.md §7): `<awslogs-stream-prefix>/<container>/<task id>`
 * in `awslogs-group` of the task's account in `awslogs-region`. Undefined for other log drivers.
 */
export function awslogsTarget(scope: Scope, definition: ContainerDefinition, taskId: string): AwslogsTarget | undefined {
  const config = definition.logConfiguration;
  if (config?.logDriver !== 'awslogs') return undefined;
  const options = config.options ?? {};
  const group = options['awslogs-group'];
  if (group === undefined) return undefined;
  const prefix = options['awslogs-stream-prefix'];
  const name = definition.name ?? '';
  return {
    scope: { account: scope.account, region: options['awslogs-region'] ?? scope.region },
    group,
    stream: prefix !== undefined && prefix !== '' ? `${prefix}/${name}/${taskId}` : `${name}/${taskId}`,
    createGroup: options['awslogs-create-group'] === 'true',
  };
}
