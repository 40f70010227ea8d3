import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WritableLayerUsage } from './disk-usage.ts';

describe('writable layer usage', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bth-disk-usage-'));
    await mkdir(join(dir, 'c0', 'upper', 'tmp'), { recursive: true });
    await writeFile(join(dir, 'c0', 'upper', 'tmp', 'blob'), Buffer.alloc(256 * 1024, 1));
    await mkdir(join(dir, 'c1', 'upper'), { recursive: true });
    await writeFile(join(dir, 'c1', 'upper', 'small'), 'x');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const usage = (maxEntries?: number) => new WritableLayerUsage({ writableLayerOf: (id) => join(dir, id, 'upper'), ...(maxEntries ? { maxEntries } : {}) });

  test('counts the blocks of every container\'s writable layer', async () => {
    const one = await usage().utilizedBytes(['c0']);
    const both = await usage().utilizedBytes(['c0', 'c1']);
    assert.ok(one !== undefined && one >= 256 * 1024, `c0 uses ${one}`);
    assert.ok(both !== undefined && both > one);
  });

  test('nothing to measure: undefined; a bounded walk counts less', async () => {
    assert.equal(await usage().utilizedBytes(['gone']), undefined);
    assert.equal(await usage().utilizedBytes([]), undefined);
    const bounded = await usage(2).utilizedBytes(['c0']);
    const full = await usage().utilizedBytes(['c0']);
    assert.ok(bounded !== undefined && full !== undefined && bounded < full);
  });
});
