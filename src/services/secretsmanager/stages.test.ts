import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AWSCURRENT, AWSPREVIOUS, attachStages, moveStage, type StageMap } from './stages.ts';

const holders = (map: StageMap, stage: string) => Object.keys(map).filter((id) => map[id]?.includes(stage));

test('a new AWSCURRENT version pushes the old current to AWSPREVIOUS', () => {
  let map = attachStages({}, 'v1', [AWSCURRENT]);
  map = attachStages(map, 'v2', [AWSCURRENT]);
  assert.deepEqual(map, { v1: [AWSPREVIOUS], v2: [AWSCURRENT] });
  map = attachStages(map, 'v3', [AWSCURRENT, 'custom']);
  assert.deepEqual(map, { v1: [], v2: [AWSPREVIOUS], v3: [AWSCURRENT, 'custom'] });
});

test('moving AWSCURRENT needs RemoveFromVersionId naming its holder', () => {
  const map = attachStages(attachStages({}, 'v1', [AWSCURRENT]), 'v2', ['pending']);
  assert.throws(() => moveStage(map, { stage: AWSCURRENT, moveToVersionId: 'v2' }), { name: 'InvalidParameterException' });
  assert.throws(() => moveStage(map, { stage: AWSCURRENT, moveToVersionId: 'v2', removeFromVersionId: 'v2' }), { name: 'InvalidParameterException' });
  assert.throws(() => moveStage(map, { stage: AWSCURRENT, removeFromVersionId: 'v1' }), { name: 'InvalidParameterException' });
  assert.deepEqual(moveStage(map, { stage: AWSCURRENT, moveToVersionId: 'v2', removeFromVersionId: 'v1' }), { v1: [AWSPREVIOUS], v2: ['pending', AWSCURRENT] });
  assert.deepEqual(moveStage(map, { stage: 'pending', removeFromVersionId: 'v2' }), { v1: [AWSCURRENT], v2: [] });
});

type Step = { kind: 'put'; labels: string[] } | { kind: 'move'; stage: string; to: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), labels: fc.subarray([AWSCURRENT, AWSPREVIOUS, 'a', 'b']) }),
  fc.record({ kind: fc.constant('move' as const), stage: fc.constantFrom(AWSCURRENT, 'a', 'b'), to: fc.nat(20) }),
);

test('property: one AWSCURRENT holder at most, labels unique, AWSPREVIOUS follows the previous current', () => {
  fc.assert(fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
    let map: StageMap = attachStages({}, 'v0', [AWSCURRENT]);
    let n = 1;
    for (const s of steps) {
      const before = holders(map, AWSCURRENT)[0];
      let target: string;
      if (s.kind === 'put') {
        target = `v${n++}`;
        map = attachStages(map, target, s.labels);
      } else {
        const ids = Object.keys(map);
        target = ids[s.to % ids.length] ?? 'v0';
        const holder = holders(map, s.stage)[0];
        map = moveStage(map, { stage: s.stage, moveToVersionId: target, removeFromVersionId: holder });
      }
      assert.equal(holders(map, AWSCURRENT).length, 1);
      for (const label of [AWSCURRENT, AWSPREVIOUS, 'a', 'b']) assert.ok(holders(map, label).length <= 1);
      const after = holders(map, AWSCURRENT)[0];
      if (after !== before) assert.deepEqual(holders(map, AWSPREVIOUS), [before]);
    }
  }));
});
