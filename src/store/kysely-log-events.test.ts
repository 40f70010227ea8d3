// A page of log events costs one page, however long the stream: SQLite is asked how it runs each
// page query (EXPLAIN QUERY PLAN). An index seek with no sort step reads `limit` rows and stops;
// a full scan or a temporary B-tree for ORDER BY would read the whole stream first.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { systemClock } from '../platform/clock.ts';
import { groupPageQuery, streamPageQuery } from './kysely-log-events.ts';
import type { Database } from './schema.ts';
import { openSqliteStore } from './sqlite.ts';

const dirs: string[] = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

const scope = { account: '111111111111', region: 'us-east-1' };
const ref = { scope, group: '/ecs/app', stream: 'app/app/task' };

async function withDatabase(fn: (db: Kysely<Database>, sqlite: SQLite.Database) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-log-events-'));
  dirs.push(dir);
  const store = await openSqliteStore(dir, systemClock);
  // A large stream, so the planner's statistics look like a real one.
  await store.write(async (tx) => {
    const events = Array.from({ length: 20_000 }, (_, i) => ({ timestamp: 1_700_000_000_000 + i, message: `line ${i}` }));
    await tx.logEvents().append(ref, events, 1_700_000_000_000);
    await tx.logEvents().append({ ...ref, stream: 'other' }, events.slice(0, 5000), 1_700_000_000_000);
  });
  await store.close();
  const sqlite = new SQLite(join(dir, 'berth.db'));
  sqlite.exec('ANALYZE');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await fn(db, sqlite);
  } finally {
    await db.destroy();
  }
}

function plan(sqlite: SQLite.Database, compiled: { sql: string; parameters: readonly unknown[] }): string {
  const rows = sqlite.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`).all(...compiled.parameters) as { detail: string }[];
  return rows.map((r) => r.detail).join('\n');
}

function assertOnePage(detail: string, index: string): void {
  assert.match(detail, new RegExp(`USING (COVERING )?INDEX ${index}`), detail);
  assert.doesNotMatch(detail, /TEMP B-TREE/, `a sort step reads every matching row first:\n${detail}`);
  assert.doesNotMatch(detail, /^SCAN log_events$/m, detail);
}

test('a stream page from the head, from the tail, and resumed from a token seeks the stream index without sorting', async () => {
  await withDatabase(async (db, sqlite) => {
    const queries = [
      { limit: 100 },
      { limit: 100, descending: true },
      { limit: 100, after: { timestamp: 1_700_000_010_000, seq: 10_001 } },
      { limit: 100, before: { timestamp: 1_700_000_010_000, seq: 10_001 }, descending: true },
      { limit: 100, startTime: 1_700_000_005_000, endTime: 1_700_000_006_000 },
    ];
    for (const query of queries) assertOnePage(plan(sqlite, streamPageQuery(db, ref, query).compile()), 'log_events_by_stream');
  });
});

test('a group page (FilterLogEvents) seeks the group index in time order without sorting', async () => {
  await withDatabase(async (db, sqlite) => {
    const queries = [
      { limit: 100 },
      { limit: 100, after: { timestamp: 1_700_000_010_000, seq: 10_001 }, streamPrefix: 'app/' },
      { limit: 100, streams: ['other'], startTime: 1_700_000_001_000 },
    ];
    for (const query of queries) assertOnePage(plan(sqlite, groupPageQuery(db, scope, ref.group, query).compile()), 'log_events_by_(group|stream)');
  });
});
