// ECS capacity providers: FARGATE and FARGATE_SPOT, which every account has; the rules for
// associating providers with a cluster and for capacity provider strategies; and the
// Create/Update/DeleteCapacityProvider operations, which need EC2 Auto Scaling groups or ECS
// Managed Instances that Berth does not have (see LIMITATIONS.md).
import type {
  CapacityProvider,
  CapacityProviderStrategyItem,
  CapacityProviderType,
  CreateCapacityProviderRequest,
  CreateCapacityProviderResponse,
  DeleteCapacityProviderRequest,
  DeleteCapacityProviderResponse,
  DescribeCapacityProvidersRequest,
  DescribeCapacityProvidersResponse,
  Failure,
  UpdateCapacityProviderRequest,
  UpdateCapacityProviderResponse,
} from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { capacityProviderArn, capacityProviderNameOf, type EcsArn } from './arns.ts';
import { activeCluster } from './cluster-records.ts';
import { ClientException, InvalidParameterException, ResourceNotFoundException } from './errors.ts';
import { pageLimit, pageOfList } from './pages.ts';
import { readTags, type TaggableResource } from './tags.ts';

/** "The Fargate capacity providers are available to all accounts and only need to be associated with a cluster to be used." */
export const FARGATE_CAPACITY_PROVIDERS: readonly string[] = Object.freeze(['FARGATE', 'FARGATE_SPOT']);

/** Verified: ECS's ClientException for DeleteCapacityProvider on an unknown name (quoted in terraform-provider-aws). */
export const CAPACITY_PROVIDER_NOT_FOUND_MESSAGE = 'The specified capacity provider does not exist. Specify a valid name or ARN and try again.';

/** Verified: quoted from CreateCluster/CreateService failures in several infrastructure code bases. */
export const STRATEGY_NOT_ASSOCIATED_MESSAGE =
  'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster.';

function isFargateProvider(name: string): boolean {
  return FARGATE_CAPACITY_PROVIDERS.includes(name);
}

/** A built-in provider as DescribeCapacityProviders shows it (aws-cli example: ARN, name, status ACTIVE, tags). */
function fargateProviderView(ctx: RequestContext, name: string): CapacityProvider {
  return { capacityProviderArn: capacityProviderArn(ctx, name), name, status: 'ACTIVE', tags: [], type: name as CapacityProviderType };
}

/**
 * The providers CreateCluster/PutClusterCapacityProviders may associate, as short names without
 * duplicates. Only FARGATE and FARGATE_SPOT exist in Berth; any other name is unknown.
 */
export function associableCapacityProviders(refs: readonly string[], ctx: RequestContext): string[] {
  const names: string[] = [];
  for (const ref of refs) {
    const name = capacityProviderNameOf(ref, ctx);
    if (name === undefined || !isFargateProvider(name)) throw new InvalidParameterException(CAPACITY_PROVIDER_NOT_FOUND_MESSAGE);
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * A capacity provider strategy checked against the providers associated with the cluster, with
 * weight and base defaulted to 0 as DescribeClusters shows them. CapacityProviderStrategyItem:
 * "Only one capacity provider in a strategy can have a base defined"; weight 0 is allowed here
 * (RunTask and CreateService refuse strategies whose weights are all 0).
 */
export function normalizeStrategy(strategy: readonly CapacityProviderStrategyItem[], associated: readonly string[],
  ctx: RequestContext): CapacityProviderStrategyItem[] {
  const items = strategy.map((item) => {
    const name = capacityProviderNameOf(item.capacityProvider ?? '', ctx);
    if (name === undefined || !associated.includes(name)) throw new InvalidParameterException(STRATEGY_NOT_ASSOCIATED_MESSAGE);
    return { capacityProvider: name, weight: item.weight ?? 0, base: item.base ?? 0 };
  });
  if (items.filter((item) => item.base > 0).length > 1) {
    // Not verified: Berth's text for the documented rule.
    throw new InvalidParameterException('Only one capacity provider in a capacity provider strategy can have a base defined.');
  }
  return items;
}

/** Capacity providers as a taggable resource: FARGATE and FARGATE_SPOT, in every account. */
export const capacityProviderTaggable: TaggableResource = {
  resourceType: 'capacity-provider',
  async assertExists(_tx: StoreTx, arn: EcsArn) {
    if (!isFargateProvider(arn.resourceId)) throw new ResourceNotFoundException(CAPACITY_PROVIDER_NOT_FOUND_MESSAGE);
  },
};

/** CreateCapacityProvider `name`: "can't be prefixed with "aws", "ecs", or "fargate"" and up to 255 letters, numbers, underscores, hyphens. */
function assertNewProviderName(name: string): void {
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(name)) {
    // Not verified: Berth's text.
    throw new InvalidParameterException('Capacity provider name can have up to 255 characters: letters, numbers, underscores and hyphens.');
  }
  if (/^(aws|ecs|fargate)/i.test(name)) {
    // Not verified: Berth's text for the documented rule.
    throw new InvalidParameterException(`Capacity provider names can't be prefixed with "aws", "ecs", or "fargate": ${name}.`);
  }
}

export function capacityProviderOperations(deps: ServiceDeps) {
  return {
    DescribeCapacityProviders: async (input: DescribeCapacityProvidersRequest, ctx) => {
      const limit = pageLimit(input.maxResults, 10);
      const scope = regionalScope(ctx);
      return deps.store.read(async (tx) => {
        const associated = input.cluster !== undefined ? (await activeCluster(tx, ctx, input.cluster)).capacityProviders : undefined;
        const refs = input.capacityProviders ?? associated ?? FARGATE_CAPACITY_PROVIDERS;
        const found: CapacityProvider[] = [];
        const failures: Failure[] = [];
        for (const ref of refs) {
          const name = capacityProviderNameOf(ref, ctx);
          if (name !== undefined && isFargateProvider(name) && (associated === undefined || associated.includes(name))) {
            if (!found.some((p) => p.name === name)) found.push(fargateProviderView(ctx, name));
          } else {
            failures.push({ arn: ref.startsWith('arn:') ? ref : capacityProviderArn(ctx, ref), reason: 'MISSING' });
          }
        }
        const page = pageOfList(found, (p) => p.name ?? '', input.nextToken, limit);
        const withTags = input.include?.includes('TAGS') ?? false;
        const capacityProviders = await Promise.all(page.items.map(async (p) =>
          (withTags ? { ...p, tags: await readTags(tx, scope, p.capacityProviderArn ?? '') } : p)));
        return { capacityProviders, failures, nextToken: page.nextToken };
      });
    },

    CreateCapacityProvider: async (input: CreateCapacityProviderRequest) => {
      const name = input.name ?? '';
      assertNewProviderName(name);
      if (input.autoScalingGroupProvider) {
        throw new ClientException(`Berth has no EC2 Auto Scaling groups, so the Auto Scaling group '${input.autoScalingGroupProvider.autoScalingGroupArn ?? ''}' `
          + 'does not exist. Berth runs tasks on Fargate: use the FARGATE and FARGATE_SPOT capacity providers.');
      }
      if (input.managedInstancesProvider) {
        throw new ClientException('Berth does not provide Amazon ECS Managed Instances. Berth runs tasks on Fargate: '
          + 'use the FARGATE and FARGATE_SPOT capacity providers.');
      }
      // Not verified: Berth's text. The model makes both providers optional; one of them is needed.
      throw new InvalidParameterException('A capacity provider needs an autoScalingGroupProvider or a managedInstancesProvider.');
    },

    UpdateCapacityProvider: async (input: UpdateCapacityProviderRequest, ctx) => {
      const name = capacityProviderNameOf(input.name ?? '', ctx);
      if (name !== undefined && isFargateProvider(name)) {
        // Not verified: Berth's text. The Fargate providers have no settings to update.
        throw new InvalidParameterException('The FARGATE and FARGATE_SPOT capacity providers are reserved and can\'t be updated.');
      }
      throw new ClientException(CAPACITY_PROVIDER_NOT_FOUND_MESSAGE);
    },

    DeleteCapacityProvider: async (input: DeleteCapacityProviderRequest, ctx) => {
      const name = capacityProviderNameOf(input.capacityProvider ?? '', ctx);
      if (name !== undefined && isFargateProvider(name)) {
        // DeleteCapacityProvider: "The FARGATE and FARGATE_SPOT capacity providers are reserved and can't be deleted."
        throw new InvalidParameterException('The FARGATE and FARGATE_SPOT capacity providers are reserved and can\'t be deleted.');
      }
      throw new ClientException(CAPACITY_PROVIDER_NOT_FOUND_MESSAGE);
    },
  } satisfies ServiceOperations<{
    DescribeCapacityProviders: [DescribeCapacityProvidersRequest, DescribeCapacityProvidersResponse];
    CreateCapacityProvider: [CreateCapacityProviderRequest, CreateCapacityProviderResponse];
    UpdateCapacityProvider: [UpdateCapacityProviderRequest, UpdateCapacityProviderResponse];
    DeleteCapacityProvider: [DeleteCapacityProviderRequest, DeleteCapacityProviderResponse];
  }>;
}
