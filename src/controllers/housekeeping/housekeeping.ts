// The housekeeping controller: runs each chore (chore.ts) on its own interval, one run of a chore
// at a time, logging failures and trying again next interval so a bad run never stops the process.
// Where state lives: everything a chore deletes is in the store; this class holds only its timers
// and each chore's run in flight, so it can be stopped and started again at any point.
import type { Clock } from '../../platform/clock.ts';
import type { Chore } from './chore.ts';

export interface HousekeepingOptions {
  clock: Clock;
  log: (message: string) => void;
  chores: readonly Chore[];
  /**
   * After start(), each chore's first run comes this long after (or after its interval, if shorter),
   * so a server restarted more often than a chore's interval still runs it. Default 5 s.
   */
  firstRunDelayMs?: number;
}

const DEFAULT_FIRST_RUN_DELAY_MS = 5_000;

/** setTimeout's largest delay; a larger one fires at once (Node prints TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Housekeeping {
  readonly #options: HousekeepingOptions;
  readonly #chores = new Map<string, Chore>();
  /** The pending timer of each chore while started; a chore has one at most (see #tick). */
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** Per chore, the end of its latest run (in flight or queued); it never rejects. Absent when idle. */
  readonly #busy = new Map<string, Promise<void>>();
  #started = false;

  /** Throws for two chores of one name or an interval setTimeout cannot keep (programming errors in main.ts). */
  constructor(options: HousekeepingOptions) {
    for (const chore of options.chores) {
      if (this.#chores.has(chore.name)) throw new Error(`housekeeping: two chores are named ${chore.name}`);
      if (!Number.isInteger(chore.intervalMs) || chore.intervalMs < 1 || chore.intervalMs > MAX_TIMER_MS) {
        throw new Error(`housekeeping: ${chore.name}'s interval must be 1 to ${MAX_TIMER_MS} ms, got ${chore.intervalMs}`);
      }
      this.#chores.set(chore.name, chore);
    }
    this.#options = options;
  }

  /** Each chore's name and interval, in the order given (e.g. for a health report). */
  get schedule(): { name: string; intervalMs: number }[] {
    return [...this.#chores.values()].map(({ name, intervalMs }) => ({ name, intervalMs }));
  }

  /** Schedules every chore; their timers are unref'd, so they never keep the process alive. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const firstDelay = this.#options.firstRunDelayMs ?? DEFAULT_FIRST_RUN_DELAY_MS;
    for (const chore of this.#chores.values()) this.#schedule(chore, Math.min(chore.intervalMs, firstDelay));
  }

  /** Cancels the timers and waits for runs in flight (a chore's transaction is never cut short). */
  async stop(): Promise<void> {
    this.#started = false;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await Promise.all([...this.#busy.values()]);
  }

  /**
   * Runs the named chore, or every chore in turn, now: after the run in flight of the same chore,
   * if any. Answers what each removed. Unlike a timed run it rejects with the chore's error (and
   * then runs no further chore), so a test sees it. Throws for an unknown name.
   */
  async runOnce(name?: string): Promise<Record<string, number>> {
    const chores = name === undefined ? [...this.#chores.values()] : [this.#chore(name)];
    const removed: Record<string, number> = {};
    for (const chore of chores) removed[chore.name] = await this.#exclusive(chore);
    return removed;
  }

  #chore(name: string): Chore {
    const chore = this.#chores.get(name);
    if (!chore) throw new Error(`housekeeping: no chore is named ${name} (there are ${[...this.#chores.keys()].join(', ')})`);
    return chore;
  }

  #schedule(chore: Chore, delayMs: number): void {
    if (this.#timers.has(chore.name)) return;
    const timer = setTimeout(() => {
      this.#timers.delete(chore.name);
      void this.#tick(chore);
    }, delayMs);
    timer.unref();
    this.#timers.set(chore.name, timer);
  }

  /** A timed run: never rejects; schedules the next one when it ends, so timed runs never overlap. */
  async #tick(chore: Chore): Promise<void> {
    try {
      const removed = await this.#exclusive(chore);
      // Only news is logged: most runs of a one-minute chore find nothing.
      if (removed > 0) this.#options.log(`housekeeping: ${chore.name} removed ${removed}`);
    } catch (error) {
      this.#options.log(`housekeeping: ${chore.name} failed, will try again in ${chore.intervalMs} ms: ${describe(error)}`);
    }
    if (this.#started) this.#schedule(chore, chore.intervalMs);
  }

  /** Runs `chore` after its previous run settles, reading the clock when it starts. */
  #exclusive(chore: Chore): Promise<number> {
    const previous = this.#busy.get(chore.name) ?? Promise.resolve();
    const run = previous.then(() => chore.run(this.#options.clock.now()));
    const settled = run.then(() => undefined, () => undefined);
    this.#busy.set(chore.name, settled);
    void settled.then(() => {
      if (this.#busy.get(chore.name) === settled) this.#busy.delete(chore.name);
    });
    return run;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
