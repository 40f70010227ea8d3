// The log event store's contract: CloudWatch Logs events, kept in their own table (never in the
// resources table) and read by keyset over indexes, so a stream of millions of lines reads a page
// as fast as a stream of ten. Reached through a transaction (`tx.logEvents()`), so appending a batch
// and updating its stream's record land together or not at all.
import type { Scope } from './store.ts';

/** A stream's place: the scope, the log group's name and the stream's name. */
export interface StreamRef {
  scope: Scope;
  group: string;
  stream: string;
}

export interface NewLogEvent {
  /** Milliseconds since the epoch, as the client sent it. */
  timestamp: number;
  message: string;
}

/** An event's position in time order: events sort by timestamp, then by arrival (seq). */
export interface EventPosition {
  timestamp: number;
  seq: number;
}

export interface StoredLogEvent extends EventPosition {
  stream: string;
  /** Milliseconds since the epoch at which the store received it. */
  ingestionTime: number;
  message: string;
}

export interface EventQuery {
  /** Only events at or after this time (ms). */
  startTime?: number;
  /** Only events before this time (ms). */
  endTime?: number;
  /** Only events strictly after this position (ascending reads resume here). */
  after?: EventPosition;
  /** Only events strictly before this position (descending reads resume here). */
  before?: EventPosition;
  /** Newest first. */
  descending?: boolean;
  limit: number;
}

export interface GroupEventQuery extends EventQuery {
  /** Only these streams. */
  streams?: readonly string[];
  /** Only streams whose name starts with this (matched literally). */
  streamPrefix?: string;
}

export interface AppendResult {
  /** The seq of the batch's first and last event, in the batch's order. */
  firstSeq: number;
  lastSeq: number;
  /** UTF-8 bytes of the messages appended. */
  bytes: number;
}

export interface ExpiredEvents {
  stream: string;
  events: number;
  bytes: number;
}

export interface LogEventStore {
  /** Appends events to a stream in the given order; seqs grow with it. */
  append(ref: StreamRef, events: readonly NewLogEvent[], ingestionTime: number): Promise<AppendResult>;
  /** One page of a stream, in time order (or reversed); reads at most `limit` rows. */
  readStream(ref: StreamRef, query: EventQuery): Promise<StoredLogEvent[]>;
  /** One page across a group's streams, in time order (or reversed); reads at most `limit` rows. */
  readGroup(scope: Scope, group: string, query: GroupEventQuery): Promise<StoredLogEvent[]>;
  /** Deletes a stream's events; answers how many. */
  deleteStream(ref: StreamRef): Promise<number>;
  /** Deletes every event of a group; answers how many. */
  deleteGroup(scope: Scope, group: string): Promise<number>;
  /** Deletes a group's events older than `cutoff` (ms) and answers what went, per stream. */
  deleteOlderThan(scope: Scope, group: string, cutoff: number): Promise<ExpiredEvents[]>;
}
