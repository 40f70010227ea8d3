// What goes with a listener when it is deleted (DeleteListener, DeleteLoadBalancer): its rules and the
// tags, certificate list and attributes. Returns the target groups they forwarded to, whose
// LoadBalancerArns must be refreshed.
import type { Scope, StoreTx } from '../../store/store.ts';
import { idOf } from './arns.ts';
import { targetGroupsOf } from './lookups.ts';
import type { ListenerRecord } from './records.ts';
import { deleteTags } from './tags.ts';

export async function removeListener(tx: StoreTx, scope: Scope, record: ListenerRecord): Promise<string[]> {
  const arn = record.listener.ListenerArn ?? '';
  const groups = new Set(targetGroupsOf(record.listener.DefaultActions));
  for (const row of await tx.list('elbv2.rule', scope, { parent: arn })) {
    for (const group of targetGroupsOf(row.body.rule.Actions)) groups.add(group);
    await tx.delete('elbv2.rule', scope, row.id);
    await deleteTags(tx, scope, row.body.rule.RuleArn ?? '');
  }
  await tx.delete('elbv2.listener', scope, idOf(arn));
  await tx.delete('elbv2.listener-certificates', scope, idOf(arn));
  await tx.delete('elbv2.listener-attributes', scope, idOf(arn));
  await deleteTags(tx, scope, arn);
  return [...groups];
}
