// ECS service revisions (DescribeServiceRevisions): the configuration a deployment launches tasks with
// (its DeploymentSpec), shown as a ServiceRevision. The revision a deployment introduces is named by its
// id's 19 digits; a rollback's deployment runs the revision it returns to again. Also the ARN parsing
// shared with the service deployment operations.
import type { ContainerImage, ServiceRevision } from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { StoreTx } from '../../store/store.ts';
import { regionalScope } from '../common/scope.ts';
import { isInScope, parseEcsArn } from './arns.ts';
import { ClientException } from './errors.ts';
import { serviceRevisionArn, trackedDeployments, type TrackedDeployment } from './service-deployments-view.ts';
import { INACTIVE_SERVICE_RETENTION_MS, serviceRecordId, type ServiceRecord } from './service-records.ts';
import { findTaskDefinition } from './task-definitions.ts';

/** A `service-deployment/<cluster>/<service>/<id>` or `service-revision/…` ARN of the caller's account and Region. */
export interface ServiceChildRef {
  clusterName: string;
  serviceName: string;
  id: string;
}

/** The parts of a service deployment or revision ARN; undefined for anything else. */
export function parseServiceChildArn(text: string, resourceType: 'service-deployment' | 'service-revision', ctx: RequestContext): ServiceChildRef | undefined {
  const arn = parseEcsArn(text);
  if (!arn || arn.resourceType !== resourceType || !isInScope(arn, ctx)) return undefined;
  const [clusterName, serviceName, id, ...rest] = arn.resourceId.split('/');
  if (!clusterName || !serviceName || !id || rest.length > 0) return undefined;
  return { clusterName, serviceName, id };
}

/** The service an ARN's cluster and service name point at, INACTIVE ones only while they are kept (as DescribeServices). */
export async function serviceOfRef(tx: StoreTx, ctx: RequestContext, ref: ServiceChildRef): Promise<ServiceRecord | undefined> {
  const record = await tx.get('ecs.service', regionalScope(ctx), serviceRecordId(ref.clusterName, ref.serviceName));
  if (record?.status === 'INACTIVE' && record.inactiveAt && ctx.now.getTime() - record.inactiveAt.getTime() > INACTIVE_SERVICE_RETENTION_MS) return undefined;
  return record;
}

/** The deployment that introduced a revision (else a rollback that runs it again), if the service still keeps one. */
export function revisionSource(record: ServiceRecord, revisionId: string): TrackedDeployment | undefined {
  const running = trackedDeployments(record).filter((d) => d.history.revisionId === revisionId);
  return running.find((d) => d.history.rollbackReason === undefined) ?? running[0];
}

/** The container images of a task definition revision; none when it can no longer be found. */
async function containerImages(tx: StoreTx, ctx: RequestContext, taskDefinition: string): Promise<ContainerImage[] | undefined> {
  try {
    const definition = await findTaskDefinition(tx, ctx, taskDefinition);
    return (definition.containerDefinitions ?? []).map((c) => ({ containerName: c.name, image: c.image }));
  } catch (error) {
    if (error instanceof ClientException) return undefined;
    throw error;
  }
}

/** A revision as DescribeServiceRevisions shows it (the API reference's example: a Fargate revision with its network configuration). */
export function serviceRevisionView(record: ServiceRecord, revisionId: string, source: TrackedDeployment, images: ContainerImage[] | undefined): ServiceRevision {
  const { spec, deployment } = source;
  return {
    serviceRevisionArn: serviceRevisionArn(record.service.serviceArn ?? '', revisionId),
    serviceArn: record.service.serviceArn ?? '',
    clusterArn: record.service.clusterArn ?? '',
    taskDefinition: spec.taskDefinition,
    ...(spec.capacityProviderStrategy !== undefined ? { capacityProviderStrategy: spec.capacityProviderStrategy } : {}),
    ...(spec.launchType !== undefined ? { launchType: spec.launchType } : {}),
    platformVersion: spec.platformVersion,
    platformFamily: deployment.platformFamily ?? 'Linux',
    loadBalancers: spec.loadBalancers,
    serviceRegistries: [],
    networkConfiguration: spec.networkConfiguration,
    ...(images !== undefined ? { containerImages: images } : {}),
    // Runtime Monitoring (GuardDuty) does not exist in Berth.
    guardDutyEnabled: false,
    ...(deployment.serviceConnectConfiguration ? { serviceConnectConfiguration: deployment.serviceConnectConfiguration } : {}),
    ...(deployment.createdAt ? { createdAt: deployment.createdAt } : {}),
  };
}

/** The revision an ARN names, or undefined (MISSING). */
export async function findServiceRevision(tx: StoreTx, ctx: RequestContext, arn: string): Promise<ServiceRevision | undefined> {
  const ref = parseServiceChildArn(arn, 'service-revision', ctx);
  if (!ref) return undefined;
  const record = await serviceOfRef(tx, ctx, ref);
  const source = record ? revisionSource(record, ref.id) : undefined;
  if (!record || !source) return undefined;
  return serviceRevisionView(record, ref.id, source, await containerImages(tx, ctx, source.spec.taskDefinition));
}
