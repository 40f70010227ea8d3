// Versioned schema migrations, applied in name order at start; never edit one that has shipped.
import { type Kysely, type Migration } from 'kysely';

export const migrations: Record<string, Migration> = {
  '0001-resources': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('resources')
        .addColumn('kind', 'varchar(64)', (c) => c.notNull())
        .addColumn('account', 'varchar(32)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('id', 'varchar(2048)', (c) => c.notNull())
        .addColumn('name', 'varchar(2048)', (c) => c.notNull().defaultTo(''))
        .addColumn('parent', 'varchar(2048)', (c) => c.notNull().defaultTo(''))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('resources_pk', ['kind', 'account', 'region', 'id'])
        .execute();
      await db.schema.createIndex('resources_by_parent').on('resources').columns(['kind', 'account', 'region', 'parent', 'seq']).execute();
      await db.schema.createIndex('resources_by_name').on('resources').columns(['kind', 'account', 'region', 'name', 'seq']).execute();
      await db.schema.createTable('counters')
        .addColumn('name', 'varchar(2048)', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0002-resource-state': {
    // A short status each kind may choose (ACTIVE, INACTIVE…), so listings filter on it in SQL.
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('resources').addColumn('state', 'varchar(64)', (c) => c.notNull().defaultTo('')).execute();
      await db.schema.createIndex('resources_by_state').on('resources').columns(['kind', 'account', 'region', 'state', 'name', 'seq']).execute();
    },
  },
  '0003-log-events': {
    // CloudWatch Logs events in their own table: one row per event, read by keyset over the two
    // indexes (a stream in time order; a whole group in time order for FilterLogEvents and retention).
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createTable('log_events')
        .addColumn('event_seq', 'bigint', (c) => c.primaryKey())
        .addColumn('account', 'varchar(32)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('group_name', 'varchar(512)', (c) => c.notNull())
        .addColumn('stream_name', 'varchar(512)', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('ingestion_time', 'bigint', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('log_events_by_stream').on('log_events')
        .columns(['account', 'region', 'group_name', 'stream_name', 'timestamp', 'event_seq']).execute();
      await db.schema.createIndex('log_events_by_group').on('log_events')
        .columns(['account', 'region', 'group_name', 'timestamp', 'event_seq']).execute();
    },
  },
};
