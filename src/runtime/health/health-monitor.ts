// One container's health check loop: probes it every interval (Docker's timing: the first probe one
// interval after the container started, each next one an interval after the previous finished, never
// two at once), judges each result through the transition table (container-health.ts) and reports
// the status when it changes. Time and timers are injected, and the probe is an interface, so the loop
// is tested with a fake clock and a fake prober; the real probe execs the command in the container.
import type { Clock } from '../../platform/clock.ts';
import { applyHealthEvent, classifyResult, INITIAL_HEALTH, type ContainerHealth, type HealthStatus } from './container-health.ts';
import type { HealthCheckSpec } from './health-check-spec.ts';

/** What one probe ended with. A probe that ran out of time is a failure; so is one that could not run. */
export interface ProbeResult {
  exitCode?: number;
  timedOut: boolean;
  /** The end of its output, for the log line when the status changes. */
  output: string;
}

/** Runs a health check command inside one container. */
export interface HealthProber {
  /** Runs argv with `timeoutMs`; the process is killed when it runs out of time or `signal` aborts. Never rejects for a failing command. */
  probe(argv: string[], options: { timeoutMs: number; signal: AbortSignal }): Promise<ProbeResult>;
}

/** Timers, injectable: `after(ms, fn)` calls fn once after ms and returns what cancels it. */
export interface HealthTimers {
  after(ms: number, fn: () => void): () => void;
}

/** Real timers that never keep the process alive on their own. */
export const systemTimers: HealthTimers = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export interface HealthMonitorOptions {
  spec: HealthCheckSpec;
  prober: HealthProber;
  clock: Clock;
  timers: HealthTimers;
  /** When the container's process started: the start period counts from here. */
  containerStartedAt: Date;
  /** The status to begin with (what the record said before a restart); UNKNOWN otherwise. */
  initial?: HealthStatus;
  /** Called with the new status each time it changes, and the result that changed it. */
  onChange: (status: HealthStatus, result: ProbeResult) => void;
  /** Called when a probe threw (a bug or a lost driver): it counts as a failure. */
  onError?: (error: unknown) => void;
}

export class HealthMonitor {
  readonly #options: HealthMonitorOptions;
  #stopped = false;
  /** The probe in flight's own signal: one per probe, so no listener outlives its probe. */
  #inFlight: AbortController | undefined;
  #health: ContainerHealth;
  #cancel: (() => void) | undefined;
  #probing: Promise<void> | undefined;
  #started = false;
  #probes = 0;

  constructor(options: HealthMonitorOptions) {
    this.#options = options;
    this.#health = { ...INITIAL_HEALTH, status: options.initial ?? 'UNKNOWN' };
  }

  get status(): HealthStatus {
    return this.#health.status;
  }

  get health(): ContainerHealth {
    return { ...this.#health };
  }

  /** How many probes have finished. */
  get probes(): number {
    return this.#probes;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Schedules the first probe an interval after the container started (at once if that is past). */
  start(): void {
    if (this.#started || this.stopped) return;
    this.#started = true;
    const due = this.#options.containerStartedAt.getTime() + this.#options.spec.intervalMs;
    this.#schedule(Math.max(0, due - this.#options.clock.now().getTime()));
  }

  /** Stops probing: nothing more is scheduled, a probe in flight is killed and its result dropped. */
  stop(): void {
    this.#stopped = true;
    this.#inFlight?.abort();
    this.#cancel?.();
    this.#cancel = undefined;
  }

  /** Settles once the probe in flight (if any) has ended: tests and shutdown wait on it. */
  async settled(): Promise<void> {
    await this.#probing;
  }

  #schedule(ms: number): void {
    if (this.stopped) return;
    this.#cancel = this.#options.timers.after(ms, () => {
      this.#cancel = undefined;
      this.#probing = this.#probe().finally(() => { this.#probing = undefined; });
    });
  }

  async #probe(): Promise<void> {
    const { spec, prober, clock } = this.#options;
    const startedAt = clock.now();
    const abort = new AbortController();
    this.#inFlight = abort;
    let result: ProbeResult;
    try {
      result = await prober.probe(spec.argv, { timeoutMs: spec.timeoutMs, signal: abort.signal });
    } catch (error) {
      this.#options.onError?.(error);
      result = { timedOut: false, output: error instanceof Error ? error.message : String(error) };
    } finally {
      this.#inFlight = undefined;
    }
    if (this.stopped) return;
    this.#probes++;
    const passed = !result.timedOut && result.exitCode === 0;
    const before = this.#health.status;
    this.#health = applyHealthEvent(this.#health, classifyResult(this.#health, { passed, startedAt }, spec, this.#options.containerStartedAt));
    if (this.#health.status !== before) this.#options.onChange(this.#health.status, result);
    this.#schedule(spec.intervalMs);
  }
}
