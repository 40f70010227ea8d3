// The load balancer benchmark's HTTP client against a loopback server: answers checked (status, body),
// keep-alive connections bounded by the clients, timeouts, and the background load's stop and counts.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { BackgroundLoad, HttpGetter, hostHeaderFor, listenerEndpoint, type HttpTarget } from './lb-http.ts';

let server: Server;
let port = 0;
const sockets = new Set<number>();
const hosts: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    sockets.add(req.socket.remotePort ?? 0);
    hosts.push(req.headers.host ?? '');
    if (req.url === '/missing') res.writeHead(404).end('no');
    else if (req.url === '/other') res.writeHead(200).end('other');
    else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end('late'), 60_000).unref();
    else res.writeHead(200).end('small\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const target = (path: string): HttpTarget => ({ name: 't', address: '127.0.0.1', port, hostHeader: 'bench-alb-1.us-east-1.elb.localhost', path });

test('the Host header is the DNS name, with the port only when it is not 80', () => {
  assert.equal(hostHeaderFor('a.elb.localhost', 80), 'a.elb.localhost');
  assert.equal(hostHeaderFor('a.elb.localhost', 8081), 'a.elb.localhost:8081');
});

test('a DNSName with a port (Berth could not bind the listener\'s) names where to connect', () => {
  assert.deepEqual(listenerEndpoint('bench-alb-12.us-east-1.elb.localhost', 80), { host: 'bench-alb-12.us-east-1.elb.localhost', port: 80 });
  assert.deepEqual(listenerEndpoint('bench-alb-12.us-east-1.elb.localhost:40123', 80), { host: 'bench-alb-12.us-east-1.elb.localhost', port: 40123 });
});

test('GETs reuse at most `sockets` keep-alive connections and send the Host header', async () => {
  sockets.clear();
  hosts.length = 0;
  const getter = new HttpGetter(target('/index.html'), 'small\n', 2);
  try {
    for (let round = 0; round < 5; round++) await Promise.all([getter.get(0), getter.get(1)]);
  } finally {
    getter.close();
  }
  assert.equal(sockets.size, 2);
  assert.ok(hosts.every((h) => h === 'bench-alb-1.us-east-1.elb.localhost'));
});

test('another status or another body is an error', async () => {
  const missing = new HttpGetter(target('/missing'), 'small\n', 1);
  const other = new HttpGetter(target('/other'), 'small\n', 1);
  try {
    await assert.rejects(missing.get(0), { name: 'UnexpectedAnswer', message: /HTTP 404: no/ });
    await assert.rejects(other.get(0), { name: 'UnexpectedAnswer', message: /200 with another body \(5 bytes\)/ });
  } finally {
    missing.close();
    other.close();
  }
});

test('a refused connection is an error', async () => {
  const closed = new HttpGetter({ ...target('/'), port: 1 }, 'small\n', 1);
  try {
    await assert.rejects(closed.get(0), /ECONNREFUSED/);
  } finally {
    closed.close();
  }
});

test('the background load counts answers and failures until stopped', async () => {
  let n = 0;
  const load = new BackgroundLoad(async () => {
    n++;
    await new Promise((resolve) => setImmediate(resolve));
    if (n % 10 === 0) throw new Error('every tenth');
  }, 3, 60_000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const result = await load.stop();
  assert.equal(result.ok + result.failures, n);
  assert.ok(result.failures > 0);
  assert.equal(result.failureKinds.get('Error: every tenth'), result.failures);
  assert.equal(result.failureTimesMs.length, Math.min(100, result.failures));
  const after = n;
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(n, after, 'nothing is sent after stop()');
});

test('the background load ends by itself at its deadline', async () => {
  let clock = 0;
  const load = new BackgroundLoad(async () => {
    clock += 10;
    await Promise.resolve();
  }, 1, 100, () => clock);
  // Every call yields only to microtasks: by the next timer the loop has run into its deadline on its own.
  await new Promise((resolve) => setTimeout(resolve, 10));
  const result = await load.stop();
  assert.equal(result.ok, 10);
  assert.equal(result.elapsedMs, 100);
  assert.throws(() => new BackgroundLoad(async () => {}, 0, 10), /workers must be a positive integer/);
});
