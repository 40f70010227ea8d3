// The task runner's pure planner: from each task record and what the runner observed on the host,
// the next step of that task's lifecycle (ecs-behaviour.md §1). Level-based: it reads state, not
// events, so running it again after any crash or missed wake-up gives the right next step.
import type { Container } from '@aws-sdk/client-ecs';
import { TASK_STATES, type TaskState } from '../../runtime/task-lifecycle.ts';
import {
  ESSENTIAL_EXITED,
  OOM_REASON,
  type ContainerPatch,
  type ObservedExit,
  type ObservedTask,
  type PlanInput,
  type RunnerTask,
  type TaskAction,
  type TaskPatch,
} from './model.ts';
import { containerDefinitions, isEssential, stopTimeouts, taskIdOf } from './task-spec.ts';
import { resolveDependencies } from './dependencies.ts';
import { healthPatch, withHealth } from './health-patch.ts';

/**
 * The reason a task gets when the runner finds it past PROVISIONING with nothing of it in memory: after a
 * restart, it could not re-attach all of the task's containers (they are gone, e.g. after a reboot, or the
 * task was still starting them).
 */
export const LOST_TASK_REASON = 'Task stopped because Berth restarted and could not re-attach all of its containers';
export const LOST_CONTAINER_REASON = 'ContainerRuntimeError: the container was gone when Berth restarted';

/** The next state on the way down from `state` (the stop half of the lifecycle table). */
const STOP_STEP: Readonly<Record<TaskState, TaskState | undefined>> = {
  PROVISIONING: 'DEPROVISIONING',
  PENDING: 'STOPPING',
  ACTIVATING: 'STOPPING',
  RUNNING: 'DEACTIVATING',
  DEACTIVATING: 'STOPPING',
  STOPPING: 'DEPROVISIONING',
  DEPROVISIONING: 'STOPPED',
  STOPPED: undefined,
};

const STOP_HALF: ReadonlySet<TaskState> = new Set(['DEACTIVATING', 'STOPPING', 'DEPROVISIONING']);

function stateOf(status: string | undefined): TaskState {
  return (TASK_STATES as readonly string[]).includes(status ?? '') ? status as TaskState : 'PROVISIONING';
}

/**
 * One action per task at most (the applier runs it, then plans again), plus `forget` for what the
 * runner remembers of tasks that are STOPPED or gone. Pure: same input, same plan.
 */
export function planTaskRunner(input: PlanInput): TaskAction[] {
  const actions: TaskAction[] = [];
  const live = new Set<string>();
  for (const task of input.tasks) {
    const taskId = taskIdOf(task.record);
    if (stateOf(task.record.task.lastStatus) !== 'STOPPED') live.add(taskId);
    const action = planTask(task, taskId, input.observed.get(taskId), input);
    if (action) actions.push(action);
  }
  for (const [taskId, observed] of input.observed) {
    if (!live.has(taskId) && !observed.busy) actions.push({ kind: 'forget', taskId });
  }
  return actions;
}

function planTask(task: RunnerTask, taskId: string, observed: ObservedTask | undefined, input: PlanInput): TaskAction | undefined {
  const { record } = task;
  const state = stateOf(record.task.lastStatus);
  if (state === 'STOPPED' || observed?.busy) return undefined;
  const recordAction = (move: TaskState | undefined, patch: TaskPatch, deleteEni = false, targets?: 'register' | 'drain'): TaskAction => ({
    kind: 'record', taskId, scope: task.scope, expect: state, patch, ...(move !== undefined ? { move } : {}), ...(deleteEni ? { deleteEni } : {}),
    ...(targets ? { targets } : {}),
  });
  const hostAction = (kind: 'attach-network' | 'pull' | 'start-containers' | 'detach-network'): TaskAction => ({ kind, taskId, scope: task.scope });
  const stopping = record.task.desiredStatus === 'STOPPED' || STOP_HALF.has(state);

  if (input.unavailable !== undefined) {
    // Nothing of the task can exist on this host: walk the stop half in the record alone.
    if (!stopping) return recordAction(undefined, failure(`ResourceInitializationError: ${input.unavailable}`));
    const next = STOP_STEP[state];
    return next === undefined ? undefined : recordAction(next, next === 'STOPPED' ? finalPatch(record.task.containers) : {}, next === 'STOPPED');
  }

  // Past PROVISIONING, and this runner never saw it: it ran before a restart, and its containers are gone.
  if (observed === undefined && state !== 'PROVISIONING' && record.task.desiredStatus !== 'STOPPED') {
    const containers: Record<string, ContainerPatch> = {};
    for (const c of record.task.containers ?? []) {
      if (c.lastStatus !== 'STOPPED' && c.name !== undefined) containers[c.name] = { reason: LOST_CONTAINER_REASON };
    }
    return recordAction(undefined, {
      desiredStatus: 'STOPPED', stopCode: state === 'RUNNING' ? 'EssentialContainerExited' : 'TaskFailedToStart', stoppedReason: LOST_TASK_REASON, containers,
    });
  }

  if (stopping) {
    switch (state) {
      case 'PROVISIONING': return recordAction('DEPROVISIONING', { attachmentStatus: 'DETACHING' });
      case 'STOPPING':
        if (!observed?.stopped) return { kind: 'stop-containers', taskId, scope: task.scope, timeouts: stopTimeouts(record) };
        return recordAction('DEPROVISIONING', { containers: exitPatches(observed, record.task.containers), attachmentStatus: 'DETACHING' });
      case 'DEPROVISIONING':
        if (observed?.network !== 'detached') return hostAction('detach-network');
        return recordAction('STOPPED', { ...finalPatch(record.task.containers), attachmentStatus: 'DELETED' }, true);
      case 'RUNNING':
        // Deregistration first (DEACTIVATING), in the same transaction as the move.
        return recordAction('DEACTIVATING', {}, false, registered(task) ? 'drain' : undefined);
      case 'DEACTIVATING':
        if (registered(task)) return recordAction(undefined, {}, false, 'drain');
        // Draining: the load balancer finishes in-flight requests while the containers still serve them.
        if (draining(task, input.now) && serving(task, observed)) return undefined;
        return recordAction('STOPPING', {});
      default: {
        const next = STOP_STEP[state];
        return next === undefined ? undefined : recordAction(next, {});
      }
    }
  }

  const seen = observed ?? { network: 'none', started: false, containers: {}, stopped: false, busy: false };
  if (seen.failure) {
    const containers: Record<string, ContainerPatch> = seen.failure.container !== undefined ? { [seen.failure.container]: { reason: seen.failure.stoppedReason } } : {};
    return recordAction(undefined, { ...failure(seen.failure.stoppedReason), containers });
  }
  switch (state) {
    case 'PROVISIONING':
      return seen.network === 'attached' ? recordAction('PENDING', { attachmentStatus: 'ATTACHED' }) : hostAction('attach-network');
    case 'PENDING':
      return recordAction('ACTIVATING', { pullStartedAt: input.now });
    case 'ACTIVATING': {
      if (!seen.pull) return hostAction('pull');
      // An essential container that exited (or can never start) while others wait for dependencies stops the task.
      const down = planExits(task, seen, recordAction, true);
      if (down) return down;
      if (!seen.started) {
        // A health change is recorded before the containers waiting on it start (DescribeTasks shows why they did).
        const health = seen.startingSince !== undefined ? healthPatch(record, seen) : undefined;
        if (health) return recordAction(undefined, health);
        const waiting = seen.startingSince !== undefined
          && resolveDependencies(containerDefinitions(record), seen.containers, seen.startingSince, input.now);
        // Waiting on dependencies: the next exit or health change (which nudge the runner) or startTimeout moves things on.
        if (waiting && waiting.ready.length === 0 && waiting.blocked.length === 0) return undefined;
        return hostAction('start-containers');
      }
      // A service task's targets are registered with the move (ECS registers them while ACTIVATING).
      const running = withHealth(record, seen, { pullStoppedAt: seen.pull.pulledAt, containers: runningPatches(seen) });
      return recordAction('RUNNING', running, false, (record.service?.loadBalancers.length ?? 0) > 0 ? 'register' : undefined);
    }
    case 'RUNNING': {
      const exits = planExits(task, seen, recordAction);
      if (exits) return exits;
      const health = healthPatch(record, seen);
      return health ? recordAction(undefined, health) : undefined;
    }
    default:
      return undefined;
  }
}

/** A target of the task still takes new requests. */
function registered(task: RunnerTask): boolean {
  return (task.targets ?? []).some((t) => t.state === 'registered');
}

/** A target of the task is draining and its deregistration delay has not run out. */
function draining(task: RunnerTask, now: Date): boolean {
  return (task.targets ?? []).some((t) => t.state === 'draining' && (t.drainUntil === undefined || t.drainUntil.getTime() > now.getTime()));
}

/**
 * Its containers can still answer in-flight requests: started here, and no essential container exited.
 * When one did (or Berth lost them), the targets are deregistered without waiting for the drain: nothing
 * would answer, and ECS stops such a task at once (the choice is Berth's; LIMITATIONS.md says so).
 */
function serving(task: RunnerTask, observed: ObservedTask | undefined): boolean {
  if (!observed?.started) return false;
  return !containerDefinitions(task.record).some((d) => isEssential(d) && observed.containers[d.name ?? '']?.exit !== undefined);
}

function failure(stoppedReason: string): TaskPatch {
  return { desiredStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedReason };
}

/**
 * Records containers that exited; when an essential one did, the task stops. `essentialOnly` (a task still
 * starting its containers): only an essential exit is acted on; other exits are recorded with the move to RUNNING.
 */
function planExits(task: RunnerTask, observed: ObservedTask,
  recordAction: (move: TaskState | undefined, patch: TaskPatch) => TaskAction, essentialOnly = false): TaskAction | undefined {
  const recorded = new Map((task.record.task.containers ?? []).map((c) => [c.name, c]));
  const fresh: Record<string, ContainerPatch> = {};
  let essentialExited = false;
  for (const definition of containerDefinitions(task.record)) {
    const name = definition.name ?? '';
    const exit = observed.containers[name]?.exit;
    if (!exit) continue;
    if (isEssential(definition)) essentialExited = true;
    if (recorded.get(name)?.lastStatus !== 'STOPPED') fresh[name] = exitPatch(exit);
  }
  if (Object.keys(fresh).length === 0 || (essentialOnly && !essentialExited)) return undefined;
  return recordAction(undefined, essentialExited
    ? { desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedReason: ESSENTIAL_EXITED, containers: fresh }
    : { containers: fresh });
}

function exitPatch(exit: ObservedExit): ContainerPatch {
  const reason = exit.oomKilled ? OOM_REASON : exit.reason;
  return { lastStatus: 'STOPPED', ...(exit.exitCode !== undefined ? { exitCode: exit.exitCode } : {}), ...(reason !== undefined ? { reason } : {}) };
}

/** The move to RUNNING: started containers RUNNING, those that already exited (or never started) STOPPED. */
function runningPatches(observed: ObservedTask): Record<string, ContainerPatch> {
  const patches: Record<string, ContainerPatch> = {};
  for (const [name, c] of Object.entries(observed.containers)) {
    const identity = { ...(c.never ? {} : { runtimeId: c.runtimeId }), ...(c.imageDigest !== undefined ? { imageDigest: c.imageDigest } : {}) };
    patches[name] = c.exit ? { ...identity, ...exitPatch(c.exit) } : { lastStatus: 'RUNNING', ...identity };
  }
  return patches;
}

/** After stop-containers: every container that ran is STOPPED with its exit code. */
function exitPatches(observed: ObservedTask, recorded: Container[] | undefined): Record<string, ContainerPatch> {
  const patches: Record<string, ContainerPatch> = {};
  for (const [name, c] of Object.entries(observed.containers)) {
    const already = recorded?.find((r) => r.name === name);
    if (c.exit && already?.lastStatus !== 'STOPPED') patches[name] = exitPatch(c.exit);
  }
  return patches;
}

/** The STOPPED move: every container not yet STOPPED becomes so (a container that never started has no exit code). */
function finalPatch(recorded: Container[] | undefined): TaskPatch {
  const containers: Record<string, ContainerPatch> = {};
  for (const c of recorded ?? []) if (c.lastStatus !== 'STOPPED' && c.name !== undefined) containers[c.name] = { lastStatus: 'STOPPED' };
  return { containers };
}
