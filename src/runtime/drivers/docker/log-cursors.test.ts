import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { LogCursors } from './log-cursors.ts';

test('acknowledged cursors are written after the throttle, newest wins, and read back by a new instance', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bth-cursors-'));
  try {
    const cursors = new LogCursors(dataDir, { throttleMs: 50 });
    cursors.acknowledge('bth-t-0', '10:0');
    cursors.acknowledge('bth-t-0', '12:1');
    cursors.acknowledge('bth-t-0', '11:0'); // older: ignored
    assert.equal(await new LogCursors(dataDir).read('bth-t-0'), undefined, 'not yet written');
    await sleep(120);
    assert.equal(await new LogCursors(dataDir).read('bth-t-0'), '12:1');
    cursors.acknowledge('bth-t-0', '13:0');
    await cursors.flush('bth-t-0');
    assert.equal(await new LogCursors(dataDir).read('bth-t-0'), '13:0');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('remove forgets a container\'s cursor, pending or written; removeMatching a task\'s', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bth-cursors-'));
  try {
    const cursors = new LogCursors(dataDir, { throttleMs: 10_000 });
    for (const id of ['bth-a-0', 'bth-a-1', 'bth-b-0']) {
      cursors.acknowledge(id, '1:0');
      await cursors.flush(id);
    }
    cursors.acknowledge('bth-a-0', '2:0');
    await cursors.remove('bth-a-0');
    assert.equal(await cursors.read('bth-a-0'), undefined);
    await cursors.removeMatching('bth-a-');
    assert.deepEqual(await readdir(join(dataDir, 'runtime', 'docker', 'cursors')), ['bth-b-0']);
    assert.throws(() => cursors.acknowledge('../etc', '1:0'), RangeError);
    await assert.rejects(cursors.read('../etc'), RangeError);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
