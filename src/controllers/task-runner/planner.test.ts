// The task runner's planner: examples of each step, and properties over random records and
// observations (fast-check): only legal moves, one step per task, nothing for a busy task, and
// a simulated host always converges (RUNNING and quiet, or STOPPED) through states in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { canMove, moveTask, TASK_STATES, type TaskState } from '../../runtime/task-lifecycle.ts';
import type { TaskRecord } from '../../services/ecs/task-records.ts';
import { ESSENTIAL_EXITED, newObservedTask, OOM_REASON, type ObservedContainer, type ObservedTask, type TaskAction } from './model.ts';
import { applyTaskPatch } from './patch.ts';
import { LOST_TASK_REASON, planTaskRunner } from './planner.ts';

const SCOPE = { account: '123456789012', region: 'us-east-1' };
const TASK_ID = '0123456789abcdef0123456789abcdef';
const NOW = new Date('2024-01-01T00:00:00Z');

function record(lastStatus: TaskState, desiredStatus = 'RUNNING', containers: ContainerDefinition[] = [{ name: 'app', image: 'img' }]): TaskRecord {
  return {
    task: { taskArn: `arn:aws:ecs:us-east-1:123456789012:task/default/${TASK_ID}`, lastStatus, desiredStatus, version: 1, containers: containers.map((c) => ({ name: c.name, lastStatus: 'PENDING' })) },
    taskDefinition: { family: 'f', revision: 1, containerDefinitions: containers },
    overrides: {},
    network: { networkInterfaceId: 'eni-1', subnetId: 's', vpcId: 'vpc-1', subnetCidr: '10.0.1.0/24', vpcCidrBlocks: [], gatewayIp: '10.0.1.1', privateIpv4Address: '10.0.1.5', macAddress: '02:00:00:00:00:01', securityGroupIds: [], assignPublicIp: false },
  };
}

function plan(r: TaskRecord, observed?: ObservedTask, unavailable?: string): TaskAction[] {
  return planTaskRunner({ tasks: [{ scope: SCOPE, record: r }], observed: new Map(observed ? [[TASK_ID, observed]] : []), now: NOW, ...(unavailable ? { unavailable } : {}) });
}

test('the start half: attach, PENDING, ACTIVATING with pullStartedAt, pull, start, RUNNING', () => {
  assert.equal(plan(record('PROVISIONING'))[0]?.kind, 'attach-network');
  const attached = { ...newObservedTask(), network: 'attached' as const };
  assert.deepEqual(plan(record('PROVISIONING'), attached)[0], { kind: 'record', taskId: TASK_ID, scope: SCOPE, expect: 'PROVISIONING', move: 'PENDING', patch: { attachmentStatus: 'ATTACHED' } });
  assert.deepEqual(plan(record('PENDING'), attached)[0], { kind: 'record', taskId: TASK_ID, scope: SCOPE, expect: 'PENDING', move: 'ACTIVATING', patch: { pullStartedAt: NOW } });
  assert.equal(plan(record('ACTIVATING'), attached)[0]?.kind, 'pull');
  const pulled = { ...attached, pull: { pulledAt: NOW, digests: {} } };
  assert.equal(plan(record('ACTIVATING'), pulled)[0]?.kind, 'start-containers');
  const started = { ...pulled, started: true, containers: { app: { runtimeId: 'bth-x-0' } } };
  const running = plan(record('ACTIVATING'), started)[0];
  assert.equal(running?.kind === 'record' && running.move, 'RUNNING');
  assert.deepEqual(running?.kind === 'record' && running.patch.containers, { app: { lastStatus: 'RUNNING', runtimeId: 'bth-x-0' } });
  assert.deepEqual(plan(record('RUNNING'), started), []);
});

test('an essential exit stops the task; an OOM kill gets its reason; a non-essential exit only updates the container', () => {
  const observed = (exitCode: number, oomKilled = false) => ({ ...newObservedTask(), network: 'attached' as const, started: true, containers: { app: { runtimeId: 'r', exit: { exitCode, oomKilled } } } });
  const [stop] = plan(record('RUNNING'), observed(137, true));
  assert.ok(stop?.kind === 'record');
  assert.equal(stop.patch.stopCode, 'EssentialContainerExited');
  assert.equal(stop.patch.stoppedReason, ESSENTIAL_EXITED);
  assert.deepEqual(stop.patch.containers, { app: { lastStatus: 'STOPPED', exitCode: 137, reason: OOM_REASON } });
  const [side] = plan(record('RUNNING', 'RUNNING', [{ name: 'app', essential: false }]), observed(0));
  assert.ok(side?.kind === 'record');
  assert.equal(side.patch.desiredStatus, undefined);
});

test('the stop half: DEACTIVATING, STOPPING, stop with stopTimeout clamped to 120 s, DEPROVISIONING, detach, STOPPED deleting the ENI', () => {
  const seen = { ...newObservedTask(), network: 'attached' as const, started: true, containers: { app: { runtimeId: 'r' } } };
  assert.equal((plan(record('RUNNING', 'STOPPED'), seen)[0] as { move?: string }).move, 'DEACTIVATING');
  assert.equal((plan(record('DEACTIVATING', 'STOPPED'), seen)[0] as { move?: string }).move, 'STOPPING');
  const defs = [{ name: 'app', stopTimeout: 500 }, { name: 'side' }];
  assert.deepEqual(plan(record('STOPPING', 'STOPPED', defs), seen)[0], { kind: 'stop-containers', taskId: TASK_ID, scope: SCOPE, timeouts: [{ container: 'app', timeoutMs: 120_000 }, { container: 'side', timeoutMs: 30_000 }] });
  assert.equal(plan(record('DEPROVISIONING', 'STOPPED'), { ...seen, stopped: true })[0]?.kind, 'detach-network');
  const last = plan(record('DEPROVISIONING', 'STOPPED'), { ...seen, stopped: true, network: 'detached' })[0];
  assert.ok(last?.kind === 'record' && last.move === 'STOPPED' && last.deleteEni === true);
});

test('a task this runner never saw past PROVISIONING is lost (restart); an unavailable host fails every task', () => {
  const [lost] = plan(record('RUNNING'));
  assert.ok(lost?.kind === 'record');
  assert.equal(lost.patch.stoppedReason, LOST_TASK_REASON);
  const [failed] = plan(record('PROVISIONING'), undefined, 'the runc driver cannot run on this host: no root');
  assert.ok(failed?.kind === 'record');
  assert.equal(failed.patch.stopCode, 'TaskFailedToStart');
  assert.equal(failed.patch.stoppedReason, 'ResourceInitializationError: the runc driver cannot run on this host: no root');
});

const stateArb = fc.constantFrom(...TASK_STATES);
const observedArb: fc.Arbitrary<ObservedTask | undefined> = fc.option(fc.record({
  busy: fc.boolean(),
  network: fc.constantFrom('none' as const, 'attached' as const, 'detached' as const),
  started: fc.boolean(),
  stopped: fc.boolean(),
  containers: fc.constantFrom<Record<string, ObservedContainer>[]>({}, { app: { runtimeId: 'r' } }, { app: { runtimeId: 'r', exit: { exitCode: 3, oomKilled: false } } }),
  failure: fc.option(fc.constant({ stopCode: 'TaskFailedToStart' as const, stoppedReason: 'x', container: 'app' }), { nil: undefined }),
  pull: fc.option(fc.constant({ pulledAt: NOW, digests: {} }), { nil: undefined }),
}), { nil: undefined });

test('property: only legal moves from the recorded state, at most one step per task, nothing for a busy task', () => {
  fc.assert(fc.property(stateArb, fc.constantFrom('RUNNING', 'STOPPED'), observedArb, fc.boolean(), (state, desired, observed, unavailable) => {
    const actions = plan(record(state, desired), observed, unavailable ? 'no runc' : undefined).filter((a) => a.kind !== 'forget');
    assert.ok(actions.length <= 1);
    if (state === 'STOPPED' || observed?.busy) assert.deepEqual(actions, []);
    for (const action of actions) {
      if (action.kind !== 'record') continue;
      assert.equal(action.expect, state);
      if (action.move) assert.ok(canMove(state, action.move), `${state} → ${action.move}`);
      if (action.deleteEni) assert.equal(action.move, 'STOPPED');
    }
  }));
});

/** A host that does what it is told, with the scenario's failures and exits. */
function simulate(scenario: { attachFails: boolean; pullFails: boolean; exitCode: number | null; userStopAt: number | null; essential: boolean }): { states: TaskState[]; final: TaskRecord; quiet: boolean } {
  let r = record('PROVISIONING', 'RUNNING', [{ name: 'app', essential: scenario.essential }]);
  let observed: ObservedTask | undefined;
  const states: TaskState[] = ['PROVISIONING'];
  for (let step = 0; step < 60; step++) {
    if (step === scenario.userStopAt) r = { ...r, task: { ...r.task, desiredStatus: 'STOPPED', stopCode: 'UserInitiated' } };
    const action = plan(r, observed).find((a) => a.kind !== 'forget');
    if (!action && (scenario.userStopAt === null || step > scenario.userStopAt)) return { states, final: r, quiet: true };
    if (!action) continue;
    if (action.kind === 'record') {
      const { task } = applyTaskPatch(r, action.patch);
      r = { ...r, task: action.move ? moveTask(task, action.move, NOW) : task };
      if (action.move) states.push(action.move);
      continue;
    }
    const o: ObservedTask = observed ?? newObservedTask();
    observed = o;
    if (action.kind === 'attach-network') {
      if (scenario.attachFails) o.failure = { stopCode: 'TaskFailedToStart', stoppedReason: 'eni' };
      else o.network = 'attached';
    } else if (action.kind === 'pull') {
      if (scenario.pullFails) o.failure = { stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: x', container: 'app' };
      else o.pull = { pulledAt: NOW, digests: {} };
    } else if (action.kind === 'start-containers') {
      o.started = true;
      o.containers = { app: { runtimeId: 'r', ...(scenario.exitCode !== null ? { exit: { exitCode: scenario.exitCode, oomKilled: false } } : {}) } };
    } else if (action.kind === 'stop-containers') {
      for (const c of Object.values(o.containers)) c.exit ??= { exitCode: 137, oomKilled: false };
      o.stopped = true;
    } else if (action.kind === 'detach-network') {
      o.network = 'detached';
    }
  }
  return { states, final: r, quiet: false };
}

test('property: a simulated host converges through lifecycle states in order', () => {
  fc.assert(fc.property(fc.record({
    attachFails: fc.boolean(), pullFails: fc.boolean(), exitCode: fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }),
    userStopAt: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }), essential: fc.boolean(),
  }), (scenario) => {
    const { states, final, quiet } = simulate(scenario);
    assert.ok(quiet, 'the plan settles');
    for (let i = 1; i < states.length; i++) assert.ok(TASK_STATES.indexOf(states[i] as TaskState) > TASK_STATES.indexOf(states[i - 1] as TaskState), states.join(' → '));
    const mustStop = scenario.attachFails || scenario.pullFails || scenario.userStopAt !== null || (scenario.exitCode !== null && scenario.essential);
    if (mustStop) assert.equal(final.task.lastStatus, 'STOPPED', states.join(' → '));
    else assert.equal(final.task.lastStatus, 'RUNNING');
    if (final.task.lastStatus === 'STOPPED') assert.equal(final.task.containers?.[0]?.lastStatus, 'STOPPED');
    if (scenario.userStopAt === null && scenario.pullFails && !scenario.attachFails) assert.equal(final.task.stopCode, 'TaskFailedToStart');
  }), { numRuns: 300 });
});

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/0123456789abcdef';
const SERVICE = {
  serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/default/api', serviceName: 'api', deploymentId: 'ecs-svc/1234567890123456789',
  loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 8080 }], healthCheckGracePeriodSeconds: 0,
};
const LATER = new Date(NOW.getTime() + 300_000);
const EARLIER = new Date(NOW.getTime() - 1);
type Target = NonNullable<Parameters<typeof planTaskRunner>[0]['tasks'][number]['targets']>[number];
const target = (state: 'registered' | 'draining', drainUntil?: Date): Target => ({ targetGroupArn: TG, id: '10.0.1.5', port: 8080, state, ...(drainUntil ? { drainUntil } : {}) });

function planService(r: TaskRecord, observed: ObservedTask | undefined, targets: Target[]): TaskAction[] {
  return planTaskRunner({ tasks: [{ scope: SCOPE, record: { ...r, service: SERVICE }, targets }], observed: new Map(observed ? [[TASK_ID, observed]] : []), now: NOW });
}

const serving = (): ObservedTask => ({ ...newObservedTask(), network: 'attached', started: true, pull: { pulledAt: NOW, digests: {} }, containers: { app: { runtimeId: 'r' } } });

test('a service task registers its targets with the move to RUNNING; a task without a service does not', () => {
  const started = { ...serving(), started: true };
  const [move] = planService(record('ACTIVATING'), started, []);
  assert.ok(move?.kind === 'record');
  assert.equal(move.move, 'RUNNING');
  assert.equal(move.targets, 'register');
  assert.equal(move.patch.healthStatus, 'UNKNOWN');
  const [plain] = plan(record('ACTIVATING'), started);
  assert.ok(plain?.kind === 'record' && plain.move === 'RUNNING' && plain.targets === undefined);
});

test('DEACTIVATING: drain what is registered, wait while targets drain and the containers serve, then STOPPING', () => {
  const stopping = (state: TaskState) => record(state, 'STOPPED');
  const [deactivate] = planService(stopping('RUNNING'), serving(), [target('registered')]);
  assert.deepEqual(deactivate, { kind: 'record', taskId: TASK_ID, scope: SCOPE, expect: 'RUNNING', move: 'DEACTIVATING', patch: {}, targets: 'drain' });
  const [noTargets] = planService(stopping('RUNNING'), serving(), []);
  assert.ok(noTargets?.kind === 'record' && noTargets.move === 'DEACTIVATING' && noTargets.targets === undefined);
  const [again] = planService(stopping('DEACTIVATING'), serving(), [target('registered')]);
  assert.ok(again?.kind === 'record' && again.move === undefined && again.targets === 'drain', 'a target still registered is drained');
  assert.deepEqual(planService(stopping('DEACTIVATING'), serving(), [target('draining', LATER)]), [], 'waits for the drain');
  const move = (targets: Target[], observed: ObservedTask | null = serving()) => {
    const [action] = planService(stopping('DEACTIVATING'), observed ?? undefined, targets);
    return action?.kind === 'record' ? action.move : action?.kind;
  };
  assert.equal(move([]), 'STOPPING', 'the load balancer removed the target');
  assert.equal(move([target('draining', EARLIER)]), 'STOPPING', 'drainUntil passed');
  const crashed = serving();
  crashed.containers = { app: { runtimeId: 'r', exit: { exitCode: 1, oomKilled: false } } };
  assert.equal(move([target('draining', LATER)], crashed), 'STOPPING', 'an essential container exited: nothing to drain');
  assert.equal(move([target('draining', LATER)], null), 'STOPPING', 'containers lost to a restart');
});

test('container health: the record is patched only when the observed health differs', () => {
  const defs: ContainerDefinition[] = [{ name: 'app', healthCheck: { command: ['CMD', 'true'] } }, { name: 'side', essential: false }];
  const r = record('RUNNING', 'RUNNING', defs);
  const seen = (health?: 'HEALTHY' | 'UNHEALTHY') => ({ ...serving(), containers: { app: { runtimeId: 'r', ...(health ? { health } : {}) }, side: { runtimeId: 's' } } });
  assert.deepEqual(plan(r, seen()), [], 'no result yet: UNKNOWN, as recorded');
  const [healthy] = plan(r, seen('HEALTHY'));
  assert.ok(healthy?.kind === 'record' && healthy.move === undefined);
  assert.deepEqual(healthy.patch, { healthStatus: 'HEALTHY', containers: { app: { healthStatus: 'HEALTHY' } } });
  const recorded: TaskRecord = { ...r, task: { ...r.task, healthStatus: 'HEALTHY', containers: [{ name: 'app', healthStatus: 'HEALTHY' }, { name: 'side' }] } };
  assert.deepEqual(plan(recorded, seen('HEALTHY')), []);
  const [sick] = plan(recorded, seen('UNHEALTHY'));
  assert.ok(sick?.kind === 'record');
  assert.deepEqual(sick.patch, { healthStatus: 'UNHEALTHY', containers: { app: { healthStatus: 'UNHEALTHY' } } });
  assert.equal(sick.patch.desiredStatus, undefined, 'the runner never stops a task for its health');
});

test('property: a service task never leaves DEACTIVATING while a target is registered, nor while one drains and its containers serve', () => {
  const targetArb: fc.Arbitrary<Target> = fc.record({
    state: fc.constantFrom('registered' as const, 'draining' as const),
    until: fc.option(fc.integer({ min: -10_000, max: 10_000 }), { nil: undefined }),
  }).map(({ state, until }) => target(state, until === undefined ? undefined : new Date(NOW.getTime() + until)));
  fc.assert(fc.property(stateArb, fc.array(targetArb, { maxLength: 3 }), observedArb, (state, targets, observed) => {
    const actions = planService(record(state, 'STOPPED'), observed, targets).filter((a) => a.kind !== 'forget');
    for (const action of actions) {
      if (action.kind !== 'record') continue;
      if (action.move) assert.ok(canMove(state, action.move));
      if (action.targets === 'register') assert.fail('a stopping task registers nothing');
      if (state === 'DEACTIVATING' && action.move === 'STOPPING') {
        assert.ok(!targets.some((t) => t.state === 'registered'));
        const drains = targets.some((t) => t.state === 'draining' && (t.drainUntil?.getTime() ?? Infinity) > NOW.getTime());
        const live = observed?.started === true && !Object.values(observed.containers).some((c) => c.exit);
        assert.ok(!(drains && live), 'left while draining with serving containers');
      }
    }
  }));
});
