// What CreateService and UpdateService resolve before they write: the task definition, where tasks run
// (launch type or capacity provider strategy), the platform version, the awsvpc configuration and the
// load balancers, checked as RunTask checks them. The result is the DeploymentSpec a deployment keeps.
import type { AwsVpcConfiguration, CapacityProviderStrategyItem, LaunchType, LoadBalancer, NetworkConfiguration, TaskDefinition } from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import { normalizeStrategy } from './capacity-providers.ts';
import type { ClusterRecord } from './cluster-records.ts';
import { InvalidParameterException } from './errors.ts';
import { INACTIVE_TASK_DEFINITION_MESSAGE } from './run-task.ts';
import { planTaskNetwork } from './run-task-network.ts';
import { fargatePlatformVersion, LAUNCH_TYPE_AND_STRATEGY_MESSAGE, placeTasks } from './run-task-placement.ts';
import type { DeploymentSpec } from './service-records.ts';
import { checkLoadBalancers } from './services-load-balancers.ts';
import { findTaskDefinition } from './task-definitions.ts';

/** The ACTIVE task definition a `taskDefinition` parameter names. */
export async function activeTaskDefinition(tx: StoreTx, ctx: RequestContext, ref: string | undefined): Promise<TaskDefinition> {
  // Not verified: the text when the ECS deployment controller gets no task definition.
  if (ref === undefined || ref === '') throw new InvalidParameterException('TaskDefinition must be specified for the ECS deployment controller.');
  const definition = await findTaskDefinition(tx, ctx, ref);
  if (definition.status !== 'ACTIVE') throw new InvalidParameterException(INACTIVE_TASK_DEFINITION_MESSAGE);
  return definition;
}

/** Where the service's tasks run: FARGATE, or a strategy of providers associated with the cluster (its default one when none is given). */
export function servicePlacement(ctx: RequestContext, cluster: ClusterRecord, definition: TaskDefinition,
  launchType: LaunchType | undefined, given: CapacityProviderStrategyItem[] | undefined): { launchType?: LaunchType; capacityProviderStrategy?: CapacityProviderStrategyItem[] } {
  if (launchType !== undefined && (given ?? []).length > 0) throw new InvalidParameterException(LAUNCH_TYPE_AND_STRATEGY_MESSAGE);
  // placeTasks refuses what RunTask refuses (EC2 without container instances, a definition that is not Fargate-compatible…).
  placeTasks({ launchType, capacityProviderStrategy: given, count: 1 }, cluster, definition, ctx);
  if (launchType !== undefined) return { launchType };
  const strategy = normalizeStrategy((given ?? []).length > 0 ? given ?? [] : cluster.defaultCapacityProviderStrategy, cluster.capacityProviders, ctx);
  return { capacityProviderStrategy: strategy };
}

/** The awsvpc configuration as the service shows it: assignPublicIp filled in (DISABLED by default). */
export async function serviceNetwork(tx: StoreTx, scope: Scope, given: NetworkConfiguration | undefined): Promise<NetworkConfiguration> {
  await planTaskNetwork(tx, scope, given);
  const awsvpc: AwsVpcConfiguration = given?.awsvpcConfiguration ?? { subnets: [] };
  return {
    awsvpcConfiguration: {
      subnets: [...new Set(awsvpc.subnets ?? [])],
      securityGroups: [...new Set(awsvpc.securityGroups ?? [])],
      assignPublicIp: awsvpc.assignPublicIp ?? 'DISABLED',
    },
  };
}

export interface SpecRequest {
  cluster: ClusterRecord;
  definition: TaskDefinition;
  launchType: LaunchType | undefined;
  capacityProviderStrategy: CapacityProviderStrategyItem[] | undefined;
  platformVersion: string | undefined;
  networkConfiguration: NetworkConfiguration | undefined;
  loadBalancers: LoadBalancer[] | undefined;
}

/** A deployment's spec from a request (or an UpdateService's merge of request and current spec). */
export async function deploymentSpec(tx: StoreTx, ctx: RequestContext, scope: Scope, request: SpecRequest): Promise<DeploymentSpec> {
  const placement = servicePlacement(ctx, request.cluster, request.definition, request.launchType, request.capacityProviderStrategy);
  return {
    taskDefinition: request.definition.taskDefinitionArn ?? '',
    ...placement,
    platformVersion: fargatePlatformVersion(request.platformVersion),
    networkConfiguration: await serviceNetwork(tx, scope, request.networkConfiguration),
    loadBalancers: await checkLoadBalancers(tx, scope, request.loadBalancers, request.definition),
  };
}
