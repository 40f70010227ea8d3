// The health checks of one target group: one prober per registered target, each checking every
// HealthCheckIntervalSeconds from the start of the previous check ("each health check request is independent
// and the result lasts for the entire interval"), the first at once. Results go to the pool, which owns the
// targets' health (pool.ts); this file owns only the timers and the checks in flight.
import type { PlaneHealthCheck } from './plane.ts';
import { httpCodeMatcher } from './health-matcher.ts';
import type { Probe, ProbeSpec } from './health-probe.ts';
import type { ProbeResult } from './target-health.ts';

export interface CheckedTarget {
  key: string;
  address: string;
  port: number;
  sourceAddress?: string;
}

export interface HealthChecksOptions {
  probe: Probe;
  /** Called with each check's result, unless the target left or the checks closed meanwhile. */
  onResult: (targetKey: string, result: ProbeResult) => void;
}

interface Prober {
  target: CheckedTarget;
  timer?: NodeJS.Timeout;
  /** The generation of the check in flight, if any. */
  inFlight?: number;
  /** Bumped when the prober's settings change, so a check started under old settings is ignored. */
  generation: number;
}

export class TargetGroupHealthChecks {
  readonly #options: HealthChecksOptions;
  readonly #probers = new Map<string, Prober>();
  #check: PlaneHealthCheck | undefined;
  #signature = '';

  constructor(options: HealthChecksOptions) {
    this.#options = options;
  }

  /** Probes exactly `targets` under `check`; new targets are checked at once, changed settings restart probers. */
  update(check: PlaneHealthCheck, targets: readonly CheckedTarget[]): void {
    const signature = JSON.stringify(check);
    const settingsChanged = signature !== this.#signature;
    this.#check = check;
    this.#signature = signature;
    const wanted = new Map(targets.map((t) => [t.key, t]));
    for (const [key, prober] of this.#probers) {
      const target = wanted.get(key);
      if (!target || !check.enabled) {
        this.#stop(prober);
        this.#probers.delete(key);
      } else if (settingsChanged || JSON.stringify(target) !== JSON.stringify(prober.target)) {
        this.#stop(prober);
        prober.target = target;
        this.#schedule(prober, 0);
      }
    }
    if (!check.enabled) return;
    for (const target of targets) {
      if (this.#probers.has(target.key)) continue;
      const prober: Prober = { target, generation: 0 };
      this.#probers.set(target.key, prober);
      this.#schedule(prober, 0);
    }
  }

  close(): void {
    for (const prober of this.#probers.values()) this.#stop(prober);
    this.#probers.clear();
  }

  #stop(prober: Prober): void {
    clearTimeout(prober.timer);
    prober.timer = undefined;
    prober.generation++;
  }

  #schedule(prober: Prober, delayMs: number): void {
    const timer = setTimeout(() => void this.#run(prober), delayMs);
    timer.unref();
    prober.timer = timer;
  }

  async #run(prober: Prober): Promise<void> {
    const check = this.#check;
    if (!check) return;
    const intervalMs = check.intervalSeconds * 1000;
    this.#schedule(prober, intervalMs);
    const generation = prober.generation;
    // A check slower than the interval: the next one waits for another interval rather than overlap it.
    if (prober.inFlight === generation) return;
    prober.inFlight = generation;
    let result: ProbeResult;
    try {
      result = await this.#options.probe(probeSpec(check, prober.target));
    } catch {
      result = { ok: false, failure: 'connection' };
    } finally {
      if (prober.inFlight === generation) prober.inFlight = undefined;
    }
    if (prober.generation !== generation || this.#probers.get(prober.target.key) !== prober) return;
    this.#options.onResult(prober.target.key, result);
  }
}

export function probeSpec(check: PlaneHealthCheck, target: CheckedTarget): ProbeSpec {
  const port = check.port === 'traffic-port' ? target.port : Number(check.port);
  return {
    protocol: check.protocol,
    address: target.address,
    port: Number.isInteger(port) && port > 0 ? port : target.port,
    path: check.path || '/',
    timeoutMs: check.timeoutSeconds * 1000,
    matcher: httpCodeMatcher(check.httpCodes),
    ...(target.sourceAddress !== undefined ? { localAddress: target.sourceAddress } : {}),
  };
}
