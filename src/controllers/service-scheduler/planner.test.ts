import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planService, protectedTasksMessage, stalledMessage } from './planner.ts';
import { deploy, serviceRecord, Simulation, task, TIMINGS, ZONES } from './test-fixtures.ts';

const T0 = new Date('2025-01-01T00:00:00Z');
const D1 = 'ecs-svc/1000000000000000001';
const D2 = 'ecs-svc/1000000000000000002';

function plan(record: ReturnType<typeof serviceRecord>, tasks: ReturnType<typeof task>[], now = T0) {
  return planService({ snapshot: { record, tasks, subnetZones: ZONES }, now, timings: TIMINGS, nextDeploymentId: 'ecs-svc/1999999999999999999' });
}

describe('service scheduler planner', () => {
  test('a new service launches desiredCount tasks spread over the subnets’ zones', () => {
    const result = plan(serviceRecord({ desired: 3, now: T0 }), []);
    assert.deepEqual(result.launches, [{ deploymentId: D1, subnetIds: ['subnet-a', 'subnet-b', 'subnet-a'] }]);
    assert.equal(result.record?.deployments[0]?.deployment.pendingCount, 3);
    assert.equal(result.record?.service.pendingCount, 3);
  });

  test('a task that stopped on its own is replaced and counted as failed while the rollout is in progress', () => {
    const record = serviceRecord({ desired: 2, now: T0 });
    const tasks = [task('a', D1, { startedAt: T0 }), task('b', D1, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited', startedAt: T0 })];
    const result = plan(record, tasks, new Date(T0.getTime() + 5_000));
    assert.equal(result.launches[0]?.subnetIds.length, 1);
    assert.equal(result.record?.deployments[0]?.deployment.failedTasks, 1);
    assert.deepEqual(result.record?.accountedTasks, ['b']);
    // Counted once: planning again from the stored record does not count it again.
    const again = plan(result.record ?? record, tasks, new Date(T0.getTime() + 6_000));
    assert.equal((again.record ?? result.record)?.deployments[0]?.deployment.failedTasks, 1);
  });

  test('reaches COMPLETED and a steady state once desiredCount tasks are healthy (40 s rule shortened to 20 s)', () => {
    const record = serviceRecord({ desired: 2, now: T0 });
    const tasks = [task('a', D1, { startedAt: T0, subnetId: 'subnet-a' }), task('b', D1, { startedAt: T0, subnetId: 'subnet-b', availabilityZone: 'us-east-1b' })];
    const early = plan(record, tasks, new Date(T0.getTime() + 10_000));
    assert.equal(early.record?.deployments[0]?.deployment.rolloutState, 'IN_PROGRESS');
    const later = plan(record, tasks, new Date(T0.getTime() + 21_000));
    assert.equal(later.record?.deployments[0]?.deployment.rolloutState, 'COMPLETED');
    assert.equal(later.record?.deployments[0]?.deployment.rolloutStateReason, `ECS deployment ${D1} completed.`);
    assert.deepEqual(later.events, [`(service web) (deployment ${D1}) deployment completed.`, '(service web) has reached a steady state.']);
  });

  test('scaling in tasks behind a load balancer begins draining them: the draining event comes before the stopped one', () => {
    const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
    const record = { ...serviceRecord({ desired: 0, now: T0 }) };
    const behind = (id: string) => task(id, D1, { startedAt: T0, targets: [{ targetGroupArn: tg, port: 8080, registration: 'registered', health: 'healthy' }] });
    const result = plan(record, [behind('a'), behind('b')], new Date(T0.getTime() + 60_000));
    assert.deepEqual(result.stops.map((s) => s.taskId).sort(), ['a', 'b']);
    assert.deepEqual(result.events.slice(0, 2), ['(service web) has begun draining connections on 2 tasks.', '(service web) has stopped 2 running tasks: (task a) (task b).']);
    const bare = plan(serviceRecord({ desired: 0, now: T0 }), [task('c', D1, { startedAt: T0 })], new Date(T0.getTime() + 60_000));
    assert.ok(!bare.events.some((e) => e.includes('draining')), 'no load balancer, nothing to drain');
  });

  test('a container-health failure is stopped with ECS’s reason and event after the grace period', () => {
    const record = serviceRecord({ desired: 1, now: T0 });
    const sick = task('a', D1, { startedAt: T0, hasHealthCheck: true, healthStatus: 'UNHEALTHY' });
    const result = plan(record, [sick], new Date(T0.getTime() + 1_000));
    assert.deepEqual(result.stops, [{ taskId: 'a', reason: 'Task failed container health checks' }]);
    assert.ok(result.events.includes('(service web) (task a) failed container health checks.'));
    assert.equal(result.launches[0]?.subnetIds.length, 1, 'replaced at once');
    const graced = plan(record, [{ ...sick, healthCheckGracePeriodSeconds: 60 }], new Date(T0.getTime() + 1_000));
    assert.deepEqual(graced.stops, []);
  });

  test('an ELB health failure names the target group and its reason', () => {
    const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
    const record = serviceRecord({ desired: 1, now: T0 });
    const sick = task('a', D1, {
      startedAt: T0, targets: [{ targetGroupArn: tg, port: 8080, registration: 'registered', health: 'unhealthy', description: 'Health checks failed with these codes: [404]' }],
    });
    const result = plan(record, [sick], new Date(T0.getTime() + 1_000));
    assert.deepEqual(result.stops, [{ taskId: 'a', reason: `Task failed ELB health checks in (target-group ${tg})` }]);
    assert.ok(result.events.includes(`(service web) (task a) (port 8080) is unhealthy in (target-group ${tg}) due to (reason Health checks failed with these codes: [404])`));
  });

  test('a task healthy in its target group counts toward the minimum; one still initial does not', () => {
    const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
    const base = serviceRecord({ desired: 1, now: T0 });
    const record = deploy(base, D2, 'td:2', T0);
    const old = task('old', D1, { startedAt: T0, targets: [{ targetGroupArn: tg, port: 80, registration: 'registered', health: 'healthy' }] });
    const fresh = task('new', D2, { startedAt: T0, targets: [{ targetGroupArn: tg, port: 80, registration: 'registered', health: 'initial' }] });
    assert.deepEqual(plan(record, [old, fresh], new Date(T0.getTime() + 1_000)).stops, []);
    const ready = { ...fresh, targets: [{ targetGroupArn: tg, port: 80, registration: 'registered' as const, health: 'healthy' as const }] };
    assert.deepEqual(plan(record, [old, ready], new Date(T0.getTime() + 1_000)).stops, [{ taskId: 'old', reason: `Scaling activity initiated by (deployment ${D2})` }]);
  });

  test('desired 2 with minimumHealthyPercent 100 and maximumPercent 100 stalls with ECS’s event', () => {
    const record = deploy(serviceRecord({ desired: 2, min: 100, max: 100, now: T0 }), D2, 'td:2', T0);
    const tasks = [task('a', D1, { startedAt: T0 }), task('b', D1, { startedAt: T0 })];
    const result = plan(record, tasks, new Date(T0.getTime() + 60_000));
    assert.deepEqual(result.launches, []);
    assert.deepEqual(result.stops, []);
    assert.ok(result.events.includes(stalledMessage('web')));
  });

  test('DeleteService: DRAINING stops every task, then the service goes INACTIVE', () => {
    const record = { ...serviceRecord({ desired: 0, now: T0 }), status: 'DRAINING' as const };
    const first = plan(record, [task('a', D1, { startedAt: T0 })]);
    assert.deepEqual(first.stops, [{ taskId: 'a', reason: `Scaling activity initiated by (deployment ${D1})` }]);
    assert.equal(first.record?.status ?? 'DRAINING', 'DRAINING');
    const done = plan(record, [task('a', D1, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'ServiceSchedulerInitiated' })]);
    assert.equal(done.record?.status, 'INACTIVE');
  });

  test('tasks that never start throttle launches with ECS’s event', () => {
    const sim = new Simulation(serviceRecord({ desired: 1, now: T0 }), T0, () => 'never-starts');
    for (let i = 0; i < 12; i += 1) sim.step(1_000);
    assert.ok(sim.events.includes('(service web) is unable to consistently start tasks successfully.'));
    const launchesBefore = sim.tasks.length;
    // Throttled: within the backoff window no task is launched.
    sim.step(1_000);
    sim.step(1_000);
    assert.ok(sim.tasks.length <= launchesBefore + 1);
    assert.ok(sim.record.launchNotBefore !== undefined);
  });

  test('circuit breaker: a revision that crashes fails after 3 tasks and rolls back to the completed deployment', () => {
    const sim = new Simulation(serviceRecord({ desired: 2, breaker: { enable: true, rollback: true }, now: T0 }), T0,
      (td) => (td === 'td:2' ? 'crash' : 'healthy'));
    for (let i = 0; i < 6; i += 1) sim.step();
    assert.equal(sim.record.deployments[0]?.deployment.rolloutState, 'COMPLETED');
    sim.record = deploy(sim.record, D2, 'td:2', sim.now);
    for (let i = 0; i < 30 && sim.record.deployments.length !== 1; i += 1) {
      sim.step();
      // minimumHealthyPercent 100: two tasks of the good revision keep running throughout.
      const good = new Set([...sim.record.deployments, ...sim.record.pastDeployments].filter((d) => d.spec.taskDefinition === 'td:1').map((d) => d.deployment.id));
      assert.ok(sim.live().filter((t) => good.has(t.deploymentId) && t.lastStatus === 'RUNNING').length >= 2);
    }
    const failed = [...sim.record.deployments, ...sim.record.pastDeployments].find((d) => d.deployment.id === D2);
    assert.equal(failed?.deployment.rolloutState, 'FAILED');
    assert.equal(failed?.deployment.rolloutStateReason, 'ECS deployment circuit breaker: tasks failed to start.');
    assert.ok((failed?.deployment.failedTasks ?? 0) >= 3);
    const primary = sim.record.deployments[0];
    assert.equal(primary?.spec.taskDefinition, 'td:1');
    assert.equal(sim.record.service.taskDefinition, 'td:1');
    assert.ok(sim.events.includes(`(service web) (deployment ${D2}) deployment failed: tasks failed to start.`));
    assert.ok(sim.events.includes(`(service web) rolling back to deployment ${D1}.`));
    for (let i = 0; i < 10; i += 1) sim.step();
    assert.equal(sim.record.deployments.length, 1);
    assert.equal(sim.record.deployments[0]?.deployment.rolloutState, 'COMPLETED');
    assert.match(sim.record.deployments[0]?.deployment.rolloutStateReason ?? '', /completed\.$/);
  });

  test('an INACTIVE service is removed an hour after it went INACTIVE', () => {
    const record = { ...serviceRecord({ desired: 0, now: T0 }), status: 'INACTIVE' as const, inactiveAt: T0 };
    assert.equal(plan(record, [], new Date(T0.getTime() + 30 * 60_000)).remove, false);
    assert.equal(plan(record, [], new Date(T0.getTime() + 61 * 60_000)).remove, true);
  });
});

describe('service scheduler planner: task scale-in protection', () => {
  const later = (ms: number) => new Date(T0.getTime() + ms);
  const HOUR = 60 * 60_000;
  const healthyTask = (id: string, deploymentId: string, fields: Parameters<typeof task>[2] = {}) => task(id, deploymentId, { startedAt: T0, ...fields });

  test('scale-in of PRIMARY passes over a protected task and stops an unprotected one', () => {
    const result = plan(serviceRecord({ desired: 1, now: T0 }), [
      healthyTask('a', D1, { protectedUntil: later(HOUR) }),
      healthyTask('b', D1, { subnetId: 'subnet-b', availabilityZone: 'us-east-1b' }),
    ], later(60_000));
    assert.deepEqual(result.stops.map((s) => s.taskId), ['b']);
    assert.ok(!result.events.includes(protectedTasksMessage('web', 1)), 'nothing was held back');
  });

  test('protected tasks beyond desiredCount stay, with the protection event, and the service is not steady', () => {
    const record = serviceRecord({ desired: 0, now: T0 });
    const result = plan(record, [healthyTask('a', D1, { protectedUntil: later(HOUR) }), healthyTask('b', D1)], later(60_000));
    assert.deepEqual(result.stops.map((s) => s.taskId), ['b']);
    assert.ok(result.events.includes(protectedTasksMessage('web', 1)));
    assert.ok(!result.events.some((e) => e.includes('steady state')));
    assert.notEqual(result.record?.deployments[0]?.deployment.rolloutState, 'COMPLETED');
  });

  test('protection that expired at `now` no longer holds', () => {
    const result = plan(serviceRecord({ desired: 0, now: T0 }), [healthyTask('a', D1, { protectedUntil: later(60_000) })], later(60_000));
    assert.deepEqual(result.stops.map((s) => s.taskId), ['a']);
  });

  test('a protected task that fails its health checks is still replaced', () => {
    const sick = healthyTask('a', D1, { hasHealthCheck: true, healthStatus: 'UNHEALTHY', protectedUntil: later(HOUR) });
    const result = plan(serviceRecord({ desired: 1, now: T0 }), [sick], later(1_000));
    assert.deepEqual(result.stops, [{ taskId: 'a', reason: 'Task failed container health checks' }]);
  });

  test('a rolling deployment waits for an old protected task, then stops it once protection expires', () => {
    const record = deploy(serviceRecord({ desired: 1, max: 200, now: T0 }), D2, 'td:2', T0);
    const tasks = [healthyTask('old', D1, { protectedUntil: later(HOUR) }), healthyTask('new', D2)];
    const during = plan(record, tasks, later(60_000));
    assert.deepEqual(during.stops, []);
    assert.ok(during.events.includes(protectedTasksMessage('web', 1)));
    assert.equal((during.record ?? record).deployments.length, 2, 'the old deployment stays while its task is protected');
    assert.equal((during.record ?? record).deployments[0]?.deployment.rolloutState, 'IN_PROGRESS');
    const after = plan(record, tasks, later(HOUR));
    assert.deepEqual(after.stops.map((s) => s.taskId), ['old']);
  });

  test('with maximumPercent 100 a protected old task gives the protection event, not the stall event', () => {
    const record = deploy(serviceRecord({ desired: 1, min: 100, max: 100, now: T0 }), D2, 'td:2', T0);
    const result = plan(record, [healthyTask('old', D1, { protectedUntil: later(HOUR) })], later(60_000));
    assert.deepEqual(result.launches, []);
    assert.ok(result.events.includes(protectedTasksMessage('web', 1)));
    assert.ok(!result.events.includes(stalledMessage('web')));
  });

  test('a DRAINING service (DeleteService) stops protected tasks too', () => {
    const record = { ...serviceRecord({ desired: 0, now: T0 }), status: 'DRAINING' as const };
    const result = plan(record, [healthyTask('a', D1, { protectedUntil: later(HOUR) })], later(60_000));
    assert.deepEqual(result.stops.map((s) => s.taskId), ['a']);
  });
});
