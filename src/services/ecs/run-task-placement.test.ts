import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { distributeStrategy, fargatePlatformVersion, runTaskCount } from './run-task-placement.ts';

test('base first, then the rest by weight (ecs-behaviour.md §8)', () => {
  const strategy = [{ capacityProvider: 'FARGATE', base: 2, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 1 }];
  assert.deepEqual(distributeStrategy(strategy, 4), ['FARGATE', 'FARGATE', 'FARGATE', 'FARGATE_SPOT']);
  assert.deepEqual(distributeStrategy(strategy, 1), ['FARGATE']);
  assert.deepEqual(distributeStrategy([{ capacityProvider: 'FARGATE', weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }], 4),
    ['FARGATE_SPOT', 'FARGATE', 'FARGATE_SPOT', 'FARGATE_SPOT']);
  assert.deepEqual(distributeStrategy([{ capacityProvider: 'FARGATE', weight: 0 }, { capacityProvider: 'FARGATE_SPOT', weight: 1 }], 3),
    ['FARGATE_SPOT', 'FARGATE_SPOT', 'FARGATE_SPOT']);
});

test('every task is placed, and the weighted part stays within one task of its share', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 1000 }),
    fc.integer({ min: 1, max: 10 }), (base, weightA, weightB, count) => {
      const strategy = [{ capacityProvider: 'A', base, weight: weightA }, { capacityProvider: 'B', weight: weightB }];
      const placed = distributeStrategy(strategy, count);
      assert.equal(placed.length, count);
      const fromBase = Math.min(base, count);
      const rest = count - fromBase;
      const onB = placed.filter((name) => name === 'B').length;
      assert.ok(Math.abs(onB - (rest * weightB) / (weightA + weightB)) <= 1);
    }));
});

test('count is 1 by default and 1..10 otherwise; LATEST is 1.4.0', () => {
  assert.equal(runTaskCount(undefined), 1);
  assert.equal(runTaskCount(10), 10);
  for (const bad of [0, 11, -1, 1.5]) assert.throws(() => runTaskCount(bad), { name: 'InvalidParameterException' });
  assert.equal(fargatePlatformVersion(undefined), '1.4.0');
  assert.equal(fargatePlatformVersion('LATEST'), '1.4.0');
  assert.equal(fargatePlatformVersion('1.3.0'), '1.3.0');
  assert.throws(() => fargatePlatformVersion('9.9.9'), { name: 'PlatformUnknownException' });
});
