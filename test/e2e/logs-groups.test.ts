// CloudWatch Logs groups and streams through the official SDK: create, describe (prefix, pattern,
// paging, ordering), retention policies, deletion, and tags by ARN and by name.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, DeleteLogGroupCommand, DeleteLogStreamCommand, type DescribeLogGroupsCommandInput,
  DeleteRetentionPolicyCommand, DescribeLogGroupsCommand, DescribeLogStreamsCommand, ListTagsForResourceCommand,
  ListTagsLogGroupCommand, PutLogEventsCommand, PutRetentionPolicyCommand, TagLogGroupCommand, TagResourceCommand,
  UntagLogGroupCommand, UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let logs: CloudWatchLogsClient;
before(async () => {
  server = await startTestServer();
  logs = new CloudWatchLogsClient(server.clientConfig);
});
after(async () => {
  logs.destroy();
  await server.stop();
});

const describeGroup = async (name: string) =>
  (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))).logGroups?.find((g) => g.logGroupName === name);

test('a log group: created once, described with its ARNs, creation time and defaults', async () => {
  const before = Date.now();
  const created = await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/my-app' }));
  assert.equal(created.$metadata.httpStatusCode, 200);
  await rejects(logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/my-app' })), 'ResourceAlreadyExistsException', 'The specified log group already exists');
  const group = await describeGroup('/ecs/my-app');
  assert.ok(group);
  const account = group.arn?.split(':')[4] ?? '';
  assert.match(account, /^\d{12}$/);
  assert.equal(group.arn, `arn:aws:logs:us-east-1:${account}:log-group:/ecs/my-app:*`);
  assert.equal(group.logGroupArn, `arn:aws:logs:us-east-1:${account}:log-group:/ecs/my-app`);
  assert.ok((group.creationTime ?? 0) >= before - 1000 && (group.creationTime ?? 0) <= Date.now() + 1000);
  assert.equal(group.storedBytes, 0);
  assert.equal(group.metricFilterCount, 0);
  assert.equal(group.logGroupClass, 'STANDARD');
  assert.equal(group.retentionInDays, undefined);
});

test('DescribeLogGroups: name order, prefix, case-sensitive pattern, limit and nextToken', async () => {
  for (const name of ['pg/b', 'pg/a', 'pg/c-Data', 'other/data']) await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
  const names = async (input: DescribeLogGroupsCommandInput) =>
    ((await logs.send(new DescribeLogGroupsCommand(input))).logGroups ?? []).map((g) => g.logGroupName);
  assert.deepEqual(await names({ logGroupNamePrefix: 'pg/' }), ['pg/a', 'pg/b', 'pg/c-Data']);
  assert.deepEqual(await names({ logGroupNamePattern: 'Data' }), ['pg/c-Data']);
  const first = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'pg/', limit: 2 }));
  assert.deepEqual(first.logGroups?.map((g) => g.logGroupName), ['pg/a', 'pg/b']);
  assert.ok(first.nextToken);
  const second = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'pg/', limit: 2, nextToken: first.nextToken }));
  assert.deepEqual(second.logGroups?.map((g) => g.logGroupName), ['pg/c-Data']);
  assert.equal(second.nextToken, undefined);
  await rejects(logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'pg/', logGroupNamePattern: 'a' })), 'InvalidParameterException');
  await rejects(logs.send(new DescribeLogGroupsCommand({ nextToken: 'garbage' })), 'InvalidParameterException', 'The specified nextToken is invalid.');
  await rejects(logs.send(new DescribeLogGroupsCommand({ limit: 51 })), 'InvalidParameterException');
});

test('retention: AWS\'s values only; set, shown and removed', async () => {
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'retained' }));
  await rejects(logs.send(new PutRetentionPolicyCommand({ logGroupName: 'retained', retentionInDays: 2 })), 'InvalidParameterException', /retentionInDays/);
  await rejects(logs.send(new PutRetentionPolicyCommand({ logGroupName: 'missing', retentionInDays: 7 })), 'ResourceNotFoundException', 'The specified log group does not exist.');
  for (const days of [1, 731, 1096, 3653]) {
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'retained', retentionInDays: days }));
    assert.equal((await describeGroup('retained'))?.retentionInDays, days);
  }
  await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: 'retained' }));
  assert.equal((await describeGroup('retained'))?.retentionInDays, undefined);
});

test('log streams: created once, described in name or last-event order, both ways, and deleted', async () => {
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'streams' }));
  await rejects(logs.send(new CreateLogStreamCommand({ logGroupName: 'nope', logStreamName: 's' })), 'ResourceNotFoundException', 'The specified log group does not exist.');
  for (const name of ['b', 'a', 'c']) await logs.send(new CreateLogStreamCommand({ logGroupName: 'streams', logStreamName: name }));
  await rejects(logs.send(new CreateLogStreamCommand({ logGroupName: 'streams', logStreamName: 'a' })), 'ResourceAlreadyExistsException', 'The specified log stream already exists');
  const now = Date.now();
  await logs.send(new PutLogEventsCommand({ logGroupName: 'streams', logStreamName: 'c', logEvents: [{ timestamp: now - 2000, message: 'older' }] }));
  await logs.send(new PutLogEventsCommand({ logGroupName: 'streams', logStreamName: 'a', logEvents: [{ timestamp: now - 1000, message: 'newer' }] }));
  const names = async (input: Omit<ConstructorParameters<typeof DescribeLogStreamsCommand>[0], 'logGroupName'>) =>
    ((await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'streams', ...input }))).logStreams ?? []).map((s) => s.logStreamName);
  assert.deepEqual(await names({}), ['a', 'b', 'c']);
  assert.deepEqual(await names({ descending: true }), ['c', 'b', 'a']);
  assert.deepEqual(await names({ orderBy: 'LastEventTime', descending: true }), ['a', 'c', 'b']);
  assert.deepEqual(await names({ logStreamNamePrefix: 'b' }), ['b']);
  const page = await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'streams', orderBy: 'LastEventTime', limit: 2 }));
  assert.deepEqual(page.logStreams?.map((s) => s.logStreamName), ['b', 'c']);
  const rest = await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'streams', orderBy: 'LastEventTime', limit: 2, nextToken: page.nextToken }));
  assert.deepEqual(rest.logStreams?.map((s) => s.logStreamName), ['a']);
  await rejects(logs.send(new DescribeLogStreamsCommand({ logGroupName: 'streams', orderBy: 'LastEventTime', logStreamNamePrefix: 'a' })), 'InvalidParameterException');
  const [a] = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'streams', logStreamNamePrefix: 'a' }))).logStreams ?? [];
  assert.equal(a?.firstEventTimestamp, now - 1000);
  assert.equal(a?.lastEventTimestamp, now - 1000);
  assert.ok((a?.lastIngestionTime ?? 0) >= now - 1000);
  assert.equal(a?.storedBytes, 5);
  assert.match(a?.arn ?? '', /^arn:aws:logs:us-east-1:\d{12}:log-group:streams:log-stream:a$/);
  assert.ok(a?.uploadSequenceToken);
  assert.equal((await describeGroup('streams'))?.storedBytes, 10);
  await logs.send(new DeleteLogStreamCommand({ logGroupName: 'streams', logStreamName: 'a' }));
  await rejects(logs.send(new DeleteLogStreamCommand({ logGroupName: 'streams', logStreamName: 'a' })), 'ResourceNotFoundException', 'The specified log stream does not exist.');
  assert.equal((await describeGroup('streams'))?.storedBytes, 5);
  await rejects(logs.send(new DescribeLogStreamsCommand({ logGroupName: 'nope' })), 'ResourceNotFoundException', 'The specified log group does not exist.');
});

test('DeleteLogGroup removes the group with its streams; deleting again is ResourceNotFoundException', async () => {
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'doomed' }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: 'doomed', logStreamName: 's' }));
  await logs.send(new DeleteLogGroupCommand({ logGroupName: 'doomed' }));
  assert.equal(await describeGroup('doomed'), undefined);
  await rejects(logs.send(new DeleteLogGroupCommand({ logGroupName: 'doomed' })), 'ResourceNotFoundException', 'The specified log group does not exist.');
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'doomed' }));
  assert.deepEqual((await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'doomed' }))).logStreams, []);
});

test('tags: at creation, by ARN and by name, removed, and limited to 50', async () => {
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'tagged', tags: { team: 'a' } }));
  const arn = (await describeGroup('tagged'))?.logGroupArn ?? '';
  assert.deepEqual((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { team: 'a' });
  await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { env: 'prod', team: 'b' } }));
  assert.deepEqual((await logs.send(new ListTagsLogGroupCommand({ logGroupName: 'tagged' }))).tags, { team: 'b', env: 'prod' });
  await logs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team'] }));
  await logs.send(new TagLogGroupCommand({ logGroupName: 'tagged', tags: { owner: 'me' } }));
  await logs.send(new UntagLogGroupCommand({ logGroupName: 'tagged', tags: ['env'] }));
  assert.deepEqual((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { owner: 'me' });
  await rejects(logs.send(new ListTagsForResourceCommand({ resourceArn: `${arn}-missing` })), 'ResourceNotFoundException');
  await rejects(logs.send(new ListTagsLogGroupCommand({ logGroupName: 'missing' })), 'ResourceNotFoundException', 'The specified log group does not exist.');
  const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
  await rejects(logs.send(new TagResourceCommand({ resourceArn: arn, tags: many })), 'TooManyTagsException');
});
