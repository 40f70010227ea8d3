// The security-group controller: every second (and when nudged) it compiles the groups of each task whose
// namespace exists on this host into that namespace's nftables table and applies the tables that changed.
// It also seals each new namespace (TaskNetwork calls seal() as it creates one), so a task is never open
// before its rules are in place.
import type { Clock } from '../../platform/clock.ts';
import type { Nftables } from '../../platform/nftables.ts';
import type { Scope, Store } from '../../store/store.ts';
import { taskIdOfNamespace } from '../names.ts';
import { KeyedSerial } from '../serial.ts';
import { sealedScript, scriptDigest, tableScript } from './nft-script.ts';
import { readTaskGroups } from './observe.ts';
import { planFirewall, type DesiredTable, type FirewallAction } from './planner.ts';
import { compileRuleset } from './ruleset.ts';
import { ReconcileLoop } from '../../controllers/reconcile-loop.ts';

/** Where task namespaces live: the names that exist, and the file a name is bound at. */
export interface TaskNamespaces {
  listNamespaces(): Promise<string[]>;
  namespacePath(name: string): string;
}

/** What TaskNetwork asks of the firewall while it builds a task's namespace (src/network/task-network.ts). */
export interface TaskFirewall {
  /**
   * Installs the task's table in its fresh namespace: first drop-everything (so nothing is open before the
   * rules are known), then the rules its groups allow. Rejects when even the first cannot be installed.
   */
  seal(taskId: string, netnsPath: string): Promise<void>;
}

export interface FirewallControllerOptions {
  store: Store;
  clock: Clock;
  log: (message: string) => void;
  nft: Nftables;
  namespaces: TaskNamespaces;
  /** The scopes that hold tasks (taskScopes()). */
  scopes: () => Promise<Scope[]>;
  /** How often the store is read when nothing nudges (default 1 s). */
  intervalMs?: number;
  /** The port Berth serves the task endpoints on at 169.254.170.2 (each table maps port 80 to it); undefined: none. */
  taskEndpointPort?: () => number | undefined;
}

export class FirewallController implements TaskFirewall {
  readonly #options: FirewallControllerOptions;
  readonly #serial = new KeyedSerial();
  /** Task id → digest of the script last applied to its namespace by this process. */
  readonly #applied = new Map<string, string>();
  /** Task id → the error last logged for it, so a failing apply is reported once, not every second. */
  readonly #reported = new Map<string, string>();
  #unavailable: Promise<string | undefined> | undefined;
  readonly #loop: ReconcileLoop;

  constructor(options: FirewallControllerOptions) {
    this.#options = options;
    this.#loop = new ReconcileLoop({ name: 'security groups', intervalMs: options.intervalMs ?? 1000, pass: () => this.reconcile(), log: options.log });
  }

  start(): void {
    void this.#why().then((reason) => {
      if (reason) {
        this.#options.log(`security groups: cannot be enforced: ${reason}; tasks on the runc driver stop with ResourceInitializationError until it is`);
      }
    });
    this.#loop.start();
  }

  /** Runs a pass soon; passes never overlap (a nudge during one runs another right after it). */
  nudge(): void {
    this.#loop.nudge();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  async seal(taskId: string, netnsPath: string): Promise<void> {
    const reason = await this.#why();
    if (reason) throw new Error(`security groups cannot be enforced: ${reason}`);
    const script = sealedScript(this.#options.taskEndpointPort?.());
    await this.#serial.run(taskId, async () => {
      await this.#options.nft.apply(netnsPath, script);
      this.#applied.set(taskId, scriptDigest(script));
    });
    // The rules themselves: when this fails the task stays sealed and the next pass tries again.
    try {
      const desired = await this.#desired([taskId], () => netnsPath);
      await this.#apply(planFirewall({ desired, observed: this.#applied }).filter((action) => action.kind === 'apply'));
    } catch (error) {
      this.#report(taskId, `reading its security groups failed: ${message(error)}`);
    }
  }

  /** Why nft cannot be used, asked once per process. */
  #why(): Promise<string | undefined> {
    this.#unavailable ??= this.#options.nft.unavailable();
    return this.#unavailable;
  }

  /** One pass: compile every task namespace's table from the store and apply those that changed. Never rejects. */
  async reconcile(): Promise<void> {
    try {
      if (await this.#why()) return;
      const names = await this.#options.namespaces.listNamespaces();
      const byTask = new Map<string, string>();
      for (const name of names) {
        const taskId = taskIdOfNamespace(name);
        if (taskId !== undefined) byTask.set(taskId, name);
      }
      const desired = await this.#desired([...byTask.keys()], (taskId) => this.#options.namespaces.namespacePath(byTask.get(taskId) ?? ''));
      await this.#apply(planFirewall({ desired, observed: this.#applied }));
    } catch (error) {
      this.#options.log(`security groups: pass failed: ${message(error)}`);
    }
  }

  async #desired(taskIds: string[], pathOf: (taskId: string) => string): Promise<DesiredTable[]> {
    const groups = await readTaskGroups(this.#options.store, await this.#options.scopes(), taskIds);
    return [...groups].map(([taskId, taskGroups]) => {
      const script = tableScript(compileRuleset(taskGroups), this.#options.taskEndpointPort?.());
      return { taskId, netnsPath: pathOf(taskId), script, digest: scriptDigest(script) };
    });
  }

  async #apply(actions: FirewallAction[]): Promise<void> {
    await Promise.all(actions.map((action) => this.#serial.run(action.taskId, async () => {
      if (action.kind === 'forget') {
        this.#applied.delete(action.taskId);
        this.#reported.delete(action.taskId);
        return;
      }
      try {
        await this.#options.nft.apply(action.netnsPath, action.script);
        this.#applied.set(action.taskId, action.digest);
        this.#reported.delete(action.taskId);
      } catch (error) {
        // A namespace removed since it was listed has nothing left to police.
        const names = await this.#options.namespaces.listNamespaces().catch(() => undefined);
        if (names && !names.some((name) => this.#options.namespaces.namespacePath(name) === action.netnsPath)) return;
        this.#report(action.taskId, `applying its nftables table failed: ${message(error)}`);
      }
    })));
  }

  #report(taskId: string, text: string): void {
    if (this.#reported.get(taskId) === text) return;
    this.#reported.set(taskId, text);
    this.#options.log(`security groups: task ${taskId}: ${text}`);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
