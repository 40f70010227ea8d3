// Service deployments: their ids, how a new one starts, the texts ECS gives their rollout, the
// circuit breaker's threshold (ecs-behaviour.md §2), and the history each keeps for the service
// deployment and revision APIs. Pure functions; the service operations and the service scheduler both use them.
import type { Deployment, DeploymentConfiguration } from '@aws-sdk/client-ecs';
import type { IdSource } from '../../platform/ids.ts';
import type { DeploymentRecord, DeploymentSpec } from './service-records.ts';

/** 10^18: deployment ids are `ecs-svc/` and 19 digits (`ecs-svc/8646900195280463695`). */
const NINETEEN_DIGITS_MIN = 1_000_000_000_000_000_000n;

/** A fresh `ecs-svc/<19 digits>`. */
export function newDeploymentId(ids: IdSource): string {
  const value = ids.bytes(8).readBigUInt64BE(0) % (9n * NINETEEN_DIGITS_MIN);
  return `ecs-svc/${(NINETEEN_DIGITS_MIN + value).toString()}`;
}

/** rolloutStateReason while a deployment rolls out (a real DescribeServices answer). */
export function inProgressReason(deploymentId: string): string {
  return `ECS deployment ${deploymentId} in progress.`;
}

/** rolloutStateReason once it completed. */
export function completedReason(deploymentId: string): string {
  return `ECS deployment ${deploymentId} completed.`;
}

/** rolloutStateReason of a deployment the circuit breaker failed (real outputs, ecs-behaviour.md §2). */
export const CIRCUIT_BREAKER_FAILED_REASON = 'ECS deployment circuit breaker: tasks failed to start.';

/** rolloutStateReason of the PRIMARY deployment a rollback created (real outputs: it names the deployment it returns to). */
export function rollingBackReason(targetDeploymentId: string): string {
  return `ECS deployment circuit breaker: rolling back to deploymentId ${targetDeploymentId}.`;
}

/**
 * The circuit breaker's failure threshold: 0.5 × desiredCount rounded up, at least 3 and at most 200
 * (Developer Guide, "How the deployment circuit breaker detects failures": desired 1 → 3, 25 → 13, 400 → 200).
 */
export function circuitBreakerThreshold(desiredCount: number): number {
  return Math.min(200, Math.max(3, Math.ceil(desiredCount * 0.5)));
}

/**
 * A fresh service deployment id: 21 characters of the base64url alphabet, as ECS's
 * (`…:service-deployment/example-cluster/example-service/ejGvqq2ilnbKT9qj0vLJe`, aws-cli example).
 */
export function newServiceDeploymentId(ids: IdSource): string {
  return ids.bytes(16).toString('base64url').slice(0, 21);
}

/** The service revision a deployment introduces: its id's 19 digits (`…:service-revision/<cluster>/<service>/1485800978477494678`). */
export function revisionIdOf(deploymentId: string): string {
  return deploymentId.slice(deploymentId.indexOf('/') + 1);
}

/** A new PRIMARY deployment with a fresh id, IN_PROGRESS with no tasks yet: a service deployment of its own, a new service revision. */
export function newDeployment(ids: IdSource, now: Date, spec: DeploymentSpec, desiredCount: number): DeploymentRecord {
  const id = newDeploymentId(ids);
  const record = deploymentRecord(id, now, spec, desiredCount, inProgressReason(id));
  return { ...record, history: { serviceDeploymentId: newServiceDeploymentId(ids), revisionId: revisionIdOf(id) } };
}

/**
 * Completes the history of deployments stored for the first time: the revisions of the other deployments
 * (those it replaces) and the deployment configuration in force. Older entries are returned as they are.
 */
export function settleHistory(deployments: readonly DeploymentRecord[], configuration: DeploymentConfiguration | undefined): DeploymentRecord[] {
  return deployments.map((entry) => {
    const history = entry.history;
    if (!history || history.sourceRevisionIds !== undefined) return entry;
    const sources = deployments.filter((other) => other !== entry).flatMap((other) => (other.history ? [other.history.revisionId] : []));
    return {
      ...entry,
      history: {
        ...history,
        sourceRevisionIds: [...new Set(sources.filter((id) => id !== history.revisionId))],
        ...(configuration !== undefined ? { deploymentConfiguration: structuredClone(configuration) } : {}),
      },
    };
  });
}

/** Notes the first scheduler pass that acts on a deployment as PRIMARY (its service deployment leaves PENDING). */
export function markStarted(entry: DeploymentRecord, now: Date): void {
  if (entry.history && entry.history.startedAt === undefined) entry.history.startedAt = now;
}

/** Notes when a deployment's rollout left IN_PROGRESS. */
export function markFinished(entry: DeploymentRecord, now: Date): void {
  if (entry.history) entry.history.finishedAt = now;
}

/** A PRIMARY deployment `id`, IN_PROGRESS with no tasks yet, with the rolloutStateReason given. */
export function deploymentRecord(id: string, now: Date, spec: DeploymentSpec, desiredCount: number, rolloutStateReason: string): DeploymentRecord {
  const deployment: Deployment = {
    id,
    status: 'PRIMARY',
    taskDefinition: spec.taskDefinition,
    desiredCount,
    pendingCount: 0,
    runningCount: 0,
    failedTasks: 0,
    createdAt: now,
    updatedAt: now,
    ...(spec.launchType !== undefined ? { launchType: spec.launchType } : {}),
    ...(spec.capacityProviderStrategy !== undefined ? { capacityProviderStrategy: spec.capacityProviderStrategy } : {}),
    platformVersion: spec.platformVersion,
    platformFamily: 'Linux',
    networkConfiguration: spec.networkConfiguration,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason,
  };
  return { deployment, spec };
}
