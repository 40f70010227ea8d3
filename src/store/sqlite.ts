// Opens the embedded default store: one SQLite file in the data directory.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStore } from './kysely-store.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import type { Database } from './schema.ts';

export async function openSqliteStore(dataDir: string, clock: Clock = systemClock): Promise<KyselyStore> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'berth.db');
  const connect = (): Kysely<Database> => {
    const sqlite = new SQLite(file);
    // WAL: readers never block on the writer. synchronous=FULL: a commit is on disk before the
    // client hears "200", so kill -9 or power loss never loses an acknowledged write.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  };
  return KyselyStore.open(connect(), connect, 'sqlite', file, clock);
}
