// CloudWatch Logs events through the official SDK: PutLogEvents' batch rules and rejections,
// GetLogEvents' window and forward/backward tokens (AWS's "same token at the end" contract),
// 100,000 events read back page by page, and retention deleting old events.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, DescribeLogGroupsCommand, GetLogEventsCommand,
  PutLogEventsCommand, PutRetentionPolicyCommand, type InputLogEvent,
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

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function stream(group: string, name: string): Promise<void> {
  await logs.send(new CreateLogGroupCommand({ logGroupName: group })).catch((e: Error) => {
    if (e.name !== 'ResourceAlreadyExistsException') throw e;
  });
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: name }));
}

const put = (group: string, name: string, logEvents: InputLogEvent[]) =>
  logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: name, logEvents }));

test('PutLogEvents: missing group or stream, order, span, size and count limits', async () => {
  await stream('/ecs/limits', 's');
  const now = Date.now();
  await rejects(put('/ecs/none', 's', [{ timestamp: now, message: 'x' }]), 'ResourceNotFoundException', 'The specified log group does not exist.');
  await rejects(put('/ecs/limits', 'none', [{ timestamp: now, message: 'x' }]), 'ResourceNotFoundException', 'The specified log stream does not exist.');
  await rejects(put('/ecs/limits', 's', [{ timestamp: now, message: 'b' }, { timestamp: now - 1, message: 'a' }]),
    'InvalidParameterException', 'Log events in a single PutLogEvents request must be in chronological order.');
  await rejects(put('/ecs/limits', 's', [{ timestamp: now - 25 * HOUR, message: 'a' }, { timestamp: now, message: 'b' }]),
    'InvalidParameterException', 'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  // 1,048,576 bytes counting 26 per event: exactly at the limit passes, one byte more fails.
  const atLimit = 'x'.repeat(1_048_576 - 26 * 2 - 100);
  await put('/ecs/limits', 's', [{ timestamp: now, message: atLimit }, { timestamp: now, message: 'y'.repeat(100) }]);
  await rejects(put('/ecs/limits', 's', [{ timestamp: now, message: atLimit }, { timestamp: now, message: 'y'.repeat(101) }]),
    'InvalidParameterException', 'Upload too large: 1048577 bytes exceeds limit of 1048576');
  const tooMany = Array.from({ length: 10_001 }, () => ({ timestamp: now, message: 'm' }));
  await rejects(put('/ecs/limits', 's', tooMany), 'InvalidParameterException');
  await rejects(put('/ecs/limits', 's', []), 'InvalidParameterException');
  // Sequence tokens are accepted and ignored, as AWS now does.
  const ok = await logs.send(new PutLogEventsCommand({ logGroupName: '/ecs/limits', logStreamName: 's', sequenceToken: 'whatever', logEvents: [{ timestamp: now, message: 'z' }] }));
  assert.ok(ok.nextSequenceToken);
  assert.equal(ok.rejectedLogEventsInfo, undefined);
});

test('PutLogEvents: too old, expired and too new events are rejected by index, the rest stored', async () => {
  await stream('/ecs/rejects', 's');
  const now = Date.now();
  const events = [
    { timestamp: now - 15 * DAY, message: 'too old' },
    { timestamp: now - 15 * DAY + 1, message: 'too old 2' },
    { timestamp: now, message: 'kept 2' },
    { timestamp: now + 3 * HOUR, message: 'too new' },
  ];
  // The span rule is for the batch, so split: old ones first, then the rest.
  const first = await put('/ecs/rejects', 's', events.slice(0, 2));
  assert.deepEqual(first.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 1 });
  const second = await put('/ecs/rejects', 's', events.slice(2));
  assert.deepEqual(second.rejectedLogEventsInfo, { tooNewLogEventStartIndex: 1 });
  const read = await logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/rejects', logStreamName: 's', startFromHead: true }));
  assert.deepEqual(read.events?.map((e) => e.message), ['kept 2']);

  await stream('/ecs/expired', 's');
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/ecs/expired', retentionInDays: 1 }));
  // Within one day of each other (the span rule), the first past the one-day retention.
  const third = await put('/ecs/expired', 's', [{ timestamp: now - DAY - 60_000, message: 'expired' }, { timestamp: now - 60_000, message: 'fresh' }]);
  assert.deepEqual(third.rejectedLogEventsInfo, { expiredLogEventEndIndex: 0 });
});

test('GetLogEvents: head or tail, time window, and tokens that come back unchanged at either end', async () => {
  await stream('/ecs/get', 's');
  const t0 = Date.now() - HOUR;
  await put('/ecs/get', 's', Array.from({ length: 10 }, (_, i) => ({ timestamp: t0 + i * 1000, message: `line ${i}` })));
  const get = (input: Omit<ConstructorParameters<typeof GetLogEventsCommand>[0], 'logGroupName' | 'logStreamName'>) =>
    logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/get', logStreamName: 's', ...input }));
  const messages = (r: { events?: { message?: string }[] }) => r.events?.map((e) => e.message);

  const head = await get({ startFromHead: true, limit: 4 });
  assert.deepEqual(messages(head), ['line 0', 'line 1', 'line 2', 'line 3']);
  assert.match(head.nextForwardToken ?? '', /^f\/\d+$/);
  assert.match(head.nextBackwardToken ?? '', /^b\/\d+$/);
  assert.ok(typeof head.events?.[0]?.ingestionTime === 'number');
  const next = await get({ nextToken: head.nextForwardToken, limit: 4 });
  assert.deepEqual(messages(next), ['line 4', 'line 5', 'line 6', 'line 7']);
  const last = await get({ nextToken: next.nextForwardToken, limit: 4 });
  assert.deepEqual(messages(last), ['line 8', 'line 9']);
  const end = await get({ nextToken: last.nextForwardToken, limit: 4 });
  assert.deepEqual(end.events, []);
  assert.equal(end.nextForwardToken, last.nextForwardToken, 'at the end the same forward token comes back');
  const back = await get({ nextToken: next.nextBackwardToken, limit: 4 });
  assert.deepEqual(messages(back), ['line 0', 'line 1', 'line 2', 'line 3']);
  const start = await get({ nextToken: back.nextBackwardToken, limit: 4 });
  assert.deepEqual(start.events, []);
  assert.equal(start.nextBackwardToken, back.nextBackwardToken, 'at the start the same backward token comes back');

  assert.deepEqual(messages(await get({ limit: 3 })), ['line 7', 'line 8', 'line 9'], 'without startFromHead: the newest, oldest first');
  assert.deepEqual(messages(await get({ startTime: t0 + 2000, endTime: t0 + 5000, startFromHead: true })), ['line 2', 'line 3', 'line 4']);
  await rejects(get({ nextToken: 'f/not-a-token' }), 'InvalidParameterException', 'The specified nextToken is invalid.');
  await rejects(logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/get', logStreamName: 'none' })), 'ResourceNotFoundException', 'The specified log stream does not exist.');
  const byArn = await logs.send(new GetLogEventsCommand({
    logGroupIdentifier: `${(await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/get' }))).logGroups?.[0]?.logGroupArn ?? ''}`,
    logStreamName: 's', limit: 1, startFromHead: true,
  }));
  assert.deepEqual(messages(byArn), ['line 0']);
});

test('100,000 events in batches of 10,000 read back in order through forward tokens', { timeout: 120_000 }, async () => {
  await stream('/ecs/big', 's');
  const t0 = Date.now() - 20 * HOUR;
  for (let batch = 0; batch < 10; batch++) {
    const events = Array.from({ length: 10_000 }, (_, i) => {
      const n = batch * 10_000 + i;
      return { timestamp: t0 + Math.floor(n / 10), message: `event ${n}` };
    });
    const result = await put('/ecs/big', 's', events);
    assert.equal(result.rejectedLogEventsInfo, undefined);
  }
  let token: string | undefined;
  let expected = 0;
  let pages = 0;
  for (;;) {
    const page = await logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/big', logStreamName: 's', startFromHead: true, nextToken: token }));
    pages++;
    for (const event of page.events ?? []) {
      assert.equal(event.message, `event ${expected}`);
      expected++;
    }
    if (page.nextForwardToken === token) break;
    token = page.nextForwardToken;
  }
  assert.equal(expected, 100_000);
  assert.equal(pages, 11, 'ten full pages of 10,000, then the same token back');
  const group = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/big' }))).logGroups?.[0];
  assert.ok((group?.storedBytes ?? 0) > 100_000 * 7);
});

test('PutRetentionPolicy deletes events older than the retention at once', async () => {
  await stream('/ecs/retention', 's');
  const now = Date.now();
  await put('/ecs/retention', 's', [{ timestamp: now - 10 * DAY, message: 'old' }, { timestamp: now - 9 * DAY, message: 'old too' }]);
  await put('/ecs/retention', 's', [{ timestamp: now - HOUR, message: 'recent' }]);
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/ecs/retention', retentionInDays: 7 }));
  const read = await logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/retention', logStreamName: 's', startFromHead: true }));
  assert.deepEqual(read.events?.map((e) => e.message), ['recent']);
  const group = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/retention' }))).logGroups?.[0];
  assert.equal(group?.storedBytes, 'recent'.length);
});
