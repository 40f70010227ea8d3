// The task runner's loop and applier: reads the tasks the store holds, asks the planner for each
// task's next step, and applies it — record changes each in their own store transaction, host work
// (attach, pull, start, stop, detach) in the background so the HTTP event loop never waits on it.
// Where state lives: the store holds what DescribeTasks shows; this class holds, in memory only,
// what it has done on the host (ObservedTask per task id, the containers and log sinks it started).
import type { Task } from '@aws-sdk/client-ecs';
import type { Clock } from '../../platform/clock.ts';
import { cryptoIds, type IdSource } from '../../platform/ids.ts';
import { systemTimers, type HealthMonitor, type HealthTimers } from '../../runtime/health/health-monitor.ts';
import type { NetworkJoin, TaskContainer } from '../../runtime/drivers/driver.ts';
import type { PulledImage } from '../../runtime/images/image-store.ts';
import { moveTask } from '../../runtime/task-lifecycle.ts';
import { deleteNetworkInterface } from '../../services/ec2/network-interfaces.ts';
import { putTaskRecord, type TaskRecord } from '../../services/ecs/task-records.ts';
import type { Scope, Store, StoreTx } from '../../store/store.ts';
import { applyTaskPatch } from './patch.ts';
import { HostWork } from './host-work.ts';
import { newObservedTask, type ObservedTask, type RunnerTask, type TaskAction, type TaskTarget } from './model.ts';
import { planTaskRunner } from './planner.ts';
import type { RunnerHost } from './ports.ts';
import { taskIdOf } from './task-spec.ts';
import type { AwslogsSink } from './awslogs.ts';
import { drainTaskTargets, registerTaskTargets } from './targets.ts';
import { ReconcileLoop } from '../reconcile-loop.ts';

export interface TaskRunnerOptions {
  store: Store;
  clock: Clock;
  log: (message: string) => void;
  /** The account/region scopes to look for tasks in. */
  scopes: () => Promise<Scope[]>;
  /** The host's runtime; when absent, `unavailable` says why and every task fails to start with it. */
  host?: RunnerHost;
  unavailable?: string;
  /** How often the store is read when nothing nudges the runner. */
  intervalMs?: number;
  /** Wait after a host step failed before it is tried again. */
  retryMs?: number;
  /** Ids of the service events the runner appends (targets registered and deregistered). */
  ids?: IdSource;
  /** The timers container health checks run on (tests pass fakes). */
  timers?: HealthTimers;
}

/** What the runner holds for a task it runs on this host (besides its ObservedTask). */
export interface TaskResources {
  vpcId: string;
  /** How the task's containers join its network, once attached. */
  join?: NetworkJoin;
  images: Map<string, PulledImage>;
  containers: Map<string, TaskContainer>;
  sinks: AwslogsSink[];
  /** Health checks by container name (health-checks.ts). */
  health: Map<string, HealthMonitor>;
  /** Each container's resolved `secrets` (memory only, never the store), read before the first container starts. */
  secrets?: Map<string, { name: string; value: string }[]>;
}

function newResources(vpcId: string): TaskResources {
  return { vpcId, images: new Map(), containers: new Map(), sinks: [], health: new Map() };
}

export class TaskRunner {
  readonly #options: TaskRunnerOptions;
  readonly #observed = new Map<string, ObservedTask>();
  readonly #resources = new Map<string, TaskResources>();
  readonly #retryAt = new Map<string, number>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #work: HostWork | undefined;
  readonly #loop: ReconcileLoop;

  constructor(options: TaskRunnerOptions) {
    if (!options.host && options.unavailable === undefined) throw new Error('a TaskRunner needs a host or the reason it has none');
    this.#options = options;
    this.#work = options.host ? new HostWork(options.host, options.clock, options.log, () => this.nudge(), options.timers ?? systemTimers) : undefined;
    this.#loop = new ReconcileLoop({ name: 'task runner', intervalMs: options.intervalMs ?? 250, pass: () => this.#tick(), log: options.log });
  }

  /** Adopts what the host has of this store's tasks, then plans every `intervalMs` and on nudge(). */
  async start(): Promise<void> {
    if (this.#work) await this.#adopt();
    this.#loop.start();
  }

  /** Plans again soon (after the current pass if one runs). */
  nudge(): void {
    this.#loop.nudge();
  }

  /**
   * Stops planning and waits for host steps in flight. Then, by default, lets go of the tasks: their
   * containers and networks stay, their logs are flushed with how far each was delivered, and the next
   * start re-attaches them. With `removeTasks` it removes every container and namespace it started
   * instead (tests; the records are left as they are, so a later start records those tasks STOPPED).
   */
  async stop(options: { removeTasks?: boolean } = {}): Promise<void> {
    await this.#loop.stop();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    const work = this.#work;
    if (!work) return;
    for (const [taskId, resources] of this.#resources) {
      const letGo = options.removeTasks ? work.teardown(taskId, resources.vpcId, resources) : work.release(resources);
      await letGo.catch((error: unknown) => this.#options.log(`task runner: leaving ${taskId}: ${describe(error)}`));
    }
    this.#resources.clear();
    this.#observed.clear();
  }

  async #tick(): Promise<void> {
    const tasks = await this.#readTasks();
    const now = this.#options.clock.now();
    const actions = planTaskRunner({
      tasks, observed: this.#observed, now, ...(this.#options.unavailable !== undefined && !this.#work ? { unavailable: this.#options.unavailable } : {}),
    });
    const byId = new Map(tasks.map((task) => [taskIdOf(task.record), task]));
    for (const action of actions) {
      if (!this.#loop.running) return;
      if (action.kind === 'forget') {
        this.#observed.delete(action.taskId);
        this.#resources.delete(action.taskId);
        this.#retryAt.delete(action.taskId);
      } else if (action.kind === 'record') {
        await this.#writeRecord(action);
        // What the record now says may allow the next step: plan again right after this pass.
        this.#loop.nudge();
      } else {
        const task = byId.get(action.taskId);
        if (task) this.#runHostStep(action, task);
      }
    }
  }

  async #readTasks(): Promise<RunnerTask[]> {
    const scopes = await this.#options.scopes();
    return this.#options.store.read(async (tx) => {
      const tasks: RunnerTask[] = [];
      for (const scope of scopes) {
        for (const row of await tx.list('ecs.task', scope, { state: 'RUNNING' })) tasks.push({ scope, record: row.body });
        for (const row of await tx.list('ecs.task', scope, { state: 'STOPPED' })) {
          if (row.body.task.lastStatus !== 'STOPPED') tasks.push({ scope, record: row.body });
        }
      }
      // Only service tasks have targets; their planner waits on them while DEACTIVATING.
      for (const task of tasks) {
        if (!task.record.service) continue;
        const rows = await tx.list('elbv2.target', task.scope, { name: task.record.task.taskArn ?? '' });
        task.targets = rows.map((row): TaskTarget => {
          const { targetGroupArn, id, port, state, drainUntil } = row.body;
          return { targetGroupArn, id, port, state, ...(drainUntil !== undefined ? { drainUntil } : {}) };
        });
      }
      return tasks;
    });
  }

  /** One transaction: skipped when the task moved meanwhile (the next pass plans from the new state). */
  async #writeRecord(action: Extract<TaskAction, { kind: 'record' }>): Promise<void> {
    const now = this.#options.clock.now();
    const notes = await this.#options.store.write(async (tx) => {
      const current = await tx.get('ecs.task', action.scope, action.taskId);
      if (!current || (current.task.lastStatus ?? 'PROVISIONING') !== action.expect) return [];
      const { task: patched, stopReason } = applyTaskPatch(current, action.patch);
      const task: Task = action.move ? moveTask(patched, action.move, now) : { ...patched, version: (patched.version ?? 0) + 1 };
      const record = { ...current, task, ...(stopReason ? { stopReason } : {}) };
      await putTaskRecord(tx, action.scope, record);
      if (action.deleteEni) await deleteEni(tx, action.scope, current.network.networkInterfaceId);
      const writes = { tx, scope: action.scope, record, now, ids: this.#options.ids ?? cryptoIds };
      if (action.targets === 'register') return registerTaskTargets(writes);
      if (action.targets === 'drain') return drainTaskTargets(writes);
      return [];
    });
    for (const note of notes) this.#options.log(`task ${action.taskId}: ${note}`);
    if (action.move) this.#options.log(`task ${action.taskId}: ${action.expect} → ${action.move}`);
  }

  #runHostStep(action: Exclude<TaskAction, { kind: 'record' | 'forget' }>, task: RunnerTask): void {
    const work = this.#work;
    if (!work) return;
    const retryAt = this.#retryAt.get(action.taskId);
    if (retryAt !== undefined && this.#options.clock.now().getTime() < retryAt) return;
    const observed = this.#observed.get(action.taskId) ?? newObservedTask();
    this.#observed.set(action.taskId, observed);
    const resources = this.#resources.get(action.taskId) ?? newResources(task.record.network.vpcId);
    this.#resources.set(action.taskId, resources);
    observed.busy = true;
    const step = work.run(action, task, observed, resources)
      .then(() => { this.#retryAt.delete(action.taskId); })
      .catch((error: unknown) => {
        this.#retryAt.set(action.taskId, this.#options.clock.now().getTime() + (this.#options.retryMs ?? 1000));
        this.#options.log(`task ${action.taskId}: ${action.kind} failed, will retry: ${describe(error)}`);
      })
      .finally(() => {
        observed.busy = false;
        this.#inFlight.delete(step);
        this.nudge();
      });
    this.#inFlight.add(step);
  }

  /**
   * After a restart: re-attaches the containers and networks of tasks that are not STOPPED (their logs
   * resume where delivery stopped; containers that exited meanwhile report their exit as usual). A task
   * that cannot be re-attached whole gets no ObservedTask, so the planner records it as lost and its stop
   * path removes what is left by name. Leftovers of tasks this store records as STOPPED are removed here;
   * anything else named `bth-` belongs to another Berth and is left alone.
   */
  async #adopt(): Promise<void> {
    const work = this.#work;
    if (!work) return;
    const joins = await (this.#options.host?.network.attached() ?? Promise.resolve(new Map<string, NetworkJoin>()));
    let adopted = 0;
    for (const task of await this.#readTasks()) {
      const taskId = taskIdOf(task.record);
      if ((task.record.task.lastStatus ?? 'PROVISIONING') === 'PROVISIONING') continue;
      const observed = newObservedTask();
      const resources = newResources(task.record.network.vpcId);
      if (await work.reattach(task, taskId, observed, resources, joins.get(taskId))) {
        this.#observed.set(taskId, observed);
        this.#resources.set(taskId, resources);
        adopted++;
      }
    }
    if (adopted > 0) this.#options.log(`task runner: re-attached ${adopted} task(s) a previous Berth started`);
    const leftovers = await work.leftovers();
    for (const taskId of this.#observed.keys()) leftovers.delete(taskId);
    if (leftovers.size === 0) return;
    const scopes = await this.#options.scopes();
    const records = await this.#options.store.read(async (tx) => {
      const found = new Map<string, TaskRecord>();
      for (const taskId of leftovers) {
        for (const scope of scopes) {
          const record = await tx.get('ecs.task', scope, taskId);
          if (record) found.set(taskId, record);
        }
      }
      return found;
    });
    for (const [taskId, record] of records) {
      if (record.task.lastStatus !== 'STOPPED') continue;
      await work.teardown(taskId, record.network.vpcId, newResources(record.network.vpcId));
      this.#options.log(`task ${taskId}: removed leftovers of a stopped task`);
    }
    const foreign = [...leftovers].filter((taskId) => !records.has(taskId));
    if (foreign.length > 0) this.#options.log(`task runner: leaving ${foreign.length} bth task(s) this store does not know (another Berth's?)`);
  }
}

/** The ENI goes with the task (AWS deletes a Fargate task's ENI when it stops); already gone is fine. */
async function deleteEni(tx: StoreTx, scope: Scope, networkInterfaceId: string): Promise<void> {
  if (await tx.get('ec2.network-interface', scope, networkInterfaceId)) await deleteNetworkInterface(tx, scope, networkInterfaceId);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

