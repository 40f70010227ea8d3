// Rule conditions (path-pattern, host-header, http-header, http-request-method, query-string, source-ip):
// checked with the limits the ALB user guide's "Rule condition types" page gives, and written out as
// DescribeRules shows them (host-header and path-pattern carry both Values and their config).
import type { RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ValidationError } from './errors.ts';
import { ACCOUNT_LIMITS } from './limits.ts';

const FIELDS = ['path-pattern', 'host-header', 'http-header', 'http-request-method', 'query-string', 'source-ip'];
/** "Each rule can optionally include up to one of each of the following conditions: host-header, http-request-method, path-pattern, and source-ip." */
const ONCE = ['path-pattern', 'host-header', 'http-request-method', 'source-ip'];

/** Not verified: every wording below; the limits and character sets are the ALB user guide's. */
function invalid(message: string): never {
  throw new ValidationError(message);
}

const wildcards = (value: string): number => (value.match(/[*?]/g) ?? []).length;

function checkPath(value: string): void {
  if (value.length === 0 || value.length > 128) invalid(`Path pattern '${value}' must be between 1 and 128 characters long`);
  // "A–Z, a–z, 0–9, _ - . $ / ~ " ' @ : + & (using &amp;), * (matches 0 or more characters), ? (matches exactly 1 character)"
  if (!/^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/.test(value)) invalid(`Path pattern '${value}' contains characters that are not allowed`);
}

function checkHost(value: string): void {
  if (value.length === 0 || value.length > 128) invalid(`Host header '${value}' must be between 1 and 128 characters long`);
  if (!/^[A-Za-z0-9\-.*?]+$/.test(value)) invalid(`Host header '${value}' contains characters that are not allowed`);
  // "You must include at least one "." character. You can include only alphabetical characters after the final "." character."
  if (!value.includes('.') || !/\.[A-Za-z*?]+$/.test(value)) invalid(`Host header '${value}' must contain a '.' followed by alphabetical characters`);
}

function checkHeader(name: string, value: string): void {
  if (name.length === 0 || name.length > 40 || !/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(name)) invalid(`HTTP header name '${name}' is not valid`);
  // "You can't use HTTP header conditions to specify the host header. Use a host-header condition instead."
  if (name.toLowerCase() === 'host') invalid('You cannot use an HTTP header condition for the Host header; use a host-header condition');
  if (value.length === 0 || value.length > 128) invalid(`HTTP header value '${value}' must be between 1 and 128 characters long`);
}

function checkMethod(value: string): void {
  // "The maximum size is 40 characters. The allowed characters are A-Z, hyphen (-), and underscore (_). The comparison is case sensitive. Wildcards are not supported."
  if (!/^[A-Z_-]{1,40}$/.test(value)) invalid(`HTTP request method '${value}' must be 1 to 40 characters A-Z, '-' or '_'`);
}

function checkSourceIp(value: string): void {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  const v4ok = v4 !== null && v4.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(v4[5]) <= 32;
  const v6ok = /^[0-9a-fA-F:]+\/\d{1,3}$/.test(value) && value.includes(':') && Number(value.split('/')[1]) <= 128;
  // "You can specify IPv4 or IPv6 addresses in CIDR format. Wildcards are not supported."
  if (!v4ok && !v6ok) invalid(`Source IP '${value}' must be an IPv4 or IPv6 address range in CIDR notation`);
}

function checkQuery(key: string | undefined, value: string): void {
  if (key !== undefined && (key.length === 0 || key.length > 128)) invalid(`Query string key '${key}' must be between 1 and 128 characters long`);
  if (value.length === 0 || value.length > 128) invalid(`Query string value '${value}' must be between 1 and 128 characters long`);
}

/** One condition, checked and written as Describe shows it; returns it and how many values and wildcards it uses. */
function checkCondition(condition: RuleCondition): { condition: RuleCondition; values: number; wildcards: number } {
  const field = condition.Field ?? '';
  if (!FIELDS.includes(field)) invalid(`Condition field '${field}' must be one of [${FIELDS.join(', ')}]`);
  const legacy = condition.Values;
  const legacyOk = field === 'path-pattern' || field === 'host-header';
  if (legacy !== undefined && !legacyOk) invalid(`Values cannot be used with condition field '${field}'; use its configuration`);
  switch (field) {
    case 'path-pattern':
    case 'host-header': {
      const config = field === 'path-pattern' ? condition.PathPatternConfig : condition.HostHeaderConfig;
      if (legacy !== undefined && config !== undefined) invalid(`You cannot specify both Values and a configuration for condition field '${field}'`);
      const values = legacy ?? config?.Values ?? [];
      if (values.length === 0) invalid(`A value must be specified for condition field '${field}'`);
      for (const value of values) (field === 'path-pattern' ? checkPath : checkHost)(value);
      const out: RuleCondition = field === 'path-pattern'
        ? { Field: field, Values: values, PathPatternConfig: { Values: values } }
        : { Field: field, Values: values, HostHeaderConfig: { Values: values } };
      return { condition: out, values: values.length, wildcards: values.reduce((n, v) => n + wildcards(v), 0) };
    }
    case 'http-header': {
      const name = condition.HttpHeaderConfig?.HttpHeaderName ?? '';
      const values = condition.HttpHeaderConfig?.Values ?? [];
      if (values.length === 0) invalid("A value must be specified for condition field 'http-header'");
      for (const value of values) checkHeader(name, value);
      return { condition: { Field: field, HttpHeaderConfig: { HttpHeaderName: name, Values: values } }, values: values.length, wildcards: values.reduce((n, v) => n + wildcards(v), 0) };
    }
    case 'http-request-method': {
      const values = condition.HttpRequestMethodConfig?.Values ?? [];
      if (values.length === 0) invalid("A value must be specified for condition field 'http-request-method'");
      for (const value of values) checkMethod(value);
      return { condition: { Field: field, HttpRequestMethodConfig: { Values: values } }, values: values.length, wildcards: 0 };
    }
    case 'query-string': {
      const pairs = condition.QueryStringConfig?.Values ?? [];
      if (pairs.length === 0) invalid("A value must be specified for condition field 'query-string'");
      for (const pair of pairs) checkQuery(pair.Key, pair.Value ?? '');
      const values = pairs.map((pair) => ({ ...(pair.Key !== undefined ? { Key: pair.Key } : {}), Value: pair.Value ?? '' }));
      return { condition: { Field: field, QueryStringConfig: { Values: values } }, values: values.length, wildcards: pairs.reduce((n, p) => n + wildcards(`${p.Key ?? ''}${p.Value ?? ''}`), 0) };
    }
    default: {
      const values = condition.SourceIpConfig?.Values ?? [];
      if (values.length === 0) invalid("A value must be specified for condition field 'source-ip'");
      for (const value of values) checkSourceIp(value);
      return { condition: { Field: field, SourceIpConfig: { Values: values } }, values: values.length, wildcards: 0 };
    }
  }
}

/**
 * A rule's conditions, checked as a whole: at least one, each of host-header, path-pattern,
 * http-request-method and source-ip at most once, and at most 5 values and 5 wildcards in all
 * (the condition-values-per-alb-rule and condition-wildcards-per-alb-rule quotas).
 */
export function checkConditions(conditions: readonly RuleCondition[] | undefined): RuleCondition[] {
  const list = conditions ?? [];
  if (list.length === 0) invalid('A rule must have at least one condition');
  const checked = list.map(checkCondition);
  for (const field of ONCE) {
    if (checked.filter((c) => c.condition.Field === field).length > 1) invalid(`A rule can only have one '${field}' condition`);
  }
  const values = checked.reduce((n, c) => n + c.values, 0);
  const stars = checked.reduce((n, c) => n + c.wildcards, 0);
  const maxValues = ACCOUNT_LIMITS['condition-values-per-alb-rule'];
  const maxWildcards = ACCOUNT_LIMITS['condition-wildcards-per-alb-rule'];
  if (values > maxValues) invalid(`A rule can only have '${maxValues}' condition values`);
  if (stars > maxWildcards) invalid(`A rule can only have '${maxWildcards}' wildcards`);
  return checked.map((c) => c.condition);
}
