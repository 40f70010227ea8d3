import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidReferenceError, isLoopbackHost, parseImageReference, registryBaseUrl } from './image-reference.ts';

test('references normalize as Docker normalizes them', () => {
  assert.deepEqual(parseImageReference('httpd:2.4'),
    { host: 'docker.io', repository: 'library/httpd', reference: '2.4', tag: '2.4', canonical: 'docker.io/library/httpd:2.4' });
  assert.equal(parseImageReference('nginx').canonical, 'docker.io/library/nginx:latest');
  assert.equal(parseImageReference('nginx').reference, 'latest');
  assert.equal(parseImageReference('bitnami/redis:7').canonical, 'docker.io/bitnami/redis:7');
  assert.equal(parseImageReference('index.docker.io/library/busybox').canonical, 'docker.io/library/busybox:latest');
  assert.deepEqual(parseImageReference('public.ecr.aws/nginx/nginx:1.27'),
    { host: 'public.ecr.aws', repository: 'nginx/nginx', reference: '1.27', tag: '1.27', canonical: 'public.ecr.aws/nginx/nginx:1.27' });
  assert.equal(parseImageReference('localhost/app').host, 'localhost');
  assert.equal(parseImageReference('127.0.0.1:5000/team/app:v1').host, '127.0.0.1:5000');
  assert.equal(parseImageReference('[::1]:5000/app:v1').host, '[::1]:5000');
});

test('a digest is what gets pulled, and a tag beside it stays in the canonical form (as containerd prints it)', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const ref = parseImageReference(`ghcr.io/org/app:v1@${digest}`);
  assert.equal(ref.reference, digest);
  assert.equal(ref.tag, 'v1');
  assert.equal(ref.repository, 'org/app');
  assert.equal(ref.canonical, `ghcr.io/org/app:v1@${digest}`);
  assert.equal(parseImageReference(`app@${digest}`).canonical, `docker.io/library/app@${digest}`);
});

test('malformed references are refused with Docker\'s texts', () => {
  const refusal = (image: string) => {
    try {
      parseImageReference(image);
    } catch (error) {
      assert.ok(error instanceof InvalidReferenceError);
      return error.message;
    }
    return assert.fail(`${image} parsed`);
  };
  assert.equal(refusal('ghcr.io/Org/app'), 'invalid reference format: repository name (Org/app) must be lowercase');
  assert.equal(refusal('app@sha256:xyz'), 'invalid reference format');
  assert.equal(refusal('app:bad tag'), 'invalid reference format');
  assert.equal(refusal('a//b'), 'invalid reference format');
  assert.equal(refusal(''), 'invalid reference format');
  assert.match(refusal(`ghcr.io/${'a'.repeat(260)}`), /must not be more than 255 characters/);
});

test('loopback registries are plain http (Docker\'s insecure default); others https; docker.io is registry-1', () => {
  for (const host of ['localhost:5000', '127.0.0.1:5000', '127.8.9.1', '[::1]:5000']) assert.ok(isLoopbackHost(host), host);
  for (const host of ['ghcr.io', '10.0.0.1:5000', 'localhost.example.com']) assert.ok(!isLoopbackHost(host), host);
  assert.equal(registryBaseUrl('docker.io'), 'https://registry-1.docker.io');
  assert.equal(registryBaseUrl('ghcr.io'), 'https://ghcr.io');
  assert.equal(registryBaseUrl('127.0.0.1:5000'), 'http://127.0.0.1:5000');
});
