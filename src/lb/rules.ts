// A listener's rules, compiled once per configuration: evaluated in ascending priority, the first whose
// conditions all match wins; when none does, the listener's default actions apply (ALB "Listener rules").
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { PlaneListener } from './plane.ts';
import { compileConditions, type ConditionMatcher, type RequestFacts } from './conditions.ts';

export interface CompiledRule {
  arn: string;
  priority: number;
  matches: ConditionMatcher;
  actions: Action[];
}

export interface CompiledRules {
  rules: CompiledRule[];
  defaultActions: Action[];
}

export function compileRules(listener: Pick<PlaneListener, 'rules' | 'defaultActions'>): CompiledRules {
  const rules = listener.rules
    .map((rule) => ({ arn: rule.arn, priority: rule.priority, matches: compileConditions(rule.conditions), actions: rule.actions }))
    .sort((a, b) => a.priority - b.priority);
  return { rules, defaultActions: listener.defaultActions };
}

/** The actions for a request, and the rule that chose them (undefined: the default rule). */
export function matchRule(compiled: CompiledRules, request: RequestFacts): { actions: Action[]; ruleArn?: string } {
  for (const rule of compiled.rules) {
    if (rule.matches(request)) return { actions: rule.actions, ruleArn: rule.arn };
  }
  return { actions: compiled.defaultActions };
}
