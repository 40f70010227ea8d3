// The registry's Bearer token flow: /v2/token exchanges the GetAuthorizationToken password (from
// the SDK) for a token scoped to repositories and actions; /v2/ accepts it and checks the scope.
// Then the registry set to challenge with Bearer (a RegistryRoute on the same data, served here):
// this file's own client and skopeo follow the challenge to the token endpoint. Loopback only.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { CreateRepositoryCommand, DescribeImagesCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { systemClock } from '../../src/platform/clock.ts';
import { cryptoIds } from '../../src/platform/ids.ts';
import { issueBearerToken } from '../../src/registry/bearer-token.ts';
import { BlobStore } from '../../src/registry/blob-store.ts';
import { RegistryRoute } from '../../src/registry/registry-route.ts';
import { parseChallenges } from '../../src/runtime/images/registry-auth.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { writeImage } from '../images/oci-layout.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { RegistryClient, sha } from './registry-client.ts';

const run = promisify(execFile);
const ACCOUNT = '123456789012';

let server: TestServer;
let ecr: ECRClient;
let password = '';
let store: Store;
before(async () => {
  server = await startTestServer({ strictAuth: true });
  ecr = new ECRClient(server.clientConfig);
  for (const name of ['bearer/app', 'bearer/other', 'bearer/skopeo']) await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
  const token = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0]?.authorizationToken ?? '';
  password = Buffer.from(token, 'base64').toString('utf8').slice('AWS:'.length);
  store = await openSqliteStore(server.dataDir);
});
after(async () => {
  ecr.destroy();
  await store.close();
  await server.stop();
});

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

/** A token from the endpoint at `base` for `scopes`. */
async function tokenFor(base: string, scopes: string[]): Promise<{ token: string; body: Record<string, unknown> }> {
  const query = new URLSearchParams([...scopes.map((s) => ['scope', s]), ['service', 'ecr.amazonaws.com']]);
  const response = await fetch(`${base}/v2/token?${query.toString()}`, { headers: { authorization: basic('AWS', password) } });
  assert.equal(response.status, 200);
  const body = await response.json() as Record<string, unknown>;
  return { token: String(body.token), body };
}

describe('the token endpoint and Bearer tokens (ECR\'s Basic challenge stays the default)', () => {
  test('the password buys a token; a token is accepted for what it names and nothing else', async () => {
    const pull = await tokenFor(server.url, ['repository:bearer/app:pull']);
    assert.equal(pull.body.access_token, pull.token);
    assert.ok(Number(pull.body.expires_in) > 3500 && Number(pull.body.expires_in) <= 3600);
    assert.ok(!Number.isNaN(Date.parse(String(pull.body.issued_at))));
    const reader = new RegistryClient(server.url, { authorization: `Bearer ${pull.token}` });
    assert.equal((await reader.fetch('/v2/bearer/app/tags/list')).status, 200);
    assert.equal((await reader.fetch('/v2/')).status, 200);

    // Pushing needs push: the answer is a 401 with a Bearer challenge naming the scope and the error.
    const denied = await reader.pushBlob('bearer/app', Buffer.from('layer'));
    assert.equal(denied.status, 401);
    assert.equal(denied.headers.get('www-authenticate'),
      `Bearer realm="http://${new URL(server.url).host}/v2/token",service="ecr.amazonaws.com",scope="repository:bearer/app:pull,push",error="insufficient_scope"`);
    const other = await reader.fetch('/v2/bearer/other/tags/list');
    assert.equal(other.status, 401);
    assert.match(other.headers.get('www-authenticate') ?? '', /scope="repository:bearer\/other:pull",error="insufficient_scope"/);
    await other.arrayBuffer();

    const pusher = new RegistryClient(server.url, { authorization: `Bearer ${(await tokenFor(server.url, ['repository:bearer/app:pull,push'])).token}` });
    const image = await pusher.pushImage('bearer/app', 'v1', 'bearer');
    const described = await ecr.send(new DescribeImagesCommand({ repositoryName: 'bearer/app' }));
    assert.equal(described.imageDetails?.[0]?.imageDigest, image.digest);
    const del = await pusher.fetch(`/v2/bearer/app/manifests/${image.digest}`, { method: 'DELETE' });
    assert.equal(del.status, 401, 'deleting needs the delete action');
    await del.arrayBuffer();
    const deleter = new RegistryClient(server.url, { authorization: `Bearer ${(await tokenFor(server.url, ['repository:bearer/app:delete'])).token}` });
    const deleted = await deleter.fetch(`/v2/bearer/app/manifests/${image.digest}`, { method: 'DELETE' });
    assert.equal(deleted.status, 202);
    await deleted.arrayBuffer();
  });

  test('a cross-repository mount needs pull on the source; `*` grants every action', async () => {
    const blob = Buffer.from('mounted layer');
    const all = new RegistryClient(server.url, { authorization: `Bearer ${(await tokenFor(server.url, ['repository:bearer/other:*'])).token}` });
    assert.equal((await all.pushBlob('bearer/other', blob)).status, 201);
    const onlyApp = new RegistryClient(server.url, { authorization: `Bearer ${(await tokenFor(server.url, ['repository:bearer/app:push'])).token}` });
    const refused = await onlyApp.fetch(`/v2/bearer/app/blobs/uploads/?mount=${sha(blob)}&from=bearer/other`, { method: 'POST' });
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /scope="repository:bearer\/app:pull,push repository:bearer\/other:pull"/);
    await refused.arrayBuffer();
    const both = new RegistryClient(server.url,
      { authorization: `Bearer ${(await tokenFor(server.url, ['repository:bearer/app:push repository:bearer/other:pull'])).token}` });
    const mounted = await both.fetch(`/v2/bearer/app/blobs/uploads/?mount=${sha(blob)}&from=bearer/other`, { method: 'POST' });
    assert.equal(mounted.status, 201);
    await mounted.arrayBuffer();
  });

  test('bad credentials, forged, expired or misused tokens are refused; the OAuth2 form works too', async () => {
    const url = `${server.url}/v2/token?scope=repository:bearer/app:pull&service=ecr.amazonaws.com`;
    for (const authorization of [undefined, basic('AWS', 'wrong'), basic('admin', password)]) {
      const response = await fetch(url, { headers: authorization ? { authorization } : {} });
      assert.equal(response.status, 401, authorization);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Basic realm=/);
      await response.arrayBuffer();
    }
    const { token } = await tokenFor(server.url, ['repository:bearer/app:pull']);
    const expired = await issueBearerToken(store, cryptoIds, {
      scope: { account: ACCOUNT, region: 'us-east-1' }, access: [{ name: 'bearer/app', actions: ['pull'] }], expiresAt: new Date(Date.now() - 1000),
    });
    const [payload, signature] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ a: ACCOUNT, r: 'us-east-1', e: Date.now() + 60_000, s: [['bearer/other', ['pull']]] })).toString('base64url')}.${signature ?? ''}`;
    for (const bad of [expired, forged, `${payload ?? ''}.x`, password]) {
      const response = await fetch(`${server.url}/v2/bearer/app/tags/list`, { headers: { authorization: `Bearer ${bad}` } });
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      await response.arrayBuffer();
    }
    // A token is not a password.
    const asBasic = await fetch(`${server.url}/v2/bearer/app/tags/list`, { headers: { authorization: basic('AWS', token) } });
    assert.equal(asBasic.status, 401);
    await asBasic.arrayBuffer();
    const form = await fetch(`${server.url}/v2/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: 'AWS', password, service: 'ecr.amazonaws.com', scope: 'repository:bearer/app:pull', client_id: 'test' }).toString(),
    });
    assert.equal(form.status, 200);
    const oauth = await form.json() as { access_token: string };
    assert.equal((await fetch(`${server.url}/v2/bearer/app/tags/list`, { headers: { authorization: `Bearer ${oauth.access_token}` } })).status, 200);
  });
});

describe('the registry set to challenge with Bearer', () => {
  let bearerServer: Server;
  const paths: string[] = [];
  let base = '';
  let layout = '';

  before(async () => {
    let port = 0;
    const route = new RegistryRoute({
      store, ids: cryptoIds, clock: systemClock, blobs: new BlobStore(join(server.dataDir, 'registry')), strictAuth: true, authScheme: 'bearer',
      addressing: { defaultAccountId: ACCOUNT, defaultRegion: 'us-east-1', endpoint: () => `127.0.0.1:${port}` },
    });
    // As HttpServer does: a throw is a 500, or a cut connection once the answer has begun.
    bearerServer = createServer((req, res) => {
      paths.push(new URL(req.url ?? '/', 'http://x').pathname);
      route.handle(req, res).catch((error: unknown) => (res.headersSent ? res.destroy() : res.writeHead(500).end(String(error))));
    });
    await new Promise<void>((resolve) => bearerServer.listen(0, '127.0.0.1', resolve));
    port = (bearerServer.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    layout = await mkdtemp(join(tmpdir(), 'bth-bearer-layout-'));
  });
  after(async () => {
    bearerServer.closeAllConnections();
    await new Promise((resolve) => bearerServer.close(resolve));
    await rm(layout, { recursive: true, force: true });
  });

  test('a client follows the Bearer challenge: realm, scope, token, retry', async () => {
    const first = await fetch(`${base}/v2/bearer/app/tags/list`);
    assert.equal(first.status, 401);
    await first.arrayBuffer();
    const [challenge] = parseChallenges([first.headers.get('www-authenticate') ?? '']);
    assert.deepEqual(challenge, { scheme: 'bearer', params: { realm: `${base}/v2/token`, service: 'ecr.amazonaws.com', scope: 'repository:bearer/app:pull' } });
    const realm = new URL(challenge?.params.realm ?? '');
    realm.searchParams.set('scope', challenge?.params.scope ?? '');
    realm.searchParams.set('service', challenge?.params.service ?? '');
    const issued = await fetch(realm, { headers: { authorization: basic('AWS', password) } });
    const { token } = await issued.json() as { token: string };
    const retried = await fetch(`${base}/v2/bearer/app/tags/list`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(retried.status, 200);
    assert.equal(((await retried.json()) as { name: string }).name, 'bearer/app');
    // The base endpoint's challenge names no scope; Basic credentials still work as on ECR.
    const root = await fetch(`${base}/v2/`);
    assert.equal(root.headers.get('www-authenticate'), `Bearer realm="${base}/v2/token",service="ecr.amazonaws.com"`);
    await root.arrayBuffer();
    const pushed = await new RegistryClient(base, { authorization: basic('AWS', password) }).pushBlob('bearer/app', Buffer.from('basic still works'));
    assert.equal(pushed.status, 201);
  });

  test('skopeo pushes and inspects through the Bearer flow with the ECR password', async (t) => {
    try {
      await run('skopeo', ['--version']);
    } catch {
      if (process.env.CI) assert.fail('skopeo is not installed (apt-get install -y skopeo)');
      t.skip('skopeo is not installed');
      return;
    }
    await writeImage(layout, { tag: 'v1', layers: [[{ path: '/hello.txt', content: 'hello through a token\n' }]], config: { Cmd: ['/hello'] } });
    const policy = join(layout, 'policy.json');
    await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const host = new URL(base).host;
    const creds = `AWS:${password}`;
    paths.length = 0;
    await run('skopeo', ['--policy', policy, 'copy', '--dest-tls-verify=false', '--dest-creds', creds, `oci:${layout}:v1`, `docker://${host}/bearer/skopeo:v1`], { timeout: 60_000 });
    const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', '--creds', creds, `docker://${host}/bearer/skopeo:v1`], { timeout: 60_000 });
    const inspected = JSON.parse(stdout) as { Digest: string };
    const { imageDetails } = await ecr.send(new DescribeImagesCommand({ repositoryName: 'bearer/skopeo' }));
    assert.equal(imageDetails?.[0]?.imageDigest, inspected.Digest);
    assert.ok(paths.includes('/v2/token'), 'skopeo took the token flow');
    await assert.rejects(run('skopeo', ['inspect', '--tls-verify=false', '--creds', 'AWS:wrong', `docker://${host}/bearer/skopeo:v1`], { timeout: 60_000 }));
  });
});
