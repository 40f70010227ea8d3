// Remote image pulls (src/runtime/images/remote-registry.ts) against real registries on loopback
// only: a second Berth (startTestServer) is the remote registry, and a small Bearer-token front
// written here (401 with a Bearer challenge whose realm is itself, anonymous tokens, authorised
// requests proxied to that Berth) proves the token flow. Also: a refused port, a missing repository,
// a registry that never answers, a tampered layer, an index with two platforms. No traffic leaves 127.0.0.1.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { cryptoIds } from '../../src/platform/ids.ts';
import { NodeProcessRunner } from '../../src/platform/processes.ts';
import { BlobStore } from '../../src/registry/blob-store.ts';
import { collectGarbage } from '../../src/registry/gc.ts';
import { ImageStore } from '../../src/runtime/images/image-store.ts';
import { hostPlatform } from '../../src/runtime/images/platform.ts';
import { RegistryImages, type RegistryImagesOptions } from '../../src/runtime/images/registry-source.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { writeImage } from '../images/oci-layout.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { RegistryClient, sha } from './registry-client.ts';

const PREFIX = 'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref';

/**
 * A registry in front of Berth's that wants Bearer tokens, as Docker Hub and ghcr.io do. The
 * repository name's first component picks a behaviour: `hang` never answers, `basic` challenges
 * with Basic, `locked` is refused a token, `denied` gets a token without its scope, `tamper` has
 * its blobs altered on the way, `redirect` has its blobs sent to `cdn` (another origin, as registries
 * send blobs to a CDN); anything else is served once the token names its pull scope.
 */
class TokenFront {
  readonly log: string[] = [];
  readonly #upstream: string;
  readonly #cdn: string;
  readonly #server: Server;
  port = 0;

  constructor(upstream: string, cdn: string) {
    this.#upstream = upstream;
    this.#cdn = cdn;
    this.#server = createServer((req, res) => void this.#handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500).end(String(error));
    }));
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    const answer = (status: number, headers: Record<string, string>, body: Buffer | string = '') => {
      this.log.push(`${req.method ?? ''} ${url.pathname}${url.pathname === '/token' ? url.search : ''} ${status}`);
      res.writeHead(status, headers).end(body);
    };
    if (url.pathname === '/token') {
      const scopes = url.searchParams.getAll('scope');
      if (scopes.some((s) => s.startsWith('repository:locked/'))) return answer(401, {}, 'no');
      const granted = scopes.filter((s) => !s.startsWith('repository:denied/'));
      return answer(200, { 'content-type': 'application/json' },
        JSON.stringify({ access_token: `t.${Buffer.from(JSON.stringify(granted)).toString('base64url')}`, expires_in: 300 }));
    }
    const name = /^\/v2\/(.+)\/(?:manifests|blobs)\/[^/]+$/.exec(url.pathname)?.[1] ?? '';
    if (name.startsWith('hang/')) return; // never answers
    const realm = `Bearer realm="http://${this.host}/token",service="front.test",scope="repository:${name}:pull"`;
    if (name.startsWith('basic/')) return answer(401, { 'www-authenticate': `Basic realm="http://${this.host}/"` });
    const token = /^Bearer t\.(\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) return answer(401, { 'www-authenticate': realm });
    const granted = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as string[];
    if (!granted.includes(`repository:${name}:pull`)) return answer(401, { 'www-authenticate': `${realm},error="insufficient_scope"` });
    if (name.startsWith('redirect/') && url.pathname.includes('/blobs/')) return answer(307, { location: `${this.#cdn}${url.pathname}` });
    const upstream = await fetch(`${this.#upstream}${url.pathname}`, { headers: { accept: req.headers.accept ?? '*/*' } });
    let body = Buffer.from(await upstream.arrayBuffer());
    if (name.startsWith('tamper/') && url.pathname.includes('/blobs/')) body = Buffer.from(body.map((b, i) => (i === body.length - 1 ? b ^ 1 : b)));
    const headers: Record<string, string> = {};
    for (const h of ['content-type', 'docker-content-digest']) {
      const value = upstream.headers.get(h);
      if (value !== null) headers[h] = value;
    }
    answer(upstream.status, headers, body);
  }
}

/** Serves what it is asked for from `upstream`, noting whether a request carried credentials. */
async function startCdn(upstream: string): Promise<{ server: Server; url: string; authorized: boolean[] }> {
  const authorized: boolean[] = [];
  const server = createServer((req, res) => {
    authorized.push(req.headers.authorization !== undefined);
    void fetch(`${upstream}${req.url ?? '/'}`).then(async (r) => res.writeHead(r.status).end(Buffer.from(await r.arrayBuffer())))
      .catch((error: unknown) => (res.headersSent ? res.destroy() : res.writeHead(502).end(String(error))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, authorized };
}

/** Pushes the layout's image tagged `tag` to `repository`; returns its manifest digest. */
async function pushLayout(registry: RegistryClient, repository: string, layout: string, tag: string): Promise<string> {
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; mediaType: string; annotations?: Record<string, string> }[] };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  assert.ok(entry);
  const blob = (digest: string) => readFile(join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length)));
  const manifest = await blob(entry.digest);
  const parsed = JSON.parse(manifest.toString('utf8')) as { config: { digest: string }; layers: { digest: string }[] };
  for (const digest of [parsed.config.digest, ...parsed.layers.map((l) => l.digest)]) assert.equal((await registry.pushBlob(repository, await blob(digest))).status, 201);
  assert.equal((await registry.putManifest(repository, tag, manifest.toString('utf8'), entry.mediaType)).status, 201);
  return entry.digest;
}

interface Puller {
  store: Store;
  blobs: BlobStore;
  images: RegistryImages;
}

describe('remote image pulls', () => {
  let remote: TestServer;
  let front: TokenFront;
  let cdn: Awaited<ReturnType<typeof startCdn>>;
  let layout: string;
  let appDigest: string;
  const dirs: string[] = [];
  const stores: Store[] = [];

  async function puller(options: Partial<RegistryImagesOptions> = {}): Promise<Puller> {
    const dataDir = await mkdtemp(join(tmpdir(), 'bth-remote-pull-'));
    dirs.push(dataDir);
    const store = await openSqliteStore(dataDir);
    stores.push(store);
    const blobs = new BlobStore(join(dataDir, 'registry'));
    const images = new ImageStore({ dataDir, processes: new NodeProcessRunner(), ids: cryptoIds });
    // This Berth's own registry address: nothing listens there, and no test image names it.
    const addressing = { defaultAccountId: '123456789012', defaultRegion: 'us-east-1', endpoint: () => '127.0.0.1:1' };
    return { store, blobs, images: new RegistryImages({ store, blobs, images, addressing, remotePulls: true, ...options }) };
  }

  before(async () => {
    remote = await startTestServer();
    const ecr = new ECRClient(remote.clientConfig);
    for (const name of ['app', 'denied/app', 'tamper/app', 'redirect/app', 'multi']) await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    ecr.destroy();
    layout = await mkdtemp(join(tmpdir(), 'bth-remote-layout-'));
    await writeImage(layout, { tag: 'v1', layers: [[{ path: '/hello.txt', content: 'hello from a remote registry\n' }]], config: { Cmd: ['/hello'], Env: ['A=1'] } });
    const registry = new RegistryClient(remote.url);
    appDigest = await pushLayout(registry, 'app', layout, 'v1');
    for (const repo of ['denied/app', 'tamper/app', 'redirect/app']) await pushLayout(registry, repo, layout, 'v1');
    cdn = await startCdn(remote.url);
    front = new TokenFront(remote.url, cdn.url);
    await front.start();
  });

  after(async () => {
    await front?.stop();
    if (cdn) await new Promise((resolve) => cdn.server.close(resolve));
    for (const store of stores) await store.close();
    await remote?.stop();
    for (const dir of [layout, ...dirs]) await rm(dir, { recursive: true, force: true });
  });

  test('an image on another registry (plain http on loopback) is pulled, verified and unpacked', async () => {
    const { images } = await puller();
    const host = new URL(remote.url).host;
    const pulled = await images.pull(`${host}/app:v1`);
    assert.equal(pulled.manifestDigest, appDigest);
    assert.deepEqual(pulled.config.config?.Cmd, ['/hello']);
    assert.equal(await readFile(join(pulled.layerDirs[0] ?? '', 'hello.txt'), 'utf8'), 'hello from a remote registry\n');
  });

  test('the Bearer token flow: 401, an anonymous token from the realm, the retry; then the cache answers', async () => {
    const { store, blobs, images } = await puller();
    front.log.length = 0;
    const pulled = await images.pull(`${front.host}/app:v1`);
    assert.equal(pulled.manifestDigest, appDigest);
    assert.deepEqual(front.log.slice(0, 3), [
      'GET /v2/app/manifests/v1 401',
      // Go's url.Values order (keys sorted), as containerd sends it.
      'GET /token?scope=repository%3Aapp%3Apull&service=front.test 200',
      'GET /v2/app/manifests/v1 200',
    ]);
    assert.equal(front.log.filter((l) => l.includes('/blobs/')).length, 2, 'config and one layer');
    // A tag may have moved: one manifest GET (with the cached token); the blobs come from the blob store.
    front.log.length = 0;
    assert.equal((await images.pull(`${front.host}/app:v1`)).manifestDigest, appDigest);
    assert.deepEqual(front.log, ['GET /v2/app/manifests/v1 200']);
    // A digest cannot move: no request at all.
    front.log.length = 0;
    assert.equal((await images.pull(`${front.host}/app@${appDigest}`)).manifestDigest, appDigest);
    assert.deepEqual(front.log, []);
    // The cache survives garbage collection.
    const gc = await collectGarbage(store, blobs, new Date(Date.now() + 24 * 3600_000), 0);
    assert.ok(!gc.deleted.includes(appDigest), 'the cached manifest is referenced');
    assert.ok(await blobs.stat(appDigest));
  });

  test('blobs redirected to another origin are fetched there without the registry\'s token', async () => {
    const { images } = await puller();
    const pulled = await images.pull(`${front.host}/redirect/app:v1`);
    assert.equal(pulled.manifestDigest, appDigest);
    assert.deepEqual(cdn.authorized, [false, false]);
  });

  test('not found, refused, unauthorised and timed-out pulls fail with containerd\'s texts', async () => {
    const { images } = await puller({ remoteTimeouts: { headersMs: 300 } });
    const remoteHost = new URL(remote.url).host;
    const reason = (image: string) => images.pull(image).then(() => assert.fail(`${image} pulled`), (error: Error) => error.message);

    assert.equal(await reason(`${remoteHost}/nothing/here:v1`), `${PREFIX} ${remoteHost}/nothing/here:v1: ${remoteHost}/nothing/here:v1: not found`);
    assert.equal(await reason(`${remoteHost}/app:v9`), `${PREFIX} ${remoteHost}/app:v9: ${remoteHost}/app:v9: not found`);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    assert.equal(await reason(`127.0.0.1:${port}/app:v1`),
      `${PREFIX} 127.0.0.1:${port}/app:v1: failed to do request: Get "http://127.0.0.1:${port}/v2/app/manifests/v1": dial tcp 127.0.0.1:${port}: connect: connection refused`);

    assert.equal(await reason(`${front.host}/denied/app:v1`),
      `${PREFIX} ${front.host}/denied/app:v1: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`);
    assert.equal(await reason(`${front.host}/locked/app:v1`),
      `${PREFIX} ${front.host}/locked/app:v1: failed to authorize: failed to fetch anonymous token: unexpected status from GET request to http://${front.host}/token?scope=repository%3Alocked%2Fapp%3Apull&service=front.test: 401 Unauthorized`);
    // Basic: Berth has no credentials for other registries (repositoryCredentials are not served yet).
    assert.equal(await reason(`${front.host}/basic/app:v1`),
      `${PREFIX} ${front.host}/basic/app:v1: unexpected status from GET request to http://${front.host}/v2/basic/app/manifests/v1: 401 Unauthorized`);
    assert.equal(await reason(`${front.host}/hang/app:v1`),
      `${PREFIX} ${front.host}/hang/app:v1: failed to do request: Get "http://${front.host}/v2/hang/app/manifests/v1": net/http: timeout awaiting response headers`);
    assert.equal(await reason('Not/A/Reference'), `${PREFIX} Not/A/Reference: invalid reference format: repository name (A/Reference) must be lowercase`);
  });

  test('a blob that does not hash to its digest is refused and not kept', async () => {
    const { blobs, images } = await puller();
    const message = await images.pull(`${front.host}/tamper/app:v1`).then(() => 'pulled', (error: Error) => error.message);
    assert.match(message, new RegExp(`^${PREFIX.replace(/[()]/g, '\\$&')} ${front.host}/tamper/app:v1: failed commit on ref "(config|layer)-sha256:[0-9a-f]{64}": unexpected commit digest sha256:[0-9a-f]{64}, expected sha256:[0-9a-f]{64}: failed precondition$`));
    const manifest = JSON.parse((await readFile(join(layout, 'blobs', 'sha256', appDigest.slice(7)))).toString('utf8')) as { config: { digest: string } };
    assert.equal(await blobs.stat(manifest.config.digest), undefined);
  });

  test('an image index with two platforms: the host\'s platform is picked, as containerd picks it', async () => {
    const registry = new RegistryClient(remote.url);
    const host = hostPlatform();
    const other = host.architecture === 'amd64' ? { os: 'linux', architecture: 'arm64', variant: 'v8' } : { os: 'linux', architecture: 'amd64' };
    const layer = await readFile(join(layout, 'blobs', 'sha256',
      (JSON.parse((await readFile(join(layout, 'blobs', 'sha256', appDigest.slice(7)))).toString('utf8')) as { layers: { digest: string }[] }).layers[0]?.digest.slice(7) ?? ''));
    const manifests = [];
    for (const platform of [other, host]) {
      const config = Buffer.from(JSON.stringify({ ...platform, config: { Cmd: [`/${platform.architecture}`] }, rootfs: { type: 'layers', diff_ids: [] } }));
      for (const blob of [config, layer]) assert.equal((await registry.pushBlob('multi', blob)).status, 201);
      const manifest = JSON.stringify({
        schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length }],
      });
      assert.equal((await registry.putManifest('multi', sha(manifest), manifest, 'application/vnd.oci.image.manifest.v1+json')).status, 201);
      manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: Buffer.byteLength(manifest), platform });
    }
    const index = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests });
    assert.equal((await registry.putManifest('multi', 'v1', index, 'application/vnd.oci.image.index.v1+json')).status, 201);
    const { images } = await puller();
    const pulled = await images.pull(`${new URL(remote.url).host}/multi:v1`);
    assert.equal(pulled.manifestDigest, manifests[1]?.digest);
    assert.deepEqual(pulled.config.config?.Cmd, [`/${host.architecture}`]);
  });

  test('with remote pulls off, another registry\'s image fails and says how to turn them on', async () => {
    const { images } = await puller({ remotePulls: false });
    await assert.rejects(images.pull('public.ecr.aws/nginx/nginx:1.27'), (error: Error) => {
      assert.equal(error.message, `${PREFIX} public.ecr.aws/nginx/nginx:1.27: remote pulls are disabled on this Berth (--remote-pulls false): only images in Berth's own registry can run, and public.ecr.aws is another registry`);
      return true;
    });
  });
});
