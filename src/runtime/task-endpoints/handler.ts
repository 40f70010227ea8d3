// The requests a task makes to 169.254.170.2: the task metadata endpoint v4 (`/v4/<id>`, `/task`, `/stats`,
// `/task/stats`) and the task role's credentials (`/v2/credentials/<id>`). Routes, statuses and error
// bodies are the ECS agent's (amazon-ecs-agent ecs-agent/tmds/handlers/v4/handlers.go,
// agent/handlers/v4/tmdsstate.go, ecs-agent/tmds/handlers/v1/credentials_handler.go; gorilla/mux's
// "404 page not found" for anything else). Every answer is checked against the connection's source
// address: a task reads only its own metadata and credentials, and anything else answers exactly as an
// unknown id does, so no task learns another's ids.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { posix } from 'node:path';
import { jsonText, type JsonValue } from './go-json.ts';
import { containerMetadata, taskMetadata, type RuntimeFacts } from './metadata-json.ts';
import type { ContainerStatsSource, MetadataTarget, StatsTarget, TaskCredentialsDirectory, TaskDiskUsage, TaskMetadataDirectory } from './port.ts';

export interface TaskEndpointDeps {
  metadata: TaskMetadataDirectory;
  credentials: TaskCredentialsDirectory;
  /** Without one (no driver runs containers), the stats paths answer as the agent does when stats fail. */
  stats?: ContainerStatsSource;
  /** Measures EphemeralStorageMetrics.Utilized; without one the task JSON leaves the metric out. */
  disk?: TaskDiskUsage;
  log?: (message: string) => void;
}

/** The routes under `/v4/<id>`, with the agent's error prefix for each. */
const V4_ROUTES = {
  container: { suffix: '', lookup: 'V4 container metadata handler: unable to get container ID from request: unable to get docker ID from v3 endpoint ID: ', failure: 'failed to get container metadata' },
  task: { suffix: '/task', lookup: 'V4 task metadata handler: unable to get task arn from request: unable to get task Arn from v3 endpoint ID: ', failure: 'failed to get task metadata' },
  containerStats: { suffix: '/stats', lookup: 'V4 container stats handler: unable to get task arn from request: unable to get task Arn from v3 endpoint ID: ', failure: 'failed to get stats' },
  taskStats: { suffix: '/task/stats', lookup: 'V4 task stats handler: unable to get task arn from request: unable to get task Arn from v3 endpoint ID: ', failure: 'failed to get stats' },
} as const;
type V4Route = keyof typeof V4_ROUTES;

const CREDENTIALS_PREFIX = '/v2/credentials/';
const CREDENTIALS_ERROR_PREFIX = 'CredentialsV2Request: ';

/** Answers one request to the task endpoints; never rejects (a failure becomes the agent's 500). */
export function createTaskEndpointHandler(deps: TaskEndpointDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const log = deps.log ?? (() => undefined);
  return async (req, res) => {
    try {
      await route(deps, req, res);
    } catch (error) {
      log(`task endpoints: ${req.url ?? ''}: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) writeJson(res, 500, 'Internal server error');
      else res.destroy();
    }
  };
}

async function route(deps: TaskEndpointDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = req.url ?? '/';
  const query = raw.includes('?') ? raw.slice(raw.indexOf('?')) : '';
  const path = decodePath(raw.slice(0, raw.length - query.length));
  const clean = cleanPath(path);
  if (clean !== path) {
    // gorilla/mux with path cleaning on: 301 to the cleaned path ("//v4//x" → "/v4/x").
    res.writeHead(301, { Location: clean + query }).end();
    return;
  }
  const source = sourceAddress(req);
  if (path.startsWith(CREDENTIALS_PREFIX)) return credentials(deps, path.slice(CREDENTIALS_PREFIX.length), source, res);
  const v4 = /^\/v4\/([^/]*)(\/task\/stats|\/task|\/stats)?$/.exec(path);
  if (!v4) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }).end('404 page not found\n');
    return;
  }
  const id = v4[1] ?? '';
  const name = (Object.keys(V4_ROUTES) as V4Route[]).find((key) => V4_ROUTES[key].suffix === (v4[2] ?? '')) ?? 'container';
  const spec = V4_ROUTES[name];
  let target: MetadataTarget | undefined;
  try {
    target = await deps.metadata.taskForMetadataId(id);
  } catch (error) {
    deps.log?.(`task endpoints: looking up ${id}: ${error instanceof Error ? error.message : String(error)}`);
    writeJson(res, 500, spec.failure);
    return;
  }
  if (!target || !sameAddress(source, target.record.network.privateIpv4Address)) {
    writeJson(res, 404, `${spec.lookup}${id}`);
    return;
  }
  switch (name) {
    case 'container': {
      const facts = await runtimeFacts(deps, target, false);
      const body = containerMetadata(target.record, target.containerName, facts);
      if (body) writeJson(res, 200, body);
      else writeJson(res, 404, `${spec.lookup}${id}`);
      return;
    }
    case 'task':
      writeJson(res, 200, taskMetadata(target.record, await runtimeFacts(deps, target, true)));
      return;
    case 'containerStats':
      return containerStats(deps, target, res);
    case 'taskStats':
      return taskStats(deps, target, res);
  }
}

/** The v2 credentials route: 400 for a missing or unknown id, as the agent answers. */
async function credentials(deps: TaskEndpointDeps, id: string, source: string, res: ServerResponse): Promise<void> {
  if (id === '') {
    writeJson(res, 400, { code: 'NoIdInRequest', message: `${CREDENTIALS_ERROR_PREFIX}No Credential ID in the request` });
    return;
  }
  let issued;
  try {
    issued = await deps.credentials.credentials(id);
  } catch (error) {
    deps.log?.(`task endpoints: credentials: ${error instanceof Error ? error.message : String(error)}`);
    writeJson(res, 500, { code: 'InternalServerError', message: 'Internal server error' });
    return;
  }
  if (!issued || !sameAddress(source, issued.taskPrivateIp)) {
    writeJson(res, 400, { code: 'InvalidIdInRequest', message: `${CREDENTIALS_ERROR_PREFIX}Credentials not found` });
    return;
  }
  const c = issued.credentials;
  // The agent's IAMRoleCredentials, in its field order; Expiration as STS writes it (`2024-01-15T16:23:45Z`).
  writeJson(res, 200, {
    RoleArn: c.roleArn, AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, Token: c.sessionToken,
    Expiration: c.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
}

async function containerStats(deps: TaskEndpointDeps, target: MetadataTarget, res: ServerResponse): Promise<void> {
  const container = target.record.task.containers?.find((c) => c.name === target.containerName);
  const runtimeId = container?.runtimeId ?? '';
  const stats = runtimeId !== '' ? await readStats(deps, statsTarget(target, target.containerName, runtimeId)) : undefined;
  // The agent's ErrorStatsFetchFailure: 500 with "Unable to get container stats for: <docker id>".
  if (stats) writeJson(res, 200, stats);
  else writeJson(res, 500, `Unable to get container stats for: ${runtimeId}`);
}

/** Every started container by DockerId; one without stats (exited) maps to `{}`, as the agent's does. */
async function taskStats(deps: TaskEndpointDeps, target: MetadataTarget, res: ServerResponse): Promise<void> {
  const started = (target.record.task.containers ?? []).filter((c) => (c.runtimeId ?? '') !== '');
  const all = await Promise.all(started.map((c) => readStats(deps, statsTarget(target, c.name ?? '', c.runtimeId ?? ''))));
  const body: { [id: string]: JsonValue } = {};
  started.forEach((c, i) => {
    body[c.runtimeId ?? ''] = all[i] ?? {};
  });
  writeJson(res, 200, body);
}

async function readStats(deps: TaskEndpointDeps, target: StatsTarget) {
  if (!deps.stats) return undefined;
  return deps.stats.stats(target).catch((error: unknown) => {
    deps.log?.(`task endpoints: stats of ${target.runtimeId}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
}

/** Start times of the running containers (all of them for the task JSON), and the disk used for the task JSON. */
async function runtimeFacts(deps: TaskEndpointDeps, target: MetadataTarget, wholeTask: boolean): Promise<RuntimeFacts> {
  const containers = (target.record.task.containers ?? [])
    .filter((c) => (c.runtimeId ?? '') !== '' && (wholeTask || c.name === target.containerName));
  const startedAt = new Map<string, Date>();
  const { stats, disk } = deps;
  if (stats) {
    const times = await Promise.all(containers.map((c) => stats.startedAt(statsTarget(target, c.name ?? '', c.runtimeId ?? '')).catch(() => undefined)));
    containers.forEach((c, i) => {
      const time = times[i];
      if (time) startedAt.set(c.name ?? '', time);
    });
  }
  const utilized = wholeTask && disk ? await disk.utilizedBytes(containers.map((c) => c.runtimeId ?? '')).catch(() => undefined) : undefined;
  return { startedAt, ...(utilized !== undefined ? { utilizedDiskBytes: utilized } : {}) };
}

function statsTarget(target: MetadataTarget, name: string, runtimeId: string): StatsTarget {
  const arn = target.record.task.taskArn ?? '';
  return { taskId: arn.slice(arn.lastIndexOf('/') + 1), runtimeId, name };
}

/** The agent writes every answer with encoding/json: an object, or an error message as a JSON string. */
function writeJson(res: ServerResponse, status: number, body: JsonValue): void {
  const text = jsonText(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}

/** The connection's IPv4 source, without the `::ffff:` of an IPv4-mapped IPv6 address. */
export function sourceAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

function sameAddress(source: string, taskIp: string): boolean {
  return taskIp !== '' && source === taskIp;
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Go's path cleaning as gorilla/mux applies it: path.Clean, keeping a trailing slash. */
export function cleanPath(path: string): string {
  if (path === '') return '/';
  const rooted = path.startsWith('/') ? path : `/${path}`;
  let clean = posix.normalize(rooted);
  if (clean.length > 1 && clean.endsWith('/')) clean = clean.slice(0, -1);
  if (rooted.endsWith('/') && clean !== '/') clean += '/';
  return clean;
}
