import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { SealedValueError, SecretBox } from './secret-box.ts';

test('sealed values open to what was sealed, never contain it, and differ each time', () => {
  const box = new SecretBox(Buffer.alloc(32, 7));
  fc.assert(fc.property(fc.string({ minLength: 4 }), (value) => {
    const sealed = box.seal(value);
    assert.equal(box.openText(sealed), value);
    assert.ok(!sealed.includes(value) || value.length < 4);
    assert.notEqual(box.seal(value), sealed);
  }));
  const bytes = Buffer.from([0, 1, 2, 255]);
  assert.deepEqual(box.open(box.seal(bytes)), bytes);
});

test('another key or a changed byte does not open', () => {
  const sealed = new SecretBox(Buffer.alloc(32, 1)).seal('postgres://user:pw@db/app');
  assert.throws(() => new SecretBox(Buffer.alloc(32, 2)).open(sealed), SealedValueError);
  const raw = Buffer.from(sealed.slice(5), 'base64');
  raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
  assert.throws(() => new SecretBox(Buffer.alloc(32, 1)).open(`bsb1:${raw.toString('base64')}`), SealedValueError);
  assert.throws(() => new SecretBox(Buffer.alloc(32, 1)).open('plain text'), SealedValueError);
});

test('the key file is made once, mode 0600, and read back by the next open', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-secret-box-'));
  try {
    const file = join(dir, 'keys', 'sealing.key');
    const first = await SecretBox.open(file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const sealed = first.seal('s3cr3t');
    assert.equal((await SecretBox.open(file)).openText(sealed), 's3cr3t');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
