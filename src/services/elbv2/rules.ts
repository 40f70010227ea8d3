// Listener rules: CreateRule, DescribeRules, ModifyRule, DeleteRule and SetRulePriorities. Priorities are
// unique per listener (1–50000); the default rule (IsDefault, priority "default") follows the listener.
import type {
  CreateRuleInput, CreateRuleOutput, DeleteRuleInput, DeleteRuleOutput, DescribeRulesInput, DescribeRulesOutput, ModifyRuleInput,
  ModifyRuleOutput, Rule, SetRulePrioritiesInput, SetRulePrioritiesOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { checkActions, type ActionSite } from './actions.ts';
import { idOf, newElbId, ruleArn } from './arns.ts';
import { checkConditions } from './conditions.ts';
import {
  InvalidConfigurationRequestException, OperationNotPermittedException, PriorityInUseException,
  TooManyRulesException, ValidationError,
} from './errors.ts';
import { limitOf } from './limits.ts';
import { listenerArnOfRule, refreshTargetGroupAssociations, requireListener, requireLoadBalancer, requireRule, targetGroupsOf } from './lookups.ts';
import { elbPage } from './paging.ts';
import type { ListenerRecord } from './records.ts';
import { addTags, checkTags, deleteTags } from './tags.ts';
import { putRule } from './writes.ts';

/** Verified (hashicorp/terraform #24239, stelligent/mu #324): "Priority '26' is currently in use". */
function priorityInUse(priority: number | string): PriorityInUseException {
  return new PriorityInUseException(`Priority '${priority}' is currently in use`);
}

/** Where a listener's rules send traffic; Network Load Balancer listeners have only their default rule. */
async function siteOf(tx: StoreTx, scope: Scope, listener: ListenerRecord): Promise<ActionSite> {
  const loadBalancerArn = listener.listener.LoadBalancerArn ?? '';
  const lb = await requireLoadBalancer(tx, scope, loadBalancerArn);
  // Not verified: the wording; rules are an Application Load Balancer feature.
  if (lb.loadBalancer.Type === 'network') throw new InvalidConfigurationRequestException('Rules are not supported for Network Load Balancer listeners');
  return { loadBalancerArn, loadBalancerType: 'application', listenerProtocol: listener.listener.Protocol ?? '' };
}

/** Rules in evaluation order: ascending priority, the default rule last. */
function byPriority(a: Rule, b: Rule): number {
  const rank = (rule: Rule) => (rule.IsDefault === true ? Number.MAX_SAFE_INTEGER : Number(rule.Priority));
  return rank(a) - rank(b);
}

export function ruleOperations(deps: ServiceDeps): ServiceOperations<{
  CreateRule: [CreateRuleInput, CreateRuleOutput];
  DescribeRules: [DescribeRulesInput, DescribeRulesOutput];
  ModifyRule: [ModifyRuleInput, ModifyRuleOutput];
  DeleteRule: [DeleteRuleInput, DeleteRuleOutput];
  SetRulePriorities: [SetRulePrioritiesInput, SetRulePrioritiesOutput];
}> {
  const { store, ids } = deps;
  const changed = () => deps.taskEvents?.changed();
  return {
    CreateRule: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const listenerArn = input.ListenerArn ?? '';
      const priority = input.Priority ?? 0;
      const conditions = checkConditions(input.Conditions);
      const tags = checkTags(input.Tags);
      const rule = await store.write(async (tx) => {
        const listener = await requireListener(tx, scope, listenerArn);
        const site = await siteOf(tx, scope, listener);
        if ((await tx.list('elbv2.rule', scope, { parent: listenerArn, name: String(priority), limit: 1 })).length > 0) throw priorityInUse(priority);
        const listeners = await tx.list('elbv2.listener', scope, { parent: site.loadBalancerArn });
        let count = 0;
        for (const row of listeners) count += await tx.count('elbv2.rule', scope, { parent: row.body.listener.ListenerArn ?? '' }) - 1;
        const quota = limitOf('rules-per-application-load-balancer');
        // Not verified: the wording; the code and the default quota (not counting default rules) are AWS's.
        if (count >= quota) throw new TooManyRulesException(`You have reached the maximum number of rules for load balancer '${site.loadBalancerArn}' (${quota})`);
        const actions = await checkActions(tx, scope, input.Actions, site);
        const created: Rule = { RuleArn: ruleArn(listenerArn, newElbId(ids)), Priority: String(priority), Conditions: conditions, Actions: actions, IsDefault: false };
        await putRule(tx, scope, listenerArn, { rule: created });
        await refreshTargetGroupAssociations(tx, scope, targetGroupsOf(actions));
        await addTags(tx, scope, created.RuleArn ?? '', tags);
        return created;
      });
      changed();
      return { Rules: [rule] };
    },

    DescribeRules: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const arns = input.RuleArns ?? [];
      const rules = await store.read(async (tx) => {
        if (input.ListenerArn !== undefined) {
          await requireListener(tx, scope, input.ListenerArn);
          return (await tx.list('elbv2.rule', scope, { parent: input.ListenerArn })).map((row) => row.body.rule);
        }
        // Not verified: the wording; AWS needs one or the other.
        if (arns.length === 0) throw new ValidationError('You must specify either listener rule ARNs or a listener ARN');
        const found: Rule[] = [];
        for (const arn of arns) found.push((await requireRule(tx, scope, arn)).rule);
        return found;
      });
      const selected = (arns.length > 0 ? rules.filter((rule) => arns.includes(rule.RuleArn ?? '')) : rules).sort(byPriority);
      const page = elbPage(selected.map((item, seq) => ({ seq, item })), input.Marker, input.PageSize);
      return { Rules: page.items, NextMarker: page.nextMarker };
    },

    ModifyRule: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const arn = input.RuleArn ?? '';
      // Not verified: the wording (moto's).
      if (input.Conditions === undefined && input.Actions === undefined) throw new ValidationError('Either conditions or actions must be specified');
      const conditions = input.Conditions !== undefined ? checkConditions(input.Conditions) : undefined;
      const rule = await store.write(async (tx) => {
        const record = await requireRule(tx, scope, arn);
        // Not verified: the wording; a listener's default actions change with ModifyListener.
        if (record.rule.IsDefault === true) throw new OperationNotPermittedException('The default rule cannot be modified; use ModifyListener to change the default actions');
        const listenerArn = listenerArnOfRule(arn);
        const listener = await requireListener(tx, scope, listenerArn);
        const site = await siteOf(tx, scope, listener);
        const actions = input.Actions !== undefined ? await checkActions(tx, scope, input.Actions, site) : record.rule.Actions ?? [];
        const next: Rule = { ...record.rule, Conditions: conditions ?? record.rule.Conditions ?? [], Actions: actions };
        await putRule(tx, scope, listenerArn, { rule: next });
        await refreshTargetGroupAssociations(tx, scope, [...targetGroupsOf(record.rule.Actions), ...targetGroupsOf(actions)]);
        return next;
      });
      changed();
      return { Rules: [rule] };
    },

    DeleteRule: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const arn = input.RuleArn ?? '';
      await store.write(async (tx) => {
        const record = await requireRule(tx, scope, arn);
        // Not verified: the wording; the default rule goes only with its listener.
        if (record.rule.IsDefault === true) throw new OperationNotPermittedException('The default rule cannot be deleted');
        await tx.delete('elbv2.rule', scope, idOf(arn));
        await deleteTags(tx, scope, arn);
        await refreshTargetGroupAssociations(tx, scope, targetGroupsOf(record.rule.Actions));
      });
      changed();
      return {};
    },

    SetRulePriorities: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const requested = input.RulePriorities ?? [];
      const rules = await store.write(async (tx) => {
        const moves: { rule: Rule; listenerArn: string; priority: number }[] = [];
        for (const entry of requested) {
          const arn = entry.RuleArn ?? '';
          const record = await requireRule(tx, scope, arn);
          if (record.rule.IsDefault === true) throw new OperationNotPermittedException('The default rule priority cannot be changed');
          const listenerArn = listenerArnOfRule(arn);
          moves.push({ rule: record.rule, listenerArn, priority: entry.Priority ?? 0 });
        }
        for (const move of moves) {
          const same = moves.filter((other) => other.listenerArn === move.listenerArn && other.priority === move.priority);
          // Not verified: the wording (moto's).
          if (same.length > 1) throw new ValidationError(`Priority '${move.priority}' was provided multiple times`);
          const holders = await tx.list('elbv2.rule', scope, { parent: move.listenerArn, name: String(move.priority) });
          // A rule that keeps its priority, or moves away in this same request, does not hold it.
          if (holders.some((row) => !moves.some((other) => other.rule.RuleArn === row.body.rule.RuleArn))) throw priorityInUse(move.priority);
        }
        const updated: Rule[] = [];
        for (const move of moves) {
          const next = { ...move.rule, Priority: String(move.priority) };
          await putRule(tx, scope, move.listenerArn, { rule: next });
          updated.push(next);
        }
        return updated;
      });
      changed();
      return { Rules: rules };
    },
  };
}

