// ECR's layer API through the official SDK, in strict auth mode: a layer uploaded in parts
// (InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload), BatchCheckLayerAvailability, an
// image PutImage'd over such layers, GetDownloadUrlForLayer's /v2/ URL, the errors, garbage
// collection of layer-API blobs, and the AWS CLI v1 when it is installed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  BatchCheckLayerAvailabilityCommand, BatchGetImageCommand, CompleteLayerUploadCommand, CreateRepositoryCommand, ECRClient,
  GetAuthorizationTokenCommand, GetDownloadUrlForLayerCommand, InitiateLayerUploadCommand, PutImageCommand, UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import { BlobStore } from '../../src/registry/blob-store.ts';
import { collectGarbage } from '../../src/registry/gc.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { imageManifest, sha } from './registry-client.ts';

const DOCKER_V2 = 'application/vnd.docker.distribution.manifest.v2+json';

let server: TestServer;
let ecr: ECRClient;
let basicAuth: string;
before(async () => {
  server = await startTestServer({ strictAuth: true });
  ecr = new ECRClient(server.clientConfig);
  for (const name of ['layers', 'other', 'errors', 'gc-layers']) await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
  const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
  basicAuth = `Basic ${authorizationData?.[0]?.authorizationToken ?? ''}`;
});
after(async () => {
  ecr.destroy();
  await server.stop();
});

/** Deterministic, non-repeating bytes. */
function bytesOf(seed: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed.charCodeAt(i % seed.length)) % 251;
  return out;
}

/** Initiates an upload and sends `bytes` in two parts split at `split`; returns the uploadId. */
async function uploadParts(repositoryName: string, bytes: Buffer, split = Math.floor(bytes.length / 2)): Promise<string> {
  const { uploadId, partSize } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName }));
  assert.match(uploadId ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(partSize, 10 * 1024 * 1024);
  const first = await ecr.send(new UploadLayerPartCommand({
    repositoryName, uploadId, partFirstByte: 0, partLastByte: split - 1, layerPartBlob: bytes.subarray(0, split),
  }));
  assert.deepEqual({ ...first, $metadata: undefined }, { $metadata: undefined, registryId: '123456789012', repositoryName, uploadId, lastByteReceived: split - 1 });
  const second = await ecr.send(new UploadLayerPartCommand({
    repositoryName, uploadId, partFirstByte: split, partLastByte: bytes.length - 1, layerPartBlob: bytes.subarray(split),
  }));
  assert.equal(second.lastByteReceived, bytes.length - 1);
  return uploadId ?? '';
}

async function uploadLayer(repositoryName: string, bytes: Buffer): Promise<string> {
  const uploadId = await uploadParts(repositoryName, bytes);
  const done = await ecr.send(new CompleteLayerUploadCommand({ repositoryName, uploadId, layerDigests: [sha(bytes)] }));
  assert.deepEqual({ ...done, $metadata: undefined }, { $metadata: undefined, registryId: '123456789012', repositoryName, uploadId, layerDigest: sha(bytes) });
  return sha(bytes);
}

test('a layer uploaded in two parts is available, usable by PutImage and downloadable from its URL', async () => {
  const layer = bytesOf('layer', 70_001);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const layerDigest = await uploadLayer('layers', layer);
  await uploadLayer('layers', config);

  const missing = sha('never uploaded');
  const check = await ecr.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: 'layers', layerDigests: [layerDigest, missing, 'sha256:nothex'] }));
  assert.equal(check.$metadata.httpStatusCode, 200);
  assert.deepEqual(check.layers, [{ layerDigest, layerAvailability: 'AVAILABLE', layerSize: layer.length }]);
  assert.deepEqual(check.failures, [
    { layerDigest: missing, failureCode: 'MissingLayerDigest', failureReason: 'Could not find layer' },
    { layerDigest: 'sha256:nothex', failureCode: 'InvalidLayerDigest', failureReason: 'Invalid layer digest' },
  ]);

  // Not yet part of an image: ECR does not hand out the layer.
  await rejects(ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: 'layers', layerDigest })), 'LayerInaccessibleException');

  const image = imageManifest(config, [layer]);
  const put = await ecr.send(new PutImageCommand({ repositoryName: 'layers', imageManifest: image.manifest, imageTag: 'v1' }));
  assert.deepEqual(put.image?.imageId, { imageDigest: image.digest, imageTag: 'v1' });
  const got = await ecr.send(new BatchGetImageCommand({ repositoryName: 'layers', imageIds: [{ imageTag: 'v1' }] }));
  assert.equal(got.images?.[0]?.imageManifest, image.manifest);
  assert.equal(got.images?.[0]?.imageManifestMediaType, DOCKER_V2);

  const url = await ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: 'layers', layerDigest }));
  assert.equal(url.layerDigest, layerDigest);
  assert.equal(url.downloadUrl, `http://${new URL(server.url).host}/v2/layers/blobs/${layerDigest}`);
  const anonymous = await fetch(url.downloadUrl ?? '');
  assert.equal(anonymous.status, 401, 'strict mode: the URL wants the registry password');
  await anonymous.arrayBuffer();
  const download = await fetch(url.downloadUrl ?? '', { headers: { authorization: basicAuth } });
  assert.equal(download.status, 200);
  assert.ok(Buffer.from(await download.arrayBuffer()).equals(layer), 'the exact bytes uploaded');

  // The same manifest's blobs exist for another repository too (blobs are shared; LIMITATIONS.md),
  // but its layer is inaccessible there until an image of that repository references it.
  await rejects(ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: 'other', layerDigest })), 'LayerInaccessibleException');
  await rejects(ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: 'layers', layerDigest: missing })), 'LayersNotFoundException');
  await rejects(ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: 'nope', layerDigest })), 'RepositoryNotFoundException');
  await rejects(ecr.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: 'nope', layerDigests: [layerDigest] })), 'RepositoryNotFoundException');
});

test('parts must continue the upload exactly (InvalidLayerPartException)', async () => {
  const bytes = bytesOf('parts', 1000);
  const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName: 'errors' }));
  const part = (first: number, last: number, blob: Buffer) =>
    ecr.send(new UploadLayerPartCommand({ repositoryName: 'errors', uploadId, partFirstByte: first, partLastByte: last, layerPartBlob: blob }));
  await rejects(part(10, 509, bytes.subarray(10, 510)), 'InvalidLayerPartException', /last valid byte received is -1/);
  await rejects(part(0, 400, bytes.subarray(0, 500)), 'InvalidLayerPartException', /\[0, 400\]/);
  await part(0, 499, bytes.subarray(0, 500));
  await rejects(part(400, 899, bytes.subarray(400, 900)), 'InvalidLayerPartException', /last valid byte received is 499/);
  await rejects(part(501, 999, bytes.subarray(501)), 'InvalidLayerPartException', /last valid byte received is 499/);
  await rejects(part(500, 499, Buffer.alloc(0)), 'InvalidLayerPartException');
  // The refused parts left nothing behind: the rest completes the layer.
  await part(500, 999, bytes.subarray(500));
  const done = await ecr.send(new CompleteLayerUploadCommand({ repositoryName: 'errors', uploadId, layerDigests: [sha(bytes)] }));
  assert.equal(done.layerDigest, sha(bytes));
  // A completed upload is gone.
  await rejects(part(1000, 1000, Buffer.from('x')), 'UploadNotFoundException');
});

test('CompleteLayerUpload: digest mismatch, empty and unknown uploads, a layer that already exists', async () => {
  const bytes = bytesOf('complete', 300);
  const mismatched = await uploadParts('errors', bytes);
  await rejects(ecr.send(new CompleteLayerUploadCommand({ repositoryName: 'errors', uploadId: mismatched, layerDigests: [sha('something else')] })),
    'InvalidLayerException', `The layer digest '${sha('something else')}' does not match the digest of the uploaded layer '${sha(bytes)}'`);
  // The bytes that did not match are dropped with their upload.
  await rejects(ecr.send(new CompleteLayerUploadCommand({ repositoryName: 'errors', uploadId: mismatched, layerDigests: [sha(bytes)] })), 'UploadNotFoundException');

  const { uploadId: empty } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName: 'errors' }));
  await rejects(ecr.send(new CompleteLayerUploadCommand({ repositoryName: 'errors', uploadId: empty, layerDigests: [sha('')] })), 'EmptyUploadException');

  const unknown = '0badc0de-0000-4000-8000-000000000000';
  await rejects(ecr.send(new CompleteLayerUploadCommand({ repositoryName: 'errors', uploadId: unknown, layerDigests: [sha(bytes)] })), 'UploadNotFoundException',
    `The upload with id '${unknown}' does not exist in the repository with name 'errors' in the registry with id '123456789012'`);
  await rejects(ecr.send(new UploadLayerPartCommand({ repositoryName: 'errors', uploadId: unknown, partFirstByte: 0, partLastByte: 0, layerPartBlob: Buffer.from('x') })),
    'UploadNotFoundException');
  // An upload belongs to the repository it was initiated in.
  await rejects(ecr.send(new UploadLayerPartCommand({ repositoryName: 'other', uploadId: empty, partFirstByte: 0, partLastByte: 0, layerPartBlob: Buffer.from('x') })),
    'UploadNotFoundException');
  await rejects(ecr.send(new InitiateLayerUploadCommand({ repositoryName: 'nope' })), 'RepositoryNotFoundException');
  await rejects(ecr.send(new CompleteLayerUploadCommand({ repositoryName: 'errors', uploadId: empty, layerDigests: ['sha512:abcd'] })), 'InvalidParameterException');

  await uploadLayer('errors', bytes);
  const again = await uploadParts('errors', bytes);
  await rejects(ecr.send(new CompleteLayerUploadCommand({ repositoryName: 'errors', uploadId: again, layerDigests: [sha(bytes)] })), 'LayerAlreadyExistsException',
    `The layer '${sha(bytes)}' already exists in the repository with name 'errors' in the registry with id '123456789012'`);
  const check = await ecr.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: 'errors', layerDigests: [sha(bytes)] }));
  assert.equal(check.layers?.[0]?.layerAvailability, 'AVAILABLE');
});

// A lenient server of its own: in strict mode the CLI v1's signatures are refused for every ECR
// operation (DescribeRepositories too), which is the authenticator's matter, not the layer API's.
test('the AWS CLI v1 checks layer availability', async (t) => {
  const lenient = await startTestServer();
  const client = new ECRClient(lenient.clientConfig);
  try {
    await client.send(new CreateRepositoryCommand({ repositoryName: 'cli' }));
    const layer = bytesOf('cli', 64);
    const { uploadId } = await client.send(new InitiateLayerUploadCommand({ repositoryName: 'cli' }));
    await client.send(new UploadLayerPartCommand({ repositoryName: 'cli', uploadId, partFirstByte: 0, partLastByte: 63, layerPartBlob: layer }));
    await client.send(new CompleteLayerUploadCommand({ repositoryName: 'cli', uploadId, layerDigests: [sha(layer)] }));
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)('aws', [
        'ecr', 'batch-check-layer-availability', '--endpoint-url', lenient.url, '--repository-name', 'cli', '--layer-digests', sha(layer), sha('absent'), '--output', 'json',
      ], { env }));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        t.skip('the aws CLI is not installed');
        return;
      }
      throw error;
    }
    assert.deepEqual(JSON.parse(stdout), {
      layers: [{ layerDigest: sha(layer), layerAvailability: 'AVAILABLE', layerSize: 64 }],
      failures: [{ layerDigest: sha('absent'), failureCode: 'MissingLayerDigest', failureReason: 'Could not find layer' }],
    });
  } finally {
    client.destroy();
    await lenient.stop();
  }
});

// Last: it runs garbage collection with a grace of 0 ms over the whole server.
test('garbage collection treats layer-API blobs as /v2/ uploads: young ones stay, referenced ones stay', async () => {
  const referenced = bytesOf('gc-ref', 500);
  const config = Buffer.from('{"architecture":"amd64","os":"linux","gc":true}');
  const loose = bytesOf('gc-loose', 500);
  for (const blob of [referenced, config, loose]) await uploadLayer('gc-layers', blob);
  await ecr.send(new PutImageCommand({ repositoryName: 'gc-layers', imageManifest: imageManifest(config, [referenced]).manifest, imageTag: 'keep' }));

  const store = await openSqliteStore(server.dataDir, { now: () => new Date() });
  try {
    const blobs = new BlobStore(join(server.dataDir, 'registry'));
    const young = await collectGarbage(store, blobs, new Date());
    assert.ok(!young.deleted.includes(sha(loose)), 'the default grace keeps a fresh, unreferenced layer');
    const result = await collectGarbage(store, blobs, new Date(Date.now() + 1000), 0);
    assert.ok(result.deleted.includes(sha(loose)), 'an unreferenced layer is collected once old');
    assert.ok(!result.deleted.includes(sha(referenced)) && !result.deleted.includes(sha(config)), 'an image\'s layers stay');
  } finally {
    await store.close();
  }
  const check = await ecr.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: 'gc-layers', layerDigests: [sha(referenced), sha(loose)] }));
  assert.deepEqual(check.layers?.map((l) => l.layerDigest), [sha(referenced)]);
  assert.deepEqual(check.failures?.map((f) => f.failureCode), ['MissingLayerDigest']);
});
