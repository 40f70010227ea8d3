// What a rule's actions ask for, reduced to the one outcome the listener carries out. ALB runs actions by
// ascending Order and requires exactly one of forward, redirect or fixed-response, last; the authenticate-*
// and jwt-validation actions before it are not served by Berth, so a request reaching one gets a 500 naming it.
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';

export interface WeightedGroup {
  arn: string;
  weight: number;
}

export type Outcome =
  | { kind: 'forward'; groups: WeightedGroup[]; stickiness?: { durationSeconds: number } }
  | { kind: 'fixed-response'; statusCode: number; contentType?: string; body?: string }
  | { kind: 'redirect'; config: NonNullable<Action['RedirectConfig']> }
  | { kind: 'unsupported'; type: string };

const TERMINAL = new Set(['forward', 'fixed-response', 'redirect']);

export function outcomeOf(actions: readonly Action[]): Outcome {
  const ordered = [...actions].sort((a, b) => (a.Order ?? 50001) - (b.Order ?? 50001));
  for (const action of ordered) {
    const type = action.Type ?? '';
    if (!TERMINAL.has(type)) return { kind: 'unsupported', type: type || '(none)' };
    return terminalOutcome(action);
  }
  return { kind: 'unsupported', type: '(none)' };
}

function terminalOutcome(action: Action): Outcome {
  switch (action.Type) {
    case 'forward': {
      const tuples = action.ForwardConfig?.TargetGroups ?? [];
      const groups = tuples.length > 0
        ? tuples.flatMap((t) => (t.TargetGroupArn ? [{ arn: t.TargetGroupArn, weight: t.Weight ?? 1 }] : []))
        : action.TargetGroupArn ? [{ arn: action.TargetGroupArn, weight: 1 }] : [];
      const sticky = action.ForwardConfig?.TargetGroupStickinessConfig;
      return {
        kind: 'forward',
        groups,
        ...(sticky?.Enabled && groups.length > 1 ? { stickiness: { durationSeconds: sticky.DurationSeconds ?? 3600 } } : {}),
      };
    }
    case 'fixed-response': {
      const config = action.FixedResponseConfig;
      return {
        kind: 'fixed-response',
        statusCode: Number(config?.StatusCode ?? '200'),
        ...(config?.ContentType !== undefined ? { contentType: config.ContentType } : {}),
        ...(config?.MessageBody !== undefined ? { body: config.MessageBody } : {}),
      };
    }
    case 'redirect':
      return { kind: 'redirect', config: action.RedirectConfig ?? { StatusCode: 'HTTP_302' } };
    default:
      return { kind: 'unsupported', type: action.Type ?? '(none)' };
  }
}

/**
 * A target group by weight (ALB "weighted target groups": a group of weight 0 gets no request). `random` is a
 * number in [0, 1). Undefined when every weight is 0.
 */
export function pickWeighted(groups: readonly WeightedGroup[], random: number): WeightedGroup | undefined {
  const total = groups.reduce((sum, group) => sum + Math.max(0, group.weight), 0);
  if (total <= 0) return undefined;
  let point = random * total;
  for (const group of groups) {
    const weight = Math.max(0, group.weight);
    if (point < weight) return group;
    point -= weight;
  }
  // Only floating-point rounding gets here: the last group that can be chosen.
  return [...groups].reverse().find((group) => group.weight > 0);
}
