// The nginx peer: the rendered config (upstreams, keep-alive, nothing outside its directory), and, where
// nginx is installed, a real nginx in front of two loopback servers: round robin, keep-alive, stopped by PID.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from './host-commands.ts';
import { nginxInstall, renderNginxConfig, startNginx } from './peer-nginx.ts';
import type { BenchServer } from './servers.ts';

const input = {
  dir: '/tmp/bthbench-nginx-x', listenAddress: '127.0.0.1', port: 41000,
  upstreams: [{ address: '10.77.0.10', port: 8080 }, { address: '10.77.16.10', port: 8080 }], keepalive: 64, readTimeoutSeconds: 60,
};

test('the config proxies to every upstream with keep-alive, as nginx\'s docs require for it', () => {
  const config = renderNginxConfig(input);
  assert.match(config, /upstream backends \{\n {4}server 10\.77\.0\.10:8080;\n {4}server 10\.77\.16\.10:8080;\n {4}keepalive 64;\n {2}\}/);
  assert.match(config, /listen 127\.0\.0\.1:41000;/);
  assert.match(config, /proxy_http_version 1\.1;/);
  assert.match(config, /proxy_set_header Connection "";/);
  assert.match(config, /proxy_read_timeout 60s;/);
  assert.match(config, /daemon off;/);
  assert.match(config, /worker_processes 1;/);
});

test('nothing is written outside its directory: every path in the config is under it', () => {
  const config = renderNginxConfig(input);
  const paths = [...config.matchAll(/ (\/[^\s;]+)[ ;]/g)].map((m) => m[1] ?? '');
  assert.equal(paths.length, 7, `found ${paths.join(', ')}`);
  for (const path of paths) assert.ok(path.startsWith(`${input.dir}/`), path);
  assert.match(config, /access_log off;/);
});

test('no upstream, or a relative directory, is refused', () => {
  assert.throws(() => renderNginxConfig({ ...input, upstreams: [] }), /at least one upstream/);
  assert.throws(() => renderNginxConfig({ ...input, dir: 'tmp/x' }), /must be absolute/);
});

async function listen(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.end(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

test('a real nginx round-robins over the upstreams and is gone, worker too, after a kill by PID', async (t) => {
  const install = await nginxInstall();
  if ('missing' in install) {
    // CI installs nginx-light (.ci/run): there a missing nginx is a failure, not a skip.
    if (process.env.CI) assert.fail(install.missing);
    t.skip(install.missing);
    return;
  }
  const a = await listen('a');
  const b = await listen('b');
  const dir = mkdtempSync(join(tmpdir(), 'bthbench-nginx-test-'));
  const started: BenchServer[] = [];
  let workers: string[] = [];
  try {
    const peer = await startNginx(dir, [{ address: '127.0.0.1', port: a.port }, { address: '127.0.0.1', port: b.port }], install.version, (p) => started.push(p));
    assert.equal(started.length, 1);
    const answers = new Set<string>();
    for (let i = 0; i < 6; i++) answers.add(await (await fetch(`${peer.endpoint}/`)).text());
    assert.deepEqual([...answers].sort(), ['a', 'b']);
    assert.ok(existsSync(join(dir, 'nginx.pid')));
    workers = (await run('pgrep', ['-P', String(peer.pid)])).stdout.trim().split('\n').filter((l) => l !== '');
    assert.equal(workers.length, 1, 'one worker process');
    peer.killNow();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // SIGKILL to the master leaves its worker running unless the peer kills it too.
    for (const pid of [peer.pid, ...workers.map(Number)]) assert.equal(existsSync(`/proc/${pid}/cmdline`) && !readFileSync(`/proc/${pid}/status`, 'utf8').includes('State:\tZ'), false, `process ${pid} is gone`);
    assert.equal(peer.problems().count, 0);
    await assert.rejects(fetch(`${peer.endpoint}/`, { signal: AbortSignal.timeout(2_000) }));
  } finally {
    for (const p of started) p.killNow();
    // A worker that outlived its master would keep this test's pipes open.
    for (const pid of workers) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('nginx: worker')) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Gone, as it should be.
      }
    }
    a.server.close();
    b.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
