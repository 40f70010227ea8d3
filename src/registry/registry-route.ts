// The OCI distribution endpoint behind ECR, served under /v2/ on Berth's port: routing, auth (the
// Basic scheme ECR uses, `docker login -u AWS -p <GetAuthorizationToken password>`, and Bearer
// tokens from /v2/token: request-auth.ts, token-endpoint.ts), repository lookup, and errors in the
// spec's JSON shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../platform/clock.ts';
import type { IdSource } from '../platform/ids.ts';
import type { HttpRoute } from '../server/http-route.ts';
import type { Scope, Store } from '../store/store.ts';
import { BlobHandlers } from './blob-handlers.ts';
import type { BlobStore } from './blob-store.ts';
import { nameInvalid, nameUnknown, RegistryError, unsupported } from './errors.ts';
import { scopeOfHost, type RegistryAddressing } from './host.ts';
import { drain, header, reply, replyError } from './http-util.ts';
import { ManifestHandlers, type RepositoryTarget } from './manifest-handlers.ts';
import { getRepository } from './records.ts';
import { REPOSITORY_NAME_PATTERN } from './repository-name.ts';
import { RequestAuth, TOKEN_PATH, type AuthScheme, type Need } from './request-auth.ts';
import { serveToken } from './token-endpoint.ts';

export { REPOSITORY_NAME_PATTERN } from './repository-name.ts';

export interface RegistryDeps {
  store: Store;
  ids: IdSource;
  clock: Clock;
  blobs: BlobStore;
  addressing: RegistryAddressing;
  /** Strict: every request needs a Berth-issued password or token. Lenient: anonymous requests are allowed too. */
  strictAuth: boolean;
  /** The challenge of a 401: ECR's Basic (the default) or a Bearer one pointing at /v2/token. */
  authScheme?: AuthScheme;
}

type Endpoint =
  | { kind: 'base' }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; uuid: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'tags'; name: string };

/** The spec's endpoints, matched from the end of the path because names contain slashes. */
function endpointOf(path: string): Endpoint | undefined {
  if (path === '/v2' || path === '/v2/') return { kind: 'base' };
  let m = /^\/v2\/(.+)\/blobs\/uploads\/?$/.exec(path);
  if (m?.[1] !== undefined) return { kind: 'uploads', name: m[1] };
  m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/.exec(path);
  if (m?.[1] !== undefined && m[2] !== undefined) return { kind: 'upload', name: m[1], uuid: m[2] };
  m = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(path);
  if (m?.[1] !== undefined && m[2] !== undefined) return { kind: 'blob', name: m[1], digest: m[2] };
  m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path);
  if (m?.[1] !== undefined && m[2] !== undefined) return { kind: 'manifest', name: m[1], reference: m[2] };
  m = /^\/v2\/(.+)\/tags\/list$/.exec(path);
  if (m?.[1] !== undefined) return { kind: 'tags', name: m[1] };
  return undefined;
}

/** What an endpoint does to which repository, for the token scope check (distribution's actions). */
function needsOf(endpoint: Endpoint | undefined, method: string, url: URL): Need[] {
  if (!endpoint || endpoint.kind === 'base') return [];
  const { name } = endpoint;
  switch (endpoint.kind) {
    case 'uploads': {
      const from = url.searchParams.get('from');
      return [{ name, action: 'push' }, ...(url.searchParams.has('mount') && from !== null ? [{ name: from, action: 'pull' as const }] : [])];
    }
    case 'upload': return [{ name, action: 'push' }];
    case 'blob': case 'manifest':
      if (method === 'DELETE') return [{ name, action: 'delete' }];
      return [{ name, action: method === 'PUT' ? 'push' : 'pull' }];
    case 'tags': return [{ name, action: 'pull' }];
  }
}

export class RegistryRoute implements HttpRoute {
  readonly #deps: RegistryDeps;
  readonly #blobHandlers: BlobHandlers;
  readonly #manifestHandlers: ManifestHandlers;
  readonly #auth: RequestAuth;
  readonly #authDeps: ConstructorParameters<typeof RequestAuth>[0];

  constructor(deps: RegistryDeps) {
    this.#deps = deps;
    this.#authDeps = { ...deps, authScheme: deps.authScheme ?? 'basic' };
    this.#auth = new RequestAuth(this.#authDeps);
    this.#blobHandlers = new BlobHandlers(deps);
    this.#manifestHandlers = new ManifestHandlers({ store: deps.store, blobs: deps.blobs, now: () => deps.clock.now() });
  }

  matches(_method: string, path: string): boolean {
    return path === '/v2' || path.startsWith('/v2/');
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.#serve(req, res);
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      if (res.headersSent) {
        res.destroy(error);
        return;
      }
      // The body was not read (or only partly): close rather than parse the rest as a request.
      if (!req.readableEnded) res.setHeader('connection', 'close');
      replyError(res, error, req.method === 'HEAD');
    }
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://registry');
    const scope = scopeOfHost(header(req, 'host'), this.#deps.addressing);
    if (url.pathname === TOKEN_PATH) return serveToken(req, res, this.#authDeps, scope, url);
    const endpoint = endpointOf(url.pathname);
    await this.#auth.authorize(req, scope, needsOf(endpoint, req.method ?? 'GET', url));
    if (!endpoint) {
      await drain(req);
      throw new RegistryError('UNSUPPORTED', 404, 'the registry has no such endpoint', { path: url.pathname });
    }
    if (endpoint.kind === 'base') {
      await drain(req);
      reply(res, 200, { 'content-type': 'application/json' }, '{}');
      return;
    }
    const target = await this.#target(req, scope, endpoint.name);
    const name = target.repository.repositoryName;
    switch (endpoint.kind) {
      case 'uploads':
        if (req.method !== 'POST') throw unsupported(`${req.method ?? ''} is not allowed here`);
        return this.#blobHandlers.startUpload(req, res, name, url);
      case 'upload': return this.#blobHandlers.upload(req, res, name, endpoint.uuid, url);
      case 'blob': return this.#blobHandlers.blob(req, res, decodeURIComponent(endpoint.digest));
      case 'manifest': return this.#manifestHandlers.manifest(req, res, target, decodeURIComponent(endpoint.reference));
      case 'tags':
        await drain(req);
        return this.#manifestHandlers.tags(res, target, url);
    }
  }

  async #target(req: IncomingMessage, scope: Scope, name: string): Promise<RepositoryTarget> {
    if (!REPOSITORY_NAME_PATTERN.test(name) || name.length > 256) {
      await drain(req);
      throw nameInvalid(name);
    }
    // As on ECR, a repository must be created (CreateRepository) before anything is pushed to it.
    const repository = await this.#deps.store.read((tx) => getRepository(tx, scope, name));
    if (!repository) {
      await drain(req);
      throw nameUnknown(name, scope.account);
    }
    return { scope, repository };
  }
}
