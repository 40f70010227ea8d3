// Every ELBv2 write of its own kinds goes through here, so the store's lookup keys (name, parent) stay
// as records.ts documents them.
import type { Scope, StoreTx } from '../../store/store.ts';
import { idOf } from './arns.ts';
import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord } from './records.ts';

/** id = load balancer id, name = its name. */
export async function putLoadBalancer(tx: StoreTx, scope: Scope, record: LoadBalancerRecord): Promise<void> {
  const arn = record.loadBalancer.LoadBalancerArn ?? '';
  await tx.put('elbv2.load-balancer', scope, { id: idOf(arn), name: record.loadBalancer.LoadBalancerName ?? '', body: record });
}

/** id = target group id, name = its name. */
export async function putTargetGroup(tx: StoreTx, scope: Scope, record: TargetGroupRecord): Promise<void> {
  const arn = record.targetGroup.TargetGroupArn ?? '';
  await tx.put('elbv2.target-group', scope, { id: idOf(arn), name: record.targetGroup.TargetGroupName ?? '', body: record });
}

/** id = listener id, parent = load balancer ARN. */
export async function putListener(tx: StoreTx, scope: Scope, record: ListenerRecord): Promise<void> {
  const arn = record.listener.ListenerArn ?? '';
  await tx.put('elbv2.listener', scope, { id: idOf(arn), parent: record.listener.LoadBalancerArn ?? '', body: record });
}

/** id = rule id, parent = listener ARN, name = priority ('default' for the default rule). */
export async function putRule(tx: StoreTx, scope: Scope, listenerArn: string, record: RuleRecord): Promise<void> {
  const arn = record.rule.RuleArn ?? '';
  await tx.put('elbv2.rule', scope, { id: idOf(arn), parent: listenerArn, name: record.rule.Priority ?? '', body: record });
}
