// The HTTP side of the load balancer benchmarks: a GET of one small file through a keep-alive agent (one
// per measured path, so each path gets its own connections), with the answer checked; and a background
// load that runs until told to stop, counting failures (the deploy suite's "no request lost").
import { Agent, request } from 'node:http';
import type { Invoke } from './load.ts';
import { errorKind } from './load.ts';

/** Where one measured path sends its requests. */
export interface HttpTarget {
  /** Printed name: "Berth ALB", "direct", "nginx". */
  name: string;
  /** The address to connect to (a loopback address, or a task's private IP). */
  address: string;
  port: number;
  /** The Host header, as curl would send it for the URL (`name` or `name:port`). */
  hostHeader: string;
  path: string;
}

/** The answer was not the expected file: the status, or the body, differed. */
export class UnexpectedAnswerError extends Error {
  override readonly name = 'UnexpectedAnswer';
}

/** A request got no complete answer within the bound. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeout';
}

const REQUEST_TIMEOUT_MS = 10_000;

/** The Host header curl sends for http://host:port/ (the port only when it is not 80). */
export function hostHeaderFor(host: string, port: number): string {
  return port === 80 ? host : `${host}:${port}`;
}

/**
 * Where a load balancer's listener on `listenerPort` answers, from its DNSName: Berth shows `name:port`
 * when it had to bind another port than the listener's (80 without root, a port in use).
 */
export function listenerEndpoint(dnsName: string, listenerPort: number): { host: string; port: number } {
  const match = /^(.+):(\d+)$/.exec(dnsName);
  if (match === null) return { host: dnsName, port: listenerPort };
  return { host: match[1] as string, port: Number(match[2]) };
}

/** GETs of `target`'s path through one keep-alive agent of `sockets` connections; close() ends them. */
export class HttpGetter {
  readonly #agent: Agent;

  constructor(readonly target: HttpTarget, readonly expectedBody: string, sockets: number) {
    // One socket per worker: N closed-loop workers are N keep-alive clients.
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  /** One GET; resolves when the whole expected body arrived with 200, rejects otherwise. */
  readonly get: Invoke = () => new Promise<void>((resolve, reject) => {
    const { address, port, path, hostHeader } = this.target;
    const req = request({ host: address, port, path, method: 'GET', agent: this.#agent, headers: { host: hostHeader } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new UnexpectedAnswerError(`HTTP ${res.statusCode}: ${body.slice(0, 80).trim()}`));
        else if (body !== this.expectedBody) reject(new UnexpectedAnswerError(`200 with another body (${body.length} bytes): ${body.slice(0, 80).trim()}`));
        else resolve();
      });
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new RequestTimeoutError(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end();
  });

  close(): void {
    this.#agent.destroy();
  }
}

export interface BackgroundLoadResult {
  ok: number;
  failures: number;
  /** Failure count per kind (errorKind). */
  failureKinds: Map<string, number>;
  /** When each failure happened, ms after the load started (the first 100). */
  failureTimesMs: number[];
  elapsedMs: number;
}

/**
 * `workers` closed loops of `invoke`, from now until stop() or `maxDurationMs` (whichever is first);
 * requests in flight when it stops are allowed to finish and are counted.
 */
export class BackgroundLoad {
  readonly #done: Promise<BackgroundLoadResult>;
  #stopped = false;

  constructor(invoke: Invoke, workers: number, maxDurationMs: number, now: () => number = () => performance.now()) {
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
    const start = now();
    const result: BackgroundLoadResult = { ok: 0, failures: 0, failureKinds: new Map(), failureTimesMs: [], elapsedMs: 0 };
    const worker = async (id: number): Promise<void> => {
      while (!this.#stopped && now() - start < maxDurationMs) {
        try {
          await invoke(id);
          result.ok++;
        } catch (error) {
          result.failures++;
          if (result.failureTimesMs.length < 100) result.failureTimesMs.push(now() - start);
          const kind = errorKind(error);
          result.failureKinds.set(kind, (result.failureKinds.get(kind) ?? 0) + 1);
        }
      }
    };
    this.#done = Promise.all(Array.from({ length: workers }, (_, id) => worker(id))).then(() => {
      result.elapsedMs = now() - start;
      return result;
    });
  }

  /** Stops starting requests; resolves with the counts once those in flight finished. */
  async stop(): Promise<BackgroundLoadResult> {
    this.#stopped = true;
    return await this.#done;
  }
}
