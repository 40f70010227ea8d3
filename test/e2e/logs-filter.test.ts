// FilterLogEvents through the official SDK: across streams in time order, by stream names or
// prefix, within a time window, with filter patterns, paged by nextToken; unparseable patterns.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, FilterLogEventsCommand, PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let logs: CloudWatchLogsClient;
const GROUP = '/ecs/filter';
let t0 = 0;

before(async () => {
  server = await startTestServer();
  logs = new CloudWatchLogsClient(server.clientConfig);
  t0 = Date.now() - 3_600_000;
  await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
  const lines: Record<string, string[]> = {
    'web/1': ['INFO started', '{"level":"error","latency":250,"user":"ann"}', '127.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 404 2326'],
    'web/2': ['ERROR disk full', '{"level":"info","latency":20,"user":"bob"}', '10.0.0.2 - ann [10/Oct/2000:13:55:37 -0700] "GET /b HTTP/1.0" 200 512'],
    'worker/1': ['WARN slow job', 'ERROR Exiting after retries', '{"level":"error","latency":90}'],
  };
  for (const [stream, messages] of Object.entries(lines)) {
    await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: stream }));
    const offset = Object.keys(lines).indexOf(stream);
    // Interleaved in time: stream k's i-th line at t0 + i*10 + k seconds.
    await logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: stream,
      logEvents: messages.map((message, i) => ({ timestamp: t0 + (i * 10 + offset) * 1000, message })) }));
  }
});
after(async () => {
  logs.destroy();
  await server.stop();
});

const filter = async (input: Omit<ConstructorParameters<typeof FilterLogEventsCommand>[0], 'logGroupName'>) =>
  logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, ...input }));
const seen = async (input: Omit<ConstructorParameters<typeof FilterLogEventsCommand>[0], 'logGroupName'>) =>
  ((await filter(input)).events ?? []).map((e) => `${e.logStreamName}|${e.message}`);

test('every event of the group in time order, with stream name, event id and ingestion time', async () => {
  const result = await filter({});
  assert.equal(result.events?.length, 9);
  assert.deepEqual(result.events?.slice(0, 3).map((e) => e.logStreamName), ['web/1', 'web/2', 'worker/1']);
  const first = result.events?.[0];
  assert.equal(first?.timestamp, t0);
  assert.ok(first?.eventId && /^\d+$/.test(first.eventId));
  assert.ok(typeof first?.ingestionTime === 'number');
  assert.equal(new Set(result.events?.map((e) => e.eventId)).size, 9);
  assert.equal(result.nextToken, undefined);
});

test('streams by name or prefix, and a time window', async () => {
  assert.deepEqual(await seen({ logStreamNames: ['worker/1'], filterPattern: 'ERROR' }), ['worker/1|ERROR Exiting after retries']);
  assert.equal((await seen({ logStreamNamePrefix: 'web/' })).length, 6);
  assert.deepEqual(await seen({ startTime: t0 + 10_000, endTime: t0 + 11_000 }), ['web/1|{"level":"error","latency":250,"user":"ann"}']);
  await rejects(filter({ logStreamNames: ['web/1'], logStreamNamePrefix: 'web/' }), 'InvalidParameterException');
});

test('filter patterns: terms, exclusion, any-of, JSON and space-delimited', async () => {
  assert.deepEqual(await seen({ filterPattern: 'ERROR -Exiting' }), ['web/2|ERROR disk full']);
  assert.deepEqual(await seen({ filterPattern: '?WARN ?INFO' }), ['web/1|INFO started', 'worker/1|WARN slow job']);
  assert.deepEqual(await seen({ filterPattern: '"disk full"' }), ['web/2|ERROR disk full']);
  assert.equal((await seen({ filterPattern: '{ $.level = "error" }' })).length, 2);
  assert.deepEqual(await seen({ filterPattern: '{ $.level = "error" && $.latency > 100 }' }), ['web/1|{"level":"error","latency":250,"user":"ann"}']);
  assert.deepEqual(await seen({ filterPattern: '{ $.user NOT EXISTS }' }), ['worker/1|{"level":"error","latency":90}']);
  assert.deepEqual((await seen({ filterPattern: '[ip, id, user, timestamp, request, status_code = 4*, bytes > 1000]' })).map((s) => s.split('|')[0]), ['web/1']);
});

test('pages of `limit` events follow nextToken to the end', async () => {
  const all: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await filter({ limit: 4, nextToken: token });
    all.push(...(page.events ?? []).map((e) => e.message ?? ''));
    token = page.nextToken;
    pages++;
  } while (token);
  assert.equal(all.length, 9);
  assert.equal(pages, 3);
  assert.deepEqual(all, ((await filter({})).events ?? []).map((e) => e.message ?? ''));
  await rejects(filter({ nextToken: 'nope' }), 'InvalidParameterException', 'The specified nextToken is invalid.');
});

test('an unparseable pattern is InvalidParameterException "Invalid filter pattern"; a missing group ResourceNotFoundException', async () => {
  await rejects(filter({ filterPattern: 'email@domain.com' }), 'InvalidParameterException', 'Invalid filter pattern');
  await rejects(filter({ filterPattern: '{ $.level = ' }), 'InvalidParameterException');
  await rejects(logs.send(new FilterLogEventsCommand({ logGroupName: 'missing' })), 'ResourceNotFoundException', 'The specified log group does not exist.');
});
