// ECR images through the official SDK, pushed through /v2/ or PutImage: DescribeImages,
// ListImages, BatchGetImage, BatchDeleteImage, IMMUTABLE tags; and the auth flow in strict mode.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  BatchDeleteImageCommand, BatchGetImageCommand, CreateRepositoryCommand, DescribeImagesCommand, ECRClient,
  GetAuthorizationTokenCommand, ListImagesCommand, PutImageCommand,
} from '@aws-sdk/client-ecr';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { RegistryClient } from './registry-client.ts';

const DOCKER_V2 = 'application/vnd.docker.distribution.manifest.v2+json';

let server: TestServer;
let ecr: ECRClient;
let registry: RegistryClient;
before(async () => {
  server = await startTestServer();
  ecr = new ECRClient(server.clientConfig);
  registry = new RegistryClient(server.url);
});
after(async () => {
  ecr.destroy();
  await server.stop();
});

test('an image pushed through /v2/ shows in DescribeImages, ListImages and BatchGetImage', async () => {
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'my-app' }));
  const image = await registry.pushImage('my-app', 'v1.0.0', 'app');
  const { imageDetails } = await ecr.send(new DescribeImagesCommand({ repositoryName: 'my-app' }));
  assert.equal(imageDetails?.length, 1);
  const detail = imageDetails?.[0];
  assert.equal(detail?.imageDigest, image.digest);
  assert.deepEqual(detail?.imageTags, ['v1.0.0']);
  assert.equal(detail?.registryId, '123456789012');
  assert.equal(detail?.imageManifestMediaType, DOCKER_V2);
  assert.equal(detail?.artifactMediaType, 'application/vnd.docker.container.image.v1+json');
  assert.ok((detail?.imageSizeInBytes ?? 0) > 0);
  assert.ok(detail?.imagePushedAt instanceof Date);
  const got = await ecr.send(new BatchGetImageCommand({ repositoryName: 'my-app', imageIds: [{ imageTag: 'v1.0.0' }, { imageTag: 'missing' }] }));
  assert.equal(got.images?.[0]?.imageManifest, image.manifest);
  assert.equal(got.images?.[0]?.imageManifestMediaType, DOCKER_V2);
  assert.deepEqual(got.images?.[0]?.imageId, { imageDigest: image.digest, imageTag: 'v1.0.0' });
  assert.deepEqual(got.failures, [{ imageId: { imageTag: 'missing' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }]);
  await rejects(ecr.send(new DescribeImagesCommand({ repositoryName: 'my-app', imageIds: [{ imageTag: 'missing' }] })), 'ImageNotFoundException');
  await rejects(ecr.send(new DescribeImagesCommand({ repositoryName: 'nope' })), 'RepositoryNotFoundException');
});

test('PutImage adds a tag to a pushed manifest; ImageAlreadyExists; ListImages filters; BatchDeleteImage', async () => {
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'retag' }));
  const image = await registry.pushImage('retag', 'v1', 'retag');
  const put = await ecr.send(new PutImageCommand({ repositoryName: 'retag', imageManifest: image.manifest, imageTag: 'latest' }));
  assert.deepEqual(put.image?.imageId, { imageDigest: image.digest, imageTag: 'latest' });
  await rejects(ecr.send(new PutImageCommand({ repositoryName: 'retag', imageManifest: image.manifest, imageTag: 'latest' })), 'ImageAlreadyExistsException',
    `Image with digest '${image.digest}' and tag 'latest' already exists in the repository with name 'retag' in registry with id '123456789012'`);
  const untagged = await registry.pushImage('retag', 'tmp', 'untagged');
  await ecr.send(new BatchDeleteImageCommand({ repositoryName: 'retag', imageIds: [{ imageTag: 'tmp' }] }));
  const tagged = await ecr.send(new ListImagesCommand({ repositoryName: 'retag', filter: { tagStatus: 'TAGGED' } }));
  assert.deepEqual(tagged.imageIds?.map((i) => i.imageTag).sort(), ['latest', 'v1']);
  const loose = await ecr.send(new ListImagesCommand({ repositoryName: 'retag', filter: { tagStatus: 'UNTAGGED' } }));
  assert.deepEqual(loose.imageIds, [{ imageDigest: untagged.digest }]);
  const deleted = await ecr.send(new BatchDeleteImageCommand({ repositoryName: 'retag', imageIds: [{ imageDigest: image.digest }, { imageTag: 'gone' }] }));
  assert.deepEqual(deleted.imageIds?.map((i) => i.imageTag).sort(), ['latest', 'v1']);
  assert.equal(deleted.failures?.[0]?.failureCode, 'ImageNotFound');
  const pulled = await registry.fetch('/v2/retag/manifests/v1');
  assert.equal(pulled.status, 404);
  await pulled.arrayBuffer();
});

test('IMMUTABLE repositories refuse to move a tag, through PutImage and through /v2/', async () => {
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'fixed', imageTagMutability: 'IMMUTABLE' }));
  const first = await registry.pushImage('fixed', 'v1', 'first');
  const second = await registry.pushImage('fixed', 'v2', 'second');
  await rejects(ecr.send(new PutImageCommand({ repositoryName: 'fixed', imageManifest: second.manifest, imageTag: 'v1' })), 'ImageTagAlreadyExistsException',
    "The image tag 'v1' already exists in the 'fixed' repository and cannot be overwritten because the repository is immutable.");
  const moved = await registry.putManifest('fixed', 'v1', second.manifest, DOCKER_V2);
  assert.equal(moved.status, 400);
  const same = await registry.putManifest('fixed', 'v1', first.manifest, DOCKER_V2);
  assert.equal(same.status, 201, 'pushing the same image to its tag again is allowed');
});

test('strict mode: /v2/ needs the GetAuthorizationToken password over Basic auth', async () => {
  const strict = await startTestServer({ strictAuth: true });
  const client = new ECRClient(strict.clientConfig);
  try {
    const anonymous = await fetch(`${strict.url}/v2/`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic realm="http:\/\/127\.0\.0\.1:\d+\/",service="ecr\.amazonaws\.com"$/);
    assert.equal(((await anonymous.json()) as { errors: { code: string }[] }).errors[0]?.code, 'UNAUTHORIZED');
    const { authorizationData } = await client.send(new GetAuthorizationTokenCommand({}));
    const data = authorizationData?.[0];
    assert.equal(data?.proxyEndpoint, `http://${new URL(strict.url).host}`);
    const hours = ((data?.expiresAt?.getTime() ?? 0) - Date.now()) / 3_600_000;
    assert.ok(hours > 11.9 && hours <= 12, `valid 12 hours, got ${hours}`);
    const [user, password] = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8').split(':');
    assert.equal(user, 'AWS');
    const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
    const ok = await fetch(`${strict.url}/v2/`, { headers: basic('AWS', password ?? '') });
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
    const wrong = await fetch(`${strict.url}/v2/`, { headers: basic('AWS', `${password ?? ''}x`) });
    assert.equal(wrong.status, 401);
    await wrong.arrayBuffer();
    await client.send(new CreateRepositoryCommand({ repositoryName: 'private' }));
    const authed = new RegistryClient(strict.url, basic('AWS', password ?? ''));
    await authed.pushImage('private', 'v1', 'private');
    const { imageDetails } = await client.send(new DescribeImagesCommand({ repositoryName: 'private' }));
    assert.deepEqual(imageDetails?.[0]?.imageTags, ['v1']);
  } finally {
    client.destroy();
    await strict.stop();
  }
});
