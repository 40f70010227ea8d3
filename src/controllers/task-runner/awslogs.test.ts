// The awslogs sink: batches by timer and by size, and drops rather than stalls when its buffer is full.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../../platform/clock.ts';
import type { NewLogEvent } from '../../store/log-events.ts';
import { AwslogsSink, parseBufferSize } from './awslogs.ts';
import type { LogDestination } from './ports.ts';

const target = { scope: { account: '1', region: 'r' }, group: 'g', stream: 's', createGroup: false };

function destination(batches: NewLogEvent[][], gate?: Promise<void>): LogDestination {
  return { ensureStream: async () => undefined, append: async (_t, events) => { await gate; batches.push([...events]); } };
}

test('lines are flushed together after the timer, in batches of at most maxBatch', async () => {
  const batches: NewLogEvent[][] = [];
  const sink = new AwslogsSink(destination(batches), target, systemClock, { flushMs: 20, maxBatch: 3 });
  for (const line of ['a', 'b', 'c', 'd']) sink.push(line);
  await new Promise((resolve) => setTimeout(resolve, 60));
  await sink.close();
  assert.deepEqual(batches.map((b) => b.map((e) => e.message)), [['a', 'b', 'c'], ['d']]);
});

test('a full buffer drops lines instead of waiting for a slow destination', async () => {
  const batches: NewLogEvent[][] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => { open = resolve; });
  const sink = new AwslogsSink(destination(batches, gate), target, systemClock, { maxBufferBytes: 10, flushMs: 1000 });
  for (let i = 0; i < 10; i++) sink.push('12345');
  assert.equal(sink.dropped, 8);
  open();
  await sink.close();
  assert.deepEqual(batches.flat().map((e) => e.message), ['12345', '12345']);
});

test('max-buffer-size is read as Docker writes it', () => {
  assert.equal(parseBufferSize('4m'), 4 * 1024 * 1024);
  assert.equal(parseBufferSize('512k'), 512 * 1024);
  assert.equal(parseBufferSize('100'), 100);
  assert.equal(parseBufferSize('lots'), undefined);
});
