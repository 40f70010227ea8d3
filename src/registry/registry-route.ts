// The OCI distribution endpoint behind ECR, served under /v2/ on Berth's port: routing, the
// Basic auth ECR uses (`docker login -u AWS -p <GetAuthorizationToken password>`), repository
// lookup, and errors in the spec's JSON shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../platform/clock.ts';
import type { IdSource } from '../platform/ids.ts';
import type { HttpRoute } from '../server/http-route.ts';
import type { Scope, Store } from '../store/store.ts';
import { verifyRegistryPassword } from './auth-token.ts';
import { BlobHandlers } from './blob-handlers.ts';
import type { BlobStore } from './blob-store.ts';
import { nameInvalid, nameUnknown, RegistryError, unsupported } from './errors.ts';
import { registryHost, scopeOfHost, type RegistryAddressing } from './host.ts';
import { drain, header, reply, replyError } from './http-util.ts';
import { ManifestHandlers, type RepositoryTarget } from './manifest-handlers.ts';
import { getRepository } from './records.ts';

export interface RegistryDeps {
  store: Store;
  ids: IdSource;
  clock: Clock;
  blobs: BlobStore;
  addressing: RegistryAddressing;
  /** Strict: every request needs a Berth-issued password. Lenient: anonymous requests are allowed too. */
  strictAuth: boolean;
}

/** ECR's repository name syntax (CreateRepository's repositoryName pattern), which also fits the distribution spec's. */
export const REPOSITORY_NAME_PATTERN = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

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

export class RegistryRoute implements HttpRoute {
  readonly #deps: RegistryDeps;
  readonly #blobHandlers: BlobHandlers;
  readonly #manifestHandlers: ManifestHandlers;

  constructor(deps: RegistryDeps) {
    this.#deps = deps;
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
    await this.#authenticate(req, scope);
    const endpoint = endpointOf(url.pathname);
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

  /**
   * ECR's scheme: HTTP Basic with user `AWS` and the GetAuthorizationToken password, which must
   * name the account of the registry host. A 401 carries ECR's challenge,
   * `Basic realm="https://<registry host>/",service="ecr.amazonaws.com"` (here with http).
   */
  async #authenticate(req: IncomingMessage, scope: Scope): Promise<void> {
    const authorization = header(req, 'authorization');
    const challenge = () => ({
      'www-authenticate': `Basic realm="http://${registryHost(scope, this.#deps.addressing)}/",service="ecr.amazonaws.com"`,
    });
    const unauthorized = async (message: string) => {
      await drain(req);
      return new RegistryError('UNAUTHORIZED', 401, message, undefined, challenge());
    };
    if (authorization === undefined || authorization === '') {
      if (this.#deps.strictAuth) throw await unauthorized('authentication required');
      return;
    }
    const basic = /^Basic\s+(\S+)$/i.exec(authorization);
    if (!basic?.[1]) throw await unauthorized('only Basic authentication with a GetAuthorizationToken password is supported');
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const account = colon > 0 && user === 'AWS'
      ? await verifyRegistryPassword(this.#deps.store, this.#deps.ids, password, this.#deps.clock.now())
      : undefined;
    // Not verified: ECR's exact texts for a bad or expired token.
    if (account === undefined) throw await unauthorized('the user name must be AWS and the password a valid, unexpired GetAuthorizationToken password');
    if (account !== scope.account) throw await unauthorized(`the password was issued for account ${account}, not the registry ${scope.account}`);
  }
}
