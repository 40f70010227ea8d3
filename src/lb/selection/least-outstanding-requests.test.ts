import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LeastOutstandingRequests } from './least-outstanding-requests.ts';

test('the target with the fewest requests in flight wins', () => {
  const lor = new LeastOutstandingRequests();
  assert.equal(lor.select([{ key: 'a', inFlight: 3, weight: 1 }, { key: 'b', inFlight: 1, weight: 1 }, { key: 'c', inFlight: 2, weight: 1 }])?.key, 'b');
});

test('ties rotate', () => {
  const lor = new LeastOutstandingRequests();
  const idle = [{ key: 'a', inFlight: 0, weight: 1 }, { key: 'b', inFlight: 0, weight: 1 }];
  const picks = new Set(Array.from({ length: 4 }, () => lor.select(idle)?.key));
  assert.deepEqual([...picks].sort(), ['a', 'b']);
});

test('property: the pick has the minimal load of all candidates', () => {
  fc.assert(fc.property(fc.array(fc.nat(20), { minLength: 1, maxLength: 8 }), (loads) => {
    const candidates = loads.map((inFlight, i) => ({ key: `t${i}`, inFlight, weight: 1 }));
    const pick = new LeastOutstandingRequests().select(candidates);
    assert.equal(pick?.inFlight, Math.min(...loads));
  }));
});
