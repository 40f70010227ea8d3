// The log-retention chore against a real store: retention is applied in the default scope, in
// every scope that holds tasks and in every scope PutRetentionPolicy recorded; logScopes lists
// each of those once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordTaskScope } from '../../services/ecs/task-scopes.ts';
import { appendLogEvents } from '../../services/logs/put-log-events.ts';
import { putGroup } from '../../services/logs/records.ts';
import { recordRetentionScope } from '../../services/logs/retention-scopes.ts';
import type { Scope, Store } from '../../store/store.ts';
import { logScopes } from './index.ts';
import { logRetentionChore } from './log-retention.ts';
import { withStore } from './test-store.ts';

const DEFAULT: Scope = { account: '123456789012', region: 'us-east-1' };
const TASKS: Scope = { account: '123456789012', region: 'eu-west-1' };
const RETENTION: Scope = { account: '123456789012', region: 'ap-south-1' };
const DAY = 86_400_000;
const now = new Date('2026-03-01T00:00:00Z');

/** A group `name` in `scope` with one event 8 days old and one 6 days old, then a 7-day retention policy. */
async function weekGroup(store: Store, scope: Scope, name: string): Promise<void> {
  const events = [{ timestamp: now.getTime() - 8 * DAY, message: 'old' }, { timestamp: now.getTime() - 6 * DAY, message: 'recent' }];
  await appendLogEvents(store, { scope, group: name, stream: 's', createGroup: true }, events, new Date(now.getTime() - 9 * DAY));
  await store.write(async (tx) => {
    const group = await tx.get('logs.group', scope, name);
    assert.ok(group);
    await putGroup(tx, scope, { ...group, retentionInDays: 7 });
  });
}

const messages = (store: Store, scope: Scope, group: string) =>
  store.read(async (tx) => (await tx.logEvents().readStream({ scope, group, stream: 's' }, { limit: 10 })).map((e) => e.message));

test('logScopes: the default scope, the task scopes and the recorded retention scopes, each once', async () => {
  await withStore(async (store) => {
    await store.write(async (tx) => {
      await recordTaskScope(tx, TASKS);
      await recordRetentionScope(tx, RETENTION);
      await recordRetentionScope(tx, RETENTION);
      await recordRetentionScope(tx, TASKS);
    });
    assert.deepEqual(await logScopes(store, DEFAULT), [DEFAULT, TASKS, RETENTION]);
  });
});

test('old events go in every scope logScopes names; groups without a policy keep everything', async () => {
  await withStore(async (store) => {
    for (const scope of [DEFAULT, TASKS, RETENTION]) await weekGroup(store, scope, '/ecs/app');
    await appendLogEvents(store, { scope: DEFAULT, group: 'forever', stream: 's', createGroup: true }, [{ timestamp: 0, message: 'epoch' }], now);
    await store.write(async (tx) => {
      await recordTaskScope(tx, TASKS);
      await recordRetentionScope(tx, RETENTION);
    });
    const chore = logRetentionChore({ store, scopes: () => logScopes(store, DEFAULT), intervalMs: 600_000 });

    assert.equal(await chore.run(now), 3);
    for (const scope of [DEFAULT, TASKS, RETENTION]) assert.deepEqual(await messages(store, scope, '/ecs/app'), ['recent'], scope.region);
    assert.deepEqual(await messages(store, DEFAULT, 'forever'), ['epoch']);
    assert.equal(await chore.run(now), 0);
    assert.equal(await chore.run(new Date(now.getTime() + 2 * DAY)), 3, 'two days on, the recent events are past the week too');
  });
});
