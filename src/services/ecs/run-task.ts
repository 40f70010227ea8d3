// RunTask: records PROVISIONING tasks and their ENIs in one transaction and returns at once; the
// task runner (src/controllers/task-runner/) moves them on (DESIGN.md rule 1), woken by taskEvents
// after the commit. Never starts anything.
import { checkTaskRoles } from './task-roles.ts';
import { createTaskCredentialsId } from '../sts/task-credentials.ts';
import type { RunTaskRequest, RunTaskResponse, Tag, Task, TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import { hexId, type IdSource } from '../../platform/ids.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { containerArn, taskArn } from './arns.ts';
import type { SubnetRecord } from '../ec2/records.ts';
import { clusterOrDefault, type ClusterRecord } from './cluster-records.ts';
import { InvalidParameterException } from './errors.ts';
import { createTaskInterface, planTaskNetwork, type TaskNetworkPlan } from './run-task-network.ts';
import { fargatePlatformVersion, placeTasks, runTaskCount, type Placement } from './run-task-placement.ts';
import { mergeOverrides, newTaskShape } from './run-task-shape.ts';
import { readTags, validateNewTags, writeTags } from './tags.ts';
import { findTaskDefinition } from './task-definitions.ts';
import { putTaskRecord, taskIdOf, type TaskRecord, type TaskServiceLink } from './task-records.ts';

/** A RunTask clientToken already used, and the tasks it started (id = the token). */
export interface RunTaskTokenRecord {
  clientToken: string;
  taskArns: string[];
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    'ecs.run-task-token': RunTaskTokenRecord;
  }
}

/** Verified: RunTask on a deregistered revision answers InvalidParameterException with this text (two public code bases measured it). */
export const INACTIVE_TASK_DEFINITION_MESSAGE = 'TaskDefinition is inactive';

/** RunTask startedBy: "Up to 128 letters (uppercase and lowercase), numbers, hyphens (-), forward slash (/), and underscores (_) are allowed." */
const STARTED_BY = /^[a-zA-Z0-9_/-]{1,128}$/;

/** RunTask clientToken: "Up to 64 characters are allowed." */
const MAX_CLIENT_TOKEN = 64;

/** The tags a new task gets: the request's, the definition's when propagated, ECS's managed ones. */
async function taskTags(tx: StoreTx, scope: Scope, input: RunTaskRequest, definitionArn: string, clusterName: string): Promise<Tag[]> {
  const own = validateNewTags(input.tags);
  if (input.propagateTags === 'SERVICE') {
    // RunTask propagateTags: "An error will be received if you specify the SERVICE option when running a task." Not verified: the text.
    throw new InvalidParameterException('propagateTags SERVICE is only valid for tasks started by a service.');
  }
  const byKey = new Map<string, string>();
  if (input.propagateTags === 'TASK_DEFINITION') {
    for (const tag of await readTags(tx, scope, definitionArn)) byKey.set(tag.key ?? '', tag.value ?? '');
  }
  for (const tag of own) byKey.set(tag.key ?? '', tag.value ?? '');
  // enableECSManagedTags: ECS tags the task with its cluster (Developer Guide, "Amazon ECS managed tags").
  if (input.enableECSManagedTags === true) byKey.set('aws:ecs:clusterName', clusterName);
  return [...byKey].map(([key, value]) => ({ key, value }));
}

function checkRequest(input: RunTaskRequest): void {
  if (input.startedBy !== undefined && !STARTED_BY.test(input.startedBy)) {
    // Not verified: Berth's text for the documented rule.
    throw new InvalidParameterException('startedBy can have up to 128 letters, numbers, hyphens, forward slashes and underscores.');
  }
  if (input.clientToken !== undefined && (input.clientToken === '' || input.clientToken.length > MAX_CLIENT_TOKEN)) {
    // Not verified: Berth's text for the documented rule.
    throw new InvalidParameterException(`clientToken must have 1 to ${MAX_CLIENT_TOKEN} characters.`);
  }
}

/** The tasks an earlier call with this clientToken started, as they are now; undefined for a new token. */
async function replayed(tx: StoreTx, scope: Scope, clientToken: string | undefined): Promise<Task[] | undefined> {
  if (clientToken === undefined) return undefined;
  const earlier = await tx.get('ecs.run-task-token', scope, clientToken);
  if (!earlier) return undefined;
  const tasks: Task[] = [];
  for (const arn of earlier.taskArns) {
    const record = await tx.get('ecs.task', scope, taskIdOf(arn));
    if (record) tasks.push({ ...record.task, tags: await readTags(tx, scope, arn) });
  }
  return tasks;
}

/** Everything one new task is made of; RunTask and the service scheduler both describe tasks this way. */
export interface NewTaskRecord {
  cluster: ClusterRecord;
  definition: TaskDefinition;
  overrides: TaskOverride;
  placement: Placement;
  platformVersion: string;
  plan: TaskNetworkPlan;
  subnet: SubnetRecord;
  tags: Tag[];
  group: string;
  startedBy?: string | undefined;
  enableExecuteCommand: boolean;
  /** Set for a task a service launches. */
  service?: TaskServiceLink;
}

/**
 * Creates one PROVISIONING task as RunTask does: its ENI in `subnet`, its record and its tags, in the
 * caller's transaction. The caller has checked the request (definition ACTIVE, placement, network plan).
 */
export async function createTaskRecord(tx: StoreTx, ctx: RequestContext, ids: IdSource, spec: NewTaskRecord): Promise<TaskRecord> {
  const scope = regionalScope(ctx);
  const { cluster, definition, overrides } = spec;
  const taskId = hexId(ids, 32);
  const arn = taskArn(ctx, cluster.clusterName, taskId);
  const eni = await createTaskInterface(tx, ctx, ids, spec.plan, spec.subnet);
  const task = newTaskShape(definition, overrides, {
    taskArn: arn,
    clusterArn: cluster.clusterArn,
    containerArns: (definition.containerDefinitions ?? []).map(() => containerArn(ctx, cluster.clusterName, taskId, ids.uuid())),
    placement: spec.placement,
    platformVersion: spec.platformVersion,
    eni,
    group: spec.group,
    startedBy: spec.startedBy,
    enableExecuteCommand: spec.enableExecuteCommand,
    createdAt: ctx.now,
  });
  const taskRoleArn = overrides.taskRoleArn ?? definition.taskRoleArn;
  const credentialsId = taskRoleArn ? await createTaskCredentialsId(tx, ids, { taskArn: arn, scope, roleArn: taskRoleArn }) : undefined;
  const record: TaskRecord = {
    task, taskDefinition: definition, overrides, network: eni.network,
    ...(spec.service ? { service: spec.service } : {}),
    ...(credentialsId !== undefined ? { credentialsId } : {}),
  };
  await putTaskRecord(tx, scope, record);
  await writeTags(tx, scope, arn, spec.tags);
  return record;
}

export function runTaskOperation(deps: ServiceDeps) {
  return async (input: RunTaskRequest, ctx: RequestContext): Promise<RunTaskResponse> => {
    checkRequest(input);
    const count = runTaskCount(input.count);
    const scope = regionalScope(ctx);
    const { response, created } = await deps.store.write(async (tx) => {
      const again = await replayed(tx, scope, input.clientToken);
      if (again) return { response: { tasks: again, failures: [] }, created: false };

      const cluster = await clusterOrDefault(tx, ctx, input.cluster);
      const definition = await findTaskDefinition(tx, ctx, input.taskDefinition ?? '');
      if (definition.status !== 'ACTIVE') throw new InvalidParameterException(INACTIVE_TASK_DEFINITION_MESSAGE);
      const placements = placeTasks({ launchType: input.launchType, capacityProviderStrategy: input.capacityProviderStrategy, count },
        cluster, definition, ctx);
      const platformVersion = fargatePlatformVersion(input.platformVersion);
      const overrides = mergeOverrides(definition, input.overrides);
      await checkTaskRoles(tx, ctx.principal.accountId, deps.roleTrust, definition, overrides);
      const plan = await planTaskNetwork(tx, scope, input.networkConfiguration);
      const definitionArn = definition.taskDefinitionArn ?? '';
      const tags = await taskTags(tx, scope, input, definitionArn, cluster.clusterName);

      // Fargate spreads a call's tasks over the subnets given; Berth starts at a random one.
      const offset = (deps.ids.bytes(1)[0] ?? 0) % plan.subnets.length;
      const tasks: Task[] = [];
      for (const [index, placement] of placements.entries()) {
        const subnet = plan.subnets[(offset + index) % plan.subnets.length];
        if (!subnet) throw new Error('a network plan without subnets');
        const record = await createTaskRecord(tx, ctx, deps.ids, {
          cluster, definition, overrides, placement, platformVersion, plan, subnet, tags,
          group: input.group ?? `family:${definition.family ?? ''}`,
          startedBy: input.startedBy,
          enableExecuteCommand: input.enableExecuteCommand ?? false,
        });
        tasks.push({ ...record.task, tags });
      }
      if (input.clientToken !== undefined) {
        const body = { clientToken: input.clientToken, taskArns: tasks.map((t) => t.taskArn ?? '') };
        await tx.put('ecs.run-task-token', scope, { id: input.clientToken, body });
      }
      return { response: { tasks, failures: [] }, created: true };
    });
    // After the commit: the runner reads the store, so it must not be woken before the tasks are there.
    if (created) deps.taskEvents?.changed();
    return response;
  };
}
