import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RoundRobin } from './round-robin.ts';

const target = (key: string, weight = 1) => ({ key, inFlight: 0, weight });

test('equal weights rotate strictly', () => {
  const rr = new RoundRobin();
  const candidates = [target('a'), target('b'), target('c')];
  assert.deepEqual(Array.from({ length: 6 }, () => rr.select(candidates)?.key), ['a', 'b', 'c', 'a', 'b', 'c']);
});

test('a target that leaves is forgotten; weight 0 never picked', () => {
  const rr = new RoundRobin();
  rr.select([target('a'), target('b')]);
  assert.deepEqual(Array.from({ length: 4 }, () => rr.select([target('b'), target('c', 0)])?.key), ['b', 'b', 'b', 'b']);
  assert.equal(rr.select([target('x', 0)]), undefined);
});

test('property: over one full cycle each target is picked in proportion to its weight', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }), (weights) => {
    const rr = new RoundRobin();
    const candidates = weights.map((w, i) => target(`t${i}`, w));
    const total = weights.reduce((a, b) => a + b, 0);
    const counts = new Map<string, number>();
    for (let i = 0; i < total; i++) {
      const key = rr.select(candidates)?.key ?? '';
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    candidates.forEach((c) => assert.equal(counts.get(c.key), c.weight));
  }));
});
