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

/** CloudWatch Logs events (migration 0003); see log-events.ts. */
export interface LogEventsTable {
  event_seq: number;
  account: string;
  region: string;
  group_name: string;
  stream_name: string;
  timestamp: number;
  ingestion_time: number;
  /** UTF-8 bytes of the message: storedBytes is summed from it without reading messages. */
  size: number;
  message: string;
}

export interface Database {
  resources: ResourcesTable;
  counters: CountersTable;
  log_events: LogEventsTable;
}
