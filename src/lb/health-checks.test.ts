import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlaneHealthCheck } from './plane.ts';
import { probeSpec, TargetGroupHealthChecks } from './health-checks.ts';
import type { ProbeSpec } from './health-probe.ts';
import type { ProbeResult } from './target-health.ts';

const check: PlaneHealthCheck = {
  enabled: true, protocol: 'HTTP', port: 'traffic-port', path: '/health', intervalSeconds: 0.05, timeoutSeconds: 0.04,
  healthyThreshold: 2, unhealthyThreshold: 2, httpCodes: '200',
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('each target is probed at once and then every interval; removed targets stop', async () => {
  const probes: ProbeSpec[] = [];
  const results: string[] = [];
  const checks = new TargetGroupHealthChecks({
    probe: async (spec) => { probes.push(spec); return { ok: true }; },
    onResult: (key) => results.push(key),
  });
  checks.update(check, [{ key: 'a', address: '127.0.0.2', port: 8080 }, { key: 'b', address: '127.0.0.3', port: 8081, sourceAddress: '127.0.0.9' }]);
  await sleep(20);
  assert.deepEqual(results.sort(), ['a', 'b']);
  await sleep(120);
  const before = results.filter((k) => k === 'a').length;
  assert.ok(before >= 3, `a probed ${before} times`);
  checks.update(check, [{ key: 'b', address: '127.0.0.3', port: 8081, sourceAddress: '127.0.0.9' }]);
  await sleep(120);
  assert.equal(results.filter((k) => k === 'a').length, before);
  checks.close();
  const after = results.length;
  await sleep(100);
  assert.equal(results.length, after);
  const b = probes.find((p) => p.address === '127.0.0.3');
  assert.equal(b?.localAddress, '127.0.0.9');
  assert.equal(b?.port, 8081);
  assert.equal(b?.path, '/health');
});

test('a result from a check started under old settings is dropped', async () => {
  const results: ProbeResult[] = [];
  let release: (() => void) | undefined;
  const checks = new TargetGroupHealthChecks({
    probe: (spec) => new Promise((resolve) => {
      if (spec.path === '/old') release = () => resolve({ ok: false, failure: 'connection' });
      else resolve({ ok: true });
    }),
    onResult: (_key, result) => results.push(result),
  });
  checks.update({ ...check, path: '/old', intervalSeconds: 10 }, [{ key: 'a', address: '127.0.0.2', port: 80 }]);
  await sleep(10);
  checks.update({ ...check, path: '/new', intervalSeconds: 10 }, [{ key: 'a', address: '127.0.0.2', port: 80 }]);
  await sleep(10);
  release?.();
  await sleep(10);
  checks.close();
  assert.deepEqual(results, [{ ok: true }]);
});

test('probeSpec: a numbered health-check port overrides the traffic port', () => {
  assert.equal(probeSpec({ ...check, port: '9000' }, { key: 'a', address: '10.72.0.5', port: 80 }).port, 9000);
  assert.equal(probeSpec(check, { key: 'a', address: '10.72.0.5', port: 80 }).port, 80);
  assert.equal(probeSpec(check, { key: 'a', address: '10.72.0.5', port: 80 }).timeoutMs, 40);
});
