import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlaneReport, PlaneTarget, PlaneTargetGroup } from './plane.ts';
import { TargetPool } from './pool.ts';
import type { ProbeResult } from './target-health.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const target = (id: string, over: Partial<PlaneTarget> = {}): PlaneTarget => ({ id, port: 80, address: id, state: 'registered', registeredAt: 1, ...over });
const group = (targets: PlaneTarget[], attributes: Record<string, string> = {}): PlaneTargetGroup => ({
  arn: 'arn:tg/api/1', protocol: 'HTTP', attributes, targets,
  healthCheck: { enabled: true, protocol: 'HTTP', port: 'traffic-port', path: '/', intervalSeconds: 0.03, timeoutSeconds: 0.02, healthyThreshold: 2, unhealthyThreshold: 2, httpCodes: '200' },
});

function harness(results: Record<string, ProbeResult>) {
  const reports: PlaneReport[] = [];
  let now = 1_000_000;
  const pool = new TargetPool(group([]), {
    now: () => now, report: (r) => reports.push(r),
    probe: async (spec) => results[spec.address] ?? { ok: true },
  });
  return { pool, reports, advance: (ms: number) => { now += ms; }, results };
}

const picks = (pool: TargetPool, n: number) => Array.from({ length: n }, () => {
  const choice = pool.choose(new Map(), false);
  return choice.kind === 'target' ? choice.target.id : choice.kind;
});

test('no registered target is no-targets; draining ones do not count', () => {
  const { pool } = harness({});
  assert.deepEqual(picks(pool, 1), ['no-targets']);
  pool.update(group([target('a', { state: 'draining', drainUntil: Number.MAX_SAFE_INTEGER })]));
  assert.deepEqual(picks(pool, 1), ['no-targets']);
  pool.close();
});

test('new targets report initial; one pass makes them healthy; only healthy ones get requests', async () => {
  const h = harness({ b: { ok: false, failure: 'code-mismatch', status: 404 } });
  h.pool.update(group([target('a'), target('b')]));
  assert.deepEqual(h.reports.map((r) => r.kind === 'health' && [r.targetId, r.state]), [['a', 'initial'], ['b', 'initial']]);
  // Both initial: nobody is healthy, so both get requests (fail open).
  assert.deepEqual(new Set(picks(h.pool, 4)), new Set(['a', 'b']));
  await sleep(100);
  const health = h.reports.filter((r) => r.kind === 'health' && r.targetId === 'b').at(-1);
  assert.deepEqual(health, { kind: 'health', targetGroupArn: 'arn:tg/api/1', targetId: 'b', port: 80, state: 'unhealthy', reasonCode: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [404]' });
  assert.deepEqual(picks(h.pool, 4), ['a', 'a', 'a', 'a']);
  // Reports come on changes only.
  const count = h.reports.length;
  await sleep(100);
  assert.equal(h.reports.length, count);
  h.pool.close();
});

test('a target registered again at the same address and port (a new task) starts over at initial', async () => {
  const h = harness({});
  h.pool.update(group([target('a'), target('b')]));
  await sleep(100);
  assert.deepEqual(picks(h.pool, 2).sort(), ['a', 'b']);
  h.pool.update(group([target('a'), target('b', { state: 'draining', drainUntil: 2_000_000 })]));
  h.reports.length = 0;
  h.results.b = { ok: false, failure: 'timeout' };
  h.pool.update(group([target('a'), target('b', { registeredAt: 2 })]));
  assert.deepEqual(h.reports.filter((r) => r.kind === 'health').map((r) => r.kind === 'health' && [r.targetId, r.state]), [['b', 'initial']]);
  assert.deepEqual(picks(h.pool, 3), ['a', 'a', 'a'], 'the new registration gets nothing until it passes a check');
  h.pool.close();
});

test('all unhealthy: fail open to every registered target', async () => {
  const h = harness({ a: { ok: false, failure: 'timeout' }, b: { ok: false, failure: 'connection' } });
  h.pool.update(group([target('a'), target('b')]));
  await sleep(100);
  assert.ok(h.reports.some((r) => r.kind === 'health' && r.targetId === 'a' && r.state === 'unhealthy' && r.reasonCode === 'Target.Timeout'));
  assert.deepEqual(new Set(picks(h.pool, 4)), new Set(['a', 'b']));
  h.pool.close();
});

test('an initial target gets nothing while another is healthy', async () => {
  const h = harness({});
  h.pool.update(group([target('a')]));
  await sleep(50);
  h.pool.update(group([target('a'), target('late')], {}));
  // 'late' is still initial until its first check resolves: only 'a' is picked right now.
  assert.deepEqual(picks(h.pool, 3), ['a', 'a', 'a']);
  h.pool.close();
});

test('draining: no new requests; drained when the last request ends', async () => {
  const h = harness({});
  h.pool.update(group([target('a'), target('b')]));
  await sleep(50);
  const choice = h.pool.choose(new Map(), false);
  assert.equal(choice.kind, 'target');
  if (choice.kind !== 'target') return;
  const busy = choice.target.id;
  const release = h.pool.track(choice.target, () => undefined);
  h.pool.update(group([target('a', busy === 'a' ? { state: 'draining', drainUntil: Number.MAX_SAFE_INTEGER } : {}), target('b', busy === 'b' ? { state: 'draining', drainUntil: Number.MAX_SAFE_INTEGER } : {})]));
  assert.ok(!picks(h.pool, 4).includes(busy));
  assert.equal(h.reports.filter((r) => r.kind === 'drained').length, 0);
  release();
  assert.deepEqual(h.reports.filter((r) => r.kind === 'drained'), [{ kind: 'drained', targetGroupArn: 'arn:tg/api/1', targetId: busy, port: 80 }]);
  h.pool.close();
});

test('draining past drainUntil cuts what is in flight and reports drained', () => {
  const h = harness({});
  h.pool.update(group([target('a')]));
  const choice = h.pool.choose(new Map(), false);
  if (choice.kind !== 'target') throw new Error('no target');
  let aborted = false;
  h.pool.track(choice.target, () => { aborted = true; });
  h.pool.update(group([target('a', { state: 'draining', drainUntil: 1_000_000 + 5000 })]));
  h.pool.tick();
  assert.equal(aborted, false);
  h.advance(5000);
  h.pool.tick();
  assert.equal(aborted, true);
  assert.equal(h.reports.filter((r) => r.kind === 'drained').length, 1);
  h.pool.close();
});

test('lb_cookie stickiness: the cookie pins the target and is set with its CORS twin', async () => {
  const h = harness({});
  h.pool.update(group([target('a'), target('b')], { 'stickiness.enabled': 'true', 'stickiness.type': 'lb_cookie', 'stickiness.lb_cookie.duration_seconds': '60' }));
  await sleep(50);
  const first = h.pool.choose(new Map(), false);
  if (first.kind !== 'target') throw new Error('no target');
  assert.equal(first.setCookies.length, 2);
  const cookie = /^AWSALB=([^;]+)/.exec(first.setCookies[0] ?? '')?.[1] ?? '';
  for (let i = 0; i < 4; i++) {
    const again = h.pool.choose(new Map([['AWSALB', cookie]]), false);
    assert.equal(again.kind === 'target' && again.target.id, first.target.id);
  }
  h.pool.close();
});

test('slow start: a target that just turned healthy gets a small share', async () => {
  const h = harness({});
  h.pool.update(group([target('old')], { 'slow_start.duration_seconds': '100' }));
  await sleep(50);
  h.advance(200_000);
  h.pool.update(group([target('old'), target('new')], { 'slow_start.duration_seconds': '100' }));
  await sleep(50);
  const counts = picks(h.pool, 100).reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());
  assert.ok((counts.get('new') ?? 0) <= 6, `new got ${counts.get('new')}`);
  h.advance(50_000);
  const later = picks(h.pool, 150).reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());
  assert.ok(Math.abs((later.get('new') ?? 0) - 50) <= 2, `new got ${later.get('new')}`);
  h.pool.close();
});
