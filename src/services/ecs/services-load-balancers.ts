// A service's loadBalancers checked as ECS checks them at CreateService and UpdateService: each names
// a target group of the caller's that exists, is associated with a load balancer and has target type
// ip (awsvpc tasks register their IP), and a container and port the task definition has.
import type { LoadBalancer, TaskDefinition } from '@aws-sdk/client-ecs';
import type { Scope, StoreTx } from '../../store/store.ts';
import { targetGroupIdOf } from '../elbv2/records.ts';
import { InvalidParameterException } from './errors.ts';

/** Verified (many public reports): a targetGroupArn that names no target group (ECS cannot read it). */
export const TARGET_GROUP_UNREADABLE_MESSAGE =
  'Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.';

/** Verified (Terraform reports): a target group no listener or rule forwards to yet. */
export function noLoadBalancerMessage(targetGroupArn: string): string {
  return `The target group with targetGroupArn ${targetGroupArn} does not have an associated load balancer.`;
}

/** Verified (public reports): an instance target group for an awsvpc task definition. */
export function instanceTargetTypeMessage(targetGroupArn: string): string {
  return `The provided target group ${targetGroupArn} has target type instance, which is incompatible with the awsvpc network mode specified in the task definition.`;
}

/** Verified: loadBalancers[].containerName not in the task definition. */
export function noSuchContainerMessage(name: string): string {
  return `The container ${name} does not exist in the task definition.`;
}

/** Verified: loadBalancers[].containerPort not among the container's port mappings. */
export function noSuchPortMessage(name: string, port: number): string {
  return `The container ${name} did not have a container port ${port} defined.`;
}

/** ECS allows at most 5 target groups per service (Developer Guide, "Registering multiple target groups with a service"). */
const MAX_TARGET_GROUPS = 5;

/** The checked load balancers, as the service and its tasks keep them (targetGroupArn, containerName, containerPort). */
export async function checkLoadBalancers(tx: StoreTx, scope: Scope, given: readonly LoadBalancer[] | undefined,
  definition: TaskDefinition): Promise<LoadBalancer[]> {
  const entries = given ?? [];
  if (entries.length > MAX_TARGET_GROUPS) {
    // Not verified: Berth's text for the documented limit.
    throw new InvalidParameterException(`A service can have at most ${MAX_TARGET_GROUPS} target groups.`);
  }
  const checked: LoadBalancer[] = [];
  for (const entry of entries) {
    if (entry.loadBalancerName !== undefined && entry.targetGroupArn === undefined) {
      // Not verified: the text. Fargate services attach to Application and Network Load Balancers through target groups only.
      throw new InvalidParameterException('Classic Load Balancers are not supported with the Fargate launch type; specify a targetGroupArn.');
    }
    const arn = entry.targetGroupArn ?? '';
    const record = arn.includes(':targetgroup/') ? await tx.get('elbv2.target-group', scope, targetGroupIdOf(arn)) : undefined;
    if (!record || record.targetGroup.TargetGroupArn !== arn) throw new InvalidParameterException(TARGET_GROUP_UNREADABLE_MESSAGE);
    if ((record.targetGroup.LoadBalancerArns ?? []).length === 0) throw new InvalidParameterException(noLoadBalancerMessage(arn));
    if (definition.networkMode === 'awsvpc' && record.targetGroup.TargetType !== 'ip') throw new InvalidParameterException(instanceTargetTypeMessage(arn));
    const name = entry.containerName ?? '';
    const container = (definition.containerDefinitions ?? []).find((c) => c.name === name);
    if (!container) throw new InvalidParameterException(noSuchContainerMessage(name));
    const port = entry.containerPort;
    if (port === undefined || !(container.portMappings ?? []).some((m) => m.containerPort === port)) {
      throw new InvalidParameterException(noSuchPortMessage(name, port ?? 0));
    }
    checked.push({ targetGroupArn: arn, containerName: name, containerPort: port });
  }
  return checked;
}
