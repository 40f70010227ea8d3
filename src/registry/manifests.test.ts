import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RegistryError } from './errors.ts';
import { scopeOfHost } from './host.ts';
import { DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST, parseManifest, sha256Digest } from './manifests.ts';

const d = (s: string) => sha256Digest(Buffer.from(s));
const bytes = (doc: unknown) => Buffer.from(JSON.stringify(doc));

test('an image manifest lists config and layers and sums their sizes', () => {
  const parsed = parseManifest(bytes({
    schemaVersion: 2, mediaType: DOCKER_MANIFEST,
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: d('c'), size: 10 },
    layers: [{ digest: d('l1'), size: 100 }, { digest: d('l2'), size: 5 }],
  }), DOCKER_MANIFEST);
  assert.deepEqual(parsed.blobs, [d('c'), d('l1'), d('l2')]);
  assert.equal(parsed.size, 115);
  assert.equal(parsed.artifactMediaType, 'application/vnd.docker.container.image.v1+json');
});

test('an OCI manifest without mediaType takes the Content-Type, an index its children', () => {
  const manifest = parseManifest(bytes({ schemaVersion: 2, config: { digest: d('c'), size: 1 }, layers: [] }), OCI_MANIFEST);
  assert.equal(manifest.mediaType, OCI_MANIFEST);
  const index = parseManifest(bytes({ schemaVersion: 2, manifests: [{ digest: d('m'), size: 3 }] }), undefined);
  assert.equal(index.mediaType, OCI_INDEX);
  assert.deepEqual(index.manifests, [d('m')]);
});

test('malformed manifests are MANIFEST_INVALID', () => {
  for (const [body, type] of [
    [Buffer.from('not json'), DOCKER_MANIFEST],
    [bytes({ schemaVersion: 1 }), DOCKER_MANIFEST],
    [bytes({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { digest: d('c'), size: 1 }, layers: [] }), DOCKER_MANIFEST],
    [bytes({ schemaVersion: 2, config: { digest: 'md5:x', size: 1 }, layers: [] }), OCI_MANIFEST],
    [bytes({ schemaVersion: 2, config: { digest: d('c'), size: 1 }, layers: [] }), 'text/plain'],
  ] as const) {
    assert.throws(() => parseManifest(body, type), (e: unknown) => e instanceof RegistryError && e.code === 'MANIFEST_INVALID');
  }
});

test('the host name picks the account and region; other hosts get the defaults', () => {
  const addressing = { defaultAccountId: '123456789012', defaultRegion: 'us-east-1', endpoint: () => '127.0.0.1:4566' };
  assert.deepEqual(scopeOfHost('210987654321.dkr.ecr.eu-west-1.amazonaws.com', addressing), { account: '210987654321', region: 'eu-west-1' });
  assert.deepEqual(scopeOfHost('210987654321.dkr.ecr.eu-west-1.localhost:4566', addressing), { account: '210987654321', region: 'eu-west-1' });
  assert.deepEqual(scopeOfHost('127.0.0.1:4566', addressing), { account: '123456789012', region: 'us-east-1' });
  assert.deepEqual(scopeOfHost(undefined, addressing), { account: '123456789012', region: 'us-east-1' });
});
