// Listener and rule actions: forward (one target group, or weighted ones with group stickiness),
// fixed-response and redirect, checked as ELBv2 checks them and written out as DescribeListeners and
// DescribeRules show them (a forward to one group also carries its ForwardConfig; a redirect, every part).
import type { Action, ForwardActionConfig, RedirectActionConfig } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { LoadBalancerType } from './arns.ts';
import {
  IncompatibleProtocolsException, InvalidLoadBalancerActionException, TargetGroupAssociationLimitException,
  TooManyActionsException, TooManyTargetGroupsException, ValidationError,
} from './errors.ts';
import { limitOf } from './limits.ts';
import { requireTargetGroup } from './lookups.ts';

/** Where the actions go: the listener's load balancer and protocol decide what they may do. */
export interface ActionSite {
  loadBalancerArn: string;
  loadBalancerType: LoadBalancerType;
  listenerProtocol: string;
}

/** Which target-group protocols a listener protocol can forward to (ALB: HTTP(S) groups; NLB: the matching L4 ones). */
function compatible(listenerProtocol: string, groupProtocol: string): boolean {
  switch (listenerProtocol) {
    case 'HTTP': case 'HTTPS': return groupProtocol === 'HTTP' || groupProtocol === 'HTTPS';
    case 'TCP': return groupProtocol === 'TCP' || groupProtocol === 'TCP_UDP';
    case 'TLS': return groupProtocol === 'TCP' || groupProtocol === 'TLS';
    case 'UDP': return groupProtocol === 'UDP' || groupProtocol === 'TCP_UDP';
    case 'TCP_UDP': return groupProtocol === 'TCP_UDP';
    default: return false;
  }
}

async function checkForward(tx: StoreTx, scope: Scope, action: Action, site: ActionSite): Promise<Action> {
  const config = action.ForwardConfig;
  const groups = config?.TargetGroups ?? [];
  if (action.TargetGroupArn === undefined && groups.length === 0) {
    // Not verified: the wording.
    throw new ValidationError('A target group ARN must be specified for a forward action');
  }
  if (action.TargetGroupArn !== undefined && groups.length > 0
    && !(groups.length === 1 && groups[0]?.TargetGroupArn === action.TargetGroupArn)) {
    // Not verified: the wording; AWS takes TargetGroupArn or ForwardConfig, or both naming one same group.
    throw new ValidationError('You cannot specify both a target group ARN and a forward config with a different set of target groups');
  }
  const entries = groups.length > 0
    ? groups.map((group) => ({ TargetGroupArn: group.TargetGroupArn ?? '', Weight: group.Weight ?? 1 }))
    : [{ TargetGroupArn: action.TargetGroupArn ?? '', Weight: 1 }];
  const perAction = limitOf(site.loadBalancerType === 'application'
    ? 'target-groups-per-action-on-application-load-balancer' : 'target-groups-per-action-on-network-load-balancer');
  // Not verified: the wording; the quota is AWS's.
  if (entries.length > perAction) throw new TooManyTargetGroupsException(`You can specify at most ${perAction} target groups in a forward action`);
  const seen = new Set<string>();
  for (const entry of entries) {
    // Not verified: the wording; a weight is 0–999 (API reference, TargetGroupTuple).
    if (entry.Weight < 0 || entry.Weight > 999) throw new ValidationError(`Target group weight '${entry.Weight}' must be between 0 and 999`);
    if (seen.has(entry.TargetGroupArn)) throw new ValidationError(`Target group '${entry.TargetGroupArn}' is specified more than once in the forward action`);
    seen.add(entry.TargetGroupArn);
    // After moto's wording for a group an action names that does not exist (Not verified against AWS).
    const group = await requireTargetGroup(tx, scope, entry.TargetGroupArn, `Target group '${entry.TargetGroupArn}' not found`);
    const protocol = group.targetGroup.Protocol ?? '';
    if (!compatible(site.listenerProtocol, protocol)) {
      // Not verified: the wording.
      throw new IncompatibleProtocolsException(`Listener protocol '${site.listenerProtocol}' is not supported with a target group with the protocol '${protocol}'`);
    }
    const others = (group.targetGroup.LoadBalancerArns ?? []).filter((arn) => arn !== site.loadBalancerArn);
    if (others.length > 0) {
      // Verified (hashicorp/terraform-provider-aws #22005).
      throw new TargetGroupAssociationLimitException(`The following target groups cannot be associated with more than one load balancer: ${entry.TargetGroupArn}`);
    }
  }
  const stickiness = config?.TargetGroupStickinessConfig;
  if (stickiness?.Enabled === true) {
    const duration = stickiness.DurationSeconds;
    // "The time period, in seconds, … The range is 1-604800 seconds (7 days)." Not verified: the wording.
    if (duration === undefined || duration < 1 || duration > 604800) throw new ValidationError('Target group stickiness duration must be between 1 and 604800 seconds');
  }
  const forwardConfig: ForwardActionConfig = {
    TargetGroups: entries,
    TargetGroupStickinessConfig: stickiness?.Enabled === true ? { Enabled: true, DurationSeconds: stickiness.DurationSeconds } : { Enabled: false },
  };
  return {
    Type: 'forward',
    ...(entries.length === 1 ? { TargetGroupArn: entries[0]?.TargetGroupArn } : {}),
    ForwardConfig: forwardConfig,
    ...(action.Order !== undefined ? { Order: action.Order } : {}),
  };
}

function checkRedirect(action: Action, site: ActionSite): Action {
  const config = action.RedirectConfig;
  // Not verified: the wording.
  if (!config?.StatusCode) throw new ValidationError('A redirect configuration with a status code must be specified for a redirect action');
  const redirect: RedirectActionConfig = {
    Protocol: config.Protocol ?? '#{protocol}',
    Port: config.Port ?? '#{port}',
    Host: config.Host ?? '#{host}',
    Path: config.Path ?? '/#{path}',
    Query: config.Query ?? '#{query}',
    StatusCode: config.StatusCode,
  };
  if (!['HTTP', 'HTTPS', '#{protocol}'].includes(redirect.Protocol ?? '')) {
    throw new InvalidLoadBalancerActionException(`Redirect protocol '${redirect.Protocol ?? ''}' must be HTTP, HTTPS or #{protocol}`);
  }
  // "You can redirect HTTP to HTTP, HTTP to HTTPS, and HTTPS to HTTPS. You can't redirect HTTPS to HTTP." (ALB user guide)
  if (site.listenerProtocol === 'HTTPS' && redirect.Protocol === 'HTTP') throw new InvalidLoadBalancerActionException('You cannot redirect HTTPS to HTTP');
  const port = redirect.Port ?? '';
  if (port !== '#{port}' && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    throw new InvalidLoadBalancerActionException(`Redirect port '${port}' must be a port from 1 to 65535 or #{port}`);
  }
  if (!(redirect.Path ?? '').startsWith('/')) throw new InvalidLoadBalancerActionException(`Redirect path '${redirect.Path ?? ''}' must start with a '/' character`);
  const loops = redirect.Protocol === '#{protocol}' && redirect.Port === '#{port}' && redirect.Host === '#{host}'
    && redirect.Path === '/#{path}' && redirect.Query === '#{query}';
  // "To avoid a redirect loop, you must modify at least one of the following components: protocol, port, hostname or path." (ALB user guide)
  if (loops) throw new InvalidLoadBalancerActionException('The redirect configuration is not valid because it creates a loop.');
  return { Type: 'redirect', RedirectConfig: redirect, ...(action.Order !== undefined ? { Order: action.Order } : {}) };
}

const CONTENT_TYPES = ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json'];

function checkFixedResponse(action: Action): Action {
  const config = action.FixedResponseConfig;
  if (!config?.StatusCode) throw new ValidationError('A fixed response configuration with a status code must be specified for a fixed-response action');
  // The model's pattern: ^(2|4|5)\d\d$.
  if (!/^[245]\d\d$/.test(config.StatusCode)) throw new ValidationError(`Fixed response status code '${config.StatusCode}' must be a 2XX, 4XX or 5XX code`);
  if (config.ContentType !== undefined && !CONTENT_TYPES.includes(config.ContentType)) {
    throw new ValidationError(`Fixed response content type '${config.ContentType}' must be one of ${CONTENT_TYPES.join(', ')}`);
  }
  return {
    Type: 'fixed-response',
    FixedResponseConfig: { StatusCode: config.StatusCode, ...(config.ContentType !== undefined ? { ContentType: config.ContentType } : {}), ...(config.MessageBody !== undefined ? { MessageBody: config.MessageBody } : {}) },
    ...(action.Order !== undefined ? { Order: action.Order } : {}),
  };
}

/**
 * Checks a listener's default actions or a rule's actions and returns them as Describe shows them.
 * Berth serves one terminal action (forward, redirect or fixed-response) per listener or rule; the
 * authenticate actions need an identity provider Berth does not have.
 */
export async function checkActions(tx: StoreTx, scope: Scope, actions: readonly Action[] | undefined, site: ActionSite): Promise<Action[]> {
  const list = actions ?? [];
  // Not verified: the wording.
  if (list.length === 0) throw new ValidationError('At least one action must be specified');
  for (const action of list) {
    if (action.Type === 'authenticate-oidc' || action.Type === 'authenticate-cognito' || action.Type === 'jwt-validation') {
      throw new InvalidLoadBalancerActionException(`Berth does not serve '${action.Type}' actions (see its ELBv2 LIMITATIONS)`);
    }
  }
  // Not verified: the wording; a listener or rule ends in exactly one forward, redirect or fixed-response action.
  if (list.length > 1) throw new TooManyActionsException('You can specify only one forward, fixed-response, or redirect action');
  const [action] = list;
  if (!action) return [];
  if (site.loadBalancerType === 'network' && action.Type !== 'forward') {
    throw new InvalidLoadBalancerActionException(`Action type '${action.Type ?? ''}' is not supported for Network Load Balancers`);
  }
  if (action.Order !== undefined && (action.Order < 1 || action.Order > 50000)) throw new ValidationError('Action order must be between 1 and 50000');
  switch (action.Type) {
    case 'forward': return [await checkForward(tx, scope, action, site)];
    case 'redirect': return [checkRedirect(action, site)];
    case 'fixed-response': return [checkFixedResponse(action)];
    default: throw new ValidationError(`Action type '${action.Type ?? ''}' must be one of forward, redirect, fixed-response`);
  }
}
