// Launching a deployment's tasks exactly as RunTask creates them (run-task.ts createTaskRecord: the
// record, its ENI, its tags), with what a service adds: startedBy = the deployment id, group
// `service:<name>`, the service link the task runner registers targets from, tags propagated from the
// service or the task definition, and ECS's managed tags when the service asks for them.
import type { Tag } from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { IdSource } from '../../platform/ids.ts';
import { regionalScope } from '../../services/common/scope.ts';
import { distributeStrategy, type Placement } from '../../services/ecs/run-task-placement.ts';
import { createTaskRecord } from '../../services/ecs/run-task.ts';
import { planTaskNetwork } from '../../services/ecs/run-task-network.ts';
import { mergeOverrides } from '../../services/ecs/run-task-shape.ts';
import type { DeploymentRecord, ServiceRecord } from '../../services/ecs/service-records.ts';
import { readTags } from '../../services/ecs/tags.ts';
import { findTaskDefinition } from '../../services/ecs/task-definitions.ts';
import { taskIdOf } from '../../services/ecs/task-records.ts';
import { checkTaskRoles } from '../../services/ecs/task-roles.ts';
import type { RoleTrust } from '../../services/common/role-trust.ts';
import type { Scope, StoreTx } from '../../store/store.ts';

/** The context the scheduler acts in: the service's account and Region, as ECS itself (not a caller). */
export function schedulerContext(scope: Scope, now: Date, requestId: string): RequestContext {
  return {
    requestId,
    region: scope.region,
    now,
    principal: { accountId: scope.account, arn: `arn:aws:iam::${scope.account}:root`, userId: scope.account, accessKeyId: '', kind: 'root' },
  };
}

/** The tags a service task gets: propagated ones (SERVICE or TASK_DEFINITION), then ECS's managed tags. */
async function serviceTaskTags(tx: StoreTx, scope: Scope, record: ServiceRecord, definitionArn: string, clusterName: string): Promise<Tag[]> {
  const byKey = new Map<string, string>();
  const propagate = record.service.propagateTags ?? 'NONE';
  const source = propagate === 'SERVICE' ? record.service.serviceArn ?? '' : propagate === 'TASK_DEFINITION' ? definitionArn : undefined;
  if (source !== undefined) for (const tag of await readTags(tx, scope, source)) byKey.set(tag.key ?? '', tag.value ?? '');
  // Developer Guide, "Amazon ECS managed tags": a service's tasks are tagged with the cluster and the service name.
  if (record.service.enableECSManagedTags === true) {
    byKey.set('aws:ecs:clusterName', clusterName);
    byKey.set('aws:ecs:serviceName', record.service.serviceName ?? '');
  }
  return [...byKey].map(([key, value]) => ({ key, value }));
}

/** Where each new task goes: the launch type, or the capacity providers in the strategy's proportions over all the service's tasks. */
async function placements(tx: StoreTx, scope: Scope, record: ServiceRecord, deployment: DeploymentRecord, count: number): Promise<Placement[]> {
  const strategy = deployment.spec.capacityProviderStrategy ?? [];
  if (deployment.spec.launchType !== undefined || strategy.length === 0) {
    return Array.from({ length: count }, () => ({ launchType: deployment.spec.launchType ?? 'FARGATE' }));
  }
  const running = (await tx.list('ecs.task', scope, { parent: record.service.clusterArn ?? '', state: 'RUNNING' }))
    .filter((row) => row.body.service?.serviceArn === record.service.serviceArn).length;
  return distributeStrategy(strategy, running + count).slice(running).map((capacityProviderName) => ({ launchType: 'FARGATE' as const, capacityProviderName }));
}

/** Creates one task per subnet for `deployment`; answers their ids. Throws ECS's errors (a subnet gone, no address left…). */
export async function launchServiceTasks(tx: StoreTx, ctx: RequestContext, ids: IdSource, record: ServiceRecord, deployment: DeploymentRecord,
  subnetIds: readonly string[], roleTrust: RoleTrust | undefined): Promise<string[]> {
  const scope = regionalScope(ctx);
  const clusterName = (record.service.clusterArn ?? '').split('/').pop() ?? '';
  const cluster = await tx.get('ecs.cluster', scope, clusterName);
  if (!cluster) throw new Error(`cluster ${clusterName} of service ${record.service.serviceArn ?? ''} is gone`);
  const spec = deployment.spec;
  const definition = await findTaskDefinition(tx, ctx, spec.taskDefinition);
  const overrides = mergeOverrides(definition, undefined);
  await checkTaskRoles(tx, scope.account, roleTrust, definition, overrides);
  const plan = await planTaskNetwork(tx, scope, spec.networkConfiguration);
  const tags = await serviceTaskTags(tx, scope, record, definition.taskDefinitionArn ?? '', clusterName);
  const where = await placements(tx, scope, record, deployment, subnetIds.length);
  const launched: string[] = [];
  for (const [index, subnetId] of subnetIds.entries()) {
    const subnet = plan.subnets.find((s) => s.SubnetId === subnetId) ?? plan.subnets[0];
    const placement = where[index];
    if (!subnet || !placement) throw new Error('a service launch without a subnet or placement');
    const created = await createTaskRecord(tx, ctx, ids, {
      cluster, definition, overrides, placement, platformVersion: spec.platformVersion, plan, subnet, tags,
      group: `service:${record.service.serviceName ?? ''}`,
      startedBy: deployment.deployment.id,
      enableExecuteCommand: record.service.enableExecuteCommand ?? false,
      service: {
        serviceArn: record.service.serviceArn ?? '',
        serviceName: record.service.serviceName ?? '',
        deploymentId: deployment.deployment.id ?? '',
        loadBalancers: spec.loadBalancers.map((lb) => ({
          targetGroupArn: lb.targetGroupArn ?? '', containerName: lb.containerName ?? '', containerPort: lb.containerPort ?? 0,
        })),
        healthCheckGracePeriodSeconds: record.service.healthCheckGracePeriodSeconds ?? 0,
      },
    });
    launched.push(taskIdOf(created.task.taskArn ?? ''));
  }
  return launched;
}
