// The Store over any Kysely dialect: the queries are written once for SQLite and PostgreSQL.
import { Kysely, Migrator, type Transaction } from 'kysely';
import { decodeBody, encodeBody } from './body-codec.ts';
import { KyselyLogEventStore } from './kysely-log-events.ts';
import type { LogEventStore } from './log-events.ts';
import { migrations } from './migrations.ts';
import type { Clock } from '../platform/clock.ts';
import type { Database } from './schema.ts';
import type { Kind, ListQuery, PutResource, ResourceKinds, Scope, Store, StoredResource, StoreTx } from './store.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Counter that orders every resource insert; pagination cursors are values of it. */
const SEQ_COUNTER = 'resources.seq';

export class KyselyStore implements Store {
  /** Writes, one transaction at a time. */
  readonly #db: Kysely<Database>;
  /** Reads: their own connection, so they never queue behind a write (WAL lets them run meanwhile). */
  readonly #reader: Kysely<Database>;
  readonly #engine: string;
  readonly #location: string;
  readonly #clock: Clock;

  private constructor(db: Kysely<Database>, reader: Kysely<Database>, engine: string, location: string, clock: Clock) {
    this.#db = db;
    this.#reader = reader;
    this.#clock = clock;
    this.#engine = engine;
    this.#location = location;
  }

  /**
   * Applies pending migrations through `db`, then serves writes through `db` and reads through
   * `openReader()` (called after migrating; it may return `db` itself where one pool serves both).
   */
  static async open(db: Kysely<Database>, openReader: () => Kysely<Database>, engine: string, location: string, clock: Clock): Promise<KyselyStore> {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
    return new KyselyStore(db, openReader(), engine, location, clock);
  }

  async read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    // A transaction so every statement of `fn` sees the same snapshot, never a write in between.
    return this.#reader.transaction().execute((trx) => fn(new KyselyTx(trx, this.#clock)));
  }

  async write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((trx) => fn(new KyselyTx(trx, this.#clock)));
  }

  describe(): { engine: string; location: string } {
    return { engine: this.#engine, location: this.#location };
  }

  async close(): Promise<void> {
    if (this.#reader !== this.#db) await this.#reader.destroy();
    await this.#db.destroy();
  }
}

class KyselyTx implements StoreTx {
  readonly #db: Db;
  readonly #clock: Clock;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async get<K extends Kind>(kind: K, scope: Scope, id: string): Promise<ResourceKinds[K] | undefined> {
    const row = await this.#db.selectFrom('resources').select('body')
      .where('kind', '=', kind).where('account', '=', scope.account).where('region', '=', scope.region).where('id', '=', id)
      .executeTakeFirst();
    return row ? decodeBody<ResourceKinds[K]>(row.body) : undefined;
  }

  async list<K extends Kind>(kind: K, scope: Scope, query: ListQuery = {}): Promise<StoredResource<ResourceKinds[K]>[]> {
    let q = this.#filtered(kind, scope, query).select(['id', 'name', 'parent', 'state', 'seq', 'body']);
    const direction = query.descending ? 'desc' : 'asc';
    const beyond = query.descending ? '<' : '>';
    if (query.order === 'name') {
      const after = query.after;
      if (after) {
        q = q.where((eb) => eb.or([
          eb('name', beyond, after.name),
          eb.and([eb('name', '=', after.name), eb('seq', beyond, after.seq)]),
        ]));
      }
      q = q.orderBy('name', direction).orderBy('seq', direction);
    } else {
      if (query.afterSeq !== undefined) q = q.where('seq', beyond, query.afterSeq);
      q = q.orderBy('seq', direction);
    }
    if (query.limit !== undefined) q = q.limit(query.limit);
    const rows = await q.execute();
    return rows.map((row) => ({
      id: row.id, name: row.name, parent: row.parent, state: row.state, seq: Number(row.seq), body: decodeBody<ResourceKinds[K]>(row.body),
    }));
  }

  async count<K extends Kind>(kind: K, scope: Scope, query: ListQuery = {}): Promise<number> {
    const row = await this.#filtered(kind, scope, query).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  #filtered(kind: string, scope: Scope, query: ListQuery) {
    let q = this.#db.selectFrom('resources')
      .where('kind', '=', kind).where('account', '=', scope.account).where('region', '=', scope.region);
    if (query.parent !== undefined) q = q.where('parent', '=', query.parent);
    if (query.name !== undefined) q = q.where('name', '=', query.name);
    if (query.state !== undefined) q = q.where('state', '=', query.state);
    if (query.namePrefix !== undefined && query.namePrefix !== '') {
      // substr comparison rather than LIKE: names may contain % and _.
      q = q.where((eb) => eb(eb.fn('substr', ['name', eb.val(1), eb.val(query.namePrefix?.length ?? 0)]), '=', query.namePrefix ?? ''));
    }
    return q;
  }

  async put<K extends Kind>(kind: K, scope: Scope, resource: PutResource<ResourceKinds[K]>): Promise<void> {
    const body = encodeBody(resource.body);
    const updatedAt = this.#clock.now().toISOString();
    const existing = await this.#db.selectFrom('resources').select('seq')
      .where('kind', '=', kind).where('account', '=', scope.account).where('region', '=', scope.region).where('id', '=', resource.id)
      .executeTakeFirst();
    if (existing) {
      await this.#db.updateTable('resources')
        .set({ body, name: resource.name ?? '', parent: resource.parent ?? '', state: resource.state ?? '', updated_at: updatedAt })
        .where('kind', '=', kind).where('account', '=', scope.account).where('region', '=', scope.region).where('id', '=', resource.id)
        .execute();
      return;
    }
    const seq = await this.nextValue(SEQ_COUNTER);
    await this.#db.insertInto('resources').values({
      kind, account: scope.account, region: scope.region, id: resource.id,
      name: resource.name ?? '', parent: resource.parent ?? '', state: resource.state ?? '', seq, body, updated_at: updatedAt,
    }).execute();
  }

  async delete<K extends Kind>(kind: K, scope: Scope, id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('resources')
      .where('kind', '=', kind).where('account', '=', scope.account).where('region', '=', scope.region).where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async nextValue(counter: string): Promise<number> {
    const row = await this.#db.insertInto('counters').values({ name: counter, value: 1 })
      .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb('counters.value', '+', 1) })))
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(row.value);
  }

  logEvents(): LogEventStore {
    return new KyselyLogEventStore(this.#db);
  }
}
