// The Docker Engine API over HTTP (a unix socket or tcp), with node:http: the API version negotiated
// once, every call bounded in time, errors carrying the engine's own message. No Docker SDK: the
// driver uses a dozen endpoints, and the engine's own client is Go.
import { Agent, request, type IncomingMessage } from 'node:http';

/** Where the engine listens, from `unix:///path` or `tcp://host:port` (the DOCKER_HOST forms). */
export type DockerEndpoint = { socketPath: string } | { host: string; port: number };

/** The engine answered an error status, or could not be reached; `message` has the engine's words. */
export class DockerEngineError extends Error {
  override readonly name = 'DockerEngineError';
  readonly code = 'BTH_DOCKER_ENGINE';
  /** The HTTP status the engine answered, 0 when it was not reached or did not answer in time. */
  readonly statusCode: number;
  /** The engine's `message` alone (what ECS-style texts quote). */
  readonly engineMessage: string;
  constructor(what: string, statusCode: number, engineMessage: string) {
    super(`${what}: ${engineMessage}${statusCode > 0 ? ` (HTTP ${statusCode})` : ''}`);
    this.statusCode = statusCode;
    this.engineMessage = engineMessage;
  }
}

/** The engine is unusable for Berth: its API is too old, or it is not there. */
export class DockerEngineUnusableError extends Error {
  override readonly name = 'DockerEngineUnusableError';
  readonly code = 'BTH_DOCKER_ENGINE_UNUSABLE';
}

/**
 * The lowest API version Berth speaks: Docker 20.10's (Debian 12's docker.io). Berth asks for the lowest
 * version both sides speak, so that the engine behaves as this code was written against; an engine whose
 * minimum is higher (Docker 29 requires 1.44) is spoken to at its minimum.
 */
export const MIN_API_VERSION = '1.41';
/** From this version on, a container's MAC address is set on its network endpoint, not in its config. */
export const ENDPOINT_MAC_API_VERSION = '1.44';

const DEFAULT_TIMEOUT_MS = 30_000;

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  /** A JSON body (serialized here) or raw bytes. */
  body?: unknown;
  headers?: Record<string, string>;
  /** For a whole call; for `stream`, the time allowed without any data arriving (0: unbounded). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface EngineVersion {
  /** The version this client speaks, `1.41` or the engine's minimum when that is higher. */
  apiVersion: string;
  /** The engine's newest version and its release (`20.10.24`). */
  engineApiVersion: string;
  version: string;
  os: string;
  /** GOARCH of the engine's host (`amd64`, `arm64`): the architecture of its containers. */
  arch: string;
  kernelVersion: string;
}

/** `unix:///var/run/docker.sock` → a socket path; `tcp://host:port` → host and port. Throws RangeError otherwise. */
export function parseDockerHost(dockerHost: string): DockerEndpoint {
  if (dockerHost.startsWith('unix://')) {
    const socketPath = dockerHost.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new RangeError(`docker host ${dockerHost}: a unix socket path must be absolute`);
    return { socketPath };
  }
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d+)\/?$/.exec(dockerHost);
  if (tcp?.[1] && tcp[2]) return { host: tcp[1].replace(/^\[|\]$/g, ''), port: Number(tcp[2]) };
  throw new RangeError(`docker host ${dockerHost} is neither unix:///path nor tcp://host:port`);
}

function versionParts(version: string): [number, number] {
  const [major, minor] = version.split('.').map(Number);
  return [major ?? 0, minor ?? 0];
}

/** Compares `1.41`-style versions numerically (1.9 < 1.41). */
export function compareApiVersions(a: string, b: string): number {
  const [am, an] = versionParts(a);
  const [bm, bn] = versionParts(b);
  return am !== bm ? am - bm : an - bn;
}

/** The version to speak with an engine that speaks `min`…`max`, or undefined when it is older than Berth's minimum. */
export function negotiateApiVersion(engineMax: string, engineMin: string | undefined): string | undefined {
  if (compareApiVersions(engineMax, MIN_API_VERSION) < 0) return undefined;
  return engineMin !== undefined && compareApiVersions(engineMin, MIN_API_VERSION) > 0 ? engineMin : MIN_API_VERSION;
}

export class DockerEngine {
  readonly endpoint: DockerEndpoint;
  readonly info: EngineVersion;
  readonly #agent: Agent;

  private constructor(endpoint: DockerEndpoint, info: EngineVersion, agent: Agent) {
    this.endpoint = endpoint;
    this.info = info;
    this.#agent = agent;
  }

  get apiVersion(): string {
    return this.info.apiVersion;
  }

  /**
   * Reaches the engine at `dockerHost` and negotiates the API version (`GET /version`, which every
   * version serves unversioned). Rejects with DockerEngineUnusableError saying why it cannot be used.
   */
  static async connect(dockerHost: string, options: { timeoutMs?: number } = {}): Promise<DockerEngine> {
    const endpoint = parseDockerHost(dockerHost);
    const agent = new Agent({ keepAlive: true });
    let answer: { ApiVersion?: string; MinAPIVersion?: string; Version?: string; Os?: string; Arch?: string; KernelVersion?: string };
    try {
      const response = await send(endpoint, agent, 'GET', '/version', { timeoutMs: options.timeoutMs ?? 5_000 });
      answer = JSON.parse(response.body.toString('utf8')) as typeof answer;
    } catch (error) {
      agent.destroy();
      throw new DockerEngineUnusableError(`the Docker Engine at ${dockerHost} does not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    const apiVersion = negotiateApiVersion(answer.ApiVersion ?? '0', answer.MinAPIVersion);
    if (apiVersion === undefined) {
      agent.destroy();
      throw new DockerEngineUnusableError(`the Docker Engine at ${dockerHost} speaks API ${answer.ApiVersion ?? '?'} (Docker ${answer.Version ?? '?'}); Berth needs ${MIN_API_VERSION} (Docker 20.10) or newer`);
    }
    return new DockerEngine(endpoint, {
      apiVersion, engineApiVersion: answer.ApiVersion ?? '', version: answer.Version ?? '', os: answer.Os ?? '',
      arch: answer.Arch ?? '', kernelVersion: answer.KernelVersion ?? '',
    }, agent);
  }

  /** Whether this client speaks at least `version`. */
  speaks(version: string): boolean {
    return compareApiVersions(this.info.apiVersion, version) >= 0;
  }

  /** A call whose answer is JSON (or empty); rejects with DockerEngineError on a status ≥ 400. */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await send(this.endpoint, this.#agent, method, this.#versioned(path), options);
    const text = response.body.toString('utf8');
    return (text.trim() === '' ? undefined : JSON.parse(text)) as T;
  }

  /**
   * A call whose answer is a stream (logs, pulls, imports): resolves with the response once its headers
   * arrive with a status < 400. `timeoutMs` here bounds the silence between chunks (0: none, for a log
   * follow that may be idle for hours); `signal` ends the call.
   */
  stream(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    return open(this.endpoint, this.#agent, method, this.#versioned(path), options);
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.#agent.destroy();
  }

  #versioned(path: string): string {
    return `/v${this.info.apiVersion}${path}`;
  }
}

function target(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** What an error answer says: the engine's JSON `message`, else its text. */
function engineMessage(body: Buffer): string {
  const text = body.toString('utf8').trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: the text itself.
  }
  return text === '' ? 'no message' : text.slice(0, 2000);
}

function open(endpoint: DockerEndpoint, agent: Agent, method: string, path: string, options: RequestOptions): Promise<IncomingMessage> {
  const what = `${method} ${path.split('?')[0] ?? path}`;
  const url = target(path, options.query);
  const raw = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string> = { ...options.headers };
  if (raw !== undefined) {
    headers['content-length'] = String(raw.length);
    headers['content-type'] ??= Buffer.isBuffer(options.body) ? 'application/octet-stream' : 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = request({ ...endpoint, agent, method, path: url, headers, ...(options.signal ? { signal: options.signal } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status < 400) {
        resolve(res);
        return;
      }
      collect(res).then((body) => reject(new DockerEngineError(what, status, engineMessage(body))), reject);
    });
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (timeoutMs > 0) {
      // Socket inactivity: before the answer, and (the caller keeps the response) between chunks of it.
      req.setTimeout(timeoutMs, () => req.destroy(new DockerEngineError(what, 0, `no answer from the engine within ${timeoutMs} ms`)));
    }
    req.on('error', (error) => reject(error instanceof DockerEngineError ? error : new DockerEngineError(what, 0, error.message)));
    req.end(raw);
  });
}

async function send(endpoint: DockerEndpoint, agent: Agent, method: string, path: string, options: RequestOptions): Promise<{ status: number; body: Buffer }> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // The whole call is bounded: headers and body within timeoutMs together.
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    const res = await open(endpoint, agent, method, path, { ...options, signal });
    return { status: res.statusCode ?? 0, body: await collect(res) };
  } catch (error) {
    if (deadline.aborted && !(error instanceof DockerEngineError && error.statusCode > 0)) {
      throw new DockerEngineError(`${method} ${path.split('?')[0] ?? path}`, 0, `no answer from the engine within ${timeoutMs} ms`);
    }
    throw error;
  }
}

async function collect(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
