import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancerRecord, TargetGroupRecord, TargetRecord } from '../../services/elbv2/records.ts';
import { buildPlaneConfig, forwardedGroups, wantedAddresses } from './config-builder.ts';
import { emptySnapshot, type Snapshot } from './snapshot.ts';

const scope = { account: '123456789012', region: 'us-east-1' };
const LB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188';
const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
const tgArn = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/0123456789abcdef`;
const now = new Date('2024-05-01T00:00:00Z');

function snapshot(): Snapshot {
  const s = emptySnapshot();
  const lb: LoadBalancerRecord = {
    loadBalancer: { LoadBalancerArn: LB, LoadBalancerName: 'web', Type: 'application', DNSName: 'Web-123.us-east-1.elb.localhost', State: { Code: 'active' } },
    attributes: { 'idle_timeout.timeout_seconds': '15' },
    interfaces: [
      { networkInterfaceId: 'eni-1', subnetId: 'subnet-a', privateIpv4Address: '10.72.1.10' },
      { networkInterfaceId: 'eni-2', subnetId: 'subnet-b', privateIpv4Address: '10.72.2.10' },
    ],
  };
  s.loadBalancers.push({ scope, parent: '', record: lb });
  s.subnets.set('subnet-a', { vpcId: 'vpc-1', cidr: '10.72.1.0/24' });
  s.subnets.set('subnet-b', { vpcId: 'vpc-1', cidr: '10.72.2.0/24' });
  s.vpcs.set('vpc-1', ['10.72.0.0/16']);
  const forward: Action[] = [{ Type: 'forward', TargetGroupArn: tgArn('api') }];
  s.listeners.push({ scope, parent: LB, record: { listener: { ListenerArn: LISTENER, LoadBalancerArn: LB, Port: 80, Protocol: 'HTTP', DefaultActions: forward } } });
  s.rules.push({ scope, parent: LISTENER, record: { rule: { RuleArn: `${LISTENER}/default`, IsDefault: true, Priority: 'default', Actions: forward } } });
  s.rules.push({ scope, parent: LISTENER, record: { rule: { RuleArn: `${LISTENER}/r2`, Priority: '20', Conditions: [{ Field: 'path-pattern', Values: ['/b/*'] }], Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgArn('other'), Weight: 1 }] } }] } } });
  s.rules.push({ scope, parent: LISTENER, record: { rule: { RuleArn: `${LISTENER}/r1`, Priority: '5', Conditions: [], Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }] } } });
  const group = (name: string): TargetGroupRecord => ({
    targetGroup: { TargetGroupArn: tgArn(name), TargetGroupName: name, Protocol: 'HTTP', VpcId: 'vpc-1', HealthCheckPath: '/health', HealthCheckIntervalSeconds: 10, Matcher: { HttpCode: '200-299' } },
    attributes: { 'deregistration_delay.timeout_seconds': '300' },
  });
  for (const name of ['api', 'other', 'unused']) s.targetGroups.push({ scope, parent: '', record: group(name) });
  const target = (id: string, over: Partial<TargetRecord> = {}): TargetRecord => ({ targetGroupArn: tgArn('api'), id, port: 8080, address: id, registeredAt: now, state: 'registered', ...over });
  s.targets.push({ scope, parent: tgArn('api'), record: target('10.72.2.33') });
  s.targets.push({ scope, parent: tgArn('api'), record: target('10.72.3.7', { state: 'draining', drainUntil: new Date(now.getTime() + 300_000) }) });
  s.targets.push({ scope, parent: tgArn('api'), record: target('192.168.9.9') });
  return s;
}

test('load balancers, listeners and non-default rules by priority; only forwarded-to groups', () => {
  const config = buildPlaneConfig(snapshot(), new Set(['10.72.1.10', '10.72.2.10']));
  const [lb] = config.loadBalancers;
  assert.equal(lb?.dnsName, 'web-123.us-east-1.elb.localhost');
  assert.equal(lb?.idleTimeoutSeconds, 15);
  assert.deepEqual(lb?.sourceAddresses, ['10.72.1.10', '10.72.2.10']);
  assert.deepEqual(lb?.listeners[0]?.rules.map((r) => r.priority), [5, 20]);
  assert.deepEqual(config.targetGroups.map((g) => g.arn), [tgArn('api'), tgArn('other')]);
  const api = config.targetGroups[0];
  assert.deepEqual(api?.healthCheck, { enabled: true, protocol: 'HTTP', port: 'traffic-port', path: '/health', intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 5, unhealthyThreshold: 2, httpCodes: '200-299' });
});

test('each target leaves from the load balancer address in its subnet, else one in its VPC; none outside the VPC', () => {
  const targets = buildPlaneConfig(snapshot(), new Set(['10.72.1.10', '10.72.2.10'])).targetGroups[0]?.targets ?? [];
  assert.deepEqual(targets.map((t) => [t.id, t.sourceAddress, t.state, t.drainUntil]), [
    ['10.72.2.33', '10.72.2.10', 'registered', undefined],
    ['10.72.3.7', '10.72.1.10', 'draining', now.getTime() + 300_000],
    ['192.168.9.9', undefined, 'registered', undefined],
  ]);
  const without = buildPlaneConfig(snapshot(), new Set()).targetGroups[0]?.targets ?? [];
  assert.ok(without.every((t) => t.sourceAddress === undefined));
  assert.deepEqual(buildPlaneConfig(snapshot(), new Set()).loadBalancers[0]?.sourceAddresses, []);
});

test('wanted addresses: each interface with its subnet', () => {
  assert.deepEqual(wantedAddresses(snapshot()), [
    { vpcId: 'vpc-1', subnetCidr: '10.72.1.0/24', ip: '10.72.1.10' },
    { vpcId: 'vpc-1', subnetCidr: '10.72.2.0/24', ip: '10.72.2.10' },
  ]);
});

test('property: the configuration does not depend on the order records are listed in', () => {
  fc.assert(fc.property(fc.integer(), (seed) => {
    const s = snapshot();
    const shuffle = <T>(items: T[]) => items.map((item, i) => ({ item, k: Math.sin(seed + i) })).sort((a, b) => a.k - b.k).map((x) => x.item);
    const shuffled: Snapshot = { ...s, rules: shuffle(s.rules), targets: shuffle(s.targets), targetGroups: shuffle(s.targetGroups), listeners: shuffle(s.listeners) };
    const usable = new Set(['10.72.1.10']);
    assert.equal(JSON.stringify(buildPlaneConfig(shuffled, usable)), JSON.stringify(buildPlaneConfig(s, usable)));
  }));
});

test('forwardedGroups reads TargetGroupArn and ForwardConfig', () => {
  assert.deepEqual(forwardedGroups([{ Type: 'forward', TargetGroupArn: 'a' }, { Type: 'fixed-response' }, { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'b' }, { TargetGroupArn: 'c' }] } }]), ['a', 'b', 'c']);
});
