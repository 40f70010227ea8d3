import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { OutputLine } from '../driver.ts';
import {
  FrameDecoder, formatCursor, LineAssembler, parseCursor, parseTimestamp, sinceParameter, type LogFrame,
} from './log-stream.ts';

/** One frame as the engine writes it: the 8-byte header, then `<timestamp> <text>`. */
function frame(stream: 1 | 2, timestamp: string, text: string): Buffer {
  const payload = Buffer.from(`${timestamp} ${text}`, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function collect(after?: string): { lines: OutputLine[]; assembler: LineAssembler } {
  const lines: OutputLine[] = [];
  const position = after !== undefined ? parseCursor(after) : undefined;
  return { lines, assembler: new LineAssembler((line) => lines.push(line), position) };
}

test('timestamps: RFC3339Nano to nanoseconds, and back to the `since` form', () => {
  assert.equal(parseTimestamp('2026-11-22T02:18:40.758325191Z'), 1795313920758325191n);
  assert.equal(parseTimestamp('2026-11-22T02:18:40.7583Z'), 1795313920758300000n);
  assert.equal(parseTimestamp('2026-11-22T02:18:40Z'), 1795313920000000000n);
  assert.equal(parseTimestamp('2026-11-22T03:18:40.5+01:00'), 1795313920500000000n);
  assert.equal(parseTimestamp('yesterday'), undefined);
  assert.equal(sinceParameter({ nanos: 1795313920000000042n, ordinal: 3 }), '1795313920.000000042');
  assert.deepEqual(parseCursor(formatCursor({ nanos: 12n, ordinal: 4 })), { nanos: 12n, ordinal: 4 });
  assert.equal(parseCursor('12'), undefined);
});

test('frames split anywhere across chunks decode the same', () => {
  const bytes = Buffer.concat([frame(1, '2026-11-22T02:18:40.000000001Z', 'one\n'), frame(2, '2026-11-22T02:18:40.000000002Z', 'two\n')]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const decoder = new FrameDecoder();
    const frames = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))];
    assert.deepEqual(frames.map((f) => [f.stream, f.text]), [['stdout', 'one\n'], ['stderr', 'two\n']]);
  }
});

test('lines: one per newline, partial messages joined, CRLF trimmed, stdout and stderr kept apart', () => {
  const { lines, assembler } = collect();
  const push = (stream: 'stdout' | 'stderr', nanos: bigint, text: string) => assembler.push({ stream, nanos, text });
  push('stdout', 1n, 'hel');
  push('stderr', 2n, 'oops\r\n');
  push('stdout', 3n, 'lo\n');
  push('stdout', 4n, 'a\nb\n');
  push('stdout', 5n, 'tail');
  assembler.flush();
  assert.deepEqual(lines.map((l) => [l.stream, l.text]), [['stderr', 'oops'], ['stdout', 'hello'], ['stdout', 'a'], ['stdout', 'b'], ['stdout', 'tail']]);
  // A joined line carries its first part's time and its last part's cursor.
  assert.equal(lines[1]?.timestamp.getTime(), 0);
  assert.equal(lines[1]?.cursor, '3:0');
});

test('a resume skips every message up to the cursor, messages of the same nanosecond counted', () => {
  const frames: LogFrame[] = [
    { stream: 'stdout', nanos: 10n, text: 'a\n' }, { stream: 'stdout', nanos: 10n, text: 'b\n' },
    { stream: 'stdout', nanos: 10n, text: 'c\n' }, { stream: 'stdout', nanos: 11n, text: 'd\n' },
  ];
  const first = collect();
  for (const f of frames) first.assembler.push(f);
  assert.deepEqual(first.lines.map((l) => l.cursor), ['10:0', '10:1', '10:2', '11:0']);
  // The engine answers `since=10` with everything from the first message at 10 on.
  const resumed = collect('10:1');
  for (const f of frames) resumed.assembler.push(f);
  assert.deepEqual(resumed.lines.map((l) => l.text), ['c', 'd']);
});

test('after a reconnect the messages the new request repeats are not delivered twice', () => {
  const { lines, assembler } = collect();
  const f = (nanos: bigint, text: string): LogFrame => ({ stream: 'stdout', nanos, text: `${text}\n` });
  for (const x of [f(1n, 'a'), f(2n, 'b'), f(2n, 'c')]) assembler.push(x);
  assert.equal(sinceParameter(assembler.position ?? { nanos: 0n, ordinal: 0 }), '0.000000002');
  assembler.reconnect();
  for (const x of [f(2n, 'b'), f(2n, 'c'), f(2n, 'd'), f(3n, 'e')]) assembler.push(x);
  assert.deepEqual(lines.map((l) => l.text), ['a', 'b', 'c', 'd', 'e']);
});

test('property: resuming from any delivered line\'s cursor yields exactly the lines after it', () => {
  const frames = fc.array(fc.record({
    stream: fc.constantFrom<'stdout' | 'stderr'>('stdout'),
    step: fc.integer({ min: 0, max: 2 }),
    text: fc.stringMatching(/^[a-z]{0,3}$/),
  }), { minLength: 1, maxLength: 30 });
  fc.assert(fc.property(frames, fc.nat(), (spec, pick) => {
    let nanos = 100n;
    const log: LogFrame[] = spec.map((s) => ({ stream: s.stream, nanos: (nanos += BigInt(s.step)), text: `${s.text}\n` }));
    const all = collect();
    for (const f of log) all.assembler.push(f);
    const index = pick % all.lines.length;
    const resumed = collect(all.lines[index]?.cursor);
    // The engine's `since` is inclusive: a real resume starts at the cursor's timestamp; all frames do as well.
    for (const f of log) resumed.assembler.push(f);
    assert.deepEqual(resumed.lines.map((l) => l.text), all.lines.slice(index + 1).map((l) => l.text));
  }));
});
