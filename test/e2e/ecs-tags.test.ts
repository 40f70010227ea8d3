// ECS tagging through the official SDK: TagResource, UntagResource and ListTagsForResource on
// clusters, task definitions and capacity providers; AWS's limits and errors for bad ARNs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateClusterCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  ECSClient,
  ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecs';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

const PREFIX = 'arn:aws:ecs:us-east-1:123456789012';

let server: TestServer;
let ecs: ECSClient;
before(async () => {
  server = await startTestServer();
  ecs = new ECSClient(server.clientConfig);
});
after(async () => {
  ecs.destroy();
  await server.stop();
});

const tagsOf = async (resourceArn: string) => (await ecs.send(new ListTagsForResourceCommand({ resourceArn }))).tags;

test('a cluster: create with tags, add, overwrite, remove (aws-cli tag-resource examples)', async () => {
  const arn = `${PREFIX}:cluster/MyCluster`;
  await ecs.send(new CreateClusterCommand({ clusterName: 'MyCluster', tags: [{ key: 'key1', value: 'value1' }] }));
  assert.deepEqual(await tagsOf(arn), [{ key: 'key1', value: 'value1' }]);
  await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'key2', value: 'value2' }, { key: 'key1', value: 'changed' }, { key: 'key3', value: '' }] }));
  assert.deepEqual(await tagsOf(arn), [{ key: 'key1', value: 'changed' }, { key: 'key2', value: 'value2' }, { key: 'key3', value: '' }]);
  await ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['key1', 'not-there'] }));
  assert.deepEqual(await tagsOf(arn), [{ key: 'key2', value: 'value2' }, { key: 'key3', value: '' }]);
  const described = await ecs.send(new DescribeClustersCommand({ clusters: ['MyCluster'], include: ['TAGS'] }));
  assert.deepEqual(described.clusters?.[0]?.tags, [{ key: 'key2', value: 'value2' }, { key: 'key3', value: '' }]);
});

test('a task definition revision and a Fargate capacity provider take tags too', async () => {
  const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'tagged', containerDefinitions: [{ name: 'c', image: 'busybox', memory: 64 }],
  }));
  const tdArn = taskDefinition?.taskDefinitionArn ?? '';
  assert.equal(tdArn, `${PREFIX}:task-definition/tagged:1`);
  await ecs.send(new TagResourceCommand({ resourceArn: tdArn, tags: [{ key: 'env', value: 'test' }] }));
  assert.deepEqual(await tagsOf(tdArn), [{ key: 'env', value: 'test' }]);
  await rejects(ecs.send(new ListTagsForResourceCommand({ resourceArn: `${PREFIX}:task-definition/tagged:2` })), 'ClientException');

  const cp = `${PREFIX}:capacity-provider/FARGATE_SPOT`;
  await ecs.send(new TagResourceCommand({ resourceArn: cp, tags: [{ key: 'cost', value: 'low' }] }));
  const described = await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: ['FARGATE_SPOT'], include: ['TAGS'] }));
  assert.deepEqual(described.capacityProviders?.[0]?.tags, [{ key: 'cost', value: 'low' }]);
});

test('bad and unknown ARNs answer AWS errors', async () => {
  await rejects(ecs.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:ecr:us-east-1:123456789012:repository/x' })),
    'InvalidParameterException', 'The ARN provided is invalid.');
  await rejects(ecs.send(new ListTagsForResourceCommand({ resourceArn: 'not-an-arn' })), 'InvalidParameterException', 'The ARN provided is invalid.');
  await rejects(ecs.send(new TagResourceCommand({ resourceArn: `${PREFIX}:cluster/nope`, tags: [{ key: 'a', value: 'b' }] })),
    'ClusterNotFoundException', 'Cluster not found.');
  await rejects(ecs.send(new ListTagsForResourceCommand({ resourceArn: `${PREFIX}:capacity-provider/mine` })), 'ResourceNotFoundException');
  await rejects(ecs.send(new ListTagsForResourceCommand({ resourceArn: `${PREFIX}:service/MyCluster/web` })), 'ResourceNotFoundException');
  await rejects(ecs.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/MyCluster' })),
    'ResourceNotFoundException');
});

test('tag limits: 50 per resource, key 1–128, value up to 256, the aws: prefix reserved', async () => {
  const arn = `${PREFIX}:cluster/limits`;
  await ecs.send(new CreateClusterCommand({ clusterName: 'limits' }));
  const fifty = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
  await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: fifty }));
  assert.equal((await tagsOf(arn))?.length, 50);
  await rejects(ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'one-more', value: 'v' }] })), 'InvalidParameterException', /50/);
  await rejects(ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [...fifty, { key: 'k50', value: 'v' }] })), 'InvalidParameterException', /tags/);
  await rejects(ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'x'.repeat(129), value: 'v' }] })), 'InvalidParameterException', /128/);
  await rejects(ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'k', value: 'v'.repeat(257) }] })), 'InvalidParameterException', /256/);
  await rejects(ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: '', value: 'v' }] })), 'InvalidParameterException');
  await rejects(ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'AWS:owner', value: 'v' }] })), 'InvalidParameterException', /aws:/);
  await rejects(ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['aws:cloudformation:stack-name'] })), 'InvalidParameterException');
  await rejects(ecs.send(new CreateClusterCommand({ clusterName: 'reserved', tags: [{ key: 'aws:x', value: 'v' }] })), 'InvalidParameterException');
});
