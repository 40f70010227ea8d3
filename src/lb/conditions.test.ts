import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import { compileCondition, compileConditions, parseQuery, unwrapMappedIpv4, type RequestFacts } from './conditions.ts';

const request = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  method: 'GET', path: '/', query: '', host: 'api.example.com', headers: {}, sourceIp: '10.72.1.9', ...over,
});

test('path-pattern is case-sensitive, reads the path only, and accepts the legacy Values member', () => {
  const c = compileCondition({ Field: 'path-pattern', PathPatternConfig: { Values: ['/img/*', '/js/*'] } });
  assert.equal(c(request({ path: '/img/a.png' })), true);
  assert.equal(c(request({ path: '/js/app.js', query: 'v=1' })), true);
  assert.equal(c(request({ path: '/IMG/a.png' })), false);
  assert.equal(compileCondition({ Field: 'path-pattern', Values: ['/health'] })(request({ path: '/health' })), true);
});

test('host-header is case-insensitive with wildcards; *.example.com does not match example.com', () => {
  const c = compileCondition({ Field: 'host-header', HostHeaderConfig: { Values: ['*.example.com'] } });
  assert.equal(c(request({ host: 'API.Example.COM' })), true);
  assert.equal(c(request({ host: 'example.com' })), false);
});

test('http-header: name and values case-insensitive, any of several values of the header', () => {
  const c = compileCondition({ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'User-Agent', Values: ['*Chrome*', '*Safari*'] } });
  assert.equal(c(request({ headers: { 'user-agent': 'Mozilla/5.0 chrome/120' } })), true);
  assert.equal(c(request({ headers: { 'user-agent': 'curl/8' } })), false);
  assert.equal(c(request({ headers: {} })), false);
  const multi = compileCondition({ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-tag', Values: ['b'] } });
  assert.equal(multi(request({ headers: { 'x-tag': ['a', 'B'] } })), true);
});

test('http-request-method is exact and case-sensitive', () => {
  const c = compileCondition({ Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['POST', 'CUSTOM-METHOD'] } });
  assert.equal(c(request({ method: 'POST' })), true);
  assert.equal(c(request({ method: 'CUSTOM-METHOD' })), true);
  assert.equal(c(request({ method: 'post' })), false);
  assert.equal(c(request({ method: 'GET' })), false);
});

test('query-string: key/value pairs or a value under any key, case-insensitive, decoded', () => {
  const c = compileCondition({ Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'version', Value: 'v1' }, { Value: 'example' }] } });
  assert.equal(c(request({ query: 'version=V1' })), true);
  assert.equal(c(request({ query: 'a=1&anything=example' })), true);
  assert.equal(c(request({ query: 'version=v2' })), false);
  assert.equal(c(request({ query: '' })), false);
  const wild = compileCondition({ Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'q', Value: 'hello w*' }] } });
  assert.equal(wild(request({ query: 'q=hello%20world' })), true);
  assert.deepEqual(parseQuery('a=1&b&c=%ZZ'), [['a', '1'], ['b', ''], ['c', '%ZZ']]);
});

test('source-ip: CIDRs of either family against the connection address', () => {
  const c = compileCondition({ Field: 'source-ip', SourceIpConfig: { Values: ['10.72.0.0/16', '2001:db8::/32'] } });
  assert.equal(c(request({ sourceIp: '10.72.200.1' })), true);
  assert.equal(c(request({ sourceIp: '10.73.0.1' })), false);
  assert.equal(c(request({ sourceIp: '2001:db8::7' })), true);
  assert.equal(c(request({ sourceIp: '10.73.0.1', headers: { 'x-forwarded-for': '10.72.0.1' } })), false);
  assert.equal(unwrapMappedIpv4('::ffff:10.72.0.1'), '10.72.0.1');
  assert.equal(unwrapMappedIpv4('::1'), '::1');
});

test('a condition Berth cannot read matches nothing', () => {
  assert.equal(compileCondition({ Field: 'no-such-field', Values: ['*'] })(request()), false);
  assert.equal(compileCondition({ Field: 'host-header' })(request()), false);
  assert.equal(compileCondition({ Field: 'source-ip', SourceIpConfig: { Values: ['not-a-cidr'] } })(request()), false);
});

test('property: conditions AND, the values of one condition OR', () => {
  const paths = ['/a', '/b', '/c'];
  const methods = ['GET', 'POST'];
  fc.assert(fc.property(
    fc.subarray(paths, { minLength: 1 }), fc.subarray(methods, { minLength: 1 }), fc.constantFrom(...paths), fc.constantFrom(...methods),
    (pathValues, methodValues, path, method) => {
      const conditions: RuleCondition[] = [
        { Field: 'path-pattern', PathPatternConfig: { Values: pathValues } },
        { Field: 'http-request-method', HttpRequestMethodConfig: { Values: methodValues } },
      ];
      const expected = pathValues.includes(path) && methodValues.includes(method);
      assert.equal(compileConditions(conditions)(request({ path, method })), expected);
    },
  ));
});

test('a rule without conditions matches everything', () => {
  assert.equal(compileConditions([])(request()), true);
});
