// The service scheduler's loop: every intervalMs and on nudge(), one pass at a time, it reads every
// scope's services (observe.ts), plans each (planner.ts) and applies each plan in its own transaction
// (apply.ts). Everything it knows lives in the store, so a restarted scheduler carries on where it was.
import type { Clock } from '../../platform/clock.ts';
import type { IdSource } from '../../platform/ids.ts';
import { SYSTEM_SCOPE } from '../../services/common/scope.ts';
import type { TaskEvents } from '../../services/common/task-events.ts';
import { newDeploymentId } from '../../services/ecs/deployments.ts';
import type { Scope, Store } from '../../store/store.ts';
import { applyPlan } from './apply.ts';
import type { SchedulerTimings } from './model.ts';
import { observeScope } from './observe.ts';
import { planService } from './planner.ts';
import { ReconcileLoop } from '../reconcile-loop.ts';
import type { RoleTrust } from '../../services/common/role-trust.ts';

export interface SchedulerLoopOptions {
  store: Store;
  clock: Clock;
  ids: IdSource;
  log: (message: string) => void;
  taskEvents: TaskEvents;
  timings: SchedulerTimings;
  /** Whether ECS may assume a service task's roles; absent: not checked. */
  roleTrust?: RoleTrust;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.stack ?? error.message : String(error);
}

export class SchedulerLoop {
  readonly #options: SchedulerLoopOptions;
  readonly #loop: ReconcileLoop;

  constructor(options: SchedulerLoopOptions) {
    this.#options = options;
    this.#loop = new ReconcileLoop({ name: 'service scheduler', intervalMs: options.timings.intervalMs, pass: () => this.#tick(), log: options.log });
  }

  start(): void {
    this.#loop.start();
  }

  /** Plans again soon (after the current pass if one runs). */
  nudge(): void {
    this.#loop.nudge();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  async #tick(): Promise<void> {
    const { store } = this.#options;
    // Services live in scopes that hold tasks: putServiceRecord records its scope there.
    const scopes: Scope[] = (await store.read((tx) => tx.list('ecs.task-scope', SYSTEM_SCOPE))).map((row) => row.body);
    let changedTasks = false;
    for (const scope of scopes) {
      if (!this.#loop.running) return;
      const snapshots = await store.read((tx) => observeScope(tx, scope));
      for (const snapshot of snapshots) {
        if (!this.#loop.running) return;
        const now = this.#options.clock.now();
        const plan = planService({ snapshot, now, timings: this.#options.timings, nextDeploymentId: newDeploymentId(this.#options.ids) });
        try {
          const result = await applyPlan(store, this.#options.ids, scope, snapshot.record, plan, now, this.#options.roleTrust);
          if (result.launched + result.stopped > 0) changedTasks = true;
          // The service changed after it was read: plan it again at once.
          if (result.stale) this.#loop.nudge();
        } catch (error) {
          this.#options.log(`service scheduler: ${snapshot.record.service.serviceArn ?? ''}: ${describe(error)}`);
        }
      }
    }
    if (changedTasks) this.#options.taskEvents.changed();
  }
}
