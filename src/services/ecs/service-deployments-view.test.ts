import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planService } from '../../controllers/service-scheduler/planner.ts';
import { spec, task, TIMINGS, ZONES } from '../../controllers/service-scheduler/test-fixtures.ts';
import type { ObservedTask } from '../../controllers/service-scheduler/model.ts';
import type { IdSource } from '../../platform/ids.ts';
import { deploymentRecord, newDeployment, revisionIdOf, settleHistory } from './deployments.ts';
import type { DeploymentRecord, ServiceRecord } from './service-records.ts';
import {
  briefOf, SERVICE_DELETED_REASON, serviceDeploymentArn, serviceDeploymentViews, serviceRevisionArn, SUPERSEDED_REASON,
} from './service-deployments-view.ts';
import { describedArns, matchesFilters } from './service-deployments.ts';

const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/prod/web';
const T0 = new Date('2025-03-01T10:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

/** Deterministic ids: each draw is a different byte pattern. */
function ids(): IdSource {
  let n = 1;
  return { bytes: (size) => Buffer.alloc(size, n++), uuid: () => `00000000-0000-4000-8000-${String(n++).padStart(12, '0')}` };
}

function service(desired: number, breaker = { enable: true, rollback: true }, first?: DeploymentRecord): ServiceRecord {
  const record: ServiceRecord = {
    service: {
      serviceArn: SERVICE_ARN, serviceName: 'web', clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod', desiredCount: desired,
      runningCount: 0, pendingCount: 0, taskDefinition: 'td:1',
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: breaker },
    },
    status: 'ACTIVE', deployments: first ? [first] : [], pastDeployments: [], generation: 1, accountedTasks: [], startFailures: 0,
  };
  return stored(record);
}

/** What putServiceRecord does to the deployments on every write. */
function stored(record: ServiceRecord): ServiceRecord {
  return { ...record, deployments: settleHistory(record.deployments, record.service.deploymentConfiguration) };
}

/** One scheduler pass, its record stored as the applier would. */
function pass(record: ServiceRecord, tasks: ObservedTask[], now: Date, next = 'ecs-svc/1999999999999999999'): ServiceRecord {
  const plan = planService({ snapshot: { record, tasks, subnetZones: ZONES }, now, timings: TIMINGS, nextDeploymentId: next });
  return plan.record ? stored(plan.record) : record;
}

/** UpdateService with a new task definition: a new PRIMARY, the older ones ACTIVE. */
function update(record: ServiceRecord, source: IdSource, taskDefinition: string, now: Date): { record: ServiceRecord; id: string } {
  const next = newDeployment(source, now, spec(taskDefinition), record.service.desiredCount ?? 0);
  const older = record.deployments.map((d) => ({ ...d, deployment: { ...d.deployment, status: 'ACTIVE' } }));
  return { record: stored({ ...record, deployments: [next, ...older] }), id: next.deployment.id ?? '' };
}

describe('service deployments from deployment records', () => {
  test('a created service: PENDING, IN_PROGRESS once the scheduler acts, SUCCESSFUL when its rollout completes', () => {
    const source = ids();
    const first = newDeployment(source, T0, spec('td:1'), 1);
    const d1 = first.deployment.id ?? '';
    let record = service(1, { enable: true, rollback: true }, first);
    const [pending] = serviceDeploymentViews(record);
    assert.equal(pending?.status, 'PENDING');
    assert.equal(pending?.startedAt, undefined);
    assert.match(pending?.serviceDeploymentArn ?? '', /^arn:aws:ecs:us-east-1:123456789012:service-deployment\/prod\/web\/[A-Za-z0-9_-]{21}$/);
    assert.equal(pending?.targetServiceRevision?.arn, `arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/${revisionIdOf(d1)}`);
    assert.match(revisionIdOf(d1), /^\d{19}$/);
    assert.deepEqual(pending?.sourceServiceRevisions, []);
    assert.deepEqual(pending?.deploymentConfiguration, record.service.deploymentConfiguration);

    record = pass(record, [], at(1));
    const [started] = serviceDeploymentViews(record);
    assert.equal(started?.status, 'IN_PROGRESS');
    assert.deepEqual(started?.startedAt, at(1));
    assert.deepEqual(started?.targetServiceRevision, { arn: serviceRevisionArn(SERVICE_ARN, revisionIdOf(d1)), requestedTaskCount: 1, runningTaskCount: 0, pendingTaskCount: 1 });
    assert.deepEqual(started?.deploymentCircuitBreaker, { status: 'MONITORING', failureCount: 0, threshold: 3 });
    assert.deepEqual(started?.alarms, { status: 'DISABLED' });

    record = pass(record, [task('a', d1, { startedAt: at(2) })], at(30));
    const [done] = serviceDeploymentViews(record);
    assert.equal(done?.status, 'SUCCESSFUL');
    assert.deepEqual(done?.finishedAt, at(30));
    assert.deepEqual(done?.startedAt, at(1), 'startedAt is kept from the first pass');
    assert.equal(done?.stoppedAt, undefined);
    assert.deepEqual(done?.targetServiceRevision?.runningTaskCount, 1);
    assert.deepEqual(done?.deploymentCircuitBreaker, { status: 'MONITORING_COMPLETE', failureCount: 0, threshold: 3 });
    assert.deepEqual(briefOf(done ?? {}), {
      serviceDeploymentArn: done?.serviceDeploymentArn, serviceArn: SERVICE_ARN, clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
      startedAt: at(1), createdAt: T0, finishedAt: at(30), targetServiceRevisionArn: done?.targetServiceRevision?.arn, status: 'SUCCESSFUL',
    });
  });

  test('an update: newest first, its source is the running revision; the circuit breaker’s rollback belongs to the failed one', () => {
    const source = ids();
    const first = newDeployment(source, T0, spec('td:1'), 1);
    const d1 = first.deployment.id ?? '';
    let record = pass(pass(service(1, { enable: true, rollback: true }, first), [], at(1)), [task('a', d1, { startedAt: at(2) })], at(30));
    const updated = update(record, source, 'td:2', at(60));
    const d2 = updated.id;
    record = updated.record;
    const [newer, older] = serviceDeploymentViews(record);
    assert.equal(newer?.status, 'PENDING');
    assert.deepEqual(newer?.createdAt, at(60));
    assert.deepEqual(newer?.sourceServiceRevisions, [{ arn: serviceRevisionArn(SERVICE_ARN, revisionIdOf(d1)), requestedTaskCount: 1, runningTaskCount: 1, pendingTaskCount: 0 }]);
    assert.equal(newer?.targetServiceRevision?.arn, serviceRevisionArn(SERVICE_ARN, revisionIdOf(d2)));
    assert.equal(older?.status, 'SUCCESSFUL', 'a completed deployment stays SUCCESSFUL once replaced');
    assert.notEqual(newer?.serviceDeploymentArn, older?.serviceDeploymentArn);

    // Three of d2's tasks fail to start: the breaker trips (threshold 3) and rolls back to d1's revision.
    const running = task('a', d1, { startedAt: at(2) });
    const failedTask = (id: string): ObservedTask => task(id, d2, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'TaskFailedToStart' });
    record = pass(record, [running, failedTask('x'), failedTask('y'), failedTask('z')], at(90), 'ecs-svc/1777777777777777777');
    const views = serviceDeploymentViews(record);
    assert.equal(views.length, 2, 'the rollback is not a service deployment of its own');
    const [rolling] = views;
    assert.equal(rolling?.status, 'ROLLBACK_IN_PROGRESS');
    assert.equal(rolling?.statusReason, 'ECS deployment circuit breaker: tasks failed to start.');
    assert.deepEqual(rolling?.rollback, {
      reason: `ECS deployment circuit breaker: rolling back to deploymentId ${d1}.`, startedAt: at(90),
      serviceRevisionArn: serviceRevisionArn(SERVICE_ARN, revisionIdOf(d1)),
    });
    assert.deepEqual(rolling?.deploymentCircuitBreaker, { status: 'TRIGGERED', failureCount: 3, threshold: 3 });
    assert.equal(rolling?.targetServiceRevision?.arn, serviceRevisionArn(SERVICE_ARN, revisionIdOf(d2)));
    // d1's revision now runs under two deployments (its own, ACTIVE, and the rollback's): the source sums them.
    assert.equal(rolling?.sourceServiceRevisions?.[0]?.requestedTaskCount, 1 + 1);

    // The rollback's rollout decides how the failed service deployment ends.
    const rollback = record.deployments[0];
    assert.equal(rollback?.deployment.id, 'ecs-svc/1777777777777777777');
    assert.equal(rollback?.history?.revisionId, revisionIdOf(d1));
    const ending = (state: 'COMPLETED' | 'FAILED'): ServiceRecord => {
      const copy = structuredClone(record);
      const entry = copy.deployments[0];
      if (entry?.history) {
        entry.deployment.rolloutState = state;
        entry.history.finishedAt = at(120);
      }
      return copy;
    };
    const [succeeded] = serviceDeploymentViews(ending('COMPLETED'));
    assert.equal(succeeded?.status, 'ROLLBACK_SUCCESSFUL');
    assert.deepEqual(succeeded?.finishedAt, at(120));
    const [failed] = serviceDeploymentViews(ending('FAILED'));
    assert.equal(failed?.status, 'ROLLBACK_FAILED');
  });

  test('without a rollback a failed deployment is STOPPED; a replaced or deleted one stops when that happened', () => {
    const source = ids();
    const first = newDeployment(source, T0, spec('td:1'), 1);
    const d1 = first.deployment.id ?? '';
    const failedTask = (id: string): ObservedTask => task(id, d1, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'TaskFailedToStart' });
    const broken = pass(service(1, { enable: true, rollback: false }, first), [failedTask('x'), failedTask('y'), failedTask('z')], at(5));
    const [stopped] = serviceDeploymentViews(broken);
    assert.equal(stopped?.status, 'STOPPED');
    assert.deepEqual(stopped?.stoppedAt, at(5));
    assert.equal(stopped?.statusReason, 'ECS deployment circuit breaker: tasks failed to start.');
    assert.equal(stopped?.rollback, undefined);

    const replaced = update(pass(service(1, { enable: false, rollback: false }, newDeployment(source, T0, spec('td:1'), 1)), [], at(1)), source, 'td:2', at(40)).record;
    const [current, superseded] = serviceDeploymentViews(replaced);
    assert.equal(current?.status, 'PENDING');
    assert.equal(superseded?.status, 'STOPPED');
    assert.equal(superseded?.statusReason, SUPERSEDED_REASON);
    assert.deepEqual(superseded?.stoppedAt, at(40));
    assert.deepEqual(superseded?.deploymentCircuitBreaker, { status: 'DISABLED' });

    const deleted: ServiceRecord = { ...replaced, status: 'INACTIVE', inactiveAt: at(70) };
    const [gone] = serviceDeploymentViews(deleted);
    assert.equal(gone?.status, 'STOPPED');
    assert.equal(gone?.statusReason, SERVICE_DELETED_REASON);
    assert.deepEqual(gone?.stoppedAt, at(70));
  });

  test('history is completed at the first write only; deployments stored without history are not listed', () => {
    const source = ids();
    const legacy = deploymentRecord('ecs-svc/1000000000000000001', T0, spec('td:0'), 1, 'x');
    const first = newDeployment(source, T0, spec('td:1'), 1);
    const second = newDeployment(source, at(10), spec('td:2'), 1);
    const settled = settleHistory([second, first, legacy], { maximumPercent: 150 });
    assert.deepEqual(settled[0]?.history?.sourceRevisionIds, [revisionIdOf(first.deployment.id ?? '')]);
    assert.deepEqual(settled[0]?.history?.deploymentConfiguration, { maximumPercent: 150 });
    assert.equal(settled[2], legacy);
    // Settled entries keep what they had: a later configuration does not rewrite their history.
    const again = settleHistory(settled, { maximumPercent: 300 });
    assert.deepEqual(again[0]?.history?.deploymentConfiguration, { maximumPercent: 150 });
    const record = { ...service(1), deployments: settled };
    assert.equal(serviceDeploymentViews(record).length, 2);
  });

  test('ARNs follow ECS’s forms', () => {
    assert.equal(serviceDeploymentArn(SERVICE_ARN, 'ejGvqq2ilnbKT9qj0vLJe'), 'arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/ejGvqq2ilnbKT9qj0vLJe');
    assert.equal(serviceRevisionArn(SERVICE_ARN, '1485800978477494678'), 'arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/1485800978477494678');
  });
});

describe('ListServiceDeployments filters and Describe bounds', () => {
  const sd = { status: 'SUCCESSFUL' as const, createdAt: at(10) };
  test('status and createdAt (after and before are exclusive)', () => {
    assert.ok(matchesFilters(sd, {}));
    assert.ok(matchesFilters(sd, { status: ['SUCCESSFUL', 'STOPPED'] }));
    assert.ok(!matchesFilters(sd, { status: ['IN_PROGRESS'] }));
    assert.ok(matchesFilters(sd, { createdAt: { after: at(9), before: at(11) } }));
    assert.ok(!matchesFilters(sd, { createdAt: { after: at(10) } }));
    assert.ok(!matchesFilters(sd, { createdAt: { before: at(10) } }));
  });
  test('1 to 20 ARNs', () => {
    assert.throws(() => describedArns([], 'service deployment ARNs'), { name: 'InvalidParameterException' });
    assert.throws(() => describedArns(undefined, 'service deployment ARNs'), { name: 'InvalidParameterException' });
    assert.throws(() => describedArns(Array.from({ length: 21 }, (_, i) => `a${i}`), 'service deployment ARNs'), { name: 'InvalidParameterException' });
    assert.equal(describedArns(Array.from({ length: 20 }, (_, i) => `a${i}`), 'x').length, 20);
  });
});
