// ECR repositories through the official SDK: create/describe/delete (force), mutability, policies,
// lifecycle policy text, tags, and AWS's errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateRepositoryCommand, DeleteLifecyclePolicyCommand, DeleteRepositoryCommand, DeleteRepositoryPolicyCommand,
  DescribeRepositoriesCommand, ECRClient, GetLifecyclePolicyCommand, GetRepositoryPolicyCommand, ListTagsForResourceCommand,
  PutImageTagMutabilityCommand, PutLifecyclePolicyCommand, SetRepositoryPolicyCommand, TagResourceCommand, UntagResourceCommand,
} from '@aws-sdk/client-ecr';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { RegistryClient } from './registry-client.ts';

let server: TestServer;
let ecr: ECRClient;
before(async () => {
  server = await startTestServer();
  ecr = new ECRClient(server.clientConfig);
});
after(async () => {
  ecr.destroy();
  await server.stop();
});

test('CreateRepository answers the repository with a docker-usable repositoryUri; duplicates are refused', async () => {
  const { repository } = await ecr.send(new CreateRepositoryCommand({
    repositoryName: 'team/my-app', imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true },
    tags: [{ Key: 'env', Value: 'dev' }],
  }));
  const host = new URL(server.url).host;
  assert.equal(repository?.repositoryName, 'team/my-app');
  assert.equal(repository?.registryId, '123456789012');
  assert.equal(repository?.repositoryArn, 'arn:aws:ecr:us-east-1:123456789012:repository/team/my-app');
  assert.equal(repository?.repositoryUri, `${host}/team/my-app`);
  assert.equal(repository?.imageTagMutability, 'IMMUTABLE');
  assert.deepEqual(repository?.imageScanningConfiguration, { scanOnPush: true });
  assert.deepEqual(repository?.encryptionConfiguration, { encryptionType: 'AES256' });
  assert.ok(repository?.createdAt instanceof Date);
  await rejects(ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/my-app' })), 'RepositoryAlreadyExistsException',
    "The repository with name 'team/my-app' already exists in the registry with id '123456789012'");
  await rejects(ecr.send(new CreateRepositoryCommand({ repositoryName: 'Bad_Name' })), 'InvalidParameterException');
  const other = await ecr.send(new CreateRepositoryCommand({ repositoryName: 'elsewhere' }));
  assert.ok(other.repository);
  const west = new ECRClient(server.clientConfigFor({ accessKeyId: 'test', secretAccessKey: 'test' }, 'eu-west-1'));
  const { repository: inWest } = await west.send(new CreateRepositoryCommand({ repositoryName: 'west' }));
  west.destroy();
  assert.equal(inWest?.repositoryUri, `123456789012.dkr.ecr.eu-west-1.localhost:${new URL(server.url).port}/west`);
});

test('DescribeRepositories: all with paging, by name, a missing name', async () => {
  for (const name of ['page-a', 'page-b', 'page-c']) await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
  const first = await ecr.send(new DescribeRepositoriesCommand({ maxResults: 2 }));
  assert.equal(first.repositories?.length, 2);
  assert.ok(first.nextToken);
  const rest = await ecr.send(new DescribeRepositoriesCommand({ maxResults: 100, nextToken: first.nextToken }));
  const names = [...(first.repositories ?? []), ...(rest.repositories ?? [])].map((r) => r.repositoryName);
  for (const name of ['page-a', 'page-b', 'page-c']) assert.ok(names.includes(name));
  const one = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['page-b'] }));
  assert.deepEqual(one.repositories?.map((r) => r.repositoryName), ['page-b']);
  await rejects(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] })), 'RepositoryNotFoundException',
    "The repository with name 'nope' does not exist in the registry with id '123456789012'");
});

test('DeleteRepository refuses a repository with images unless force', async () => {
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'full' }));
  await new RegistryClient(server.url).pushImage('full', 'v1', 'full');
  await rejects(ecr.send(new DeleteRepositoryCommand({ repositoryName: 'full' })), 'RepositoryNotEmptyException',
    "The repository with name 'full' in registry with id '123456789012' cannot be deleted because it still contains images");
  const { repository } = await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'full', force: true }));
  assert.equal(repository?.repositoryName, 'full');
  await rejects(ecr.send(new DeleteRepositoryCommand({ repositoryName: 'full' })), 'RepositoryNotFoundException');
});

test('mutability, repository policy, lifecycle policy text, tags', async () => {
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'settings' }));
  const mut = await ecr.send(new PutImageTagMutabilityCommand({ repositoryName: 'settings', imageTagMutability: 'IMMUTABLE' }));
  assert.equal(mut.imageTagMutability, 'IMMUTABLE');
  await rejects(ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'settings' })), 'RepositoryPolicyNotFoundException');
  const policyText = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'pull', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage'] }] });
  await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'settings', policyText }));
  assert.equal((await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'settings' }))).policyText, policyText);
  assert.equal((await ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: 'settings' }))).policyText, policyText);
  await rejects(ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'settings' })), 'LifecyclePolicyNotFoundException');
  const lifecycle = JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }, action: { type: 'expire' } }] });
  await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'settings', lifecyclePolicyText: lifecycle }));
  assert.equal((await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'settings' }))).lifecyclePolicyText, lifecycle);
  await ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: 'settings' }));
  const arn = 'arn:aws:ecr:us-east-1:123456789012:repository/settings';
  await ecr.send(new TagResourceCommand({ resourceArn: arn, tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
  await ecr.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['a'] }));
  assert.deepEqual((await ecr.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, [{ Key: 'b', Value: '2' }]);
  await rejects(ecr.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:ecr:us-east-1:123456789012:repository/none' })), 'RepositoryNotFoundException');
});
