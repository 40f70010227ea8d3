// UpdateService's change to a service record. A new task definition, network configuration, load
// balancers, capacity provider strategy, platform version, Service Connect configuration or
// forceNewDeployment start a new PRIMARY deployment (the old PRIMARY becomes ACTIVE and the scheduler
// rolls its tasks over); anything else (desiredCount, deployment configuration, grace period, tag and
// exec settings) changes the service in place, desiredCount through the PRIMARY deployment.
import type { UpdateServiceRequest } from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { IdSource } from '../../platform/ids.ts';
import type { StoreTx } from '../../store/store.ts';
import { regionalScope } from '../common/scope.ts';
import type { ClusterRecord } from './cluster-records.ts';
import { newDeployment } from './deployments.ts';
import type { ServiceRecord } from './service-records.ts';
import { activeTaskDefinition, deploymentSpec } from './services-spec.ts';
import { assertGracePeriod, deploymentConfiguration, serviceConnectNamespace } from './services-validate.ts';
import { findTaskDefinition } from './task-definitions.ts';

function startsNewDeployment(input: UpdateServiceRequest): boolean {
  return input.forceNewDeployment === true || input.taskDefinition !== undefined || input.networkConfiguration !== undefined
    || input.loadBalancers !== undefined || input.platformVersion !== undefined || input.capacityProviderStrategy !== undefined
    || input.serviceConnectConfiguration !== undefined;
}

/** The service after UpdateService (not stored yet); throws ECS's errors for what it cannot accept. */
export async function updateServiceRecord(tx: StoreTx, ctx: RequestContext, ids: IdSource, cluster: ClusterRecord,
  current: ServiceRecord, input: UpdateServiceRequest): Promise<ServiceRecord> {
  const scope = regionalScope(ctx);
  const primary = current.deployments[0];
  if (!primary) throw new Error(`service ${current.service.serviceArn ?? ''} has no deployment`);
  const desiredCount = input.desiredCount ?? current.service.desiredCount ?? 0;
  const configuration = deploymentConfiguration(input.deploymentConfiguration, current.service.deploymentConfiguration);
  let deployments = current.deployments;
  let spec = primary.spec;
  let fresh = false;
  if (startsNewDeployment(input)) {
    const definition = input.taskDefinition !== undefined
      ? await activeTaskDefinition(tx, ctx, input.taskDefinition)
      // The current revision may have been deregistered since: a forced deployment still runs it, as ECS does.
      : await findTaskDefinition(tx, ctx, spec.taskDefinition);
    // A capacity provider strategy replaces the launch type; Berth keeps the launch type otherwise.
    const strategy = input.capacityProviderStrategy;
    spec = await deploymentSpec(tx, ctx, scope, {
      cluster,
      definition,
      launchType: strategy !== undefined ? undefined : spec.launchType,
      capacityProviderStrategy: strategy ?? spec.capacityProviderStrategy,
      platformVersion: input.platformVersion ?? spec.platformVersion,
      networkConfiguration: input.networkConfiguration ?? spec.networkConfiguration,
      loadBalancers: input.loadBalancers ?? spec.loadBalancers,
    });
    const next = newDeployment(ids, ctx.now, spec, desiredCount);
    const connect = input.serviceConnectConfiguration ?? primary.deployment.serviceConnectConfiguration;
    if (connect) next.deployment.serviceConnectConfiguration = connect;
    const older = deployments.map((d) => ({ ...d, deployment: { ...d.deployment, status: 'ACTIVE', updatedAt: ctx.now } }));
    deployments = [next, ...older];
    fresh = true;
  } else if (desiredCount !== primary.deployment.desiredCount) {
    deployments = [{ ...primary, deployment: { ...primary.deployment, desiredCount, updatedAt: ctx.now } }, ...deployments.slice(1)];
  }
  const grace = input.healthCheckGracePeriodSeconds ?? current.service.healthCheckGracePeriodSeconds;
  assertGracePeriod(input.healthCheckGracePeriodSeconds, spec.loadBalancers.length);
  const namespace = input.serviceConnectConfiguration !== undefined ? serviceConnectNamespace(input.serviceConnectConfiguration) : current.namespace;
  const { launchType: _launchType, capacityProviderStrategy: _strategy, ...rest } = current.service;
  return {
    ...current,
    service: {
      ...rest,
      ...(spec.launchType !== undefined ? { launchType: spec.launchType } : {}),
      ...(spec.capacityProviderStrategy !== undefined ? { capacityProviderStrategy: spec.capacityProviderStrategy } : {}),
      desiredCount,
      taskDefinition: spec.taskDefinition,
      loadBalancers: spec.loadBalancers,
      networkConfiguration: spec.networkConfiguration,
      platformVersion: input.platformVersion ?? current.service.platformVersion,
      deploymentConfiguration: configuration,
      ...(spec.loadBalancers.length > 0 ? { healthCheckGracePeriodSeconds: grace ?? 0 } : {}),
      ...(input.enableExecuteCommand !== undefined ? { enableExecuteCommand: input.enableExecuteCommand } : {}),
      ...(input.enableECSManagedTags !== undefined ? { enableECSManagedTags: input.enableECSManagedTags } : {}),
      ...(input.propagateTags !== undefined ? { propagateTags: input.propagateTags } : {}),
      ...(input.placementConstraints !== undefined ? { placementConstraints: input.placementConstraints } : {}),
      ...(input.placementStrategy !== undefined ? { placementStrategy: input.placementStrategy } : {}),
      ...(input.availabilityZoneRebalancing !== undefined ? { availabilityZoneRebalancing: input.availabilityZoneRebalancing } : {}),
    },
    deployments,
    // A new deployment starts with a clean launch record (ecs-behaviour.md §2: a new task definition resets the throttling).
    ...(fresh ? { startFailures: 0, launchNotBefore: undefined } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
  };
}
