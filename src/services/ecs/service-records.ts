// What the store keeps for an ECS service: the Service as DescribeServices shows it (without its
// events, which are their own records, service-events.ts), its deployments with the configuration each
// one launches tasks with, and the scheduler's own bookkeeping (which stopped tasks it has accounted
// for, launch backoff). The operations (services.ts) write intent; the service scheduler
// (src/controllers/service-scheduler/) writes counts, deployment states and bookkeeping back.
import type {
  CapacityProviderStrategyItem, Deployment, DeploymentConfiguration, LaunchType, LoadBalancer, NetworkConfiguration, Service,
} from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import { recordTaskScope } from './task-scopes.ts';
import { ecsArn } from './arns.ts';
import { settleHistory } from './deployments.ts';

/** What a deployment launches its tasks with (a rollback copies it from the deployment it returns to). */
export interface DeploymentSpec {
  taskDefinition: string;
  launchType?: LaunchType;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  platformVersion: string;
  networkConfiguration: NetworkConfiguration;
  loadBalancers: LoadBalancer[];
}

/**
 * What ListServiceDeployments, DescribeServiceDeployments and DescribeServiceRevisions need beyond
 * `deployment` (service-deployments-view.ts derives their answers from it). A deployment started by
 * CreateService or UpdateService carries out a service deployment of its own and runs a new service
 * revision; a circuit breaker's rollback carries out the failed one's and runs the revision it returns to.
 */
export interface DeploymentHistory {
  /** The service deployment it carries out: the last part of its ARN (21 characters). */
  serviceDeploymentId: string;
  /** The service revision it runs: the last part of its ARN (the 19 digits of the deployment that introduced it). */
  revisionId: string;
  /** Set on a rollback's deployment: why it started (its rolloutStateReason then). */
  rollbackReason?: string;
  /** The revisions running when it was first stored (the other PRIMARY and ACTIVE deployments); putServiceRecord fills it. */
  sourceRevisionIds?: string[];
  /** The service's deployment configuration when it was first stored; putServiceRecord fills it. */
  deploymentConfiguration?: DeploymentConfiguration;
  /** When the scheduler first acted on it as PRIMARY (the service deployment is PENDING before). */
  startedAt?: Date;
  /** When its rollout left IN_PROGRESS (COMPLETED or FAILED). */
  finishedAt?: Date;
}

export interface DeploymentRecord {
  /** Exactly what DescribeServices shows of it (id, status, counts, rolloutState…). */
  deployment: Deployment;
  spec: DeploymentSpec;
  /** Absent on deployments stored before Berth kept it (and in scheduler test fixtures). */
  history?: DeploymentHistory;
}

export type ServiceStatus = 'ACTIVE' | 'DRAINING' | 'INACTIVE';

export interface ServiceRecord {
  /** What DescribeServices answers, without `deployments`, `events` and `tags` (the view adds them). */
  service: Service;
  status: ServiceStatus;
  /** Newest first: PRIMARY, then ACTIVE ones. INACTIVE deployments move to `pastDeployments`. */
  deployments: DeploymentRecord[];
  /** Deployments that ended (INACTIVE), newest first, the last few only: the rollback target is found here too. */
  pastDeployments: DeploymentRecord[];
  /** Bumped on every write: the scheduler applies a plan only to the generation it planned from. */
  generation: number;
  /** Stopped service tasks the scheduler has already counted (circuit breaker, backoff, events). */
  accountedTasks: string[];
  /** Consecutive tasks that stopped without reaching RUNNING (launch throttling, ecs-behaviour.md §2). */
  startFailures: number;
  /** No launches before this time while throttled. */
  launchNotBefore?: Date;
  /** When "has reached a steady state." was last said (it is said again every 6 hours while steady). */
  steadyEventAt?: Date;
  /** When the service became INACTIVE (it stays describable for about an hour). */
  inactiveAt?: Date;
  /** CreateService's clientToken. */
  clientToken?: string;
  /** The Service Connect namespace the service names (ListServicesByNamespace). */
  namespace?: string;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    /** id = `<cluster name>/<service name>`, parent = cluster ARN, name = service name, state = status. */
    'ecs.service': ServiceRecord;
  }
}

/** DescribeServices: "after a service is deleted it stays describable as INACTIVE for about an hour" (API reference). */
export const INACTIVE_SERVICE_RETENTION_MS = 60 * 60_000;

/** How many ended deployments a service keeps. */
export const PAST_DEPLOYMENTS_KEPT = 10;

/** `arn:aws:ecs:<region>:<account>:service/<cluster>/<name>` (the long form ECS uses since 2021). */
export function serviceArn(ctx: RequestContext, clusterName: string, serviceName: string): string {
  return ecsArn(ctx, `service/${clusterName}/${serviceName}`);
}

export function serviceRecordId(clusterName: string, serviceName: string): string {
  return `${clusterName}/${serviceName}`;
}

/** The cluster and service names in a service ARN (`…:service/<cluster>/<name>`). */
export function serviceIdOfArn(arn: string): string {
  const at = arn.indexOf(':service/');
  return at < 0 ? '' : arn.slice(at + ':service/'.length);
}

/**
 * Every writer of 'ecs.service' goes through here: keeps the lookup keys right, bumps the generation,
 * and completes a new deployment's history at its first write (its source revisions and configuration).
 */
export async function putServiceRecord(tx: StoreTx, scope: Scope, record: ServiceRecord): Promise<ServiceRecord> {
  const clusterName = (record.service.clusterArn ?? '').split('/').pop() ?? '';
  const deployments = settleHistory(record.deployments, record.service.deploymentConfiguration);
  const stored: ServiceRecord = { ...record, deployments, generation: record.generation + 1 };
  // The scheduler looks for services in the scopes that hold tasks.
  await recordTaskScope(tx, scope);
  await tx.put('ecs.service', scope, {
    id: serviceRecordId(clusterName, record.service.serviceName ?? ''),
    parent: record.service.clusterArn ?? '',
    name: record.service.serviceName ?? '',
    state: record.status,
    body: stored,
  });
  return stored;
}

/** The PRIMARY deployment (the newest one). */
export function primaryDeployment(record: ServiceRecord): DeploymentRecord | undefined {
  return record.deployments[0];
}
