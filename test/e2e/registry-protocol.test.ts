// The OCI distribution protocol under /v2/ with plain fetch: blob uploads (monolithic, chunked,
// mount), digest checks, manifests by tag and digest, indexes, tags/list paging, deletes, GC.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { BlobStore } from '../../src/registry/blob-store.ts';
import { collectGarbage } from '../../src/registry/gc.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './harness.ts';
import { imageManifest, RegistryClient, sha } from './registry-client.ts';

let server: TestServer;
let ecr: ECRClient;
let registry: RegistryClient;
before(async () => {
  server = await startTestServer();
  ecr = new ECRClient(server.clientConfig);
  registry = new RegistryClient(server.url);
  for (const name of ['app', 'other', 'team/web', 'idx', 'paged', 'gc']) await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
});
after(async () => {
  ecr.destroy();
  await server.stop();
});

const errorCode = async (response: Response) => ((await response.json()) as { errors: { code: string }[] }).errors[0]?.code;

test('GET /v2/ answers 200 with the API version header (lenient mode)', async () => {
  const response = await registry.fetch('/v2/');
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('docker-distribution-api-version'), 'registry/2.0');
  await response.arrayBuffer();
});

test('a monolithic upload stores the blob; HEAD, GET and a Range read it back', async () => {
  const blob = Buffer.from('hello, registry');
  const pushed = await registry.pushBlob('app', blob);
  assert.equal(pushed.status, 201);
  assert.equal(pushed.headers.get('docker-content-digest'), sha(blob));
  assert.equal(pushed.headers.get('location'), `/v2/app/blobs/${sha(blob)}`);
  const head = await registry.fetch(`/v2/app/blobs/${sha(blob)}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(blob.length));
  assert.equal(head.headers.get('docker-content-digest'), sha(blob));
  const get = await registry.fetch(`/v2/app/blobs/${sha(blob)}`);
  assert.deepEqual(Buffer.from(await get.arrayBuffer()), blob);
  const ranged = await registry.fetch(`/v2/app/blobs/${sha(blob)}`, { headers: { range: 'bytes=7-14' } });
  assert.equal(ranged.status, 206);
  assert.equal(await ranged.text(), 'registry');
  const missing = await registry.fetch(`/v2/app/blobs/${sha('nope')}`);
  assert.equal(missing.status, 404);
  assert.equal(await errorCode(missing), 'BLOB_UNKNOWN');
});

test('a chunked upload: POST, PATCH with Content-Range, status, PUT ?digest=', async () => {
  const parts = [Buffer.from('first chunk|'), Buffer.from('second chunk')];
  const whole = Buffer.concat(parts);
  const start = await registry.fetch('/v2/team/web/blobs/uploads/', { method: 'POST' });
  assert.equal(start.status, 202);
  const uuid = start.headers.get('docker-upload-uuid') ?? '';
  let location = start.headers.get('location') ?? '';
  assert.equal(location, `/v2/team/web/blobs/uploads/${uuid}`);
  let offset = 0;
  for (const part of parts) {
    const patch = await registry.fetch(location, { method: 'PATCH', body: part, headers: { 'content-range': `${offset}-${offset + part.length - 1}`, 'content-type': 'application/octet-stream' } });
    assert.equal(patch.status, 202);
    offset += part.length;
    assert.equal(patch.headers.get('range'), `0-${offset - 1}`);
    location = patch.headers.get('location') ?? '';
  }
  const status = await registry.fetch(location);
  assert.equal(status.status, 204);
  assert.equal(status.headers.get('range'), `0-${whole.length - 1}`);
  const outOfOrder = await registry.fetch(location, { method: 'PATCH', body: 'x', headers: { 'content-range': '0-0' } });
  assert.equal(outOfOrder.status, 416);
  await outOfOrder.arrayBuffer();
  const done = await registry.fetch(`${location}?digest=${sha(whole)}`, { method: 'PUT' });
  assert.equal(done.status, 201);
  assert.equal(done.headers.get('docker-content-digest'), sha(whole));
  assert.deepEqual(Buffer.from(await (await registry.fetch(`/v2/team/web/blobs/${sha(whole)}`)).arrayBuffer()), whole);
  const gone = await registry.fetch(location);
  assert.equal(gone.status, 404);
  assert.equal(await errorCode(gone), 'BLOB_UPLOAD_UNKNOWN');
});

test('a digest mismatch is rejected with DIGEST_INVALID and nothing is stored', async () => {
  const claimed = sha('something else');
  const response = await registry.fetch(`/v2/app/blobs/uploads/?digest=${claimed}`, { method: 'POST', body: 'actual bytes' });
  assert.equal(response.status, 400);
  assert.equal(await errorCode(response), 'DIGEST_INVALID');
  const head = await registry.fetch(`/v2/app/blobs/${claimed}`, { method: 'HEAD' });
  assert.equal(head.status, 404);
  const start = await registry.fetch('/v2/app/blobs/uploads/', { method: 'POST' });
  const location = start.headers.get('location') ?? '';
  const put = await registry.fetch(`${location}?digest=${claimed}`, { method: 'PUT', body: 'other bytes' });
  assert.equal(put.status, 400);
  assert.equal(await errorCode(put), 'DIGEST_INVALID');
});

test('cross-repository mount: 201 for a stored blob, an upload session (202) otherwise', async () => {
  const blob = Buffer.from('mount me');
  await registry.pushBlob('app', blob);
  const mounted = await registry.fetch(`/v2/other/blobs/uploads/?mount=${sha(blob)}&from=app`, { method: 'POST' });
  assert.equal(mounted.status, 201);
  assert.equal(mounted.headers.get('location'), `/v2/other/blobs/${sha(blob)}`);
  const fallback = await registry.fetch(`/v2/other/blobs/uploads/?mount=${sha('absent')}&from=app`, { method: 'POST' });
  assert.equal(fallback.status, 202);
  assert.ok(fallback.headers.get('docker-upload-uuid'));
});

test('manifests by tag and digest come back byte for byte with their media type; HEAD; unknown names', async () => {
  const image = await registry.pushImage('app', 'v1', 'one');
  for (const reference of ['v1', image.digest]) {
    const get = await registry.fetch(`/v2/app/manifests/${reference}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('content-type'), 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(get.headers.get('docker-content-digest'), image.digest);
    assert.equal(await get.text(), image.manifest);
  }
  const head = await registry.fetch('/v2/app/manifests/v1', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(image.manifest)));
  const unknown = await registry.fetch('/v2/app/manifests/nope');
  assert.equal(unknown.status, 404);
  assert.equal(await errorCode(unknown), 'MANIFEST_UNKNOWN');
  const noRepo = await registry.fetch('/v2/not-created/manifests/v1');
  assert.equal(noRepo.status, 404);
  assert.equal(await errorCode(noRepo), 'NAME_UNKNOWN');
  const missingBlob = imageManifest(Buffer.from('never pushed'), []);
  const refused = await registry.putManifest('app', 'broken', missingBlob.manifest, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.equal(refused.status, 404);
  const wrongDigest = await registry.putManifest('app', sha('x'), image.manifest, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.equal(wrongDigest.status, 400);
});

test('an OCI index over two OCI manifests; a client that does not accept indexes is refused', async () => {
  const children = [];
  for (const arch of ['amd64', 'arm64']) {
    const config = Buffer.from(JSON.stringify({ architecture: arch, os: 'linux' }));
    const layer = Buffer.from(`layer ${arch}`);
    await registry.pushBlob('idx', config);
    await registry.pushBlob('idx', layer);
    const child = imageManifest(config, [layer], 'application/vnd.oci.image.manifest.v1+json');
    assert.equal((await registry.putManifest('idx', child.digest, child.manifest, 'application/vnd.oci.image.manifest.v1+json')).status, 201);
    children.push({ ...child, arch });
  }
  const index = JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: children.map((c) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: c.digest, size: Buffer.byteLength(c.manifest), platform: { architecture: c.arch, os: 'linux' } })),
  });
  assert.equal((await registry.putManifest('idx', 'multi', index, 'application/vnd.oci.image.index.v1+json')).status, 201);
  const get = await registry.fetch('/v2/idx/manifests/multi', { headers: { accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(get.headers.get('content-type'), 'application/vnd.oci.image.index.v1+json');
  assert.equal(await get.text(), index);
  const refused = await registry.fetch('/v2/idx/manifests/multi', { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(refused.status, 404);
  await refused.arrayBuffer();
  const dangling = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha('none'), size: 4 }] });
  assert.equal((await registry.putManifest('idx', 'dangling', dangling, 'application/vnd.oci.image.index.v1+json')).status, 404);
});

test('tags/list pages with n and last and a Link header', async () => {
  const image = await registry.pushImage('paged', 'a', 'paged');
  for (const tag of ['d', 'b', 'e', 'c']) assert.equal((await registry.putManifest('paged', tag, image.manifest, 'application/vnd.docker.distribution.manifest.v2+json')).status, 201);
  const all = await registry.fetch('/v2/paged/tags/list');
  assert.deepEqual(await all.json(), { name: 'paged', tags: ['a', 'b', 'c', 'd', 'e'] });
  const first = await registry.fetch('/v2/paged/tags/list?n=2');
  assert.deepEqual(await first.json(), { name: 'paged', tags: ['a', 'b'] });
  assert.equal(first.headers.get('link'), '</v2/paged/tags/list?n=2&last=b>; rel="next"');
  const second = await registry.fetch('/v2/paged/tags/list?n=2&last=b');
  assert.deepEqual(await second.json(), { name: 'paged', tags: ['c', 'd'] });
  const third = await registry.fetch('/v2/paged/tags/list?n=2&last=d');
  assert.deepEqual(await third.json(), { name: 'paged', tags: ['e'] });
  assert.equal(third.headers.get('link'), null);
});

test('deletes: a tag, a manifest by digest, an unreferenced blob; GC removes blobs no image references', async () => {
  const image = await registry.pushImage('gc', 'keep', 'gc-one');
  const doomed = await registry.pushImage('gc', 'drop', 'gc-two');
  assert.equal((await registry.putManifest('gc', 'alias', doomed.manifest, 'application/vnd.docker.distribution.manifest.v2+json')).status, 201);
  const untag = await registry.fetch('/v2/gc/manifests/alias', { method: 'DELETE' });
  assert.equal(untag.status, 202);
  assert.equal((await registry.fetch('/v2/gc/manifests/drop', { method: 'HEAD' })).status, 200);
  assert.equal((await registry.fetch(`/v2/gc/manifests/${doomed.digest}`, { method: 'DELETE' })).status, 202);
  const gone = await registry.fetch('/v2/gc/manifests/drop');
  assert.equal(gone.status, 404);
  await gone.arrayBuffer();

  const loose = Buffer.from('a loose blob');
  await registry.pushBlob('gc', loose);
  const referencedLayer = Buffer.from('layer of gc-one');
  const refused = await registry.fetch(`/v2/gc/blobs/${sha(referencedLayer)}`, { method: 'DELETE' });
  assert.equal(refused.status, 405);
  await refused.arrayBuffer();
  assert.equal((await registry.fetch(`/v2/gc/blobs/${sha(loose)}`, { method: 'DELETE' })).status, 202);

  // GC with the server's own store: a grace of 0 ms so the just-pushed, now unreferenced blobs go.
  const store = await openSqliteStore(server.dataDir, { now: () => new Date() });
  try {
    const blobs = new BlobStore(join(server.dataDir, 'registry'));
    const result = await collectGarbage(store, blobs, new Date(Date.now() + 1000), 0);
    assert.ok(result.deleted.includes(sha('layer of gc-two')), 'the deleted image\'s layer is collected');
    assert.ok(!result.deleted.includes(sha(referencedLayer)), 'a referenced layer stays');
    assert.ok(await blobs.stat(sha(referencedLayer)));
    assert.equal(await blobs.stat(sha('layer of gc-two')), undefined);
    const young = await collectGarbage(store, blobs, new Date());
    assert.deepEqual(young.deleted, [], 'the default grace keeps fresh blobs');
  } finally {
    await store.close();
  }
  const kept = await registry.fetch('/v2/gc/manifests/keep');
  assert.equal(await kept.text(), image.manifest);
});
