import assert from 'node:assert/strict';
import { test } from 'node:test';
import { whiteoutOf } from './layer-unpack.ts';

test('OCI whiteout entries map to overlay whiteouts and opaque directories', () => {
  assert.equal(whiteoutOf('etc/passwd'), null);
  assert.deepEqual(whiteoutOf('etc/.wh.passwd'), { kind: 'whiteout', path: 'etc/passwd' });
  assert.deepEqual(whiteoutOf('./.wh.top'), { kind: 'whiteout', path: 'top' });
  assert.deepEqual(whiteoutOf('var/cache/.wh..wh..opq'), { kind: 'opaque', dir: 'var/cache' });
});
