// The LogEventStore over any Kysely dialect, inside the caller's transaction. Every read is one
// keyset query on an index ((scope, group, stream, timestamp, seq) or (scope, group, timestamp, seq))
// with a LIMIT, so its cost follows the page, not the stream.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { Scope } from './store.ts';
import type {
  AppendResult, EventQuery, ExpiredEvents, GroupEventQuery, LogEventStore, NewLogEvent, StoredLogEvent, StreamRef,
} from './log-events.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Counter that numbers every event; an event's seq orders events of equal timestamp by arrival. */
const EVENT_SEQ_COUNTER = 'log_events.seq';

/** Rows per INSERT: 9 values each stays far below SQLite's bound-parameter limit (32,766). */
const INSERT_CHUNK = 1000;

export class KyselyLogEventStore implements LogEventStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async append(ref: StreamRef, events: readonly NewLogEvent[], ingestionTime: number): Promise<AppendResult> {
    if (events.length === 0) return { firstSeq: 0, lastSeq: 0, bytes: 0 };
    // One counter update reserves the whole batch's seqs.
    const row = await this.#db.insertInto('counters').values({ name: EVENT_SEQ_COUNTER, value: events.length })
      .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb('counters.value', '+', events.length) })))
      .returning('value')
      .executeTakeFirstOrThrow();
    const lastSeq = Number(row.value);
    const firstSeq = lastSeq - events.length + 1;
    let bytes = 0;
    for (let start = 0; start < events.length; start += INSERT_CHUNK) {
      const values = events.slice(start, start + INSERT_CHUNK).map((event, i) => {
        const size = Buffer.byteLength(event.message, 'utf8');
        bytes += size;
        return {
          event_seq: firstSeq + start + i, account: ref.scope.account, region: ref.scope.region,
          group_name: ref.group, stream_name: ref.stream, timestamp: event.timestamp, ingestion_time: ingestionTime,
          size, message: event.message,
        };
      });
      await this.#db.insertInto('log_events').values(values).execute();
    }
    return { firstSeq, lastSeq, bytes };
  }

  async readStream(ref: StreamRef, query: EventQuery): Promise<StoredLogEvent[]> {
    const rows = await streamPageQuery(this.#db, ref, query).execute();
    return rows.map(toEvent);
  }

  async readGroup(scope: Scope, group: string, query: GroupEventQuery): Promise<StoredLogEvent[]> {
    const rows = await groupPageQuery(this.#db, scope, group, query).execute();
    return rows.map(toEvent);
  }

  async deleteStream(ref: StreamRef): Promise<number> {
    const result = await this.#db.deleteFrom('log_events')
      .where('account', '=', ref.scope.account).where('region', '=', ref.scope.region)
      .where('group_name', '=', ref.group).where('stream_name', '=', ref.stream)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteGroup(scope: Scope, group: string): Promise<number> {
    const result = await this.#db.deleteFrom('log_events')
      .where('account', '=', scope.account).where('region', '=', scope.region).where('group_name', '=', group)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteOlderThan(scope: Scope, group: string, cutoff: number): Promise<ExpiredEvents[]> {
    const expired = this.#db.selectFrom('log_events')
      .where('account', '=', scope.account).where('region', '=', scope.region).where('group_name', '=', group)
      .where('timestamp', '<', cutoff);
    const perStream = await expired
      .select((eb) => ['stream_name', eb.fn.countAll<number>().as('events'), eb.fn.sum<number>('size').as('bytes')])
      .groupBy('stream_name')
      .execute();
    if (perStream.length === 0) return [];
    await this.#db.deleteFrom('log_events')
      .where('account', '=', scope.account).where('region', '=', scope.region).where('group_name', '=', group)
      .where('timestamp', '<', cutoff)
      .execute();
    return perStream.map((r) => ({ stream: r.stream_name, events: Number(r.events), bytes: Number(r.bytes) }));
  }
}

/** The SQL of one stream page (exported so a test can ask the database how it runs it). */
export function streamPageQuery(db: Db, ref: StreamRef, query: EventQuery) {
  const q = baseQuery(db).where('account', '=', ref.scope.account).where('region', '=', ref.scope.region)
    .where('group_name', '=', ref.group).where('stream_name', '=', ref.stream);
  return ordered(q, query);
}

/** The SQL of one page across a group's streams (exported for the same reason). */
export function groupPageQuery(db: Db, scope: Scope, group: string, query: GroupEventQuery) {
  let q = baseQuery(db).where('account', '=', scope.account).where('region', '=', scope.region).where('group_name', '=', group);
  if (query.streams !== undefined) q = q.where('stream_name', 'in', query.streams.length > 0 ? [...query.streams] : ['']);
  const prefix = query.streamPrefix;
  if (prefix !== undefined && prefix !== '') {
    // substr rather than LIKE: stream names may contain % and _.
    q = q.where((eb) => eb(eb.fn('substr', ['stream_name', eb.val(1), eb.val(prefix.length)]), '=', prefix));
  }
  return ordered(q, query);
}

type PageQuery = ReturnType<typeof baseQuery>;
function baseQuery(db: Db) {
  return db.selectFrom('log_events').select(['event_seq', 'stream_name', 'timestamp', 'ingestion_time', 'message']);
}

/** Time window, keyset position, order and limit: the part every page query shares. */
function ordered(q: PageQuery, query: EventQuery): PageQuery {
  if (query.startTime !== undefined) q = q.where('timestamp', '>=', query.startTime);
  if (query.endTime !== undefined) q = q.where('timestamp', '<', query.endTime);
  const after = query.after;
  if (after) {
    // Row values let the index seek straight to the position (SQLite ≥ 3.15, PostgreSQL).
    q = q.where((eb) => eb(eb.refTuple('timestamp', 'event_seq'), '>', eb.tuple(after.timestamp, after.seq)));
  }
  const before = query.before;
  if (before) {
    q = q.where((eb) => eb(eb.refTuple('timestamp', 'event_seq'), '<', eb.tuple(before.timestamp, before.seq)));
  }
  const direction = query.descending ? 'desc' : 'asc';
  return q.orderBy('timestamp', direction).orderBy('event_seq', direction).limit(query.limit);
}

function toEvent(row: { event_seq: number; stream_name: string; timestamp: number; ingestion_time: number; message: string }): StoredLogEvent {
  return {
    seq: Number(row.event_seq), stream: row.stream_name, timestamp: Number(row.timestamp),
    ingestionTime: Number(row.ingestion_time), message: row.message,
  };
}
