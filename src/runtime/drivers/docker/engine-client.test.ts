import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { compareApiVersions, DockerEngine, negotiateApiVersion, parseDockerHost } from './engine-client.ts';

test('docker hosts: unix sockets and tcp addresses', () => {
  assert.deepEqual(parseDockerHost('unix:///var/run/docker.sock'), { socketPath: '/var/run/docker.sock' });
  assert.deepEqual(parseDockerHost('tcp://127.0.0.1:2375'), { host: '127.0.0.1', port: 2375 });
  assert.deepEqual(parseDockerHost('tcp://[::1]:2375'), { host: '::1', port: 2375 });
  assert.throws(() => parseDockerHost('unix://relative.sock'), RangeError);
  assert.throws(() => parseDockerHost('http://x'), RangeError);
});

test('API versions: Berth speaks 1.41, or the engine\'s minimum when that is higher; older engines are refused', () => {
  assert.ok(compareApiVersions('1.9', '1.41') < 0);
  assert.equal(negotiateApiVersion('1.41', '1.12'), '1.41');
  assert.equal(negotiateApiVersion('1.47', '1.24'), '1.41');
  assert.equal(negotiateApiVersion('1.51', '1.44'), '1.44');
  assert.equal(negotiateApiVersion('1.40', '1.12'), undefined);
});

/** A stand-in engine on a unix socket: answers by path. */
let dir = '';
let server: Server;
let handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bth-engine-'));
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(join(dir, 'engine.sock'), resolve));
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const host = () => `unix://${join(dir, 'engine.sock')}`;

function version(api: string, min = '1.12') {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.url !== '/version') return false;
    res.end(JSON.stringify({ ApiVersion: api, MinAPIVersion: min, Version: '99.0', Os: 'linux', Arch: 'arm64', KernelVersion: 'k' }));
    return true;
  };
}

test('calls go to the negotiated version; an error answer carries the engine\'s message', async () => {
  const answered = version('1.43');
  const seen: string[] = [];
  handler = (req, res) => {
    if (answered(req, res)) return;
    seen.push(`${req.method} ${req.url}`);
    if (req.url?.startsWith('/v1.41/containers/nope/json')) {
      res.statusCode = 404;
      res.end(JSON.stringify({ message: 'No such container: nope' }));
      return;
    }
    res.end('{"ok":true}');
  };
  const engine = await DockerEngine.connect(host());
  try {
    assert.equal(engine.apiVersion, '1.41');
    assert.equal(engine.info.arch, 'arm64');
    assert.deepEqual(await engine.json('GET', '/containers/json', { query: { all: 1, skipped: undefined } }), { ok: true });
    await assert.rejects(engine.json('GET', '/containers/nope/json'), {
      name: 'DockerEngineError', statusCode: 404, engineMessage: 'No such container: nope',
      message: 'GET /v1.41/containers/nope/json: No such container: nope (HTTP 404)',
    });
    assert.deepEqual(seen, ['GET /v1.41/containers/json?all=1', 'GET /v1.41/containers/nope/json']);
  } finally {
    engine.close();
  }
});

test('a call the engine does not answer in time fails with statusCode 0', async () => {
  const answered = version('1.41');
  handler = (req, res) => {
    if (answered(req, res)) return;
    // Never answers.
  };
  const engine = await DockerEngine.connect(host());
  try {
    await assert.rejects(engine.json('POST', '/containers/x/wait', { timeoutMs: 200 }), { name: 'DockerEngineError', statusCode: 0, message: /within 200 ms/ });
  } finally {
    engine.close();
  }
});

test('an engine older than API 1.41, or none at all, is unusable, and says why', async () => {
  handler = (req, res) => void version('1.40')(req, res);
  await assert.rejects(DockerEngine.connect(host()), { name: 'DockerEngineUnusableError', message: /speaks API 1\.40 .*needs 1\.41/ });
  await assert.rejects(DockerEngine.connect(`unix://${join(dir, 'missing.sock')}`), { name: 'DockerEngineUnusableError', message: /does not answer/ });
});
