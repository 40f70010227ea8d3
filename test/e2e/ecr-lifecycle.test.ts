// ECR lifecycle policies through the official SDK: validation texts, the policy applied when put,
// after a push by tag (through /v2/ and PutImage) and by applyLifecyclePolicies (the periodic
// controller's call, with a clock moved forward), lastEvaluatedAt, and the preview.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateRepositoryCommand, DeleteLifecyclePolicyCommand, DeleteRepositoryCommand, DescribeImagesCommand, ECRClient,
  GetLifecyclePolicyCommand, GetLifecyclePolicyPreviewCommand, PutImageCommand, PutLifecyclePolicyCommand, StartLifecyclePolicyPreviewCommand,
} from '@aws-sdk/client-ecr';
import { applyLifecyclePolicies } from '../../src/services/ecr/index.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { RegistryClient } from './registry-client.ts';

let server: TestServer;
let ecr: ECRClient;
let registry: RegistryClient;
let store: Store;
before(async () => {
  server = await startTestServer();
  ecr = new ECRClient(server.clientConfig);
  registry = new RegistryClient(server.url);
  store = await openSqliteStore(server.dataDir);
});
after(async () => {
  ecr.destroy();
  await store.close();
  await server.stop();
});

const policy = (...rules: object[]) => JSON.stringify({ rules: rules.map((r, i) => ({ rulePriority: i + 1, action: { type: 'expire' }, ...r })) });
const tagsOf = async (repositoryName: string) => ((await ecr.send(new DescribeImagesCommand({ repositoryName }))).imageDetails ?? [])
  .map((d) => (d.imageTags ?? ['<untagged>']).join('+')).sort();

test('an invalid policy is refused with ECR\'s texts; no policy is LifecyclePolicyNotFoundException', async () => {
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'lc-invalid' }));
  const prefix = "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ";
  const put = (text: string) => ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'lc-invalid', lifecyclePolicyText: text }));
  await rejects(put(`{"rules": "not a list", "padding": "${'x'.repeat(100)}"}`), 'InvalidParameterException',
    `${prefix}object instance has properties which are not allowed by the schema: (["padding"])'`);
  await rejects(put(policy({ selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 3 }, description: 'x'.repeat(60) })),
    'InvalidParameterException', `${prefix}Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.'`);
  await rejects(put(policy({ selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 3 } },
    { selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 3 } })),
  'InvalidParameterException', `${prefix}Rule for tagStatus=ANY must have the lowest priority per storage class'`);
  await rejects(put(policy({ selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countUnit: 'days', countNumber: 3 }, description: 'x'.repeat(40) })),
    'InvalidParameterException', `${prefix}instance failed to match exactly one schema (matched 0 out of 2)'`);
  await rejects(ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'lc-invalid' })), 'LifecyclePolicyNotFoundException',
    "Lifecycle policy does not exist for the repository with name 'lc-invalid' in the registry with id '123456789012'");
  await rejects(ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: 'lc-invalid' })), 'LifecyclePolicyNotFoundException');
  await rejects(ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'lc-invalid' })), 'LifecyclePolicyPreviewNotFoundException');
});

test('a policy applies when put and after each push by tag; lastEvaluatedAt says when', async () => {
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'lc-count' }));
  for (const tag of ['v1', 'v2', 'v3', 'dev']) await registry.pushImage('lc-count', tag, `count-${tag}`);
  // A tag moved to another image leaves the first one untagged.
  await registry.pushImage('lc-count', 'dev', 'count-dev-2');
  assert.deepEqual(await tagsOf('lc-count'), ['<untagged>', 'dev', 'v1', 'v2', 'v3']);
  const text = policy(
    { description: 'keep the newest two releases', selection: { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 2 } },
    { description: 'no untagged images', selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 } },
  );
  // A preview first: the same evaluation, nothing deleted.
  const started = await ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: 'lc-count', lifecyclePolicyText: text }));
  assert.equal(started.status, 'IN_PROGRESS');
  const preview = await ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'lc-count' }));
  assert.equal(preview.status, 'COMPLETE');
  assert.deepEqual(preview.previewResults?.map((r) => [r.imageTags, r.action?.type, r.appliedRulePriority]), [[['v1'], 'EXPIRE', 1]]);
  assert.equal(preview.summary?.expiringImageTotalCount, 1);
  assert.equal((await ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'lc-count', filter: { tagStatus: 'UNTAGGED' } }))).previewResults?.length, 0);
  assert.deepEqual(await tagsOf('lc-count'), ['<untagged>', 'dev', 'v1', 'v2', 'v3']);

  const before = Date.now();
  await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'lc-count', lifecyclePolicyText: text }));
  assert.deepEqual(await tagsOf('lc-count'), ['<untagged>', 'dev', 'v2', 'v3']);
  const got = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'lc-count' }));
  assert.equal(got.lifecyclePolicyText, text);
  assert.ok((got.lastEvaluatedAt?.getTime() ?? 0) >= before - 1000, 'lastEvaluatedAt is set');

  await registry.pushImage('lc-count', 'v4', 'count-v4');
  assert.deepEqual(await tagsOf('lc-count'), ['<untagged>', 'dev', 'v3', 'v4']);
  // PutImage with a tag applies it too: re-pointing dev untags an image, and one untagged is kept (the newest).
  const other = await registry.pushImage('lc-count', 'scratch', 'count-scratch');
  await ecr.send(new PutImageCommand({ repositoryName: 'lc-count', imageManifest: other.manifest, imageTag: 'dev' }));
  assert.deepEqual(await tagsOf('lc-count'), ['<untagged>', 'dev+scratch', 'v3', 'v4']);

  await ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: 'lc-count' }));
  await registry.pushImage('lc-count', 'v5', 'count-v5');
  assert.deepEqual(await tagsOf('lc-count'), ['<untagged>', 'dev+scratch', 'v3', 'v4', 'v5']);
});

test('applyLifecyclePolicies expires by age in every account and region, and forgets deleted repositories', async () => {
  const west = new ECRClient(server.clientConfigFor({ accessKeyId: 'test', secretAccessKey: 'test' }, 'eu-west-1'));
  try {
    for (const client of [ecr, west]) await client.send(new CreateRepositoryCommand({ repositoryName: 'lc-age' }));
    await registry.pushImage('lc-age', 'old', 'age-old');
    const text = policy({ description: 'a week', selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 } });
    for (const client of [ecr, west]) await client.send(new PutLifecyclePolicyCommand({ repositoryName: 'lc-age', lifecyclePolicyText: text }));
    // PutImage in eu-west-1 (its registry is the .localhost host; PutImage needs no /v2/ push of the manifest itself).
    const image = await registry.pushImage('lc-age', 'carrier', 'age-west');
    await west.send(new PutImageCommand({ repositoryName: 'lc-age', imageManifest: image.manifest, imageTag: 'west' }));
    assert.equal((await applyLifecyclePolicies(store, new Date())).expired, 0);
    assert.equal((await applyLifecyclePolicies(store, new Date(Date.now() + 8 * 24 * 3600_000))).expired, 3);
    assert.deepEqual(await tagsOf('lc-age'), []);
    assert.equal((await west.send(new DescribeImagesCommand({ repositoryName: 'lc-age' }))).imageDetails?.length, 0);
    await west.send(new DeleteRepositoryCommand({ repositoryName: 'lc-age', force: true }));
    const index = await store.read((tx) => tx.list('ecr.lifecycle-index', { account: '', region: '' }));
    assert.ok(!index.some((r) => r.body.region === 'eu-west-1' && r.body.repositoryName === 'lc-age'));
  } finally {
    west.destroy();
  }
});
