// Listener rule conditions as ALB evaluates them (Application Load Balancer guide, "Condition types for listener
// rules"): the values within one condition are OR'ed, a rule's conditions are AND'ed. path-pattern and
// http-request-method compare case-sensitively; host-header, http-header and query-string do not. source-ip is the
// connection's address, never X-Forwarded-For.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import { regexMatcher, wildcardMatcher } from './wildcard.ts';

/** What a rule can look at in a request. */
export interface RequestFacts {
  method: string;
  /** The path without the query string, as the request line has it. */
  path: string;
  /** The raw query string without its '?', '' when none. */
  query: string;
  /** The Host header without its port. */
  host: string;
  /** Header values by lowercase name (Node's IncomingHttpHeaders). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The client's address as the connection shows it (IPv4-mapped IPv6 already unwrapped). */
  sourceIp: string;
}

export type ConditionMatcher = (request: RequestFacts) => boolean;

const NEVER: ConditionMatcher = () => false;

/**
 * Compiles one condition. A condition Berth cannot read (unknown field, no values) matches nothing, so a rule
 * never fires on a condition it did not understand.
 */
export function compileCondition(condition: RuleCondition): ConditionMatcher {
  switch (condition.Field) {
    case 'host-header': {
      const matchers = valueMatchers(condition.HostHeaderConfig?.Values ?? condition.Values, condition.HostHeaderConfig?.RegexValues ?? condition.RegexValues, true);
      return anyOf(matchers, (request) => [request.host]);
    }
    case 'path-pattern': {
      const matchers = valueMatchers(condition.PathPatternConfig?.Values ?? condition.Values, condition.PathPatternConfig?.RegexValues ?? condition.RegexValues, false);
      return anyOf(matchers, (request) => [request.path]);
    }
    case 'http-header': {
      const name = condition.HttpHeaderConfig?.HttpHeaderName?.toLowerCase();
      if (!name) return NEVER;
      const matchers = valueMatchers(condition.HttpHeaderConfig?.Values, condition.HttpHeaderConfig?.RegexValues ?? condition.RegexValues, true);
      return anyOf(matchers, (request) => headerValues(request.headers[name]));
    }
    case 'http-request-method': {
      const methods = new Set(condition.HttpRequestMethodConfig?.Values ?? []);
      return (request) => methods.has(request.method);
    }
    case 'query-string':
      return queryStringMatcher(condition);
    case 'source-ip':
      return sourceIpMatcher(condition.SourceIpConfig?.Values ?? []);
    default:
      return NEVER;
  }
}

/** All of a rule's conditions; a rule without conditions matches every request. */
export function compileConditions(conditions: readonly RuleCondition[]): ConditionMatcher {
  const matchers = conditions.map(compileCondition);
  return (request) => matchers.every((match) => match(request));
}

function valueMatchers(values: readonly string[] | undefined, regexValues: readonly string[] | undefined, caseInsensitive: boolean): ((value: string) => boolean)[] {
  return [
    ...(values ?? []).map((value) => wildcardMatcher(value, caseInsensitive)),
    ...(regexValues ?? []).map((value) => regexMatcher(value, caseInsensitive)),
  ];
}

function anyOf(matchers: ((value: string) => boolean)[], valuesOf: (request: RequestFacts) => string[]): ConditionMatcher {
  if (matchers.length === 0) return NEVER;
  return (request) => valuesOf(request).some((value) => matchers.some((match) => match(value)));
}

/** A header present several times matches when any of its values does. */
function headerValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Key/value pairs, each with an optional key; values compared case-insensitively, with wildcards. */
function queryStringMatcher(condition: RuleCondition): ConditionMatcher {
  const pairs = (condition.QueryStringConfig?.Values ?? []).map((pair) => ({
    key: pair.Key === undefined ? undefined : wildcardMatcher(pair.Key, true),
    value: wildcardMatcher(pair.Value ?? '', true),
  }));
  if (pairs.length === 0) return NEVER;
  return (request) => {
    const params = parseQuery(request.query);
    return pairs.some((pair) => params.some(([key, value]) => (pair.key === undefined || pair.key(key)) && pair.value(value)));
  };
}

/** The query's key/value pairs, percent-decoded; a malformed escape is compared as written. */
export function parseQuery(query: string): [string, string][] {
  if (query === '') return [];
  return query.split('&').filter((part) => part !== '').map((part) => {
    const eq = part.indexOf('=');
    const [key, value] = eq === -1 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    return [decode(key), decode(value)];
  });
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function sourceIpMatcher(cidrs: readonly string[]): ConditionMatcher {
  const blocks = new BlockList();
  let any = false;
  for (const cidr of cidrs) {
    const [network = '', prefixText] = cidr.split('/');
    const type = isIPv4(network) ? 'ipv4' : isIPv6(network) ? 'ipv6' : undefined;
    if (type === undefined) continue;
    const prefix = prefixText === undefined ? (type === 'ipv4' ? 32 : 128) : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (type === 'ipv4' ? 32 : 128)) continue;
    blocks.addSubnet(network, prefix, type);
    any = true;
  }
  if (!any) return NEVER;
  return (request) => {
    const type = isIPv4(request.sourceIp) ? 'ipv4' : isIPv6(request.sourceIp) ? 'ipv6' : undefined;
    return type !== undefined && blocks.check(request.sourceIp, type);
  };
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) → `10.0.0.1`. */
export function unwrapMappedIpv4(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}
