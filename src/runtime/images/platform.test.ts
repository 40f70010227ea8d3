import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Descriptor } from './oci.ts';
import { compatiblePlatforms, hostPlatform, normalizePlatform, pickManifest } from './platform.ts';

const entry = (digest: string, platform?: Descriptor['platform']): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1, ...(platform ? { platform } : {}),
});

test('the host platform comes from process.arch in GOARCH words; arm64 implies v8', () => {
  assert.deepEqual(hostPlatform('x64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(hostPlatform('arm64'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(normalizePlatform({ os: 'Linux', architecture: 'aarch64' }), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(normalizePlatform({ os: 'linux', architecture: 'x86_64', variant: 'v1' }), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(normalizePlatform({ os: 'linux', architecture: 'arm' }), { os: 'linux', architecture: 'arm', variant: 'v7' });
});

test('the host\'s own platform wins over a compatible one, wherever it sits in the index', () => {
  const index = [entry('i386', { os: 'linux', architecture: '386' }), entry('arm', { os: 'linux', architecture: 'arm64', variant: 'v8' }),
    entry('amd', { os: 'linux', architecture: 'amd64' }), entry('win', { os: 'windows', architecture: 'amd64' })];
  assert.equal(pickManifest(index, hostPlatform('x64'))?.digest, 'amd');
  assert.equal(pickManifest(index, hostPlatform('arm64'))?.digest, 'arm');
  assert.equal(pickManifest(index.slice(0, 2), hostPlatform('x64'))?.digest, 'i386');
});

test('arm64 takes a bare arm64 entry, then 32-bit arm from v8 down; attestations and other OSes never match', () => {
  assert.equal(pickManifest([entry('bare', { os: 'linux', architecture: 'arm64' })], hostPlatform('arm64'))?.digest, 'bare');
  assert.equal(pickManifest([entry('v6', { os: 'linux', architecture: 'arm', variant: 'v6' }), entry('v7', { os: 'linux', architecture: 'arm', variant: 'v7' })],
    hostPlatform('arm64'))?.digest, 'v7');
  assert.deepEqual(compatiblePlatforms(hostPlatform('arm64')).map((p) => `${p.architecture}/${p.variant ?? ''}`), ['arm64/v8', 'arm/v8', 'arm/v7', 'arm/v6', 'arm/v5']);
  const none = [entry('att', { os: 'unknown', architecture: 'unknown' }), entry('noplat'), entry('win', { os: 'windows', architecture: 'amd64' })];
  assert.equal(pickManifest(none, hostPlatform('x64')), undefined);
});
