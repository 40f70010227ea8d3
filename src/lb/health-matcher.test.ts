import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpCodeMatcher } from './health-matcher.ts';

test('codes, lists and ranges', () => {
  const m = httpCodeMatcher('200,202,300-399');
  assert.deepEqual([200, 201, 202, 300, 350, 399, 400].map(m), [true, false, true, true, true, true, false]);
  assert.equal(httpCodeMatcher('200-299')(204), true);
  assert.equal(httpCodeMatcher('')(200), true);
  assert.equal(httpCodeMatcher('')(404), false);
});
