// DescribeTargetHealth: each target's state as ELBv2 reports it, from its registration (draining), whether
// any listener uses its group (unused), and what the data plane observed ('elbv2.target-health', written by
// the load-balancer controller): initial, healthy or unhealthy, with AWS's reason codes and descriptions.
import type {
  DescribeTargetHealthInput, DescribeTargetHealthOutput, TargetHealth, TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { loadBalancersByTargetGroup, requireTargetGroup } from './lookups.ts';
import { targetKey, type TargetHealthRecord, type TargetRecord } from './records.ts';

/** The reason codes and descriptions AWS gives (TargetHealth in the ELBv2 API reference; texts as AWS's console and CLI show them). */
export const TARGET_HEALTH_REASONS = {
  registering: { Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' },
  draining: { Reason: 'Target.DeregistrationInProgress', Description: 'Target deregistration is in progress' },
  notInUse: { Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' },
  notRegistered: { Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' },
  // Not verified: the description.
  healthCheckDisabled: { Reason: 'Target.HealthCheckDisabled', Description: 'Health checks are disabled' },
} as const;

/** One registered target's health, in the order of precedence ELBv2 reports: draining, unused, unavailable, then observed. */
export function targetHealthOf(target: TargetRecord, observed: TargetHealthRecord | undefined, inUse: boolean, healthChecks: boolean): TargetHealth {
  if (target.state === 'draining') return { State: 'draining', ...TARGET_HEALTH_REASONS.draining };
  if (!inUse) return { State: 'unused', ...TARGET_HEALTH_REASONS.notInUse };
  if (!healthChecks) return { State: 'unavailable', ...TARGET_HEALTH_REASONS.healthCheckDisabled };
  if (!observed) return { State: 'initial', ...TARGET_HEALTH_REASONS.registering };
  if (observed.state === 'healthy') return { State: 'healthy' };
  if (observed.state === 'initial') {
    return { State: 'initial', Reason: (observed.reasonCode ?? TARGET_HEALTH_REASONS.registering.Reason) as TargetHealth['Reason'], Description: observed.description ?? TARGET_HEALTH_REASONS.registering.Description };
  }
  return {
    State: 'unhealthy',
    ...(observed.reasonCode !== undefined ? { Reason: observed.reasonCode as TargetHealth['Reason'] } : {}),
    ...(observed.description !== undefined ? { Description: observed.description } : {}),
  };
}

export function targetHealthOperations(deps: ServiceDeps): ServiceOperations<{
  DescribeTargetHealth: [DescribeTargetHealthInput, DescribeTargetHealthOutput];
}> {
  const { store } = deps;
  return {
    DescribeTargetHealth: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const groupArn = input.TargetGroupArn ?? '';
      const descriptions = await store.read(async (tx) => {
        const group = await requireTargetGroup(tx, scope, groupArn);
        const inUse = (await loadBalancersByTargetGroup(tx, scope)).has(groupArn);
        const healthChecks = group.targetGroup.HealthCheckEnabled !== false;
        const registered = (await tx.list('elbv2.target', scope, { parent: groupArn })).map((row) => row.body);
        const health = new Map((await tx.list('elbv2.target-health', scope, { parent: groupArn })).map((row) => [row.id, row.body]));
        const healthCheckPort = (port: number) => (group.targetGroup.HealthCheckPort === 'traffic-port' || group.targetGroup.HealthCheckPort === undefined
          ? String(port) : group.targetGroup.HealthCheckPort);
        const describe = (target: TargetRecord): TargetHealthDescription => ({
          Target: { Id: target.id, Port: target.port, ...(target.availabilityZone !== undefined ? { AvailabilityZone: target.availabilityZone } : {}) },
          HealthCheckPort: healthCheckPort(target.port),
          TargetHealth: targetHealthOf(target, health.get(targetKey(groupArn, target.id, target.port)), inUse, healthChecks),
        });
        const wanted = input.Targets ?? [];
        if (wanted.length === 0) return registered.map(describe);
        const out: TargetHealthDescription[] = [];
        for (const target of wanted) {
          const matches = registered.filter((r) => r.id === target.Id && (target.Port === undefined || r.port === target.Port));
          if (matches.length > 0) {
            out.push(...matches.map(describe));
            continue;
          }
          const port = target.Port ?? group.targetGroup.Port ?? 0;
          out.push({
            Target: { Id: target.Id, Port: port, ...(target.AvailabilityZone !== undefined ? { AvailabilityZone: target.AvailabilityZone } : {}) },
            HealthCheckPort: healthCheckPort(port),
            TargetHealth: { State: 'unused', ...TARGET_HEALTH_REASONS.notRegistered },
          });
        }
        return out;
      });
      return { TargetHealthDescriptions: descriptions };
    },
  };
}
