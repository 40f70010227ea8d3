import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { probeTarget, HEALTH_CHECK_USER_AGENT } from './health-probe.ts';
import { httpCodeMatcher } from './health-matcher.ts';

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

test('HTTP: the path is fetched with ELB\'s user agent; the matcher decides', async (t) => {
  const seen: { url?: string; agent?: string }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url, agent: req.headers['user-agent'] });
    res.statusCode = req.url === '/health' ? 200 : 404;
    res.end('x');
  });
  const port = await listen(server);
  t.after(() => server.close());
  const spec = { protocol: 'HTTP' as const, address: '127.0.0.1', port, timeoutMs: 1000, matcher: httpCodeMatcher('200') };
  assert.deepEqual(await probeTarget({ ...spec, path: '/health' }), { ok: true });
  assert.deepEqual(await probeTarget({ ...spec, path: '/missing' }), { ok: false, failure: 'code-mismatch', status: 404 });
  assert.deepEqual(seen[0], { url: '/health', agent: HEALTH_CHECK_USER_AGENT });
});

test('HTTP: no answer within the timeout, and a refused connection', async (t) => {
  const server = createServer(() => { /* never answers */ });
  const port = await listen(server);
  t.after(() => { server.closeAllConnections(); server.close(); });
  const spec = { protocol: 'HTTP' as const, address: '127.0.0.1', path: '/', timeoutMs: 150, matcher: httpCodeMatcher('200') };
  assert.deepEqual(await probeTarget({ ...spec, port }), { ok: false, failure: 'timeout' });
  const closed = createTcpServer();
  const freePort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
  assert.deepEqual(await probeTarget({ ...spec, port: freePort }), { ok: false, failure: 'connection' });
});

test('TCP: a connection that opens passes; the source address is the one asked for', async (t) => {
  let remote = '';
  const server = createTcpServer((socket) => { remote = socket.remoteAddress ?? ''; socket.destroy(); });
  const port = await listen(server);
  t.after(() => server.close());
  const result = await probeTarget({ protocol: 'TCP', address: '127.0.0.1', port, path: '/', timeoutMs: 1000, matcher: () => true, localAddress: '127.0.0.7' });
  assert.deepEqual(result, { ok: true });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(remote, '127.0.0.7');
});
