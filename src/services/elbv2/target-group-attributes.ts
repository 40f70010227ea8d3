// Target group attributes: AWS's keys and defaults for each kind of group (TargetGroupAttribute in the ELBv2
// API reference), their validation, and Describe/ModifyTargetGroupAttributes.
import type {
  DescribeTargetGroupAttributesInput, DescribeTargetGroupAttributesOutput, ModifyTargetGroupAttributesInput,
  ModifyTargetGroupAttributesOutput, TargetGroup, TargetGroupAttribute,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { ValidationError } from './errors.ts';
import { requireTargetGroup } from './lookups.ts';
import { isApplicationProtocol } from './target-group-settings.ts';
import { putTargetGroup } from './writes.ts';

/** Every attribute of a new group, AWS's defaults filled in; which keys exist depends on its protocol and target type. */
export function defaultTargetGroupAttributes(group: Pick<TargetGroup, 'Protocol' | 'TargetType'>): Record<string, string> {
  const common = {
    'deregistration_delay.timeout_seconds': '300',
    'stickiness.enabled': 'false',
    'load_balancing.cross_zone.enabled': 'use_load_balancer_configuration',
    'target_group_health.dns_failover.minimum_healthy_targets.count': '1',
    'target_group_health.dns_failover.minimum_healthy_targets.percentage': 'off',
    'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': '1',
    'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': 'off',
  };
  if (isApplicationProtocol(group.Protocol)) {
    return {
      ...common,
      'stickiness.type': 'lb_cookie',
      'load_balancing.algorithm.type': 'round_robin',
      'load_balancing.algorithm.anomaly_mitigation': 'off',
      'slow_start.duration_seconds': '0',
      'stickiness.app_cookie.cookie_name': '',
      'stickiness.app_cookie.duration_seconds': '86400',
      'stickiness.lb_cookie.duration_seconds': '86400',
    };
  }
  const udp = group.Protocol === 'UDP' || group.Protocol === 'TCP_UDP';
  return {
    ...common,
    'stickiness.type': 'source_ip',
    // "For new UDP/TCP_UDP target groups the default is true. Otherwise, the default is false."
    'deregistration_delay.connection_termination.enabled': udp ? 'true' : 'false',
    // "disabled if the target group type is IP address and the target group protocol is TCP or TLS. Otherwise … enabled."
    'preserve_client_ip.enabled': group.TargetType === 'ip' && (group.Protocol === 'TCP' || group.Protocol === 'TLS') ? 'false' : 'true',
    'proxy_protocol_v2.enabled': 'false',
    'target_health_state.unhealthy.connection_termination.enabled': 'true',
    'target_health_state.unhealthy.draining_interval_seconds': '0',
  };
}

type Check = (value: string, next: Record<string, string>) => string | undefined;
const bool: Check = (v) => (v === 'true' || v === 'false' ? undefined : 'true or false');
const range = (min: number, max: number): Check => (v) => (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? undefined : `an integer from ${min} to ${max}`);
const oneOf = (...values: string[]): Check => (v) => (values.includes(v) ? undefined : values.join(', '));
const offOr = (max: number): Check => (v) => (v === 'off' || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= max) ? undefined : `off or an integer from 1 to ${max}`);

/** What each key accepts (the API reference's ranges and value sets). */
const CHECKS: Record<string, Check> = {
  'deregistration_delay.timeout_seconds': range(0, 3600),
  'stickiness.enabled': bool,
  'stickiness.type': (v) => (['lb_cookie', 'app_cookie', 'source_ip'].includes(v) ? undefined : 'lb_cookie, app_cookie or source_ip'),
  'load_balancing.cross_zone.enabled': oneOf('true', 'false', 'use_load_balancer_configuration'),
  'target_group_health.dns_failover.minimum_healthy_targets.count': (v) => (v === 'off' || /^[1-9]\d*$/.test(v) ? undefined : 'off or a positive integer'),
  'target_group_health.dns_failover.minimum_healthy_targets.percentage': offOr(100),
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': (v) => (/^[1-9]\d*$/.test(v) ? undefined : 'a positive integer'),
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': offOr(100),
  'load_balancing.algorithm.type': oneOf('round_robin', 'least_outstanding_requests', 'weighted_random'),
  'load_balancing.algorithm.anomaly_mitigation': oneOf('on', 'off'),
  // "The range is 30-900 seconds (15 minutes). The default is 0 seconds (disabled)."
  'slow_start.duration_seconds': (v) => (v === '0' || range(30, 900)(v, {}) === undefined ? undefined : '0 or an integer from 30 to 900'),
  // "Names that start with the following prefixes are not allowed: AWSALB, AWSALBAPP, and AWSALBTG".
  'stickiness.app_cookie.cookie_name': (v) => (/^AWSALB/i.test(v) ? 'a name that does not start with AWSALB, AWSALBAPP or AWSALBTG' : undefined),
  'stickiness.app_cookie.duration_seconds': range(1, 604800),
  'stickiness.lb_cookie.duration_seconds': range(1, 604800),
  'deregistration_delay.connection_termination.enabled': bool,
  'preserve_client_ip.enabled': bool,
  'proxy_protocol_v2.enabled': bool,
  'target_health_state.unhealthy.connection_termination.enabled': bool,
  'target_health_state.unhealthy.draining_interval_seconds': range(0, 360000),
};

/** Applies `changes` to a group's whole attribute set and returns the new set. */
export function applyTargetGroupAttributes(current: Record<string, string>, changes: readonly TargetGroupAttribute[], protocol: string | undefined): Record<string, string> {
  const next = { ...current };
  for (const { Key: key = '', Value: value = '' } of changes) {
    // Not verified: the wording; AWS answers ValidationError for a key this kind of group lacks.
    if (!(key in current)) throw new ValidationError(`Target group attribute key '${key}' is not recognized`);
    next[key] = value;
  }
  for (const { Key: key = '' } of changes) {
    const value = next[key] ?? '';
    const expected = CHECKS[key]?.(value, next);
    // Not verified: the wording for a value out of range.
    if (expected !== undefined) throw new ValidationError(`Target group attribute key '${key}' must be ${expected}, not '${value}'`);
  }
  const type = next['stickiness.type'];
  const allowed = isApplicationProtocol(protocol) ? ['lb_cookie', 'app_cookie'] : ['source_ip'];
  // "lb_cookie and app_cookie for Application Load Balancers. source_ip for Network Load Balancers." Not verified: the wording.
  if (type !== undefined && !allowed.includes(type)) throw new ValidationError(`Stickiness type '${type}' is not supported for target groups with the '${protocol ?? ''}' protocol`);
  if (next['stickiness.enabled'] === 'true' && type === 'app_cookie' && (next['stickiness.app_cookie.cookie_name'] ?? '') === '') {
    // Not verified: the wording; app-cookie stickiness needs the application's cookie name.
    throw new ValidationError("The 'stickiness.app_cookie.cookie_name' attribute must be specified when the stickiness type is 'app_cookie'");
  }
  return next;
}

export function targetGroupAttributeList(attributes: Record<string, string>): TargetGroupAttribute[] {
  return Object.entries(attributes).map(([Key, Value]) => ({ Key, Value }));
}

export function targetGroupAttributeOperations(deps: ServiceDeps): ServiceOperations<{
  DescribeTargetGroupAttributes: [DescribeTargetGroupAttributesInput, DescribeTargetGroupAttributesOutput];
  ModifyTargetGroupAttributes: [ModifyTargetGroupAttributesInput, ModifyTargetGroupAttributesOutput];
}> {
  const { store } = deps;
  return {
    DescribeTargetGroupAttributes: async (input, ctx) => {
      const record = await store.read((tx) => requireTargetGroup(tx, regionalScope(ctx), input.TargetGroupArn ?? ''));
      return { Attributes: targetGroupAttributeList(record.attributes) };
    },
    ModifyTargetGroupAttributes: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const attributes = await store.write(async (tx) => {
        const record = await requireTargetGroup(tx, scope, input.TargetGroupArn ?? '');
        const next = applyTargetGroupAttributes(record.attributes, input.Attributes ?? [], record.targetGroup.Protocol);
        await putTargetGroup(tx, scope, { ...record, attributes: next });
        return next;
      });
      deps.taskEvents?.changed();
      return { Attributes: targetGroupAttributeList(attributes) };
    },
  };
}
