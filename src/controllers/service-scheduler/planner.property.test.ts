import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isHealthy } from './health.ts';
import { rollingLimits, stalledMessage } from './planner.ts';
import { deploy, serviceRecord, Simulation, TIMINGS } from './test-fixtures.ts';

const T0 = new Date('2025-01-01T00:00:00Z');
const D2 = 'ecs-svc/1000000000000000002';

/** A service that reached its steady state on td:1, then an UpdateService to td:2. */
function rolledOut(desired: number, min: number, max: number): Simulation {
  const sim = new Simulation(serviceRecord({ desired, min, max, now: T0 }), T0);
  for (let i = 0; i < 8; i += 1) sim.step();
  sim.record = deploy(sim.record, D2, 'td:2', sim.now);
  return sim;
}

const configs = fc.record({
  desired: fc.integer({ min: 0, max: 12 }),
  min: fc.integer({ min: 0, max: 100 }),
  max: fc.integer({ min: 100, max: 200 }),
});

describe('service scheduler planner (properties)', () => {
  test('never more than floor(desired × maximumPercent) tasks desired RUNNING', () => {
    fc.assert(fc.property(configs, ({ desired, min, max }) => {
      const sim = rolledOut(desired, min, max);
      const { maxTotal } = rollingLimits(sim.record);
      for (let i = 0; i < 25; i += 1) {
        sim.step();
        assert.ok(sim.live().length <= Math.max(maxTotal, desired), `${sim.live().length} live > ${maxTotal}`);
      }
    }));
  });

  test('never below ceil(desired × minimumHealthyPercent) healthy tasks once there were that many', () => {
    fc.assert(fc.property(configs, ({ desired, min, max }) => {
      const sim = rolledOut(desired, min, max);
      const { minHealthy } = rollingLimits(sim.record);
      const healthyNow = () => sim.live().filter((t) => isHealthy(t, sim.now, TIMINGS)).length;
      assert.ok(healthyNow() >= minHealthy);
      for (let i = 0; i < 25; i += 1) {
        sim.step();
        // Healthy as of the planned moment: what the plan left running (tasks only stop on the next tick).
        assert.ok(healthyNow() >= minHealthy, `${healthyNow()} healthy < ${minHealthy}`);
      }
    }));
  });

  test('converges: one COMPLETED deployment of the new revision with desiredCount healthy tasks, or the stall event', () => {
    fc.assert(fc.property(configs, ({ desired, min, max }) => {
      const sim = rolledOut(desired, min, max);
      const { maxTotal, minHealthy } = rollingLimits(sim.record);
      for (let i = 0; i < 40; i += 1) sim.step();
      if (desired > 0 && maxTotal <= desired && minHealthy >= desired) {
        assert.ok(sim.events.includes(stalledMessage('web')));
        return;
      }
      assert.equal(sim.record.deployments.length, 1);
      assert.equal(sim.record.deployments[0]?.deployment.id, D2);
      assert.equal(sim.record.deployments[0]?.deployment.rolloutState, 'COMPLETED');
      assert.equal(sim.live().length, desired);
      assert.equal(sim.record.service.runningCount, desired);
      assert.ok(sim.live().every((t) => t.deploymentId === D2));
      // Spread: no two zones differ by more than one task (two subnets in two zones).
      const perZone = new Map<string, number>();
      for (const t of sim.live()) perZone.set(t.availabilityZone, (perZone.get(t.availabilityZone) ?? 0) + 1);
      const counts = [...perZone.values()];
      if (counts.length > 1) assert.ok(Math.max(...counts) - Math.min(...counts) <= 1);
    }));
  });

  test('scaling desiredCount anywhere converges without exceeding the maximum', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), (from, to) => {
      const sim = new Simulation(serviceRecord({ desired: from, now: T0 }), T0);
      for (let i = 0; i < 6; i += 1) sim.step();
      const primary = sim.record.deployments[0];
      if (!primary) throw new Error('no deployment');
      sim.record = {
        ...sim.record, service: { ...sim.record.service, desiredCount: to },
        deployments: [{ ...primary, deployment: { ...primary.deployment, desiredCount: to } }], generation: sim.record.generation + 1,
      };
      for (let i = 0; i < 10; i += 1) {
        sim.step();
        assert.ok(sim.live().length <= Math.max(from, Math.floor(to * 2)));
      }
      assert.equal(sim.live().length, to);
      assert.equal(sim.record.service.runningCount, to);
    }));
  });
});
