// Who may do what on the registry: ECR's Basic scheme (user `AWS`, the GetAuthorizationToken
// password: the account's every repository) and distribution's Bearer tokens from /v2/token
// (token-endpoint.ts: only the repositories and actions the token names). The challenge a 401
// carries is ECR's Basic one by default, or a Bearer one (realm /v2/token) when the registry is
// set to challenge with Bearer — and always Bearer to a client that sent a token.
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../platform/clock.ts';
import type { IdSource } from '../platform/ids.ts';
import type { Scope, Store } from '../store/store.ts';
import { verifyRegistryPassword } from './auth-token.ts';
import { grants, verifyBearerToken, type RegistryAction } from './bearer-token.ts';
import { RegistryError } from './errors.ts';
import { registryHost, type RegistryAddressing } from './host.ts';
import { drain, header } from './http-util.ts';

/** ECR challenges with Basic; `bearer` points clients at the token endpoint instead. */
export type AuthScheme = 'basic' | 'bearer';

export const TOKEN_PATH = '/v2/token';
/** ECR's service name in its challenge (`service="ecr.amazonaws.com"`). */
export const REGISTRY_SERVICE = 'ecr.amazonaws.com';

export interface RequestAuthDeps {
  store: Store;
  ids: IdSource;
  clock: Clock;
  addressing: RegistryAddressing;
  /** Strict: every request needs credentials. Lenient: anonymous requests are allowed; credentials sent must be valid. */
  strictAuth: boolean;
  authScheme: AuthScheme;
}

/** What a request does to a repository; a cross-repository mount also reads the repository it mounts `from`. */
export interface Need {
  name: string;
  action: RegistryAction;
}

/** The scope a challenge asks for: distribution asks for `pull,push` to push. */
const scopeText = (needs: readonly Need[]) =>
  needs.map((n) => `repository:${n.name}:${n.action === 'push' ? 'pull,push' : n.action}`).join(' ');

export class RequestAuth {
  readonly #deps: RequestAuthDeps;

  constructor(deps: RequestAuthDeps) {
    this.#deps = deps;
  }

  /** The challenge of a 401, for the needs of the request (`error` as RFC 6750 names it). */
  challenge(scope: Scope, needs: readonly Need[], bearer = this.#deps.authScheme === 'bearer', error?: string): Record<string, string> {
    const host = registryHost(scope, this.#deps.addressing);
    if (!bearer) return { 'www-authenticate': `Basic realm="http://${host}/",service="${REGISTRY_SERVICE}"` };
    const parts = [`realm="http://${host}${TOKEN_PATH}"`, `service="${REGISTRY_SERVICE}"`];
    if (needs.length > 0) parts.push(`scope="${scopeText(needs)}"`);
    if (error !== undefined) parts.push(`error="${error}"`);
    return { 'www-authenticate': `Bearer ${parts.join(',')}` };
  }

  /** Throws UNAUTHORIZED (401, with the challenge) unless the request's credentials allow every need. */
  async authorize(req: IncomingMessage, scope: Scope, needs: readonly Need[]): Promise<void> {
    const authorization = header(req, 'authorization') ?? '';
    const refuse = async (message: string, bearer?: boolean, error?: string) => {
      await drain(req);
      return new RegistryError('UNAUTHORIZED', 401, message, needs.length > 0 ? needs.map((n) => ({ Type: 'repository', Name: n.name, Action: n.action })) : undefined,
        this.challenge(scope, needs, bearer, error));
    };
    if (authorization === '') {
      if (this.#deps.strictAuth) throw await refuse('authentication required');
      return;
    }
    const now = this.#deps.clock.now();
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    if (bearer !== undefined) {
      const claims = await verifyBearerToken(this.#deps.store, this.#deps.ids, bearer, now);
      // Not verified: Berth's texts (ECR has no Bearer flow).
      if (!claims) throw await refuse('the token is not valid or has expired', true, 'invalid_token');
      if (claims.scope.account !== scope.account || claims.scope.region !== scope.region) {
        throw await refuse(`the token was issued for the registry of ${claims.scope.account} in ${claims.scope.region}`, true, 'invalid_token');
      }
      if (!needs.every((n) => grants(claims, n.name, n.action))) throw await refuse('authentication required', true, 'insufficient_scope');
      return;
    }
    const basic = /^Basic\s+(\S+)$/i.exec(authorization)?.[1];
    if (basic === undefined) throw await refuse('only Basic authentication with a GetAuthorizationToken password, or a Bearer token from /v2/token, is supported');
    const account = await basicAccount(this.#deps, basic, now);
    // Not verified: ECR's exact texts for a bad or expired token.
    if (account === undefined) throw await refuse('the user name must be AWS and the password a valid, unexpired GetAuthorizationToken password');
    if (account !== scope.account) throw await refuse(`the password was issued for account ${account}, not the registry ${scope.account}`);
  }
}

/** The account of Basic credentials `AWS:<password>`, or undefined. */
export async function basicAccount(deps: Pick<RequestAuthDeps, 'store' | 'ids'>, encoded: string, now: Date): Promise<string | undefined> {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || decoded.slice(0, colon) !== 'AWS') return undefined;
  return verifyRegistryPassword(deps.store, deps.ids, decoded.slice(colon + 1), now);
}
