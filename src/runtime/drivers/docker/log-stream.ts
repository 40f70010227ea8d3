// A container's output as the engine's logs endpoint gives it (`follow=1&timestamps=1`), turned into
// lines with their timestamps and resumable cursors. Pure: bytes in, lines out.
//
// Engine facts (Docker Engine API, "ContainerAttach" → "Stream format"; moby pkg/stdcopy): without a TTY
// the stream is multiplexed in frames of an 8-byte header — byte 0 the stream (1 stdout, 2 stderr), bytes
// 4–7 the payload size, big-endian — then the payload. The logs endpoint writes one frame per log message,
// `<RFC3339Nano timestamp> <text>`, with a trailing newline unless the message is a partial one (the
// engine splits lines longer than 16 KiB into partial messages, each with its own frame and timestamp).
// `since` accepts `<seconds>.<nanoseconds>` and keeps messages at or after it.
import type { OutputLine } from '../driver.ts';

const HEADER_BYTES = 8;
const NANOS_PER_SECOND = 1_000_000_000n;

/** One message of the log: its stream, its engine timestamp in nanoseconds since the epoch, its text. */
export interface LogFrame {
  stream: 'stdout' | 'stderr';
  /** Nanoseconds since the epoch; -1 when the frame had no readable timestamp. */
  nanos: bigint;
  text: string;
}

/**
 * Where a line ends in the log: the timestamp of its last message and how many messages with that very
 * timestamp came before it (messages may share a nanosecond), so a resume skips exactly what was delivered.
 */
export interface LogPosition {
  nanos: bigint;
  ordinal: number;
}

export function formatCursor(position: LogPosition): string {
  return `${position.nanos}:${position.ordinal}`;
}

/** The position a cursor names, or undefined for a malformed one. */
export function parseCursor(cursor: string): LogPosition | undefined {
  const match = /^(\d+):(\d+)$/.exec(cursor);
  if (!match?.[1] || !match[2]) return undefined;
  return { nanos: BigInt(match[1]), ordinal: Number(match[2]) };
}

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.nanos !== b.nanos) return a.nanos < b.nanos ? -1 : 1;
  return a.ordinal - b.ordinal;
}

/** The `since` query value that returns the messages at and after `position`'s timestamp. */
export function sinceParameter(position: LogPosition): string {
  const seconds = position.nanos / NANOS_PER_SECOND;
  const nanos = position.nanos % NANOS_PER_SECOND;
  return `${seconds}.${nanos.toString().padStart(9, '0')}`;
}

/** `2026-11-22T02:18:40.758325191Z` (or with an offset, or fewer digits) → nanoseconds since the epoch. */
export function parseTimestamp(text: string): bigint | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match?.[1] || !match[3]) return undefined;
  const ms = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/** Splits the multiplexed byte stream into frames; a frame split across chunks is kept until complete. */
export class FrameDecoder {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): LogFrame[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const frames: LogFrame[] = [];
    while (this.#pending.length >= HEADER_BYTES) {
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < HEADER_BYTES + size) break;
      const kind = this.#pending[0];
      const payload = this.#pending.subarray(HEADER_BYTES, HEADER_BYTES + size).toString('utf8');
      this.#pending = this.#pending.subarray(HEADER_BYTES + size);
      // 0 is stdin (never in logs); 3 is the engine's own error text for the stream: shown as stderr.
      frames.push(splitTimestamp(kind === 1 ? 'stdout' : 'stderr', payload));
    }
    return frames;
  }
}

function splitTimestamp(stream: 'stdout' | 'stderr', payload: string): LogFrame {
  const space = payload.indexOf(' ');
  const nanos = space > 0 ? parseTimestamp(payload.slice(0, space)) : undefined;
  if (nanos === undefined) return { stream, nanos: -1n, text: payload };
  return { stream, nanos, text: payload.slice(space + 1) };
}

/**
 * Frames → lines, one per newline, per stream (a partial message waits for the rest of its line). Skips what
 * was already taken: every message up to and including `after` (a resume cursor), and after `reconnect()` the
 * messages a new request returns again (it asks `since` the last timestamp, which is inclusive).
 */
export class LineAssembler {
  readonly #emit: (line: OutputLine) => void;
  /** The last message taken (delivered, or skipped as delivered before). */
  #taken: LogPosition | undefined;
  /** The last message of the current request, counted from its start. */
  #seen: LogPosition | undefined;
  readonly #pending = new Map<'stdout' | 'stderr', { text: string; nanos: bigint }>();

  constructor(emit: (line: OutputLine) => void, after?: LogPosition) {
    this.#emit = emit;
    this.#taken = after;
  }

  /** Where the next request resumes: undefined for the whole log. */
  get position(): LogPosition | undefined {
    return this.#taken;
  }

  /** A new request starts (at `sinceParameter(position)`): its messages are counted afresh. */
  reconnect(): void {
    this.#seen = undefined;
  }

  push(frame: LogFrame): void {
    const nanos = frame.nanos >= 0n ? frame.nanos : this.#seen?.nanos ?? 0n;
    const position = { nanos, ordinal: this.#seen?.nanos === nanos ? this.#seen.ordinal + 1 : 0 };
    this.#seen = position;
    if (this.#taken !== undefined && comparePositions(position, this.#taken) <= 0) return;
    this.#taken = position;
    const pending = this.#pending.get(frame.stream);
    this.#pending.delete(frame.stream);
    let text = (pending?.text ?? '') + frame.text;
    let lineNanos = pending?.nanos ?? nanos;
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      this.#emit({ stream: frame.stream, text: stripCr(text.slice(0, newline)), timestamp: toDate(lineNanos), cursor: formatCursor(position) });
      text = text.slice(newline + 1);
      lineNanos = nanos;
      newline = text.indexOf('\n');
    }
    if (text !== '') this.#pending.set(frame.stream, { text, nanos: lineNanos });
  }

  /** At the end of the log: what is left without a newline is a line too. */
  flush(): void {
    for (const [stream, pending] of this.#pending) {
      this.#emit({ stream, text: stripCr(pending.text), timestamp: toDate(pending.nanos), cursor: formatCursor(this.#taken ?? { nanos: pending.nanos, ordinal: 0 }) });
    }
    this.#pending.clear();
  }
}

/** As readline with crlfDelay Infinity (the runc driver's reader): `\r\n` ends a line like `\n`. */
function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

function toDate(nanos: bigint): Date {
  return new Date(Number(nanos / 1_000_000n));
}
