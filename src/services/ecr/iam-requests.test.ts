import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { iamRequestsFor } from '../../aws/authz/iam-request.ts';
import type { AwsService } from '../../aws/service.ts';
import { cryptoIds } from '../../platform/ids.ts';
import { BlobStore } from '../../registry/blob-store.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';
import { ACCOUNT, assertEveryOperationMaps, REGION, resultWithDeny, roleContext, simulateRequest } from '../../../test/support/service-iam-checks.ts';
import { ecrIam } from './iam-requests.ts';
import { createEcrService } from './index.ts';

const REPO = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/`;
const ctx = roleContext();
// An ECR repository policy names no Resource: it is the repository's own.
const PULL_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'pull', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] }],
});
const DENY_PUSH = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Principal: '*', Action: 'ecr:PutImage' }],
});

let dir: string;
let store: Store;
let service: AwsService;
let iam: ReturnType<typeof ecrIam>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-ecr-iam-'));
  store = await openSqliteStore(dir);
  const deps = { store, ids: cryptoIds, defaultAccountId: ACCOUNT };
  const addressing = { defaultAccountId: ACCOUNT, defaultRegion: REGION, endpoint: () => '127.0.0.1:1' };
  service = createEcrService(deps, { addressing, blobs: new BlobStore(join(dir, 'blobs')) });
  iam = ecrIam(deps);
  const call = (op: string, input: object) => (service.operations[op] ?? assert.fail(op))(input as never, ctx);
  await call('CreateRepository', { repositoryName: 'team/web', tags: [{ Key: 'team', Value: 'web' }] });
  await call('SetRepositoryPolicy', { repositoryName: 'team/web', policyText: PULL_POLICY });
  await call('CreateRepository', { repositoryName: 'locked' });
  await call('SetRepositoryPolicy', { repositoryName: 'locked', policyText: DENY_PUSH });
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function representativeInputs(): Record<string, object> {
  const repo = { repositoryName: 'team/web' };
  const image = { imageIds: [{ imageTag: 'latest' }] };
  return {
    CreateRepository: { repositoryName: 'team/new', tags: [{ Key: 'team', Value: 'web' }] },
    DescribeRepositories: { repositoryNames: ['team/web', 'locked'] },
    DeleteRepository: { ...repo, force: true },
    PutImageTagMutability: { ...repo, imageTagMutability: 'IMMUTABLE' },
    PutImageScanningConfiguration: { ...repo, imageScanningConfiguration: { scanOnPush: true } },
    SetRepositoryPolicy: { ...repo, policyText: PULL_POLICY },
    GetRepositoryPolicy: repo,
    DeleteRepositoryPolicy: repo,
    BatchGetImage: { ...repo, ...image },
    BatchDeleteImage: { ...repo, ...image },
    PutImage: { ...repo, imageManifest: '{}', imageTag: 'v1' },
    DescribeImages: repo,
    ListImages: repo,
    GetDownloadUrlForLayer: { ...repo, layerDigest: `sha256:${'0'.repeat(64)}` },
    BatchCheckLayerAvailability: { ...repo, layerDigests: [`sha256:${'0'.repeat(64)}`] },
    InitiateLayerUpload: repo,
    UploadLayerPart: { ...repo, uploadId: 'u', partFirstByte: 0, partLastByte: 0, layerPartBlob: Buffer.from('x') },
    CompleteLayerUpload: { ...repo, uploadId: 'u', layerDigests: [`sha256:${'0'.repeat(64)}`] },
    PutLifecyclePolicy: { ...repo, lifecyclePolicyText: '{"rules":[]}' },
    GetLifecyclePolicy: repo,
    DeleteLifecyclePolicy: repo,
    StartLifecyclePolicyPreview: repo,
    GetLifecyclePolicyPreview: repo,
    GetAuthorizationToken: {},
    TagResource: { resourceArn: `${REPO}team/web`, tags: [{ Key: 'tier', Value: '1' }] },
    UntagResource: { resourceArn: `${REPO}team/web`, tagKeys: ['team'] },
    ListTagsForResource: { resourceArn: `${REPO}team/web` },
  };
}

test('every served ECR operation maps to actions, repository ARNs, policies and condition keys IAM accepts', async () => {
  await assertEveryOperationMaps(service.operations, iam, representativeInputs(), ctx);
});

test('a repository carries its ARN, its repository policy and its tags; one that does not exist only its ARN', async () => {
  assert.deepEqual(await iamRequestsFor(iam, 'BatchGetImage', { repositoryName: 'team/web', imageIds: [] }, ctx), [{
    action: 'ecr:BatchGetImage', resource: `${REPO}team/web`, resourcePolicy: PULL_POLICY, context: { 'aws:ResourceTag/team': 'web' },
  }]);
  assert.deepEqual(await iamRequestsFor(iam, 'ListImages', { repositoryName: 'absent' }, ctx),
    [{ action: 'ecr:ListImages', resource: `${REPO}absent`, context: {} }]);
  assert.deepEqual((await iamRequestsFor(iam, 'TagResource', { resourceArn: `${REPO}team/web`, tags: [{ Key: 'a', Value: 'b' }] }, ctx))[0]?.context,
    { 'aws:ResourceTag/team': 'web', 'aws:RequestTag/a': 'b', 'aws:TagKeys': ['a'] });
});

test('DescribeRepositories: one request per named repository, `repository/*` when it lists them all', async () => {
  const named = await iamRequestsFor(iam, 'DescribeRepositories', { repositoryNames: ['team/web', 'locked'] }, ctx);
  assert.deepEqual(named.map((r) => r.resource), [`${REPO}team/web`, `${REPO}locked`]);
  assert.deepEqual(await iamRequestsFor(iam, 'DescribeRepositories', {}, ctx), [{ action: 'ecr:DescribeRepositories', resource: `${REPO}*` }]);
});

test('GetAuthorizationToken is asked on *', async () => {
  assert.deepEqual(await iamRequestsFor(iam, 'GetAuthorizationToken', {}, ctx), [{ action: 'ecr:GetAuthorizationToken', resource: '*' }]);
});

test('a Deny on the repository ARN denies explicitly; a repository policy Deny does too', async () => {
  const [pull] = await iamRequestsFor(iam, 'BatchGetImage', { repositoryName: 'team/web', imageIds: [] }, ctx);
  assert.ok(pull);
  assert.equal(await resultWithDeny(pull), 'ExplicitlyDenied');
  assert.equal(await resultWithDeny(pull, `${REPO}other`), 'Allowed');
  const [push] = await iamRequestsFor(iam, 'PutImage', { repositoryName: 'locked', imageManifest: '{}' }, ctx);
  const result = await simulateRequest(push ?? assert.fail());
  assert.equal(result.resultType !== 'error' && result.overallResult, 'ExplicitlyDenied');
});

test('accessDenied is AccessDeniedException, 400', () => {
  const error = iam.accessDenied('User: x is not authorized to perform: ecr:BatchGetImage on resource: y');
  assert.equal(error.code, 'AccessDeniedException');
  assert.equal(error.httpStatus, 400);
});
