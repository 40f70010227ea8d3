// The state DescribeTargetHealth reports for a registered target, in ELBv2's order of precedence.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TargetHealthRecord, TargetRecord } from './records.ts';
import { targetHealthOf } from './target-health.ts';

const target: TargetRecord = {
  targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef',
  id: '10.71.0.10', port: 8080, address: '10.71.0.10', registeredAt: new Date(0), state: 'registered',
};
const observed = (state: TargetHealthRecord['state'], reasonCode?: string, description?: string): TargetHealthRecord => ({
  targetGroupArn: target.targetGroupArn, id: target.id, port: target.port, state, since: new Date(0),
  ...(reasonCode !== undefined ? { reasonCode } : {}), ...(description !== undefined ? { description } : {}),
});

void test('draining wins over everything, then unused, then disabled health checks', () => {
  const draining = { ...target, state: 'draining' as const };
  assert.deepEqual(targetHealthOf(draining, observed('healthy'), false, true),
    { State: 'draining', Reason: 'Target.DeregistrationInProgress', Description: 'Target deregistration is in progress' });
  assert.deepEqual(targetHealthOf(target, observed('healthy'), false, true),
    { State: 'unused', Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' });
  assert.deepEqual(targetHealthOf(target, observed('healthy'), true, false),
    { State: 'unavailable', Reason: 'Target.HealthCheckDisabled', Description: 'Health checks are disabled' });
});

void test('in use: initial until observed, then what the data plane saw', () => {
  assert.deepEqual(targetHealthOf(target, undefined, true, true),
    { State: 'initial', Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' });
  assert.deepEqual(targetHealthOf(target, observed('initial', 'Elb.InitialHealthChecking', 'Initial health checks in progress'), true, true),
    { State: 'initial', Reason: 'Elb.InitialHealthChecking', Description: 'Initial health checks in progress' });
  assert.deepEqual(targetHealthOf(target, observed('healthy'), true, true), { State: 'healthy' });
  assert.deepEqual(targetHealthOf(target, observed('unhealthy', 'Target.ResponseCodeMismatch', 'Health checks failed with these codes: [404]'), true, true),
    { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [404]' });
});
