// Load balancer attributes: AWS's keys and defaults for each type (LoadBalancerAttribute in the ELBv2 API
// reference), their validation, and Describe/ModifyLoadBalancerAttributes.
import type {
  DescribeLoadBalancerAttributesInput, DescribeLoadBalancerAttributesOutput, LoadBalancerAttribute,
  ModifyLoadBalancerAttributesInput, ModifyLoadBalancerAttributesOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import type { LoadBalancerType } from './arns.ts';
import { InvalidConfigurationRequestException, ValidationError } from './errors.ts';
import { requireLoadBalancer } from './lookups.ts';
import { putLoadBalancer } from './writes.ts';

/** The attributes every load balancer type has, with the API reference's defaults. */
function commonDefaults(scheme: string): Record<string, string> {
  return {
    'access_logs.s3.enabled': 'false',
    'access_logs.s3.bucket': '',
    'access_logs.s3.prefix': '',
    'deletion_protection.enabled': 'false',
    // "false for internet-facing load balancers and true for internal load balancers".
    'ipv6.deny_all_igw_traffic': scheme === 'internal' ? 'true' : 'false',
    'zonal_shift.config.enabled': 'false',
  };
}

/** Every attribute of a new load balancer of `type`, AWS's defaults filled in. */
export function defaultLoadBalancerAttributes(type: LoadBalancerType, scheme: string): Record<string, string> {
  if (type === 'network') {
    return {
      ...commonDefaults(scheme),
      'load_balancing.cross_zone.enabled': 'false',
      'dns_record.client_routing_policy': 'any_availability_zone',
      'secondary_ips.auto_assigned.per_subnet': '0',
    };
  }
  return {
    ...commonDefaults(scheme),
    'idle_timeout.timeout_seconds': '60',
    'client_keep_alive.seconds': '3600',
    'connection_logs.s3.enabled': 'false',
    'connection_logs.s3.bucket': '',
    'connection_logs.s3.prefix': '',
    'health_check_logs.s3.enabled': 'false',
    'health_check_logs.s3.bucket': '',
    'health_check_logs.s3.prefix': '',
    'load_balancing.cross_zone.enabled': 'true',
    'routing.http.desync_mitigation_mode': 'defensive',
    'routing.http.drop_invalid_header_fields.enabled': 'false',
    'routing.http.preserve_host_header.enabled': 'false',
    'routing.http.x_amzn_tls_version_and_cipher_suite.enabled': 'false',
    'routing.http.xff_client_port.enabled': 'false',
    'routing.http.xff_header_processing.mode': 'append',
    'routing.http2.enabled': 'true',
    'waf.fail_open.enabled': 'false',
  };
}

type Check = (value: string) => boolean;
const bool: Check = (v) => v === 'true' || v === 'false';
const range = (min: number, max: number): Check => (v) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
const oneOf = (...values: string[]): Check => (v) => values.includes(v);
const any: Check = () => true;

/** What each key accepts (API reference's ranges and value sets). */
const CHECKS: Record<string, Check> = {
  'access_logs.s3.enabled': bool, 'access_logs.s3.bucket': any, 'access_logs.s3.prefix': any,
  'deletion_protection.enabled': bool, 'ipv6.deny_all_igw_traffic': bool, 'zonal_shift.config.enabled': bool,
  'load_balancing.cross_zone.enabled': bool,
  'dns_record.client_routing_policy': oneOf('availability_zone_affinity', 'partial_availability_zone_affinity', 'any_availability_zone'),
  'secondary_ips.auto_assigned.per_subnet': range(0, 7),
  'idle_timeout.timeout_seconds': range(1, 4000), 'client_keep_alive.seconds': range(60, 604800),
  'connection_logs.s3.enabled': bool, 'connection_logs.s3.bucket': any, 'connection_logs.s3.prefix': any,
  'health_check_logs.s3.enabled': bool, 'health_check_logs.s3.bucket': any, 'health_check_logs.s3.prefix': any,
  'routing.http.desync_mitigation_mode': oneOf('monitor', 'defensive', 'strictest'),
  'routing.http.drop_invalid_header_fields.enabled': bool, 'routing.http.preserve_host_header.enabled': bool,
  'routing.http.x_amzn_tls_version_and_cipher_suite.enabled': bool, 'routing.http.xff_client_port.enabled': bool,
  'routing.http.xff_header_processing.mode': oneOf('append', 'preserve', 'remove'),
  'routing.http2.enabled': bool, 'waf.fail_open.enabled': bool,
};

/** Applies `changes` to `current` (the load balancer's whole attribute set) and returns the new set. */
export function applyLoadBalancerAttributes(current: Record<string, string>, changes: readonly LoadBalancerAttribute[], type: LoadBalancerType): Record<string, string> {
  const next = { ...current };
  for (const { Key: key = '', Value: value = '' } of changes) {
    // Not verified: the exact wording; AWS answers ValidationError for a key the load balancer's type lacks
    // ("Load balancer attribute key not recognized", hashicorp/terraform-provider-aws #23971).
    if (!(key in current)) throw new ValidationError(`Load balancer attribute key '${key}' is not recognized`);
    const check = CHECKS[key] ?? any;
    // Not verified: the wording for a value out of range.
    if (!check(value)) throw new ValidationError(`'${value}' is not a valid value for load balancer attribute key '${key}'`);
    // "The default for Application Load Balancers is true, and can't be changed."
    if (type === 'application' && key === 'load_balancing.cross_zone.enabled' && value !== 'true') {
      throw new InvalidConfigurationRequestException('Cross-zone load balancing cannot be disabled for Application Load Balancers');
    }
    next[key] = value;
  }
  for (const kind of ['access_logs', 'connection_logs', 'health_check_logs']) {
    // Berth has no S3 to write logs to: AWS refuses a bucket it cannot write to with this text (Not verified).
    if (next[`${kind}.s3.enabled`] === 'true') {
      throw new InvalidConfigurationRequestException(`Access Denied for bucket: ${next[`${kind}.s3.bucket`] ?? ''}. Please check S3bucket permission`);
    }
  }
  return next;
}

export function attributeList(attributes: Record<string, string>): LoadBalancerAttribute[] {
  return Object.entries(attributes).map(([Key, Value]) => ({ Key, Value }));
}

export function loadBalancerAttributeOperations(deps: ServiceDeps): ServiceOperations<{
  DescribeLoadBalancerAttributes: [DescribeLoadBalancerAttributesInput, DescribeLoadBalancerAttributesOutput];
  ModifyLoadBalancerAttributes: [ModifyLoadBalancerAttributesInput, ModifyLoadBalancerAttributesOutput];
}> {
  const { store } = deps;
  return {
    DescribeLoadBalancerAttributes: async (input, ctx) => {
      const record = await store.read((tx) => requireLoadBalancer(tx, regionalScope(ctx), input.LoadBalancerArn ?? ''));
      return { Attributes: attributeList(record.attributes) };
    },
    ModifyLoadBalancerAttributes: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const attributes = await store.write(async (tx) => {
        const record = await requireLoadBalancer(tx, scope, input.LoadBalancerArn ?? '');
        const type = record.loadBalancer.Type === 'network' ? 'network' : 'application';
        const next = applyLoadBalancerAttributes(record.attributes, input.Attributes ?? [], type);
        await putLoadBalancer(tx, scope, { ...record, attributes: next });
        return next;
      });
      deps.taskEvents?.changed();
      return { Attributes: attributeList(attributes) };
    },
  };
}
