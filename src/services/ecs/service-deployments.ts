// ECS service deployments and revisions as their own resources: ListServiceDeployments,
// DescribeServiceDeployments, DescribeServiceRevisions. Reads only: the answers are derived from the
// service's deployment records (service-deployments-view.ts, service-revisions.ts).
import type {
  DescribeServiceDeploymentsRequest, DescribeServiceDeploymentsResponse, DescribeServiceRevisionsRequest, DescribeServiceRevisionsResponse,
  Failure, ListServiceDeploymentsRequest, ListServiceDeploymentsResponse, ServiceDeployment, ServiceRevision,
} from '@aws-sdk/client-ecs';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { InvalidParameterException, ServiceNotFoundException } from './errors.ts';
import { pageLimit, pageOfList } from './pages.ts';
import { briefOf, serviceDeploymentViews } from './service-deployments-view.ts';
import { findServiceRevision, parseServiceChildArn, serviceOfRef } from './service-revisions.ts';
import { existingCluster, findService } from './services.ts';

/** DescribeServiceDeployments / DescribeServiceRevisions: "You can specify a maximum of 20 ARNs." (API reference). */
export const MAX_DESCRIBE_ARNS = 20;

/** ListServiceDeployments maxResults: "between 1 and 100 … If this parameter isn't used, … returns up to 20 results" (API reference). */
const LIST_MAX = 100;
const LIST_DEFAULT = 20;

/** The ARN list of a Describe call, within its documented bounds. Not verified: Berth's texts. */
export function describedArns(arns: readonly string[] | undefined, what: string): readonly string[] {
  const list = arns ?? [];
  if (list.length === 0) throw new InvalidParameterException(`${what} cannot be empty.`);
  if (list.length > MAX_DESCRIBE_ARNS) throw new InvalidParameterException(`You can specify up to ${MAX_DESCRIBE_ARNS} ${what}.`);
  return list;
}

/** Whether a service deployment passes ListServiceDeployments' filters (createdAt: after and before, exclusive, as the parameters name them). */
export function matchesFilters(sd: ServiceDeployment, input: Pick<ListServiceDeploymentsRequest, 'status' | 'createdAt'>): boolean {
  const statuses = input.status ?? [];
  if (statuses.length > 0 && (sd.status === undefined || !statuses.includes(sd.status))) return false;
  const created = sd.createdAt?.getTime() ?? 0;
  if (input.createdAt?.after && created <= input.createdAt.after.getTime()) return false;
  return !(input.createdAt?.before && created >= input.createdAt.before.getTime());
}

export function serviceDeploymentOperations(deps: ServiceDeps) {
  return {
    ListServiceDeployments: async (input: ListServiceDeploymentsRequest, ctx) => {
      const limit = pageLimit(input.maxResults, LIST_MAX, LIST_DEFAULT);
      return deps.store.read(async (tx) => {
        const cluster = await existingCluster(tx, ctx, input.cluster);
        const record = await findService(tx, ctx, cluster, input.service ?? '');
        if (!record) throw new ServiceNotFoundException();
        // Newest first, as the console lists them.
        const matching = serviceDeploymentViews(record).filter((sd) => matchesFilters(sd, input));
        const page = pageOfList(matching, (sd) => sd.serviceDeploymentArn ?? '', input.nextToken, limit);
        return { serviceDeployments: page.items.map(briefOf), ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}) };
      });
    },

    DescribeServiceDeployments: async (input: DescribeServiceDeploymentsRequest, ctx) => {
      const arns = describedArns(input.serviceDeploymentArns, 'service deployment ARNs');
      return deps.store.read(async (tx) => {
        const serviceDeployments: ServiceDeployment[] = [];
        const failures: Failure[] = [];
        for (const arn of arns) {
          const ref = parseServiceChildArn(arn, 'service-deployment', ctx);
          const record = ref ? await serviceOfRef(tx, ctx, ref) : undefined;
          const found = record ? serviceDeploymentViews(record).find((sd) => sd.serviceDeploymentArn === arn) : undefined;
          if (found) serviceDeployments.push(found);
          else failures.push({ arn, reason: 'MISSING' });
        }
        return { serviceDeployments, failures };
      });
    },

    DescribeServiceRevisions: async (input: DescribeServiceRevisionsRequest, ctx) => {
      const arns = describedArns(input.serviceRevisionArns, 'service revision ARNs');
      return deps.store.read(async (tx) => {
        const serviceRevisions: ServiceRevision[] = [];
        const failures: Failure[] = [];
        for (const arn of arns) {
          const found = await findServiceRevision(tx, ctx, arn);
          if (found) serviceRevisions.push(found);
          else failures.push({ arn, reason: 'MISSING' });
        }
        return { serviceRevisions, failures };
      });
    },
  } satisfies ServiceOperations<{
    ListServiceDeployments: [ListServiceDeploymentsRequest, ListServiceDeploymentsResponse];
    DescribeServiceDeployments: [DescribeServiceDeploymentsRequest, DescribeServiceDeploymentsResponse];
    DescribeServiceRevisions: [DescribeServiceRevisionsRequest, DescribeServiceRevisionsResponse];
  }>;
}
