import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { createServer, get } from 'node:http';
import { createLoadBalancerPlane } from './index.ts';
import type { PlaneConfig, PlaneReport } from './plane.ts';

const LB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/w/1';
const config = (port: number): PlaneConfig => ({
  loadBalancers: [{
    arn: LB, name: 'w', type: 'application', dnsName: 'w-1.us-east-1.elb.localhost', idleTimeoutSeconds: 60, sourceAddresses: [],
    listeners: [{ arn: `${LB.replace(':loadbalancer/', ':listener/')}/l1`, port, protocol: 'HTTP', rules: [], defaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', MessageBody: 'from the worker' } }] }],
  }],
  targetGroups: [],
});

function fetchText(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host, port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

test('the worker listens, answers and reports where; a taken port falls back to another and says so', async () => {
  const host = `127.0.${randomInt(1, 255)}.${randomInt(2, 255)}`;
  // Something else holds the port first.
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, host, resolve));
  const taken = (squatter.address() as { port: number }).port;
  const logs: string[] = [];
  const plane = createLoadBalancerPlane({ host, log: (m) => logs.push(m) });
  const reports: PlaneReport[] = [];
  plane.onReports((batch) => reports.push(...batch));
  try {
    plane.apply(config(taken));
    const deadline = Date.now() + 10_000;
    while (!reports.some((r) => r.kind === 'bound') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const bound = reports.find((r) => r.kind === 'bound');
    assert.ok(bound && bound.kind === 'bound');
    assert.equal(bound.requestedPort, taken);
    assert.notEqual(bound.port, taken);
    assert.equal(bound.address, host);
    assert.ok(logs.some((l) => l.includes(`port ${taken} on ${host} could not be bound (EADDRINUSE`)), logs.join('\n'));
    assert.equal(await fetchText(host, bound.port), 'from the worker');
  } finally {
    await plane.close();
    squatter.close();
  }
});
