import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { healthFailure, isHealthy, isProtected } from './health.ts';
import type { ObservedTask } from './model.ts';
import { planService, rollingLimits, stalledMessage } from './planner.ts';
import { deploy, serviceRecord, Simulation, task, TIMINGS, ZONES } from './test-fixtures.ts';

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

  // Any mix of tasks of the PRIMARY and an older deployment, in any state, some protected (expired or not).
  const D1 = 'ecs-svc/1000000000000000001';
  const observed = fc.array(fc.record({
    newer: fc.boolean(),
    lastStatus: fc.constantFrom('PROVISIONING', 'PENDING', 'RUNNING', 'STOPPED'),
    stopping: fc.boolean(),
    age: fc.integer({ min: 0, max: 120_000 }),
    healthCheck: fc.constantFrom(undefined, 'HEALTHY', 'UNHEALTHY', 'UNKNOWN'),
    protectedFor: fc.option(fc.integer({ min: -60_000, max: 60_000 }), { nil: undefined }),
    zone: fc.constantFrom('a', 'b'),
  }), { maxLength: 12 });

  test('a protected task is never stopped unless it failed its health checks or its service is being deleted', () => {
    const now = new Date(T0.getTime() + 10 * 60_000);
    fc.assert(fc.property(configs, observed, fc.boolean(), ({ desired, min, max }, specs, draining) => {
      const base = deploy(serviceRecord({ desired, min, max, now: T0 }), D2, 'td:2', T0);
      const record = draining ? { ...base, status: 'DRAINING' as const } : base;
      const tasks: ObservedTask[] = specs.map((t, i) => task(`t${i}`, t.newer ? D2 : D1, {
        lastStatus: t.lastStatus,
        desiredStatus: t.stopping || t.lastStatus === 'STOPPED' ? 'STOPPED' : 'RUNNING',
        subnetId: `subnet-${t.zone}`, availabilityZone: ZONES[`subnet-${t.zone}`] ?? '',
        ...(t.lastStatus === 'RUNNING' || t.lastStatus === 'STOPPED' ? { startedAt: new Date(now.getTime() - t.age) } : {}),
        ...(t.healthCheck !== undefined ? { hasHealthCheck: true, healthStatus: t.healthCheck } : {}),
        ...(t.protectedFor !== undefined ? { protectedUntil: new Date(now.getTime() + t.protectedFor) } : {}),
      }));
      const plan = planService({ snapshot: { record, tasks, subnetZones: ZONES }, now, timings: TIMINGS, nextDeploymentId: 'ecs-svc/1999999999999999999' });
      for (const stop of plan.stops) {
        const stopped = tasks.find((t) => t.taskId === stop.taskId);
        assert.ok(stopped);
        if (!isProtected(stopped, now)) continue;
        assert.ok(draining || healthFailure(stopped, now) !== undefined, `protected task ${stopped.taskId} stopped: ${stop.reason}`);
      }
    }), { numRuns: 300 });
  });

  test('a rolling deployment with a protected old task keeps it until protection lapses, then completes', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 100, max: 200 }), fc.integer({ min: 3, max: 20 }),
      (desired, min, max, ticks) => {
        const sim = rolledOut(desired, min, max);
        const guarded = sim.live()[0];
        assert.ok(guarded);
        guarded.protectedUntil = new Date(sim.now.getTime() + ticks * 10_000);
        while (sim.now.getTime() < guarded.protectedUntil.getTime() - 10_000) {
          sim.step();
          assert.notEqual(guarded.desiredStatus, 'STOPPED', 'stopped while protected');
          assert.ok(sim.record.deployments.length > 1, 'completed while a protected old task remains');
        }
        for (let i = 0; i < 40; i += 1) sim.step();
        // A configuration that stalls any deployment (the stall event) stops no old task, protected or not.
        const { maxTotal, minHealthy } = rollingLimits(sim.record);
        if (maxTotal <= desired && minHealthy >= desired) return;
        assert.equal(guarded.lastStatus, 'STOPPED');
        assert.equal(sim.record.deployments.length, 1);
        assert.equal(sim.record.deployments[0]?.deployment.rolloutState, 'COMPLETED');
      }));
  });
});
