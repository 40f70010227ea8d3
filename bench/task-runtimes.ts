// The one question the tasks benchmark asks of Berth and of its peers (bare runc, docker): start
// this many containers of the httpd image at once, say when each was seen running, stop them all.
import { setTimeout as sleep } from 'node:timers/promises';

/** What one start(count) saw: per started unit the ms from the common start until it was seen running. */
export interface StartResult {
  latenciesMs: number[];
  /** One line per unit that did not get to running (its error), within the runtime's bound. */
  failures: string[];
}

export interface ContainerRuntime {
  /** The column name: Berth, runc, docker. */
  readonly name: string;
  /** Starts `count` units at once (all requests issued together); bounded in time. */
  start(count: number): Promise<StartResult>;
  /** Stops and removes every unit it started; bounded in time. Throws if some could not be removed. */
  stopAll(): Promise<void>;
}

/** One measured scenario for one runtime: every latency, and every failure. */
export interface Sample {
  latenciesMs: number[];
  failures: string[];
}

/** `repeats` times: start one unit, then stop it, so each measurement has the host to itself. */
export async function measureSequential(runtime: ContainerRuntime, repeats: number): Promise<Sample> {
  const sample: Sample = { latenciesMs: [], failures: [] };
  for (let i = 0; i < repeats; i++) {
    const result = await runtime.start(1);
    await runtime.stopAll();
    sample.latenciesMs.push(...result.latenciesMs);
    sample.failures.push(...result.failures);
  }
  return sample;
}

/** `count` units started together, then all stopped. */
export async function measureConcurrent(runtime: ContainerRuntime, count: number): Promise<Sample> {
  try {
    return await runtime.start(count);
  } finally {
    await runtime.stopAll();
  }
}

/** Runs `work` over `items` with at most `limit` in flight; resolves when all have settled. */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Polls `check` every `intervalMs` until it returns true or `timeoutMs` has passed; returns
 * whether it succeeded. A throwing check counts as "not yet".
 */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, intervalMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (performance.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}
