// How a service's deployments read as ECS service deployments (ListServiceDeployments,
// DescribeServiceDeployments): derived from the deployment records and the history each keeps
// (service-records.ts), never stored twice. A deployment started by CreateService or UpdateService is a
// service deployment; a circuit breaker's rollback belongs to the one that failed. Pure.
import type {
  DeploymentConfiguration, ServiceDeployment, ServiceDeploymentAlarms, ServiceDeploymentBrief, ServiceDeploymentCircuitBreaker,
  ServiceDeploymentStatus, ServiceRevisionSummary,
} from '@aws-sdk/client-ecs';
import { circuitBreakerThreshold } from './deployments.ts';
import type { DeploymentHistory, DeploymentRecord, ServiceRecord } from './service-records.ts';

/** Not verified: Berth's text for a deployment a newer one replaced before it finished. */
export const SUPERSEDED_REASON = 'A newer service deployment started before this one finished.';

/** Not verified: Berth's text for a deployment whose service was deleted before it finished. */
export const SERVICE_DELETED_REASON = 'The service was deleted before this service deployment finished.';

/** `arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<id>`, from the service's ARN. */
export function serviceDeploymentArn(serviceArn: string, id: string): string {
  return `${serviceArn.replace(':service/', ':service-deployment/')}/${id}`;
}

/** `arn:aws:ecs:<region>:<account>:service-revision/<cluster>/<service>/<id>`, from the service's ARN. */
export function serviceRevisionArn(serviceArn: string, revisionId: string): string {
  return `${serviceArn.replace(':service/', ':service-revision/')}/${revisionId}`;
}

/** A deployment record that keeps its history (records stored before Berth kept it have none). */
export type TrackedDeployment = DeploymentRecord & { history: DeploymentHistory };

function tracked(entry: DeploymentRecord): entry is TrackedDeployment {
  return entry.history !== undefined;
}

function time(date: Date | undefined): number {
  return date?.getTime() ?? 0;
}

/** Every deployment the service still keeps, with history: PRIMARY/ACTIVE ones first, then ended ones. */
export function trackedDeployments(record: ServiceRecord): TrackedDeployment[] {
  return [...record.deployments, ...record.pastDeployments].filter(tracked);
}

/** One service deployment: the deployment that started it, its rollbacks (newest first), and the one that replaced it. */
export interface ServiceDeploymentParts {
  origin: TrackedDeployment;
  rollbacks: TrackedDeployment[];
  successor?: TrackedDeployment;
}

/** The service's service deployments, newest first. */
export function serviceDeploymentParts(record: ServiceRecord): ServiceDeploymentParts[] {
  const all = trackedDeployments(record);
  const newestFirst = (a: TrackedDeployment, b: TrackedDeployment): number => time(b.deployment.createdAt) - time(a.deployment.createdAt);
  const origins = all.filter((d) => d.history.rollbackReason === undefined).sort(newestFirst);
  return origins.map((origin, index) => {
    const rollbacks = all
      .filter((d) => d.history.rollbackReason !== undefined && d.history.serviceDeploymentId === origin.history.serviceDeploymentId)
      .sort(newestFirst);
    const successor = index > 0 ? origins[index - 1] : undefined;
    return { origin, rollbacks, ...(successor ? { successor } : {}) };
  });
}

export interface DeploymentState {
  status: ServiceDeploymentStatus;
  statusReason?: string;
  finishedAt?: Date;
  stoppedAt?: Date;
}

/**
 * The service deployment's status from its deployments' rollout states (Developer Guide, "View service
 * history using Amazon ECS service deployments"): PENDING until the scheduler acts on it, IN_PROGRESS,
 * then SUCCESSFUL; a circuit breaker failure is STOPPED without a rollback ("the rollback option is not in
 * use … and the service fails", ServiceDeployment.stoppedAt), else ROLLBACK_IN_PROGRESS until the
 * rollback's own rollout ends in ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED. Berth never shows
 * ROLLBACK_REQUESTED: the rollback starts in the pass that trips the breaker. Not verified: that a
 * deployment replaced (or whose service is deleted) before it ends is STOPPED.
 */
export function deploymentState(parts: ServiceDeploymentParts, serviceActive: boolean, inactiveAt?: Date): DeploymentState {
  const { origin, rollbacks, successor } = parts;
  const d = origin.deployment;
  const interrupted = (): DeploymentState | undefined => {
    if (successor) {
      const at = successor.deployment.createdAt;
      return { status: 'STOPPED', statusReason: SUPERSEDED_REASON, ...(at ? { stoppedAt: at, finishedAt: at } : {}) };
    }
    if (!serviceActive) return { status: 'STOPPED', statusReason: SERVICE_DELETED_REASON, ...(inactiveAt ? { stoppedAt: inactiveAt, finishedAt: inactiveAt } : {}) };
    return undefined;
  };
  const finished = origin.history.finishedAt;
  if (d.rolloutState === 'COMPLETED') return { status: 'SUCCESSFUL', ...(finished ? { finishedAt: finished } : {}) };
  if (d.rolloutState === 'FAILED') {
    const reason = d.rolloutStateReason ?? '';
    const rollback = rollbacks[0];
    if (!rollback) return { status: 'STOPPED', statusReason: reason, ...(finished ? { stoppedAt: finished, finishedAt: finished } : {}) };
    const ended = rollback.history.finishedAt;
    if (rollback.deployment.rolloutState === 'COMPLETED') return { status: 'ROLLBACK_SUCCESSFUL', statusReason: reason, ...(ended ? { finishedAt: ended } : {}) };
    if (rollback.deployment.rolloutState === 'FAILED') return { status: 'ROLLBACK_FAILED', statusReason: reason, ...(ended ? { finishedAt: ended } : {}) };
    return interrupted() ?? { status: 'ROLLBACK_IN_PROGRESS', statusReason: reason };
  }
  return interrupted() ?? { status: origin.history.startedAt ? 'IN_PROGRESS' : 'PENDING' };
}

const ONGOING: ReadonlySet<ServiceDeploymentStatus> = new Set(['PENDING', 'IN_PROGRESS', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'STOP_REQUESTED']);

/** What a revision runs now across the service's current deployments (a rollback runs an older revision again). */
function revisionSummary(record: ServiceRecord, revisionId: string): ServiceRevisionSummary {
  const running = record.deployments.filter((d) => d.history?.revisionId === revisionId).map((d) => d.deployment);
  const sum = (pick: (d: (typeof running)[number]) => number | undefined): number => running.reduce((n, d) => n + (pick(d) ?? 0), 0);
  return {
    arn: serviceRevisionArn(record.service.serviceArn ?? '', revisionId),
    requestedTaskCount: sum((d) => d.desiredCount),
    runningTaskCount: sum((d) => d.runningCount),
    pendingTaskCount: sum((d) => d.pendingCount),
  };
}

function circuitBreakerView(record: ServiceRecord, parts: ServiceDeploymentParts, configuration: DeploymentConfiguration | undefined,
  status: ServiceDeploymentStatus): ServiceDeploymentCircuitBreaker {
  // The aws-cli example shows alarms that are off as `{ status: DISABLED }`; Berth shows an unused breaker the same way.
  if (configuration?.deploymentCircuitBreaker?.enable !== true) return { status: 'DISABLED' };
  const d = parts.origin.deployment;
  const monitor = d.rolloutState === 'FAILED' ? 'TRIGGERED' : ONGOING.has(status) ? 'MONITORING' : 'MONITORING_COMPLETE';
  return { status: monitor, failureCount: d.failedTasks ?? 0, threshold: circuitBreakerThreshold(record.service.desiredCount ?? 0) };
}

function alarmsView(configuration: DeploymentConfiguration | undefined, status: ServiceDeploymentStatus): ServiceDeploymentAlarms {
  const alarms = configuration?.alarms;
  if (alarms?.enable !== true) return { status: 'DISABLED' };
  // Berth stores alarms but never evaluates them (LIMITATIONS.md): none is ever triggered.
  return { status: ONGOING.has(status) ? 'MONITORING' : 'MONITORING_COMPLETE', alarmNames: alarms.alarmNames ?? [], triggeredAlarmNames: [] };
}

/** One service deployment as DescribeServiceDeployments shows it. */
export function serviceDeploymentView(record: ServiceRecord, parts: ServiceDeploymentParts): ServiceDeployment {
  const { origin, rollbacks } = parts;
  const serviceArn = record.service.serviceArn ?? '';
  const state = deploymentState(parts, record.status === 'ACTIVE', record.inactiveAt);
  const configuration = origin.history.deploymentConfiguration ?? record.service.deploymentConfiguration;
  const rollback = rollbacks[0];
  const stamps = [origin, ...rollbacks].map((d) => time(d.deployment.updatedAt)).concat(time(state.stoppedAt), time(state.finishedAt));
  const d = origin.deployment;
  return {
    serviceDeploymentArn: serviceDeploymentArn(serviceArn, origin.history.serviceDeploymentId),
    serviceArn,
    clusterArn: record.service.clusterArn ?? '',
    ...(d.createdAt ? { createdAt: d.createdAt } : {}),
    ...(origin.history.startedAt ? { startedAt: origin.history.startedAt } : {}),
    ...(state.finishedAt ? { finishedAt: state.finishedAt } : {}),
    ...(state.stoppedAt ? { stoppedAt: state.stoppedAt } : {}),
    updatedAt: new Date(Math.max(...stamps)),
    sourceServiceRevisions: (origin.history.sourceRevisionIds ?? []).map((id) => revisionSummary(record, id)),
    targetServiceRevision: {
      arn: serviceRevisionArn(serviceArn, origin.history.revisionId),
      requestedTaskCount: d.desiredCount ?? 0,
      runningTaskCount: d.runningCount ?? 0,
      pendingTaskCount: d.pendingCount ?? 0,
    },
    status: state.status,
    ...(state.statusReason !== undefined ? { statusReason: state.statusReason } : {}),
    ...(configuration ? { deploymentConfiguration: configuration } : {}),
    ...(rollback ? {
      rollback: {
        reason: rollback.history.rollbackReason ?? '',
        ...(rollback.deployment.createdAt ? { startedAt: rollback.deployment.createdAt } : {}),
        serviceRevisionArn: serviceRevisionArn(serviceArn, rollback.history.revisionId),
      },
    } : {}),
    deploymentCircuitBreaker: circuitBreakerView(record, parts, configuration, state.status),
    alarms: alarmsView(configuration, state.status),
  };
}

/** The service's service deployments as DescribeServiceDeployments shows them, newest first. */
export function serviceDeploymentViews(record: ServiceRecord): ServiceDeployment[] {
  return serviceDeploymentParts(record).map((parts) => serviceDeploymentView(record, parts));
}

/** The summary ListServiceDeployments answers. */
export function briefOf(full: ServiceDeployment): ServiceDeploymentBrief {
  return {
    serviceDeploymentArn: full.serviceDeploymentArn,
    serviceArn: full.serviceArn,
    clusterArn: full.clusterArn,
    ...(full.startedAt ? { startedAt: full.startedAt } : {}),
    ...(full.createdAt ? { createdAt: full.createdAt } : {}),
    ...(full.finishedAt ? { finishedAt: full.finishedAt } : {}),
    targetServiceRevisionArn: full.targetServiceRevision?.arn,
    status: full.status,
    ...(full.statusReason !== undefined ? { statusReason: full.statusReason } : {}),
  };
}
