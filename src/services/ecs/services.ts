// ECS services: CreateService, UpdateService, DeleteService, DescribeServices, ListServices,
// ListServicesByNamespace. Operations record intent only (the service, its deployments) and wake the
// service scheduler (src/controllers/service-scheduler/) after the commit; it launches and stops tasks.
import type {
  CreateServiceRequest, CreateServiceResponse, DeleteServiceRequest, DeleteServiceResponse, DescribeServicesRequest,
  DescribeServicesResponse, Failure, ListServicesByNamespaceRequest, ListServicesByNamespaceResponse, ListServicesRequest,
  ListServicesResponse, Service, UpdateServiceRequest, UpdateServiceResponse,
} from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { pageOf } from '../common/pagination.ts';
import { regionalScope } from '../common/scope.ts';
import { isInScope, parseEcsArn } from './arns.ts';
import { clusterOrDefault, DEFAULT_CLUSTER_NAME, findCluster, type ClusterRecord } from './cluster-records.ts';
import { newDeployment } from './deployments.ts';
import { ClusterNotFoundException, InvalidParameterException, ServiceNotActiveException, ServiceNotFoundException } from './errors.ts';
import { storePage } from './pages.ts';
import { INACTIVE_SERVICE_RETENTION_MS, putServiceRecord, serviceArn, serviceRecordId, type ServiceRecord } from './service-records.ts';
import { updateServiceRecord } from './services-update.ts';
import { activeTaskDefinition, deploymentSpec } from './services-spec.ts';
import {
  assertDeploymentController, assertDesiredCount, assertGracePeriod, assertSchedulingStrategy, assertServedFeatures, assertServiceName,
  DELETE_SCALED_SERVICE_MESSAGE, deploymentConfiguration, NOT_IDEMPOTENT_MESSAGE, serviceConnectNamespace,
} from './services-validate.ts';
import { serviceView } from './services-view.ts';
import { validateNewTags, writeTags } from './tags.ts';

/** DescribeServices `services`: "You may specify up to 10 services to describe." */
const MAX_DESCRIBE = 10;

/** The role ECS uses for load balancers when the caller names none (the service-linked role). */
function serviceLinkedRoleArn(ctx: RequestContext): string {
  return `arn:aws:iam::${ctx.principal.accountId}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`;
}

/** The service name a `service` parameter names in `cluster`: a name, or a service ARN (long or short form) of that cluster. */
export function serviceNameOf(ref: string, ctx: RequestContext, cluster: ClusterRecord): string | undefined {
  if (!ref.startsWith('arn:')) return ref;
  const arn = parseEcsArn(ref);
  if (!arn || arn.resourceType !== 'service' || !isInScope(arn, ctx)) return undefined;
  const parts = arn.resourceId.split('/');
  if (parts.length === 1) return parts[0];
  return parts.length === 2 && parts[0] === cluster.clusterName ? parts[1] : undefined;
}

/** The service record a `service` parameter names (any status, INACTIVE ones only while they are kept). */
export async function findService(tx: StoreTx, ctx: RequestContext, cluster: ClusterRecord, ref: string): Promise<ServiceRecord | undefined> {
  const name = serviceNameOf(ref, ctx, cluster);
  if (name === undefined || name === '') return undefined;
  const record = await tx.get('ecs.service', regionalScope(ctx), serviceRecordId(cluster.clusterName, name));
  if (record?.status === 'INACTIVE' && record.inactiveAt && ctx.now.getTime() - record.inactiveAt.getTime() > INACTIVE_SERVICE_RETENTION_MS) return undefined;
  return record;
}

/** The cluster a service operation names (default: `default`), ACTIVE or not. */
export async function existingCluster(tx: StoreTx, ctx: RequestContext, ref: string | undefined): Promise<ClusterRecord> {
  const cluster = await findCluster(tx, ctx, ref ?? DEFAULT_CLUSTER_NAME);
  if (!cluster) throw new ClusterNotFoundException();
  return cluster;
}

/** An ACTIVE service, or ServiceNotFoundException / ServiceNotActiveException as ECS answers. */
export async function activeService(tx: StoreTx, ctx: RequestContext, cluster: ClusterRecord, ref: string): Promise<ServiceRecord> {
  const record = await findService(tx, ctx, cluster, ref);
  if (!record) throw new ServiceNotFoundException();
  if (record.status !== 'ACTIVE') throw new ServiceNotActiveException();
  return record;
}

export function serviceOperations(deps: ServiceDeps) {
  /** Commits, then wakes the scheduler (it reads the store, so never before the commit). */
  async function writeAndWake<T>(fn: (tx: StoreTx) => Promise<{ response: T; changed: boolean }>): Promise<T> {
    const { response, changed } = await deps.store.write(fn);
    if (changed) deps.taskEvents?.changed();
    return response;
  }

  return {
    CreateService: async (input: CreateServiceRequest, ctx) => {
      const name = input.serviceName ?? '';
      assertServiceName(name);
      assertSchedulingStrategy(input.schedulingStrategy);
      assertDeploymentController(input.deploymentController);
      assertServedFeatures(input);
      // Not verified: ECS documents desiredCount as required for REPLICA; Berth takes a missing one as 0.
      const desiredCount = input.desiredCount ?? 0;
      assertDesiredCount(desiredCount);
      const tags = validateNewTags(input.tags);
      const configuration = deploymentConfiguration(input.deploymentConfiguration);
      const scope = regionalScope(ctx);
      return writeAndWake<CreateServiceResponse>(async (tx) => {
        const cluster = await clusterOrDefault(tx, ctx, input.cluster);
        const id = serviceRecordId(cluster.clusterName, name);
        const existing = await tx.get('ecs.service', scope, id);
        if (existing && existing.status !== 'INACTIVE') {
          // A retry with the same clientToken answers the service it created.
          if (input.clientToken !== undefined && existing.clientToken === input.clientToken) {
            return { response: { service: await serviceView(tx, scope, existing, true) }, changed: false };
          }
          throw new InvalidParameterException(NOT_IDEMPOTENT_MESSAGE);
        }
        const definition = await activeTaskDefinition(tx, ctx, input.taskDefinition);
        const spec = await deploymentSpec(tx, ctx, scope, {
          cluster, definition, launchType: input.launchType, capacityProviderStrategy: input.capacityProviderStrategy,
          platformVersion: input.platformVersion, networkConfiguration: input.networkConfiguration, loadBalancers: input.loadBalancers,
        });
        assertGracePeriod(input.healthCheckGracePeriodSeconds, spec.loadBalancers.length);
        const arn = serviceArn(ctx, cluster.clusterName, name);
        const deployment = newDeployment(deps.ids, ctx.now, spec, desiredCount);
        const service: Service = {
          serviceArn: arn,
          serviceName: name,
          clusterArn: cluster.clusterArn,
          loadBalancers: spec.loadBalancers,
          serviceRegistries: [],
          desiredCount,
          runningCount: 0,
          pendingCount: 0,
          ...(spec.launchType !== undefined ? { launchType: spec.launchType } : {}),
          ...(spec.capacityProviderStrategy !== undefined ? { capacityProviderStrategy: spec.capacityProviderStrategy } : {}),
          platformVersion: input.platformVersion ?? 'LATEST',
          platformFamily: 'Linux',
          taskDefinition: spec.taskDefinition,
          deploymentConfiguration: configuration,
          ...(spec.loadBalancers.length > 0 ? { roleArn: input.role ?? serviceLinkedRoleArn(ctx) } : {}),
          createdAt: ctx.now,
          placementConstraints: input.placementConstraints ?? [],
          placementStrategy: input.placementStrategy ?? [],
          networkConfiguration: spec.networkConfiguration,
          ...(spec.loadBalancers.length > 0 ? { healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds ?? 0 } : {}),
          schedulingStrategy: 'REPLICA',
          deploymentController: { type: 'ECS' },
          createdBy: ctx.principal.arn,
          enableECSManagedTags: input.enableECSManagedTags ?? false,
          propagateTags: input.propagateTags ?? 'NONE',
          enableExecuteCommand: input.enableExecuteCommand ?? false,
          ...(input.availabilityZoneRebalancing !== undefined ? { availabilityZoneRebalancing: input.availabilityZoneRebalancing } : {}),
        };
        const namespace = serviceConnectNamespace(input.serviceConnectConfiguration);
        if (input.serviceConnectConfiguration) deployment.deployment.serviceConnectConfiguration = input.serviceConnectConfiguration;
        // A name reused after the old service went INACTIVE starts afresh: the old one's events go with it.
        if (existing) for (const row of await tx.list('ecs.service-event', scope, { parent: arn })) await tx.delete('ecs.service-event', scope, row.id);
        const record = await putServiceRecord(tx, scope, {
          service, status: 'ACTIVE', deployments: [deployment], pastDeployments: [], generation: existing?.generation ?? 0,
          accountedTasks: [], startFailures: 0,
          ...(input.clientToken !== undefined ? { clientToken: input.clientToken } : {}),
          ...(namespace !== undefined ? { namespace } : {}),
        });
        await writeTags(tx, scope, arn, tags);
        return { response: { service: await serviceView(tx, scope, record, true) }, changed: true };
      });
    },

    UpdateService: async (input: UpdateServiceRequest, ctx) => {
      assertDeploymentController(input.deploymentController);
      assertServedFeatures(input);
      if (input.desiredCount !== undefined) assertDesiredCount(input.desiredCount);
      const scope = regionalScope(ctx);
      return writeAndWake<UpdateServiceResponse>(async (tx) => {
        const cluster = await existingCluster(tx, ctx, input.cluster);
        const current = await activeService(tx, ctx, cluster, input.service ?? '');
        const updated = await updateServiceRecord(tx, ctx, deps.ids, cluster, current, input);
        const record = await putServiceRecord(tx, scope, updated);
        return { response: { service: await serviceView(tx, scope, record, true) }, changed: true };
      });
    },

    DeleteService: async (input: DeleteServiceRequest, ctx) => {
      const scope = regionalScope(ctx);
      return writeAndWake<DeleteServiceResponse>(async (tx) => {
        const cluster = await existingCluster(tx, ctx, input.cluster);
        const current = await activeService(tx, ctx, cluster, input.service ?? '');
        if (input.force !== true && (current.service.desiredCount ?? 0) > 0) throw new InvalidParameterException(DELETE_SCALED_SERVICE_MESSAGE);
        // DRAINING: the scheduler stops every task (draining their targets first), then marks it INACTIVE.
        const deployments = current.deployments.map((d, i) => (i === 0 ? { ...d, deployment: { ...d.deployment, desiredCount: 0, updatedAt: ctx.now } } : d));
        const record = await putServiceRecord(tx, scope, { ...current, status: 'DRAINING', service: { ...current.service, desiredCount: 0 }, deployments });
        return { response: { service: await serviceView(tx, scope, record, true) }, changed: true };
      });
    },

    DescribeServices: async (input: DescribeServicesRequest, ctx) => {
      const refs = input.services ?? [];
      // Not verified: Berth's texts for the documented limits.
      if (refs.length === 0) throw new InvalidParameterException('Services cannot be empty.');
      if (refs.length > MAX_DESCRIBE) throw new InvalidParameterException(`You can specify up to ${MAX_DESCRIBE} services.`);
      const withTags = input.include?.includes('TAGS') ?? false;
      const scope = regionalScope(ctx);
      return deps.store.read(async (tx) => {
        const cluster = await existingCluster(tx, ctx, input.cluster);
        const services: Service[] = [];
        const failures: Failure[] = [];
        for (const ref of refs) {
          const record = await findService(tx, ctx, cluster, ref);
          if (record) services.push(await serviceView(tx, scope, record, withTags));
          else failures.push({ arn: ref.startsWith('arn:') ? ref : serviceArn(ctx, cluster.clusterName, ref), reason: 'MISSING' });
        }
        return { services, failures };
      });
    },

    ListServices: async (input: ListServicesRequest, ctx) => {
      // ListServices maxResults: "between 1 and 100 … If this parameter isn't used, ListServices returns up to 10 results".
      const page = storePage(input.nextToken, input.maxResults, 100, 10);
      const scope = regionalScope(ctx);
      return deps.store.read(async (tx) => {
        const cluster = await existingCluster(tx, ctx, input.cluster);
        const keep = (row: { body: ServiceRecord }): boolean => {
          const record = row.body;
          if (record.status === 'INACTIVE') return false;
          if (input.launchType !== undefined && record.service.launchType !== input.launchType) return false;
          return input.schedulingStrategy === undefined || input.schedulingStrategy === 'REPLICA';
        };
        const result = await pageOf(tx, 'ecs.service', scope, { parent: cluster.clusterArn }, page, keep);
        return { serviceArns: result.items.map((row) => row.body.service.serviceArn ?? ''), nextToken: result.nextToken };
      });
    },

    ListServicesByNamespace: async (input: ListServicesByNamespaceRequest, ctx) => {
      const page = storePage(input.nextToken, input.maxResults, 100, 10);
      const namespace = input.namespace ?? '';
      const scope = regionalScope(ctx);
      return deps.store.read(async (tx) => {
        const keep = (row: { body: ServiceRecord }): boolean => row.body.status === 'ACTIVE' && row.body.namespace === namespace;
        const result = await pageOf(tx, 'ecs.service', scope, {}, page, keep);
        return { serviceArns: result.items.map((row) => row.body.service.serviceArn ?? ''), nextToken: result.nextToken };
      });
    },
  } satisfies ServiceOperations<{
    CreateService: [CreateServiceRequest, CreateServiceResponse];
    UpdateService: [UpdateServiceRequest, UpdateServiceResponse];
    DeleteService: [DeleteServiceRequest, DeleteServiceResponse];
    DescribeServices: [DescribeServicesRequest, DescribeServicesResponse];
    ListServices: [ListServicesRequest, ListServicesResponse];
    ListServicesByNamespace: [ListServicesByNamespaceRequest, ListServicesByNamespaceResponse];
  }>;
}
