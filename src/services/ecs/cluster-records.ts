// How clusters are stored and found: the record, the name rule, lookups that answer AWS's
// not-found errors, the default cluster, and the counts of what runs in a cluster.
import type {
  CapacityProviderStrategyItem,
  ClusterConfiguration,
  ClusterSetting,
  KeyValuePair,
} from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import { regionalScope } from '../common/scope.ts';
import { effectiveAccountSetting } from './account-settings.ts';
import { clusterArn, clusterNameOf } from './arns.ts';
import { ClusterNotFoundException, InvalidParameterException } from './errors.ts';

export interface ClusterRecord {
  clusterName: string;
  clusterArn: string;
  /** ACTIVE until DeleteCluster; INACTIVE clusters stay describable, as on AWS. */
  status: 'ACTIVE' | 'INACTIVE';
  settings: ClusterSetting[];
  configuration?: ClusterConfiguration;
  capacityProviders: string[];
  defaultCapacityProviderStrategy: CapacityProviderStrategyItem[];
  /** Set once capacity providers were put on the cluster: the state of their (for Fargate, empty) attachments. */
  attachmentsStatus?: string;
  createdAt: Date;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    'ecs.cluster': ClusterRecord;
  }
}

/** CreateCluster: "If you don't specify a name for your cluster, you create a cluster that's named default." */
export const DEFAULT_CLUSTER_NAME = 'default';

/** CreateCluster: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed." */
const CLUSTER_NAME = /^[a-zA-Z0-9_-]{1,255}$/;

/**
 * ECS's wording for a cluster parameter that breaks the pattern. Verified for DescribeServices'
 * `cluster` ("Cluster must match ^[a-zA-Z0-9\-_]{1,255}$, but was …", amazon-ecs-nodejs-microservices
 * #18); Berth uses it for CreateCluster's clusterName too (not verified there).
 */
export function invalidClusterMessage(value: string): string {
  return `Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was ${value}`;
}

/** Verified: the ClusterNotFoundException text for a cluster that was deleted (CreateService, UpdateService on AWS). */
export const INACTIVE_CLUSTER_MESSAGE = 'The referenced cluster was inactive.';

export function assertClusterName(name: string): void {
  if (!CLUSTER_NAME.test(name)) throw new InvalidParameterException(invalidClusterMessage(name));
}

/** The cluster a `cluster` parameter names, ACTIVE or INACTIVE; undefined when there is none. */
export async function findCluster(tx: StoreTx, ctx: RequestContext, ref: string): Promise<ClusterRecord | undefined> {
  const name = clusterNameOf(ref, ctx);
  return name === undefined ? undefined : tx.get('ecs.cluster', regionalScope(ctx), name);
}

/** The ACTIVE cluster a `cluster` parameter names; ClusterNotFoundException as AWS words it otherwise. */
export async function activeCluster(tx: StoreTx, ctx: RequestContext, ref: string): Promise<ClusterRecord> {
  if (!ref.startsWith('arn:')) assertClusterName(ref);
  const cluster = await findCluster(tx, ctx, ref);
  if (!cluster) throw new ClusterNotFoundException();
  if (cluster.status !== 'ACTIVE') throw new ClusterNotFoundException(INACTIVE_CLUSTER_MESSAGE);
  return cluster;
}

/**
 * The ACTIVE cluster for an operation whose `cluster` is optional ("If you do not specify a
 * cluster, the default cluster is assumed"): the named one, or `default`, which is created on
 * first use when the caller omitted the cluster. Must run inside a write transaction.
 */
export async function clusterOrDefault(tx: StoreTx, ctx: RequestContext, ref: string | undefined): Promise<ClusterRecord> {
  if (ref !== undefined) return activeCluster(tx, ctx, ref);
  const scope = regionalScope(ctx);
  const existing = await tx.get('ecs.cluster', scope, DEFAULT_CLUSTER_NAME);
  if (existing?.status === 'ACTIVE') return existing;
  const created = await newClusterRecord(tx, ctx, DEFAULT_CLUSTER_NAME, {});
  await putCluster(tx, scope, created);
  return created;
}

/** A fresh ACTIVE cluster; containerInsights follows the caller's account setting unless `settings` names it. */
export async function newClusterRecord(tx: StoreTx, ctx: RequestContext, name: string,
  fields: Partial<Pick<ClusterRecord, 'settings' | 'configuration' | 'capacityProviders' | 'defaultCapacityProviderStrategy'>>): Promise<ClusterRecord> {
  const settings = [...(fields.settings ?? [])];
  if (!settings.some((s) => s.name === 'containerInsights')) {
    // CreateCluster: a containerInsights setting "overrides the containerInsights value set with PutAccountSetting or PutAccountSettingDefault".
    settings.unshift({ name: 'containerInsights', value: await effectiveAccountSetting(tx, ctx, 'containerInsights') });
  }
  const capacityProviders = fields.capacityProviders ?? [];
  return {
    clusterName: name,
    clusterArn: clusterArn(ctx, name),
    status: 'ACTIVE',
    settings,
    ...(fields.configuration ? { configuration: fields.configuration } : {}),
    capacityProviders,
    defaultCapacityProviderStrategy: fields.defaultCapacityProviderStrategy ?? [],
    ...(capacityProviders.length > 0 ? { attachmentsStatus: 'UPDATE_COMPLETE' } : {}),
    createdAt: ctx.now,
  };
}

export async function putCluster(tx: StoreTx, scope: Scope, record: ClusterRecord): Promise<void> {
  await tx.put('ecs.cluster', scope, { id: record.clusterName, name: record.clusterName, body: record });
}

/** What runs in a cluster, by launch type: the numbers DescribeClusters reports. */
export interface ClusterCounts {
  registeredContainerInstances: number;
  runningEC2Tasks: number;
  runningFargateTasks: number;
  pendingEC2Tasks: number;
  pendingFargateTasks: number;
  activeEC2Services: number;
  activeFargateServices: number;
  drainingEC2Services: number;
  drainingFargateServices: number;
}

/**
 * Where cluster counts come from. Tasks, services and container instances belong to other
 * resource families; each supplies its numbers through this interface, which main.ts wires.
 */
export interface ClusterWorkload {
  countsOf(tx: StoreTx, scope: Scope, clusterArn: string): Promise<ClusterCounts>;
}

const ZERO_COUNTS: ClusterCounts = Object.freeze({
  registeredContainerInstances: 0, runningEC2Tasks: 0, runningFargateTasks: 0, pendingEC2Tasks: 0, pendingFargateTasks: 0,
  activeEC2Services: 0, activeFargateServices: 0, drainingEC2Services: 0, drainingFargateServices: 0,
});

/** The workload while Berth serves no tasks, services or container instances: every count is 0. */
export const NO_WORKLOAD: ClusterWorkload = Object.freeze({ countsOf: async () => ZERO_COUNTS });

/** DescribeClusters `include: STATISTICS`: the counts "separated by launch type", in the order the SDK documents them. */
export function statisticsOf(counts: ClusterCounts): KeyValuePair[] {
  const entries: [string, number][] = [
    ['runningEC2TasksCount', counts.runningEC2Tasks],
    ['runningFargateTasksCount', counts.runningFargateTasks],
    ['pendingEC2TasksCount', counts.pendingEC2Tasks],
    ['pendingFargateTasksCount', counts.pendingFargateTasks],
    ['activeEC2ServiceCount', counts.activeEC2Services],
    ['activeFargateServiceCount', counts.activeFargateServices],
    ['drainingEC2ServiceCount', counts.drainingEC2Services],
    ['drainingFargateServiceCount', counts.drainingFargateServices],
  ];
  return entries.map(([name, value]) => ({ name, value: String(value) }));
}
