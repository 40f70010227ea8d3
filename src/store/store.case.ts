// The behaviour every Store implementation must show; each implementation's test runs it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store, StoreTx } from './store.ts';

interface Widget {
  name: string;
  made: Date;
  bytes?: Buffer;
}

declare module './store.ts' {
  interface ResourceKinds {
    'test.widget': Widget;
  }
}

const here = { account: '111111111111', region: 'us-east-1' };
const elsewhere = { account: '111111111111', region: 'eu-west-1' };

export function storeConformance(name: string, open: () => Promise<Store>): void {
  const withStore = (title: string, fn: (store: Store) => Promise<void>): void => {
    test(`${name}: ${title}`, async () => {
      const store = await open();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    });
  };

  withStore('put then get round-trips the body, Dates and Buffers included', async (store) => {
    const made = new Date('2026-01-02T03:04:05.006Z');
    await store.write((tx) => tx.put('test.widget', here, { id: 'w1', name: 'one', body: { name: 'one', made, bytes: Buffer.from([1, 2, 3]) } }));
    const got = await store.read((tx) => tx.get('test.widget', here, 'w1'));
    assert.deepEqual(got, { name: 'one', made, bytes: Buffer.from([1, 2, 3]) });
    assert.equal(await store.read((tx) => tx.get('test.widget', elsewhere, 'w1')), undefined, 'scopes are separate');
  });

  withStore('list orders by insertion, keeps order across updates, filters by name, prefix and parent', async (store) => {
    await store.write(async (tx) => {
      for (const [id, parent] of [['a', 'p1'], ['b', 'p2'], ['c', 'p1']] as const) {
        await tx.put('test.widget', here, { id, name: `n-${id}`, parent, body: { name: id, made: new Date(0) } });
      }
      await tx.put('test.widget', here, { id: 'a', name: 'n-a', parent: 'p1', body: { name: 'a2', made: new Date(0) } });
    });
    const all = await store.read((tx) => tx.list('test.widget', here));
    assert.deepEqual(all.map((r) => r.body.name), ['a2', 'b', 'c']);
    assert.deepEqual((await store.read((tx) => tx.list('test.widget', here, { parent: 'p1' }))).map((r) => r.id), ['a', 'c']);
    assert.deepEqual((await store.read((tx) => tx.list('test.widget', here, { name: 'n-b' }))).map((r) => r.id), ['b']);
    assert.deepEqual((await store.read((tx) => tx.list('test.widget', here, { namePrefix: 'n-' , descending: true }))).map((r) => r.id), ['c', 'b', 'a']);
    const first = all[0];
    assert.ok(first);
    assert.deepEqual((await store.read((tx) => tx.list('test.widget', here, { afterSeq: first.seq, limit: 1 }))).map((r) => r.id), ['b']);
    assert.equal(await store.read((tx) => tx.count('test.widget', here, { parent: 'p1' })), 2);
  });

  withStore('name order sorts by name then insertion, both ways, and resumes after a (name, seq) cursor', async (store) => {
    await store.write(async (tx) => {
      for (const [id, name] of [['1', 'b'], ['2', 'a'], ['3', 'b'], ['4', 'a']] as const) {
        await tx.put('test.widget', here, { id, name, body: { name: id, made: new Date(0) } });
      }
    });
    const asc = await store.read((tx) => tx.list('test.widget', here, { order: 'name' }));
    assert.deepEqual(asc.map((r) => r.id), ['2', '4', '1', '3']);
    const desc = await store.read((tx) => tx.list('test.widget', here, { order: 'name', descending: true }));
    assert.deepEqual(desc.map((r) => r.id), ['3', '1', '4', '2']);
    const second = asc[1];
    assert.ok(second);
    const rest = await store.read((tx) => tx.list('test.widget', here, { order: 'name', after: { name: second.name, seq: second.seq } }));
    assert.deepEqual(rest.map((r) => r.id), ['1', '3']);
  });

  withStore('state is stored, updated and filtered on', async (store) => {
    await store.write(async (tx) => {
      await tx.put('test.widget', here, { id: 's1', state: 'ACTIVE', body: { name: 's1', made: new Date(0) } });
      await tx.put('test.widget', here, { id: 's2', state: 'ACTIVE', body: { name: 's2', made: new Date(0) } });
      await tx.put('test.widget', here, { id: 's1', state: 'INACTIVE', body: { name: 's1', made: new Date(0) } });
    });
    const active = await store.read((tx) => tx.list('test.widget', here, { state: 'ACTIVE' }));
    assert.deepEqual(active.map((r) => [r.id, r.state]), [['s2', 'ACTIVE']]);
    assert.equal(await store.read((tx) => tx.count('test.widget', here, { state: 'INACTIVE' })), 1);
  });

  withStore('a prefix is matched literally, not as a LIKE pattern', async (store) => {
    await store.write(async (tx) => {
      await tx.put('test.widget', here, { id: '1', name: 'a_b', body: { name: '1', made: new Date(0) } });
      await tx.put('test.widget', here, { id: '2', name: 'axb', body: { name: '2', made: new Date(0) } });
    });
    assert.deepEqual((await store.read((tx) => tx.list('test.widget', here, { namePrefix: 'a_' }))).map((r) => r.id), ['1']);
  });

  withStore('a write that throws leaves nothing behind', async (store) => {
    await assert.rejects(store.write(async (tx) => {
      await tx.put('test.widget', here, { id: 'ghost', body: { name: 'ghost', made: new Date(0) } });
      await tx.nextValue('ghost-counter');
      throw new Error('changed my mind');
    }), /changed my mind/);
    assert.equal(await store.read((tx) => tx.get('test.widget', here, 'ghost')), undefined);
    assert.equal(await store.write((tx) => tx.nextValue('ghost-counter')), 1);
  });

  withStore('counters count from 1, durably and independently', async (store) => {
    const values = await store.write(async (tx) => [await tx.nextValue('x'), await tx.nextValue('x'), await tx.nextValue('y')]);
    assert.deepEqual(values, [1, 2, 1]);
  });

  withStore('concurrent writes are serialized: read-check-write inside one write never double-allocates', async (store) => {
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => store.write(async (tx) => {
      const taken = await tx.get('test.widget', here, 'slot');
      if (taken) return false;
      await tx.put('test.widget', here, { id: 'slot', body: { name: `writer-${i}`, made: new Date(0) } });
      return true;
    })));
    assert.equal(claims.filter(Boolean).length, 1);
  });

  withStore('delete answers whether something was deleted', async (store) => {
    await store.write((tx) => tx.put('test.widget', here, { id: 'd', body: { name: 'd', made: new Date(0) } }));
    assert.equal(await store.write((tx) => tx.delete('test.widget', here, 'd')), true);
    assert.equal(await store.write((tx) => tx.delete('test.widget', here, 'd')), false);
  });

  logEventConformance(withStore);
}

/** The log event store's behaviour (tx.logEvents()). */
function logEventConformance(withStore: (title: string, fn: (store: Store) => Promise<void>) => void): void {
  const app = { scope: here, group: '/ecs/app', stream: 'web/1' };

  withStore('log events: read back in time order, equal timestamps by arrival, pages resume after or before a position', async (store) => {
    await store.write(async (tx) => {
      await tx.logEvents().append(app, [{ timestamp: 10, message: 'a' }, { timestamp: 20, message: 'b' }, { timestamp: 20, message: 'c' }], 100);
      await tx.logEvents().append(app, [{ timestamp: 5, message: 'early' }, { timestamp: 30, message: 'd' }], 200);
      await tx.logEvents().append({ ...app, scope: elsewhere }, [{ timestamp: 1, message: 'other region' }], 100);
    });
    const read = (query: Parameters<ReturnType<StoreTx['logEvents']>['readStream']>[1]) =>
      store.read(async (tx) => (await tx.logEvents().readStream(app, query)).map((e) => e.message));
    assert.deepEqual(await read({ limit: 10 }), ['early', 'a', 'b', 'c', 'd']);
    assert.deepEqual(await read({ limit: 2, descending: true }), ['d', 'c']);
    assert.deepEqual(await read({ limit: 10, startTime: 10, endTime: 30 }), ['a', 'b', 'c'], 'startTime inclusive, endTime exclusive');
    const page = await store.read((tx) => tx.logEvents().readStream(app, { limit: 3 }));
    const last = page[2];
    assert.ok(last);
    assert.equal(last.ingestionTime, 100);
    assert.deepEqual(await read({ limit: 10, after: last }), ['c', 'd']);
    assert.deepEqual(await read({ limit: 10, before: last, descending: true }), ['a', 'early']);
  });

  withStore('log events: a group reads across its streams in time order, filtered by names or a literal prefix', async (store) => {
    await store.write(async (tx) => {
      await tx.logEvents().append({ ...app, stream: 'a_1' }, [{ timestamp: 1, message: 'a1' }, { timestamp: 4, message: 'a4' }], 0);
      await tx.logEvents().append({ ...app, stream: 'axb' }, [{ timestamp: 2, message: 'x2' }], 0);
      await tx.logEvents().append({ ...app, stream: 'b' }, [{ timestamp: 3, message: 'b3' }], 0);
      await tx.logEvents().append({ ...app, group: 'other' }, [{ timestamp: 3, message: 'not mine' }], 0);
    });
    const read = (query: Parameters<ReturnType<StoreTx['logEvents']>['readGroup']>[2]) =>
      store.read(async (tx) => (await tx.logEvents().readGroup(here, app.group, query)).map((e) => `${e.stream}:${e.message}`));
    assert.deepEqual(await read({ limit: 10 }), ['a_1:a1', 'axb:x2', 'b:b3', 'a_1:a4']);
    assert.deepEqual(await read({ limit: 10, streams: ['b', 'axb'] }), ['axb:x2', 'b:b3']);
    assert.deepEqual(await read({ limit: 10, streamPrefix: 'a_' }), ['a_1:a1', 'a_1:a4']);
    assert.deepEqual(await read({ limit: 10, streams: [] }), []);
  });

  withStore('log events: deletes by stream, by group, and by age with the bytes that went', async (store) => {
    await store.write(async (tx) => {
      await tx.logEvents().append(app, [{ timestamp: 1, message: 'old' }, { timestamp: 2, message: 'olé' }, { timestamp: 9, message: 'new' }], 0);
      await tx.logEvents().append({ ...app, stream: 's2' }, [{ timestamp: 1, message: 'x' }], 0);
    });
    const expired = await store.write((tx) => tx.logEvents().deleteOlderThan(here, app.group, 5));
    assert.deepEqual(expired.sort((a, b) => a.stream.localeCompare(b.stream)), [{ stream: 's2', events: 1, bytes: 1 }, { stream: 'web/1', events: 2, bytes: 7 }]);
    assert.equal(await store.write((tx) => tx.logEvents().deleteStream(app)), 1);
    await store.write((tx) => tx.logEvents().append(app, [{ timestamp: 1, message: 'again' }], 0));
    assert.equal(await store.write((tx) => tx.logEvents().deleteGroup(here, app.group)), 1);
  });

  withStore('log events: an append in a write that throws leaves nothing behind', async (store) => {
    await assert.rejects(store.write(async (tx) => {
      await tx.logEvents().append(app, [{ timestamp: 1, message: 'ghost' }], 0);
      throw new Error('changed my mind');
    }), /changed my mind/);
    assert.deepEqual(await store.read((tx) => tx.logEvents().readStream(app, { limit: 10 })), []);
  });
}
