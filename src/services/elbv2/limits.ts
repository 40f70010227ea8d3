// ELBv2's account quotas: DescribeAccountLimits, and the ones Berth enforces (load balancers, target
// groups, listeners, rules and targets), with the default values of the ALB/NLB user guides' quota pages.
import type { DescribeAccountLimitsInput, DescribeAccountLimitsOutput, Limit } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceOperations } from '../../aws/service.ts';
import { elbPage } from './paging.ts';

/** The default quotas, in the order DescribeAccountLimits lists them (API reference, Limit.Name). */
export const ACCOUNT_LIMITS = {
  'application-load-balancers': 50,
  'condition-values-per-alb-rule': 5,
  'condition-wildcards-per-alb-rule': 5,
  'gateway-load-balancers': 100,
  'gateway-load-balancers-per-vpc': 100,
  'geneve-target-groups': 100,
  'listeners-per-application-load-balancer': 50,
  'listeners-per-network-load-balancer': 50,
  'network-load-balancers': 50,
  'rules-per-application-load-balancer': 100,
  'target-groups': 3000,
  'target-groups-per-action-on-application-load-balancer': 5,
  'target-groups-per-action-on-network-load-balancer': 1,
  'target-groups-per-application-load-balancer': 100,
  'targets-per-application-load-balancer': 1000,
  'targets-per-availability-zone-per-gateway-load-balancer': 300,
  'targets-per-availability-zone-per-network-load-balancer': 500,
  'targets-per-network-load-balancer': 3000,
} as const;

export type LimitName = keyof typeof ACCOUNT_LIMITS;

export function limitOf(name: LimitName): number {
  return ACCOUNT_LIMITS[name];
}

export function limitOperations(): ServiceOperations<{ DescribeAccountLimits: [DescribeAccountLimitsInput, DescribeAccountLimitsOutput] }> {
  return {
    DescribeAccountLimits: async (input) => {
      const limits: Limit[] = Object.entries(ACCOUNT_LIMITS).map(([Name, Max]) => ({ Name, Max: String(Max) }));
      const page = elbPage(limits.map((item, seq) => ({ seq, item })), input.Marker, input.PageSize);
      return { Limits: page.items, NextMarker: page.nextMarker };
    },
  };
}
