// The tables, as Kysely sees them. Portable SQL only: a later issue runs the same on PostgreSQL.
import type { ColumnType } from 'kysely';

export interface ResourcesTable {
  kind: string;
  account: string;
  region: string;
  id: string;
  name: string;
  parent: string;
  state: ColumnType<string, string | undefined, string>;
  seq: number;
  body: string;
  updated_at: ColumnType<string, string, string>;
}

export interface CountersTable {
  name: string;
  value: number;
}

export interface Database {
  resources: ResourcesTable;
  counters: CountersTable;
}
