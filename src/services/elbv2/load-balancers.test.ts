// How DescribeLoadBalancers shows a stored load balancer: provisioning for its first second, and the port
// the data plane fell back to for an HTTP port-80 listener it could not bind.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBalancerView, PROVISIONING_MS } from './load-balancers.ts';
import type { LoadBalancerRecord } from './records.ts';

const created = new Date('2026-01-01T00:00:00Z');
const record: LoadBalancerRecord = {
  loadBalancer: { LoadBalancerName: 'api-alb', DNSName: 'api-alb-1234567890.us-east-1.elb.localhost', CreatedTime: created, State: { Code: 'active' } },
  attributes: {},
  interfaces: [],
};

void test('provisioning for the first second, then the stored state', () => {
  assert.equal(loadBalancerView(record, created).State?.Code, 'provisioning');
  assert.equal(loadBalancerView(record, new Date(created.getTime() + PROVISIONING_MS - 1)).State?.Code, 'provisioning');
  assert.equal(loadBalancerView(record, new Date(created.getTime() + PROVISIONING_MS)).State?.Code, 'active');
});

void test("DNSName carries port 80's fallback port, and only that one", () => {
  const later = new Date(created.getTime() + 5000);
  assert.equal(loadBalancerView(record, later).DNSName, 'api-alb-1234567890.us-east-1.elb.localhost');
  assert.equal(loadBalancerView({ ...record, boundPorts: { 80: 8080 } }, later).DNSName, 'api-alb-1234567890.us-east-1.elb.localhost:8080');
  assert.equal(loadBalancerView({ ...record, boundPorts: { 443: 8443 } }, later).DNSName, 'api-alb-1234567890.us-east-1.elb.localhost');
  assert.equal(record.loadBalancer.DNSName, 'api-alb-1234567890.us-east-1.elb.localhost');
});
