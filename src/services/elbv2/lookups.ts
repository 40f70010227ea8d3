// Finding ELBv2 resources by ARN in the store, with AWS's not-found errors, and who uses a target group.
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scope, StoreTx } from '../../store/store.ts';
import { idOf } from './arns.ts';
import {
  ListenerNotFoundException, LoadBalancerNotFoundException, RuleNotFoundException, TargetGroupNotFoundException,
} from './errors.ts';
import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord } from './records.ts';
import { putTargetGroup } from './writes.ts';

export async function findLoadBalancer(tx: StoreTx, scope: Scope, arn: string): Promise<LoadBalancerRecord | undefined> {
  const record = await tx.get('elbv2.load-balancer', scope, idOf(arn));
  return record?.loadBalancer.LoadBalancerArn === arn ? record : undefined;
}

export async function requireLoadBalancer(tx: StoreTx, scope: Scope, arn: string): Promise<LoadBalancerRecord> {
  const record = await findLoadBalancer(tx, scope, arn);
  if (!record) throw new LoadBalancerNotFoundException();
  return record;
}

export async function findTargetGroup(tx: StoreTx, scope: Scope, arn: string): Promise<TargetGroupRecord | undefined> {
  const record = await tx.get('elbv2.target-group', scope, idOf(arn));
  return record?.targetGroup.TargetGroupArn === arn ? record : undefined;
}

/** `message`: AWS words a missing group named in an action "Target group '<arn>' not found". */
export async function requireTargetGroup(tx: StoreTx, scope: Scope, arn: string, message?: string): Promise<TargetGroupRecord> {
  const record = await findTargetGroup(tx, scope, arn);
  if (!record) throw new TargetGroupNotFoundException(message);
  return record;
}

export async function requireListener(tx: StoreTx, scope: Scope, arn: string): Promise<ListenerRecord> {
  const record = await tx.get('elbv2.listener', scope, idOf(arn));
  if (record?.listener.ListenerArn !== arn || !record) throw new ListenerNotFoundException();
  return record;
}

export async function requireRule(tx: StoreTx, scope: Scope, arn: string): Promise<RuleRecord> {
  const record = await tx.get('elbv2.rule', scope, idOf(arn));
  if (record?.rule.RuleArn !== arn || !record) throw new RuleNotFoundException();
  return record;
}

/** The target groups an action list sends traffic to (TargetGroupArn and ForwardConfig's groups). */
export function targetGroupsOf(actions: readonly Action[] | undefined): string[] {
  const arns = new Set<string>();
  for (const action of actions ?? []) {
    if (action.TargetGroupArn) arns.add(action.TargetGroupArn);
    for (const group of action.ForwardConfig?.TargetGroups ?? []) if (group.TargetGroupArn) arns.add(group.TargetGroupArn);
  }
  return [...arns];
}

/** The load balancer a listener ARN belongs to (`…:listener/app/n/lbid/lid` → `…:loadbalancer/app/n/lbid`). */
export function loadBalancerArnOfListener(listenerArn: string): string {
  return listenerArn.slice(0, listenerArn.lastIndexOf('/')).replace(':listener/', ':loadbalancer/');
}

/** The listener a rule ARN belongs to (`…:listener-rule/app/n/lbid/lid/rid` → `…:listener/app/n/lbid/lid`). */
export function listenerArnOfRule(ruleArn: string): string {
  return ruleArn.slice(0, ruleArn.lastIndexOf('/')).replace(':listener-rule/', ':listener/');
}

/**
 * The load balancers whose listeners or rules forward to each target group: what DescribeTargetGroups
 * shows as LoadBalancerArns, and what makes a group "in use" (DeleteTargetGroup, DescribeTargetHealth).
 */
export async function loadBalancersByTargetGroup(tx: StoreTx, scope: Scope): Promise<Map<string, Set<string>>> {
  const uses = new Map<string, Set<string>>();
  const note = (groups: string[], loadBalancerArn: string) => {
    for (const group of groups) {
      const set = uses.get(group) ?? new Set<string>();
      set.add(loadBalancerArn);
      uses.set(group, set);
    }
  };
  for (const row of await tx.list('elbv2.listener', scope)) {
    note(targetGroupsOf(row.body.listener.DefaultActions), row.body.listener.LoadBalancerArn ?? '');
  }
  for (const row of await tx.list('elbv2.rule', scope)) {
    if (row.body.rule.IsDefault === true) continue;
    note(targetGroupsOf(row.body.rule.Actions), loadBalancerArnOfListener(row.parent));
  }
  return uses;
}

/**
 * Rewrites LoadBalancerArns on the given target groups from the listeners and rules that now forward to
 * them; called in the same transaction after any listener or rule change.
 */
export async function refreshTargetGroupAssociations(tx: StoreTx, scope: Scope, targetGroupArns: Iterable<string>): Promise<void> {
  const uses = await loadBalancersByTargetGroup(tx, scope);
  for (const arn of new Set(targetGroupArns)) {
    const record = await findTargetGroup(tx, scope, arn);
    if (!record) continue;
    const loadBalancerArns = [...(uses.get(arn) ?? [])].sort();
    await putTargetGroup(tx, scope, { ...record, targetGroup: { ...record.targetGroup, LoadBalancerArns: loadBalancerArns } });
  }
}
