// The awslogs driver's delivery side: a container's lines buffered in memory and appended to its
// CloudWatch Logs stream in small timer-flushed batches. Non-blocking as ECS's default mode is
// (ecs-behaviour.md §7): when the buffer is full a line is dropped, never waited for, so a slow
// store never stalls the container's output pipe (DESIGN rule 6). In `mode: blocking` nothing is
// dropped; the container still never waits, because its monitor writes its output to a file that
// the driver reads at the pace of delivery. Each delivered batch reports the driver's cursor of its
// last line, so a restarted Berth resumes after it.
import type { Clock } from '../../platform/clock.ts';
import type { NewLogEvent } from '../../store/log-events.ts';
import type { LogDestination } from './ports.ts';
import type { AwslogsTarget } from './task-spec.ts';

export interface AwslogsSinkOptions {
  /** Bytes of buffered messages before lines are dropped (awslogs max-buffer-size; Docker's default 1m, ECS's 10m). */
  maxBufferBytes?: number;
  /** How long a line waits for company before its batch is written. */
  flushMs?: number;
  /** Events per append. */
  maxBatch?: number;
  onError?: (error: unknown) => void;
  /** awslogs `mode: blocking`: keep every line, however full the buffer. */
  blocking?: boolean;
  /** Called with the cursor of the last line of each batch once it is appended (or given up on). */
  onDelivered?: (cursor: string) => void;
}

interface Buffered {
  event: NewLogEvent;
  cursor?: string;
}

const DEFAULT_BUFFER_BYTES = 10 * 1024 * 1024;

/** `max-buffer-size` as Docker writes it (`4m`, `512k`, `1g`, or bytes). */
export function parseBufferSize(value: string | undefined): number | undefined {
  const match = /^(\d+)([kmg]?)b?$/i.exec(value ?? '');
  if (!match?.[1]) return undefined;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(match[1]) * unit;
}

export class AwslogsSink {
  readonly #destination: LogDestination;
  readonly #target: AwslogsTarget;
  readonly #clock: Clock;
  readonly #maxBytes: number;
  readonly #flushMs: number;
  readonly #maxBatch: number;
  readonly #onError: (error: unknown) => void;
  readonly #blocking: boolean;
  readonly #onDelivered: (cursor: string) => void;
  #buffer: Buffered[] = [];
  #bufferedBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #dropped = 0;

  constructor(destination: LogDestination, target: AwslogsTarget, clock: Clock, options: AwslogsSinkOptions = {}) {
    this.#destination = destination;
    this.#target = target;
    this.#clock = clock;
    this.#maxBytes = options.maxBufferBytes ?? DEFAULT_BUFFER_BYTES;
    this.#flushMs = options.flushMs ?? 200;
    this.#maxBatch = options.maxBatch ?? 1000;
    this.#onError = options.onError ?? (() => undefined);
    this.#blocking = options.blocking ?? false;
    this.#onDelivered = options.onDelivered ?? (() => undefined);
  }

  /** Lines dropped because the buffer was full or a write failed. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Takes one line (stamped now unless the driver says when it was written); returns at once. */
  push(line: string, at: { timestamp?: Date; cursor?: string } = {}): void {
    const size = Buffer.byteLength(line);
    if (!this.#blocking && this.#bufferedBytes + size > this.#maxBytes) {
      this.#dropped++;
      return;
    }
    const event = { timestamp: (at.timestamp ?? this.#clock.now()).getTime(), message: line === '' ? ' ' : line };
    this.#buffer.push({ event, ...(at.cursor !== undefined ? { cursor: at.cursor } : {}) });
    this.#bufferedBytes += size;
    if (this.#buffer.length >= this.#maxBatch) this.#kick();
    else this.#arm();
  }

  /** Writes everything buffered so far. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.splice(0, this.#maxBatch);
      this.#bufferedBytes -= batch.reduce((n, b) => n + Buffer.byteLength(b.event.message), 0);
      this.#flushing = this.#destination.append(this.#target, batch.map((b) => b.event)).catch((error: unknown) => {
        this.#dropped += batch.length;
        this.#onError(error);
      });
      await this.#flushing;
      this.#flushing = undefined;
      const cursor = [...batch].reverse().find((b) => b.cursor !== undefined)?.cursor;
      if (cursor !== undefined) this.#onDelivered(cursor);
    }
  }

  /** Flushes and stops the timer; lines pushed afterwards are still accepted and need another flush. */
  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  #arm(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.#kick(), this.#flushMs);
    this.#timer.unref();
  }

  #kick(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    void this.flush();
  }
}
