// The closed-loop load generator: N workers each send one request, wait for its answer, send the next,
// until a request count or a deadline is reached, whichever comes first.

export interface LoadPlan {
  /** Workers, i.e. requests in flight at once. */
  concurrency: number;
  /** No worker starts a request once this many have been started in total. */
  maxRequests: number;
  /** No worker starts a request after this long; requests in flight are allowed to finish. */
  maxDurationMs: number;
}

export interface LoadResult {
  concurrency: number;
  /** Latencies of the calls that succeeded, in ms, in completion order. */
  latenciesMs: number[];
  errors: number;
  /** Error count per "Name: message" (the first few kinds; the rest are counted under "other"). */
  errorKinds: Map<string, number>;
  /** From the first request's start to the last answer. */
  elapsedMs: number;
  stoppedBy: 'count' | 'time';
}

/** One call; it rejects to count as an error. `worker` is 0..concurrency-1. */
export type Invoke = (worker: number) => Promise<void>;

const MAX_ERROR_KINDS = 8;

/** A short, stable key for an error: the AWS SDK sets `name` to the AWS error code. */
export function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return `non-error thrown: ${String(error).slice(0, 120)}`;
  const status = httpStatusOf(error);
  const message = error.message.replace(/\s+/g, ' ').slice(0, 160);
  return `${error.name}${status === undefined ? '' : ` (HTTP ${status})`}: ${message}`;
}

function httpStatusOf(error: Error): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

/**
 * Runs the plan against `invoke` and measures each call. Never rejects: a rejected call is an
 * error, not throughput. Bounded by both plan.maxRequests and plan.maxDurationMs (a call that
 * never answers is the invoker's to time out; the benchmark's SDK client has a request timeout).
 */
export async function runClosedLoop(plan: LoadPlan, invoke: Invoke, now: () => number = () => performance.now()): Promise<LoadResult> {
  if (!Number.isInteger(plan.concurrency) || plan.concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${plan.concurrency}`);
  const latenciesMs: number[] = [];
  const errorKinds = new Map<string, number>();
  let errors = 0;
  let started = 0;
  let stoppedBy: LoadResult['stoppedBy'] = 'count';
  const start = now();
  const deadline = start + plan.maxDurationMs;

  const worker = async (id: number): Promise<void> => {
    for (;;) {
      if (started >= plan.maxRequests) return;
      if (now() >= deadline) {
        stoppedBy = 'time';
        return;
      }
      started++;
      const t0 = now();
      try {
        await invoke(id);
        latenciesMs.push(now() - t0);
      } catch (error) {
        errors++;
        const described = errorKind(error);
        const kind = errorKinds.has(described) || errorKinds.size < MAX_ERROR_KINDS ? described : 'other';
        errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
      }
    }
  };

  await Promise.all(Array.from({ length: plan.concurrency }, (_, id) => worker(id)));
  return { concurrency: plan.concurrency, latenciesMs, errors, errorKinds, elapsedMs: now() - start, stoppedBy };
}
