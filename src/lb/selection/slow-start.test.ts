import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slowStartWeight } from './slow-start.ts';

test('a linear ramp over the duration from a small floor; off when the duration is 0', () => {
  assert.equal(slowStartWeight(1000, 1000, 0), 1);
  assert.equal(slowStartWeight(undefined, 1000, 30), 1);
  assert.equal(slowStartWeight(0, 0, 30), 0.05);
  assert.equal(slowStartWeight(0, 15_000, 30), 0.5);
  assert.equal(slowStartWeight(0, 30_000, 30), 1);
  assert.equal(slowStartWeight(0, 99_000, 30), 1);
});
