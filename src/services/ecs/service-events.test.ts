import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withStore } from '../../controllers/housekeeping/test-store.ts';
import { appendServiceEvent, MAX_SERVICE_EVENTS, serviceEvents } from './service-events.ts';

const scope = { account: '123456789012', region: 'us-east-1' };
const arn = 'arn:aws:ecs:us-east-1:123456789012:service/c/s';

test('a state repeated as the newest event is suppressed; a repeated action, an interrupted repeat and an old one are not', async () => {
  await withStore(async (store) => {
    let n = 0;
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1) + minutes * 60_000);
    const add = (message: string, minutes: number, repeatable?: boolean) => store.write((tx) => appendServiceEvent(tx, scope, {
      serviceArn: arn, message, now: at(minutes), id: `id-${++n}`, ...(repeatable !== undefined ? { repeatable } : {}),
    }));
    await add('(service s) has reached a steady state.', 0);
    await add('(service s) has reached a steady state.', 1);
    await add('(service s) registered 1 targets in (target-group tg)', 2, true);
    await add('(service s) registered 1 targets in (target-group tg)', 3, true);
    await add('(service s) has reached a steady state.', 4);
    await add('(service s) has reached a steady state.', 4 + 6 * 60);
    const messages = await store.read((tx) => serviceEvents(tx, scope, arn));
    assert.deepEqual(messages.map((e) => e.id), ['id-6', 'id-5', 'id-4', 'id-3', 'id-1']);
  });
});

test('only the newest events are kept', async () => {
  await withStore(async (store) => {
    for (let i = 0; i < MAX_SERVICE_EVENTS + 5; i++) {
      await store.write((tx) => appendServiceEvent(tx, scope, { serviceArn: arn, message: `event ${i}`, now: new Date(i * 1000), id: `id-${i}` }));
    }
    const events = await store.read((tx) => serviceEvents(tx, scope, arn));
    assert.equal(events.length, MAX_SERVICE_EVENTS);
    assert.equal(events[0]?.message, `event ${MAX_SERVICE_EVENTS + 4}`);
  });
});
