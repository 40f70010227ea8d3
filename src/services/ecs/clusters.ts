// ECS clusters: CreateCluster, DescribeClusters, ListClusters, UpdateCluster, UpdateClusterSettings,
// PutClusterCapacityProviders, DeleteCluster. A Fargate cluster is a namespace: it holds settings,
// configuration and capacity providers; the tasks and services in it count toward its numbers.
import type {
  Cluster,
  ClusterConfiguration,
  ClusterField,
  ClusterServiceConnectDefaultsRequest,
  ClusterSetting,
  CreateClusterRequest,
  CreateClusterResponse,
  DeleteClusterRequest,
  DeleteClusterResponse,
  DescribeClustersRequest,
  DescribeClustersResponse,
  Failure,
  ListClustersRequest,
  ListClustersResponse,
  PutClusterCapacityProvidersRequest,
  PutClusterCapacityProvidersResponse,
  UpdateClusterRequest,
  UpdateClusterResponse,
  UpdateClusterSettingsRequest,
  UpdateClusterSettingsResponse,
} from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { pageOf } from '../common/pagination.ts';
import { regionalScope } from '../common/scope.ts';
import { clusterArn, type EcsArn } from './arns.ts';
import { associableCapacityProviders, normalizeStrategy } from './capacity-providers.ts';
import {
  activeCluster, assertClusterName, DEFAULT_CLUSTER_NAME, findCluster, newClusterRecord, putCluster, statisticsOf,
  type ClusterRecord, type ClusterWorkload,
} from './cluster-records.ts';
import {
  ClusterContainsContainerInstancesException, ClusterContainsServicesException, ClusterContainsTasksException,
  ClusterNotFoundException, InvalidParameterException, NamespaceNotFoundException,
} from './errors.ts';
import { storePage } from './pages.ts';
import { readTags, validateNewTags, writeTags, type TaggableResource } from './tags.ts';

/** ClusterSetting containerInsights: "enhanced", "enabled" or "disabled" (API reference, ClusterSetting). */
const CONTAINER_INSIGHTS_VALUES = ['enhanced', 'enabled', 'disabled'];

/** Verified: UpdateCluster's answer to a containerInsights value it does not know (terraform-aws-ecs #264). */
const INVALID_SETTING_VALUE_MESSAGE = "Invalid setting 'value'";

/** Every member shown: what CreateCluster, UpdateCluster, PutClusterCapacityProviders and DeleteCluster answer. */
const WRITE_VIEW = 'write';
type ViewFields = ReadonlySet<ClusterField> | typeof WRITE_VIEW;

/** Settings as the cluster keeps them: one entry per name, the request's later entries winning. */
function mergeSettings(current: readonly ClusterSetting[], changes: readonly ClusterSetting[] | undefined): ClusterSetting[] {
  const merged = current.map((s) => ({ ...s }));
  for (const change of changes ?? []) {
    if (change.name !== 'containerInsights') throw new InvalidParameterException("Invalid setting 'name'");
    if (change.value === undefined || !CONTAINER_INSIGHTS_VALUES.includes(change.value)) {
      throw new InvalidParameterException(INVALID_SETTING_VALUE_MESSAGE);
    }
    const existing = merged.find((s) => s.name === change.name);
    if (existing) existing.value = change.value;
    else merged.push({ name: change.name, value: change.value });
  }
  return merged;
}

/** The configuration after a change: each member given replaces the cluster's. */
function mergeConfiguration(current: ClusterConfiguration | undefined, change: ClusterConfiguration | undefined): ClusterConfiguration | undefined {
  if (!change) return current;
  const exec = change.executeCommandConfiguration;
  if (exec?.logConfiguration && exec.logging !== 'OVERRIDE') {
    // Verified: terraform-aws-ecs #84 (CreateCluster/UpdateCluster, InvalidParameterException).
    throw new InvalidParameterException("You must set logging to 'OVERRIDE' when you supply a log configuration");
  }
  return { ...current, ...change };
}

/** Service Connect defaults name an AWS Cloud Map namespace, which Berth does not have yet (LIMITATIONS.md). */
function rejectServiceConnectDefaults(defaults: ClusterServiceConnectDefaultsRequest | undefined): void {
  if (defaults === undefined) return;
  throw new NamespaceNotFoundException(`Berth has no AWS Cloud Map namespaces yet, so the Service Connect namespace '${defaults.namespace ?? ''}' `
    + 'cannot be found. Create the cluster without serviceConnectDefaults.');
}

export function clusterOperations(deps: ServiceDeps, workload: ClusterWorkload) {
  /**
   * A cluster as AWS shows it. DescribeClusters leaves `statistics`, `tags` and `settings` empty
   * unless `include` names them (aws-cli #6404: "settings": [] without --include SETTINGS; the
   * API reference's ATTACHMENTS example shows "statistics": [], "tags": [], "settings": []) and
   * omits `configuration` and attachments unless asked; write operations show everything but statistics.
   */
  async function view(tx: StoreTx, scope: Scope, record: ClusterRecord, fields: ViewFields): Promise<Cluster> {
    const shows = (field: ClusterField): boolean => fields === WRITE_VIEW ? field !== 'STATISTICS' : fields.has(field);
    const counts = await workload.countsOf(tx, scope, record.clusterArn);
    return {
      clusterArn: record.clusterArn,
      clusterName: record.clusterName,
      ...(shows('CONFIGURATIONS') && record.configuration ? { configuration: record.configuration } : {}),
      status: record.status,
      registeredContainerInstancesCount: counts.registeredContainerInstances,
      runningTasksCount: counts.runningEC2Tasks + counts.runningFargateTasks,
      pendingTasksCount: counts.pendingEC2Tasks + counts.pendingFargateTasks,
      activeServicesCount: counts.activeEC2Services + counts.activeFargateServices,
      statistics: shows('STATISTICS') ? statisticsOf(counts) : [],
      tags: shows('TAGS') ? await readTags(tx, scope, record.clusterArn) : [],
      settings: shows('SETTINGS') ? record.settings : [],
      capacityProviders: record.capacityProviders,
      defaultCapacityProviderStrategy: record.defaultCapacityProviderStrategy,
      ...(shows('ATTACHMENTS') && record.attachmentsStatus ? { attachments: [], attachmentsStatus: record.attachmentsStatus } : {}),
    };
  }

  /** Runs `change` on an ACTIVE cluster in one transaction, stores the result and answers the write view. */
  async function update(ctx: RequestContext, ref: string, change: (record: ClusterRecord) => ClusterRecord): Promise<{ cluster: Cluster }> {
    const scope = regionalScope(ctx);
    return deps.store.write(async (tx) => {
      const updated = change(await activeCluster(tx, ctx, ref));
      await putCluster(tx, scope, updated);
      return { cluster: await view(tx, scope, updated, WRITE_VIEW) };
    });
  }

  return {
    CreateCluster: async (input: CreateClusterRequest, ctx) => {
      const name = input.clusterName ?? DEFAULT_CLUSTER_NAME;
      assertClusterName(name);
      const tags = validateNewTags(input.tags);
      const settings = mergeSettings([], input.settings);
      const configuration = mergeConfiguration(undefined, input.configuration);
      rejectServiceConnectDefaults(input.serviceConnectDefaults);
      const capacityProviders = associableCapacityProviders(input.capacityProviders ?? [], ctx);
      const defaultCapacityProviderStrategy = normalizeStrategy(input.defaultCapacityProviderStrategy ?? [], capacityProviders, ctx);
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx) => {
        const existing = await tx.get('ecs.cluster', scope, name);
        // CreateCluster is idempotent: an ACTIVE cluster of that name is returned as it is.
        if (existing?.status === 'ACTIVE') return { cluster: await view(tx, scope, existing, WRITE_VIEW) };
        // A deleted (INACTIVE) cluster of that name is replaced by a new one with the same ARN.
        const record = await newClusterRecord(tx, ctx, name, { settings, configuration, capacityProviders, defaultCapacityProviderStrategy });
        await putCluster(tx, scope, record);
        await writeTags(tx, scope, record.clusterArn, tags);
        return { cluster: await view(tx, scope, record, WRITE_VIEW) };
      });
    },

    DescribeClusters: async (input: DescribeClustersRequest, ctx) => {
      const refs = input.clusters ?? [DEFAULT_CLUSTER_NAME];
      const fields = new Set(input.include ?? []);
      const scope = regionalScope(ctx);
      return deps.store.read(async (tx) => {
        const clusters: Cluster[] = [];
        const failures: Failure[] = [];
        for (const ref of refs) {
          const record = await findCluster(tx, ctx, ref);
          if (record) clusters.push(await view(tx, scope, record, fields));
          else failures.push({ arn: ref.startsWith('arn:') ? ref : clusterArn(ctx, ref), reason: 'MISSING' });
        }
        return { clusters, failures };
      });
    },

    ListClusters: async (input: ListClustersRequest, ctx) => {
      const page = storePage(input.nextToken, input.maxResults, 100);
      const scope = regionalScope(ctx);
      const result = await deps.store.read((tx) => pageOf(tx, 'ecs.cluster', scope, {}, page, (r) => r.body.status === 'ACTIVE'));
      return { clusterArns: result.items.map((r) => r.body.clusterArn), nextToken: result.nextToken };
    },

    UpdateCluster: async (input: UpdateClusterRequest, ctx) => {
      rejectServiceConnectDefaults(input.serviceConnectDefaults);
      return update(ctx, input.cluster ?? '', (record) => {
        const configuration = mergeConfiguration(record.configuration, input.configuration);
        return { ...record, settings: mergeSettings(record.settings, input.settings), ...(configuration ? { configuration } : {}) };
      });
    },

    UpdateClusterSettings: async (input: UpdateClusterSettingsRequest, ctx) =>
      update(ctx, input.cluster ?? '', (record) => ({ ...record, settings: mergeSettings(record.settings, input.settings) })),

    PutClusterCapacityProviders: async (input: PutClusterCapacityProvidersRequest, ctx) => {
      const capacityProviders = associableCapacityProviders(input.capacityProviders ?? [], ctx);
      const defaultCapacityProviderStrategy = normalizeStrategy(input.defaultCapacityProviderStrategy ?? [], capacityProviders, ctx);
      // Fargate providers need no Auto Scaling attachments, so the update completes at once.
      return update(ctx, input.cluster ?? '', (record) => ({ ...record, capacityProviders, defaultCapacityProviderStrategy, attachmentsStatus: 'UPDATE_COMPLETE' }));
    },

    DeleteCluster: async (input: DeleteClusterRequest, ctx) => {
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx) => {
        const record = await activeCluster(tx, ctx, input.cluster ?? '');
        const counts = await workload.countsOf(tx, scope, record.clusterArn);
        // DeleteCluster's refusals, in the order ECS checks them. Not verified: the message texts.
        if (counts.registeredContainerInstances > 0) {
          throw new ClusterContainsContainerInstancesException('The Cluster cannot be deleted while Container Instances are active or draining.');
        }
        if (counts.activeEC2Services + counts.activeFargateServices + counts.drainingEC2Services + counts.drainingFargateServices > 0) {
          throw new ClusterContainsServicesException('The Cluster cannot be deleted while Services are active.');
        }
        if (counts.runningEC2Tasks + counts.runningFargateTasks + counts.pendingEC2Tasks + counts.pendingFargateTasks > 0) {
          throw new ClusterContainsTasksException('The Cluster cannot be deleted while Tasks are active.');
        }
        const deleted: ClusterRecord = { ...record, status: 'INACTIVE' };
        await putCluster(tx, scope, deleted);
        return { cluster: await view(tx, scope, deleted, WRITE_VIEW) };
      });
    },
  } satisfies ServiceOperations<{
    CreateCluster: [CreateClusterRequest, CreateClusterResponse];
    DescribeClusters: [DescribeClustersRequest, DescribeClustersResponse];
    ListClusters: [ListClustersRequest, ListClustersResponse];
    UpdateCluster: [UpdateClusterRequest, UpdateClusterResponse];
    UpdateClusterSettings: [UpdateClusterSettingsRequest, UpdateClusterSettingsResponse];
    PutClusterCapacityProviders: [PutClusterCapacityProvidersRequest, PutClusterCapacityProvidersResponse];
    DeleteCluster: [DeleteClusterRequest, DeleteClusterResponse];
  }>;
}

/** Clusters as a taggable resource: any cluster of the caller's, also a deleted one (it stays describable). */
export const clusterTaggable: TaggableResource = {
  resourceType: 'cluster',
  async assertExists(tx: StoreTx, arn: EcsArn, ctx: RequestContext) {
    if (arn.resourceId.includes('/') || !(await tx.get('ecs.cluster', regionalScope(ctx), arn.resourceId))) {
      throw new ClusterNotFoundException();
    }
  },
};
