// Target group health-check defaults per protocol, and the Matcher's HttpCode grammar.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkHttpCodes, resolveHealthCheck } from './target-group-settings.ts';

void test('HTTP groups default to an HTTP check of / every 30 s, timeout 5, thresholds 5/2, matcher 200', () => {
  assert.deepEqual(resolveHealthCheck({}, { Protocol: 'HTTP', TargetType: 'ip', ProtocolVersion: 'HTTP1' }), {
    HealthCheckProtocol: 'HTTP', HealthCheckPort: 'traffic-port', HealthCheckEnabled: true, HealthCheckPath: '/',
    HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 5, UnhealthyThresholdCount: 2, Matcher: { HttpCode: '200' },
  });
});

void test('TCP groups default to a TCP check with timeout 10 and no path or matcher; gRPC groups match code 12', () => {
  const tcp = resolveHealthCheck({}, { Protocol: 'TCP', TargetType: 'ip' });
  assert.equal(tcp.HealthCheckProtocol, 'TCP');
  assert.equal(tcp.HealthCheckTimeoutSeconds, 10);
  assert.equal(tcp.HealthCheckPath, undefined);
  assert.equal(tcp.Matcher, undefined);
  const grpc = resolveHealthCheck({}, { Protocol: 'HTTP', TargetType: 'ip', ProtocolVersion: 'GRPC' });
  assert.deepEqual(grpc.Matcher, { GrpcCode: '12' });
  assert.equal(grpc.HealthCheckPath, '/AWS.ALB/healthcheck');
});

void test('ModifyTargetGroup keeps what the request does not change', () => {
  const current = resolveHealthCheck({ HealthCheckPath: '/health', HealthyThresholdCount: 3 }, { Protocol: 'HTTP', TargetType: 'ip' });
  const next = resolveHealthCheck({ HealthCheckIntervalSeconds: 10 }, { Protocol: 'HTTP', TargetType: 'ip' }, current);
  assert.equal(next.HealthCheckPath, '/health');
  assert.equal(next.HealthyThresholdCount, 3);
  assert.equal(next.HealthCheckIntervalSeconds, 10);
});

void test('HttpCode takes codes, lists and ranges inside the protocol range, and nothing else', () => {
  checkHttpCodes('200', 'HTTP');
  checkHttpCodes('200,202,301-302', 'HTTPS');
  checkHttpCodes('200-599', 'TCP');
  for (const bad of ['600', '199', '200-500', '300-200', 'abc', '200,', '2000']) {
    assert.throws(() => checkHttpCodes(bad, 'HTTP'), { code: 'ValidationError' }, bad);
  }
  fc.assert(fc.property(fc.integer({ min: 200, max: 499 }), fc.integer({ min: 200, max: 499 }), (a, b) => {
    const [low, high] = a <= b ? [a, b] : [b, a];
    checkHttpCodes(`${low}-${high}`, 'HTTP');
    assert.throws(() => checkHttpCodes(`${high + 300}`, 'HTTP'), { code: 'ValidationError' });
  }));
});
