// Rule conditions: what checkConditions accepts, how it writes them, and what it refuses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkConditions } from './conditions.ts';

void test('host-header and path-pattern carry both Values and their config; the others their config only', () => {
  assert.deepEqual(checkConditions([{ Field: 'host-header', Values: ['api.example.com'] }]),
    [{ Field: 'host-header', Values: ['api.example.com'], HostHeaderConfig: { Values: ['api.example.com'] } }]);
  assert.deepEqual(checkConditions([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/img/*'] } }]),
    [{ Field: 'path-pattern', Values: ['/img/*'], PathPatternConfig: { Values: ['/img/*'] } }]);
  assert.deepEqual(checkConditions([{ Field: 'query-string', QueryStringConfig: { Values: [{ Value: 'x' }] } }]),
    [{ Field: 'query-string', QueryStringConfig: { Values: [{ Value: 'x' }] } }]);
});

void test('refuses empty rules, repeated single-use fields, bad values and too many values or wildcards', () => {
  const refused = (conditions: Parameters<typeof checkConditions>[0]) => assert.throws(() => checkConditions(conditions), { code: 'ValidationError' });
  refused([]);
  refused([{ Field: 'cookie' }]);
  refused([{ Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/33'] } }]);
  refused([{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'Host', Values: ['a'] } }]);
  refused([{ Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GE T'] } }]);
  refused([{ Field: 'host-header', Values: ['example.com1'] }]);
  refused([{ Field: 'path-pattern', Values: ['/a'], PathPatternConfig: { Values: ['/a'] } }]);
  refused([{ Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/8'] } }, { Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/9'] } }]);
  refused([{ Field: 'path-pattern', Values: ['/*/*/*/*'] }, { Field: 'host-header', Values: ['*.*.example.com'] }]);
  refused([{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-A', Values: ['1', '2', '3'] } },
    { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-B', Values: ['1', '2', '3'] } }]);
});

void test('any set of at most 5 valid header values is accepted and kept in order', () => {
  fc.assert(fc.property(fc.array(fc.stringMatching(/^[a-z0-9]{1,20}$/), { minLength: 1, maxLength: 5 }), (values) => {
    const [condition] = checkConditions([{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Test', Values: values } }]);
    assert.deepEqual(condition?.HttpHeaderConfig?.Values, values);
  }));
});
