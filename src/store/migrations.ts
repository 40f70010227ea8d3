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
};
