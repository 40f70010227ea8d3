// The load balancer data plane: builds the LoadBalancerPlane main.ts hands to the load-balancer controller.
import type { LoadBalancerPlane, PlaneReport } from './plane.ts';

export type { LoadBalancerPlane } from './plane.ts';

export interface LoadBalancerPlaneOptions {
  log: (message: string) => void;
}

export function createLoadBalancerPlane(_options: LoadBalancerPlaneOptions): LoadBalancerPlane {
  const listeners: ((reports: PlaneReport[]) => void)[] = [];
  return {
    apply() { /* replaced by the data plane */ },
    onReports(listener) { listeners.push(listener); },
    async close() { /* nothing open yet */ },
  };
}
