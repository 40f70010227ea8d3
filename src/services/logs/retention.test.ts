// Retention and the driver's append path against a real store: enforceRetention(now) deletes
// exactly the events older than each group's retention and keeps storedBytes right;
// appendLogEvents creates the stream (and the group only when asked).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { systemClock } from '../../platform/clock.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';
import { appendLogEvents, ensureLogStream } from './put-log-events.ts';
import { putGroup } from './records.ts';
import { enforceRetention } from './retention.ts';

const dirs: string[] = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-logs-'));
  dirs.push(dir);
  const store = await openSqliteStore(dir, systemClock);
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

const scope = { account: '111111111111', region: 'us-east-1' };
const DAY = 86_400_000;
const now = new Date('2026-03-01T00:00:00Z');

test('appendLogEvents: a missing group is ResourceNotFoundException unless createGroup; the stream is created', async () => {
  await withStore(async (store) => {
    const target = { scope, group: '/ecs/app', stream: 'app/app/task-1' };
    await assert.rejects(ensureLogStream(store, target, now), { name: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
    await appendLogEvents(store, { ...target, createGroup: true }, [{ timestamp: 2, message: 'second' }, { timestamp: 1, message: 'first' }], now);
    const events = await store.read((tx) => tx.logEvents().readStream(target, { limit: 10 }));
    assert.deepEqual(events.map((e) => e.message), ['first', 'second']);
    const stream = await store.read((tx) => tx.get('logs.stream', scope, '/ecs/app:app/app/task-1'));
    assert.equal(stream?.storedBytes, 11);
    assert.equal(stream?.firstEventTimestamp, 1);
    assert.equal(stream?.lastEventTimestamp, 2);
  });
});

test('enforceRetention(now) deletes what is older than each group\'s retention, nothing else', async () => {
  await withStore(async (store) => {
    const kept = { scope, group: 'forever', stream: 's' };
    const short = { scope, group: 'week', stream: 's' };
    const old = now.getTime() - 8 * DAY;
    const recent = now.getTime() - 6 * DAY;
    for (const target of [kept, short]) {
      await appendLogEvents(store, { ...target, createGroup: true }, [{ timestamp: old, message: 'old' }, { timestamp: recent, message: 'recent' }], now);
    }
    await store.write(async (tx) => {
      const group = await tx.get('logs.group', scope, 'week');
      assert.ok(group);
      await putGroup(tx, scope, { ...group, retentionInDays: 7 });
    });
    assert.equal(await enforceRetention(store, scope, now), 1);
    assert.equal(await enforceRetention(store, scope, now), 0, 'idempotent');
    const messages = (target: typeof kept) => store.read(async (tx) => (await tx.logEvents().readStream(target, { limit: 10 })).map((e) => e.message));
    assert.deepEqual(await messages(kept), ['old', 'recent']);
    assert.deepEqual(await messages(short), ['recent']);
    assert.equal((await store.read((tx) => tx.get('logs.group', scope, 'week')))?.storedBytes, 6);
    assert.equal((await store.read((tx) => tx.get('logs.stream', scope, 'week:s')))?.storedBytes, 6);
  });
});
