// The load balancer end to end: ELBv2 records (made through the API; targets written with putTarget, since
// RegisterTargets refuses loopback addresses) → the load-balancer controller → the data plane's worker → real
// sockets, with real HTTP backends on loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomInt } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyLoadBalancerAttributesCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { startTestServer, type TestServer } from './harness.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { putTarget, targetKey } from '../../src/services/elbv2/records.ts';

const SCOPE = { account: '123456789012', region: 'us-east-1' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Backend {
  name: string;
  port: number;
  hits: number;
  healthStatus: number;
  server: Server;
}

/** A target: answers /health with `healthStatus`, /slow after ?ms=, anything else with its name and the headers it got. */
async function startBackend(name: string): Promise<Backend> {
  const backend: Backend = { name, port: 0, hits: 0, healthStatus: 200, server: createServer() };
  backend.server.on('request', (req, res) => {
    if (req.url === '/health') {
      res.statusCode = backend.healthStatus;
      res.end();
      return;
    }
    backend.hits++;
    const url = new URL(req.url ?? '/', 'http://x');
    const reply = () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name, url: req.url, headers: req.headers }));
    };
    if (url.pathname.endsWith('/slow')) setTimeout(reply, Number(url.searchParams.get('ms') ?? 1000));
    else reply();
  });
  // WebSocket: the RFC 6455 handshake, then an echo of whatever arrives.
  backend.server.on('upgrade', (req, socket: Socket) => {
    const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nX-Backend: ${name}\r\n\r\n`);
    socket.on('data', (data) => socket.write(data));
  });
  await new Promise<void>((resolve) => backend.server.listen(0, '127.0.0.1', resolve));
  backend.port = (backend.server.address() as AddressInfo).port;
  return backend;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('load balancer data plane', () => {
  let server: TestServer;
  let store: Store;
  let elb: ElasticLoadBalancingV2Client;
  let lbHost: string;
  let vpcId: string;
  let lb: { arn: string; dns: string };
  let lb2: { arn: string; dns: string };
  const backends: Backend[] = [];

  const get = (path: string, options: { host?: string; headers?: Record<string, string>; method?: string; port?: number } = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request({ host: lbHost, port: options.port ?? 80, path, method: options.method ?? 'GET', agent: false, headers: { host: options.host ?? lb.dns, ...options.headers } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { body += chunk; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const nameOf = (answer: Answer) => (JSON.parse(answer.body) as { name: string }).name;

  const targetGroup = async (name: string, over: Partial<ConstructorParameters<typeof CreateTargetGroupCommand>[0]> = {}) => {
    const out = await elb.send(new CreateTargetGroupCommand({
      Name: name, Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'ip', HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2, UnhealthyThresholdCount: 2, ...over,
    }));
    return out.TargetGroups?.[0]?.TargetGroupArn ?? '';
  };
  const register = async (groupArn: string, backend: Backend, state: 'registered' | 'draining' = 'registered', drainUntil?: Date) => {
    await store.write(async (tx) => {
      // Draining keeps the registration it drains (as DeregisterTargets does); a new registration is a new target.
      const registered = state === 'draining' ? (await tx.get('elbv2.target', SCOPE, targetKey(groupArn, '127.0.0.1', backend.port)))?.registeredAt : undefined;
      await putTarget(tx, SCOPE, {
        targetGroupArn: groupArn, id: '127.0.0.1', port: backend.port, address: '127.0.0.1', registeredAt: registered ?? new Date(), state,
        ...(state === 'draining' ? { drainingSince: new Date(), drainUntil: drainUntil ?? new Date(Date.now() + 60_000) } : {}),
      });
    });
  };
  const health = (groupArn: string, backend: Backend) =>
    store.read((tx) => tx.get('elbv2.target-health', SCOPE, targetKey(groupArn, '127.0.0.1', backend.port)));
  const waitHealth = (groupArn: string, backend: Backend, state: string) =>
    waitFor(`${backend.name} ${state}`, async () => ((await health(groupArn, backend))?.state === state ? true : undefined));
  const rule = async (priority: number, conditions: ConstructorParameters<typeof CreateRuleCommand>[0]['Conditions'], actions: Action[], listenerArn = listener) => {
    await elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: priority, Conditions: conditions, Actions: actions }));
  };
  const fixed = (body: string, status = '200'): Action[] => [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: status, ContentType: 'text/plain', MessageBody: body } }];
  const forward = (arn: string): Action[] => [{ Type: 'forward', TargetGroupArn: arn }];
  let listener = '';
  let mainGroup = '';

  before(async () => {
    lbHost = `127.0.${randomInt(1, 255)}.${randomInt(2, 255)}`;
    server = await startTestServer({ loadBalancerHost: lbHost });
    store = await openSqliteStore(server.dataDir);
    elb = new ElasticLoadBalancingV2Client(server.clientConfig);
    const ec2 = new EC2Client(server.clientConfig);
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.72.0.0/16' }))).Vpc?.VpcId ?? '';
    const subnets: string[] = [];
    for (const [cidr, zone] of [['10.72.1.0/24', 'us-east-1a'], ['10.72.2.0/24', 'us-east-1b']] as const) {
      subnets.push((await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet?.SubnetId ?? '');
    }
    const make = async (name: string) => {
      const out = await elb.send(new CreateLoadBalancerCommand({ Name: name, Subnets: subnets, Type: 'application', Scheme: 'internal' }));
      return { arn: out.LoadBalancers?.[0]?.LoadBalancerArn ?? '', dns: out.LoadBalancers?.[0]?.DNSName ?? '' };
    };
    lb = await make('lb-proxy-one');
    lb2 = await make('lb-proxy-two');
    for (const name of ['a', 'b', 'c']) backends.push(await startBackend(name));
    mainGroup = await targetGroup('lb-proxy-main');
    listener = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb.arn, Protocol: 'HTTP', Port: 80, DefaultActions: forward(mainGroup) }))).Listeners?.[0]?.ListenerArn ?? '';
    const [a, b, c] = backends as [Backend, Backend, Backend];
    c.healthStatus = 404;
    for (const backend of [a, b, c]) await register(mainGroup, backend);
    await waitHealth(mainGroup, a, 'healthy');
    await waitHealth(mainGroup, b, 'healthy');
  });

  after(async () => {
    for (const backend of backends) {
      backend.server.closeAllConnections();
      backend.server.close();
    }
    await store?.close();
    await server?.stop();
  });

  test('round robin over the healthy targets; a target failing its matcher gets nothing and says why', async () => {
    const c = backends[2] as Backend;
    await waitHealth(mainGroup, c, 'unhealthy');
    const record = await health(mainGroup, c);
    assert.equal(record?.reasonCode, 'Target.ResponseCodeMismatch');
    assert.equal(record?.description, 'Health checks failed with these codes: [404]');
    const described = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: mainGroup }));
    const cHealth = described.TargetHealthDescriptions?.find((d) => d.Target?.Port === c.port)?.TargetHealth;
    assert.equal(cHealth?.State, 'unhealthy');
    assert.equal(cHealth?.Reason, 'Target.ResponseCodeMismatch');
    const names = [];
    for (let i = 0; i < 6; i++) names.push(nameOf(await get('/x')));
    assert.deepEqual(names.filter((n) => n === 'a').length, 3);
    assert.deepEqual(names.filter((n) => n === 'b').length, 3);
    assert.ok(!names.includes('c'));
    for (let i = 1; i < names.length; i++) assert.notEqual(names[i], names[i - 1], `not alternating: ${names.join()}`);
  });

  test('X-Forwarded-For/-Proto/-Port and X-Amzn-Trace-Id reach the target', async () => {
    const answer = await get('/headers?q=1', { headers: { 'x-forwarded-for': '203.0.113.9', 'x-amzn-trace-id': 'Root=1-5759e988-bd862e3fe1be46a994272793;App=x' } });
    const { headers, url } = JSON.parse(answer.body) as { headers: Record<string, string>; url: string };
    assert.equal(url, '/headers?q=1');
    assert.equal(headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.equal(headers['x-forwarded-proto'], 'http');
    assert.equal(headers['x-forwarded-port'], '80');
    assert.match(headers['x-amzn-trace-id'] ?? '', /^Self=1-[0-9a-f]{8}-[0-9a-f]{24};Root=1-5759e988-bd862e3fe1be46a994272793;App=x$/);
    const fresh = JSON.parse((await get('/')).body) as { headers: Record<string, string> };
    assert.match(fresh.headers['x-amzn-trace-id'] ?? '', /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    const seconds = Number.parseInt((fresh.headers['x-amzn-trace-id'] ?? '').slice(7, 15), 16);
    assert.ok(Math.abs(seconds - Date.now() / 1000) < 60);
  });

  test('rules by priority: path-pattern, host-header, http-header; fixed-response and redirect', async () => {
    await rule(30, [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }], fixed('api'));
    await rule(20, [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/v2/*'] } }], fixed('api-v2', '201'));
    await rule(10, [{ Field: 'host-header', HostHeaderConfig: { Values: ['admin.*'] } }], fixed('admin'));
    await rule(15, [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['yes'] } }], fixed('canary'));
    await rule(40, [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/old/*'] } }],
      [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', Path: '/new/#{path}', StatusCode: 'HTTP_301' } }]);
    // The controller may sync between two CreateRule calls: wait for the last rule created, then all are there.
    await waitFor('the rules', async () => ((await get('/old/x')).status === 301 ? true : undefined));
    const answer = await get('/api/v1/users');
    assert.equal(answer.body, 'api');
    assert.equal(answer.headers['content-type'], 'text/plain');
    const v2 = await get('/api/v2/users');
    assert.deepEqual([v2.status, v2.body], [201, 'api-v2']);
    assert.equal((await get('/api/v2/x', { headers: { 'x-canary': 'YES' } })).body, 'canary');
    assert.equal((await get('/api/v2/x', { host: 'admin.example.com' })).body, 'admin');
    const moved = await get('/old/page?x=1');
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.location, `https://${lb.dns}/new/old/page?x=1`);
    assert.equal(typeof nameOf(await get('/other')), 'string');
  });

  test('two load balancers on port 80 are told apart by Host; an unknown Host gets Berth\'s 404', async () => {
    await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb2.arn, Protocol: 'HTTP', Port: 80, DefaultActions: fixed('second load balancer') }));
    const second = await waitFor('the second listener', async () => {
      const a = await get('/', { host: `${lb2.dns.toUpperCase()}:80` });
      return a.body === 'second load balancer' ? a : undefined;
    });
    assert.equal(second.status, 200);
    assert.equal(typeof nameOf(await get('/', { host: lb.dns })), 'string');
    const unknown = await get('/', { host: 'nobody.localhost' });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body, /no load balancer listening on port 80 answers to host 'nobody\.localhost'/);
  });

  test('503 without registered targets, 502 from a refused target, 504 after the idle timeout', async () => {
    const empty = await targetGroup('lb-proxy-empty');
    await rule(50, [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/empty/*'] } }], forward(empty));
    const refusedGroup = await targetGroup('lb-proxy-refused');
    const gone = await startBackend('gone');
    await new Promise((resolve) => gone.server.close(resolve));
    await register(refusedGroup, gone);
    await rule(51, [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/refused/*'] } }], forward(refusedGroup));
    const unavailable = await waitFor('503', async () => { const a = await get('/empty/x'); return a.status === 503 ? a : undefined; });
    assert.match(unavailable.body, /<title>503 Service Temporarily Unavailable<\/title>|<title>503 Service Unavailable<\/title>/);
    assert.equal(unavailable.headers.server, 'awselb/2.0');
    const bad = await waitFor('502', async () => { const a = await get('/refused/x'); return a.status === 502 ? a : undefined; });
    assert.match(bad.body, /<center><h1>502 Bad Gateway<\/h1><\/center>/);
    // The idle timeout: the second load balancer waits 1 s for a target that answers after 3.
    await elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: lb2.arn, Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '1' }] }));
    const slowGroup = await targetGroup('lb-proxy-slow');
    const slow = await startBackend('slow');
    backends.push(slow);
    await register(slowGroup, slow);
    const lb2Listener = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb2.arn, Protocol: 'HTTP', Port: 8080, DefaultActions: forward(slowGroup) }))).Listeners?.[0]?.ListenerArn ?? '';
    assert.ok(lb2Listener);
    await waitHealth(slowGroup, slow, 'healthy');
    const started = Date.now();
    const timedOut = await get('/slow?ms=3000', { host: lb2.dns, port: 8080 });
    assert.equal(timedOut.status, 504);
    assert.match(timedOut.body, /504 Gateway Time-out|504 Gateway Timeout/);
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
  });

  test('all targets unhealthy: the group fails open to all of them', async () => {
    const sick = await targetGroup('lb-proxy-sick');
    const x = await startBackend('x');
    const y = await startBackend('y');
    backends.push(x, y);
    x.healthStatus = 500;
    y.healthStatus = 500;
    await register(sick, x);
    await register(sick, y);
    await rule(60, [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/sick/*'] } }], forward(sick));
    await waitHealth(sick, x, 'unhealthy');
    await waitHealth(sick, y, 'unhealthy');
    const names = new Set<string>();
    for (let i = 0; i < 4; i++) names.add(nameOf(await get('/sick/x')));
    assert.deepEqual([...names].sort(), ['x', 'y']);
  });

  test('weighted forward splits by weight', async () => {
    const one = await targetGroup('lb-proxy-w1');
    const three = await targetGroup('lb-proxy-w3');
    const p = await startBackend('p');
    const q = await startBackend('q');
    backends.push(p, q);
    await register(one, p);
    await register(three, q);
    await rule(70, [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/weighted/*'] } }],
      [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: one, Weight: 1 }, { TargetGroupArn: three, Weight: 3 }] } }]);
    await waitHealth(one, p, 'healthy');
    await waitHealth(three, q, 'healthy');
    const counts = { p: 0, q: 0 };
    for (let i = 0; i < 200; i++) counts[nameOf(await get('/weighted/x')) as 'p' | 'q']++;
    assert.ok(counts.q > counts.p * 2 && counts.q < counts.p * 4.5, JSON.stringify(counts));
  });

  test('a WebSocket upgrade round-trips through the load balancer', async () => {
    const socket = connect({ host: lbHost, port: 80 });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`GET /ws HTTP/1.1\r\nHost: ${lb.dns}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => { received += chunk; });
    await waitFor('the 101', async () => (received.includes('\r\n\r\n') ? true : undefined), 5000);
    assert.match(received, /^HTTP\/1\.1 101 Switching Protocols/);
    assert.match(received, /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/);
    received = '';
    socket.write('ping through the load balancer');
    await waitFor('the echo', async () => (received === 'ping through the load balancer' ? true : undefined), 5000);
    socket.destroy();
  });

  test('draining: the in-flight request finishes, no new request goes there, then drained removes the target', async () => {
    const group = await targetGroup('lb-proxy-drain');
    const d1 = await startBackend('d1');
    const d2 = await startBackend('d2');
    backends.push(d1, d2);
    await register(group, d1);
    await register(group, d2);
    await rule(80, [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/drain/*'] } }], forward(group));
    await waitHealth(group, d1, 'healthy');
    await waitHealth(group, d2, 'healthy');
    // The rule must be in the data plane before the slow request goes (a loaded machine applies it later).
    await waitFor('the drain rule', async () => {
      const answer = await get('/drain/x');
      return answer.status === 200 && ['d1', 'd2'].includes(nameOf(answer)) ? true : undefined;
    });
    const hitsBefore = { d1: d1.hits, d2: d2.hits };
    // Find which one the next request goes to: it is the one to drain.
    const inFlight = get('/drain/slow?ms=2500');
    await waitFor('the slow request to reach a backend', async () => (d1.hits + d2.hits > hitsBefore.d1 + hitsBefore.d2 ? true : undefined), 5000);
    const busy = d1.hits > hitsBefore.d1 ? d1 : d2;
    const other = busy === d1 ? d2 : d1;
    await register(group, busy, 'draining');
    await sleep(1500);
    for (let i = 0; i < 4; i++) assert.equal(nameOf(await get('/drain/x')), other.name);
    const key = targetKey(group, '127.0.0.1', busy.port);
    assert.ok(await store.read((tx) => tx.get('elbv2.target', SCOPE, key)), 'still draining while its request runs');
    const answer = await inFlight;
    assert.equal(answer.status, 200);
    assert.equal(nameOf(answer), busy.name);
    await waitFor('the drained target to go', async () => ((await store.read((tx) => tx.get('elbv2.target', SCOPE, key))) === undefined ? true : undefined), 5000);
    assert.equal(await health(group, busy), undefined);
  });

  test('HTTPS: TLS terminated with the listener\'s certificate (SNI), then forwarded', async () => {
    const tls = await elb.send(new CreateListenerCommand({
      LoadBalancerArn: lb.arn, Protocol: 'HTTPS', Port: 443, DefaultActions: forward(mainGroup),
      Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555' }],
    }));
    assert.ok(tls.Listeners?.[0]?.ListenerArn);
    const answer = await waitFor('the HTTPS listener', () => new Promise<{ name: string; proto: string; cn: string } | undefined>((resolve) => {
      const req = httpsRequest({ host: lbHost, port: 443, path: '/secure', servername: lb.dns, rejectUnauthorized: false, agent: false, headers: { host: lb.dns } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => {
          const parsed = JSON.parse(body) as { name: string; headers: Record<string, string> };
          const cert = (res.socket as ReturnType<typeof tlsConnect>).getPeerCertificate();
          resolve({ name: parsed.name, proto: parsed.headers['x-forwarded-proto'] ?? '', cn: String(cert.subject?.CN ?? '') });
        });
      });
      req.on('error', () => resolve(undefined));
      req.end();
    }));
    assert.equal(answer.proto, 'https');
    assert.equal(answer.cn, lb.dns);
  });
});
