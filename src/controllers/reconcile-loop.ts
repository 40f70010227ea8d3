// The loop every controller runs (task runner, service scheduler, load balancers, security groups): a
// level-based pass every interval and whenever something nudges it. Passes never overlap; nudges during a
// pass coalesce into one more pass right after it; a failed pass is logged and the next one tries again
// (controller-runtime's "an error means retry"). The pass itself reads the store and the host afresh.

export interface ReconcileLoopOptions {
  /** Names the controller in log lines. */
  name: string;
  /** How long the loop waits for a nudge before it runs a pass anyway. */
  intervalMs: number;
  pass: () => Promise<void>;
  log: (message: string) => void;
}

export class ReconcileLoop {
  readonly #options: ReconcileLoopOptions;
  #timer: NodeJS.Timeout | undefined;
  #passing: Promise<void> | undefined;
  #again = false;
  #running = false;

  constructor(options: ReconcileLoopOptions) {
    this.#options = options;
  }

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#timer = setInterval(() => this.nudge(), this.#options.intervalMs);
    // The interval alone must not keep the process alive.
    this.#timer.unref();
    this.nudge();
  }

  /** Runs a pass soon: now, or right after the pass in flight. */
  nudge(): void {
    if (!this.#running) return;
    if (this.#passing) {
      this.#again = true;
      return;
    }
    this.#passing = this.#passes().finally(() => { this.#passing = undefined; });
  }

  /** Resolves once the pass in flight (and any it asked for) has finished. */
  async settled(): Promise<void> {
    await this.#passing;
  }

  /** No pass starts after this; resolves once the one in flight has finished. */
  async stop(): Promise<void> {
    this.#running = false;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#passing;
  }

  async #passes(): Promise<void> {
    do {
      this.#again = false;
      try {
        await this.#options.pass();
      } catch (error) {
        this.#options.log(`${this.#options.name}: pass failed, will try again: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      }
    } while (this.#again && this.#running);
  }
}
