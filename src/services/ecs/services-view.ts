// How services are shown and counted: the Service DescribeServices answers (deployments, events,
// tags), services as a taggable resource, and the cluster counts tasks and services supply together.
import type { Service } from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import { regionalScope } from '../common/scope.ts';
import type { EcsArn } from './arns.ts';
import type { ClusterCounts, ClusterWorkload } from './cluster-records.ts';
import { ResourceNotFoundException } from './errors.ts';
import { serviceEvents } from './service-events.ts';
import type { ServiceRecord } from './service-records.ts';
import { readTags, type TaggableResource } from './tags.ts';
import { taskCounts } from './tasks.ts';

/** A service as DescribeServices shows it; `tags` only when asked for (`include: TAGS`) or on a write. */
export async function serviceView(tx: StoreTx, scope: Scope, record: ServiceRecord, withTags: boolean): Promise<Service> {
  const arn = record.service.serviceArn ?? '';
  return {
    ...record.service,
    status: record.status,
    deployments: record.deployments.map((d) => d.deployment),
    events: await serviceEvents(tx, scope, arn),
    ...(withTags ? { tags: await readTags(tx, scope, arn) } : {}),
  };
}

/** Tasks and services of a cluster: every service Berth runs is a Fargate one. */
export const serviceWorkload: ClusterWorkload = Object.freeze({
  async countsOf(tx: StoreTx, scope: Scope, clusterArn: string): Promise<ClusterCounts> {
    return {
      registeredContainerInstances: 0, runningEC2Tasks: 0, pendingEC2Tasks: 0, activeEC2Services: 0, drainingEC2Services: 0,
      activeFargateServices: await tx.count('ecs.service', scope, { parent: clusterArn, state: 'ACTIVE' }),
      drainingFargateServices: await tx.count('ecs.service', scope, { parent: clusterArn, state: 'DRAINING' }),
      ...(await taskCounts(tx, scope, clusterArn)),
    };
  },
});

/** Services as a taggable resource: `service/<cluster>/<name>`, also an INACTIVE one while it is kept. */
export const serviceTaggable: TaggableResource = {
  resourceType: 'service',
  async assertExists(tx: StoreTx, arn: EcsArn, ctx: RequestContext) {
    const record = arn.resourceId.includes('/') ? await tx.get('ecs.service', regionalScope(ctx), arn.resourceId) : undefined;
    // Not verified: the text, in the form tags.ts uses for other missing ECS resources.
    if (!record) throw new ResourceNotFoundException('The specified service does not exist in this account and Region.');
  },
};
