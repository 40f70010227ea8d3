import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { PlaneReport } from '../../lb/plane.ts';
import { targetKey, type LoadBalancerRecord, type TargetRecord } from '../../services/elbv2/records.ts';
import { loadBalancerArnOfListener, planCleanup, planReports, type RecordState } from './report-planner.ts';

const scope = { account: '123456789012', region: 'us-east-1' };
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/0123456789abcdef';
const LB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188';
const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
const now = new Date('2024-05-01T00:00:00Z');

const target = (id: string, over: Partial<TargetRecord> = {}): TargetRecord => ({ targetGroupArn: TG, id, port: 80, address: id, registeredAt: now, state: 'registered', ...over });
function state(targets: TargetRecord[] = [], lb?: LoadBalancerRecord): RecordState {
  return {
    targets: new Map(targets.map((t) => [targetKey(t.targetGroupArn, t.id, t.port), { scope, record: t }])),
    healths: new Map(),
    loadBalancers: new Map(lb ? [[LB, { scope, record: lb }]] : []),
  };
}
const lbRecord = (boundPorts?: Record<string, number>): LoadBalancerRecord => ({
  loadBalancer: { LoadBalancerArn: LB, LoadBalancerName: 'web' }, attributes: {}, interfaces: [], ...(boundPorts ? { boundPorts } : {}),
});

test('a listener ARN names its load balancer', () => {
  assert.equal(loadBalancerArnOfListener(LISTENER), LB);
});

test('health reports become health records; since holds while the state does', () => {
  const s = state([target('10.72.1.5')]);
  const report: PlaneReport = { kind: 'health', targetGroupArn: TG, targetId: '10.72.1.5', port: 80, state: 'unhealthy', reasonCode: 'Target.Timeout', description: 'Request timed out' };
  const [write] = planReports([report], s, now);
  assert.deepEqual(write, { kind: 'put-health', scope, record: { targetGroupArn: TG, id: '10.72.1.5', port: 80, state: 'unhealthy', reasonCode: 'Target.Timeout', description: 'Request timed out', since: now } });
  const later = new Date(now.getTime() + 5000);
  const [again] = planReports([{ ...report, reasonCode: 'Target.FailedHealthChecks', description: 'Health checks failed' }], s, later);
  assert.equal(again?.kind === 'put-health' && again.record.since, now);
  const [healthy] = planReports([{ kind: 'health', targetGroupArn: TG, targetId: '10.72.1.5', port: 80, state: 'healthy' }], s, later);
  assert.equal(healthy?.kind === 'put-health' && healthy.record.since, later);
  assert.deepEqual(planReports([{ ...report, targetId: '10.72.9.9' }], s, now), []);
});

test('drained removes a draining target and its health, not one registered again', () => {
  const s = state([target('a', { state: 'draining', drainUntil: new Date(now.getTime() + 60_000) }), target('b')]);
  planReports([{ kind: 'health', targetGroupArn: TG, targetId: 'a', port: 80, state: 'healthy' }], s, now);
  const writes = planReports([{ kind: 'drained', targetGroupArn: TG, targetId: 'a', port: 80 }, { kind: 'drained', targetGroupArn: TG, targetId: 'b', port: 80 }], s, now);
  assert.deepEqual(writes.map((w) => w.kind), ['delete-target', 'delete-health']);
});

test('bound: the real port recorded when it differs, removed when it agrees', () => {
  const s = state([], lbRecord());
  const writes = planReports([{ kind: 'bound', listenerArn: LISTENER, requestedPort: 80, port: 40123, address: '127.0.0.1' }], s, now);
  assert.equal(writes.length, 1);
  assert.deepEqual(writes[0]?.kind === 'put-load-balancer' && writes[0].record.boundPorts, { 80: 40123 });
  assert.deepEqual(planReports([{ kind: 'bound', listenerArn: LISTENER, requestedPort: 80, port: 40123, address: '127.0.0.1' }], s, now), []);
  const back = planReports([{ kind: 'bound', listenerArn: LISTENER, requestedPort: 80, port: 80, address: '127.0.0.1' }], s, now);
  assert.equal(back[0]?.kind === 'put-load-balancer' && back[0].record.boundPorts, undefined);
  assert.deepEqual(planReports([{ kind: 'bound', listenerArn: LISTENER, requestedPort: 443, port: 443, address: '127.0.0.1' }], s, now), []);
});

test('cleanup: drains past drainUntil end without a report; health without a target goes', () => {
  const s = state([target('a', { state: 'draining', drainUntil: now }), target('b', { state: 'draining', drainUntil: new Date(now.getTime() + 1) })]);
  s.healths.set(targetKey(TG, 'zombie', 80), { scope, record: { targetGroupArn: TG, id: 'zombie', port: 80, state: 'healthy', since: now } });
  const writes = planCleanup(s, now);
  assert.deepEqual(writes.map((w) => [w.kind, 'id' in w ? w.id : '']), [['delete-target', targetKey(TG, 'a', 80)], ['delete-health', targetKey(TG, 'zombie', 80)]]);
  assert.deepEqual(planCleanup(s, now), []);
});

test('property: after any reports and a cleanup, no health record is left without its target', () => {
  const ids = ['a', 'b', 'c'];
  const report = fc.oneof(
    fc.record({ kind: fc.constant('health' as const), targetGroupArn: fc.constant(TG), targetId: fc.constantFrom(...ids, 'x'), port: fc.constant(80), state: fc.constantFrom('initial' as const, 'healthy' as const, 'unhealthy' as const) }),
    fc.record({ kind: fc.constant('drained' as const), targetGroupArn: fc.constant(TG), targetId: fc.constantFrom(...ids), port: fc.constant(80) }),
  );
  fc.assert(fc.property(fc.array(report, { maxLength: 20 }), fc.subarray(ids), (reports, drainingIds) => {
    const s = state(ids.map((id) => target(id, drainingIds.includes(id) ? { state: 'draining', drainUntil: new Date(now.getTime() + 1000) } : {})));
    planReports(reports, s, now);
    planCleanup(s, now);
    for (const key of s.healths.keys()) assert.ok(s.targets.has(key));
    for (const id of ids.filter((i) => !drainingIds.includes(i))) assert.ok(s.targets.has(targetKey(TG, id, 80)), 'a registered target is never removed');
  }));
});
