// The registry's Bearer tokens (distribution's "Token Authentication Specification"): what the token
// endpoint (token-endpoint.ts) hands a client that authenticated with the GetAuthorizationToken
// password, naming the account and region, the repositories and the actions granted on each, and an
// expiry. `<payload>.<signature>`, HMAC-SHA256 under the registry's signing key over `bearer.<payload>`
// — a domain the registry passwords (`<payload>` alone) never sign, so neither passes for the other.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IdSource } from '../platform/ids.ts';
import type { Scope, Store } from '../store/store.ts';
import { signingKey } from './auth-token.ts';

/** The actions a repository scope can grant (distribution: pull, push, delete; `*` is all of them). */
export type RegistryAction = 'pull' | 'push' | 'delete';
const ACTIONS: readonly RegistryAction[] = ['pull', 'push', 'delete'];

export interface RepositoryAccess {
  name: string;
  actions: RegistryAction[];
}

export interface BearerClaims {
  scope: Scope;
  access: RepositoryAccess[];
  expiresAt: Date;
}

/** Tokens live an hour (distribution leaves it to the server; clients fetch a new one on a 401), never past the password's own expiry. */
export const BEARER_VALIDITY_MS = 60 * 60 * 1000;

/**
 * The repository scopes a token request names (`scope=repository:team/app:pull,push`, repeated or
 * space-separated). Other resource types (`registry:catalog:*`) grant nothing here; unknown actions are dropped.
 */
export function parseScopes(values: readonly string[]): RepositoryAccess[] {
  const access = new Map<string, Set<RegistryAction>>();
  for (const scope of values.flatMap((v) => v.split(' ')).filter((s) => s !== '')) {
    const match = /^repository(?:\([^)]*\))?:(.+):([^:]*)$/.exec(scope);
    if (!match?.[1] || match[2] === undefined) continue;
    const actions = access.get(match[1]) ?? new Set<RegistryAction>();
    for (const action of match[2].split(',')) {
      if (action === '*') ACTIONS.forEach((a) => actions.add(a));
      else if ((ACTIONS as readonly string[]).includes(action)) actions.add(action as RegistryAction);
    }
    access.set(match[1], actions);
  }
  return [...access].map(([name, actions]) => ({ name, actions: ACTIONS.filter((a) => actions.has(a)) }));
}

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(`bearer.${payload}`).digest('base64url');

export async function issueBearerToken(store: Store, ids: IdSource, claims: BearerClaims): Promise<string> {
  const payload = Buffer.from(JSON.stringify({
    a: claims.scope.account, r: claims.scope.region, e: claims.expiresAt.getTime(),
    s: claims.access.map((x) => [x.name, x.actions]),
  }), 'utf8').toString('base64url');
  return `${payload}.${sign(await signingKey(store, ids), payload)}`;
}

/** The claims of a token this registry issued, or undefined when it is forged, malformed or expired. */
export async function verifyBearerToken(store: Store, ids: IdSource, token: string, now: Date): Promise<BearerClaims | undefined> {
  const [payload, signature, extra] = token.split('.');
  if (payload === undefined || signature === undefined || extra !== undefined) return undefined;
  const expected = Buffer.from(sign(await signingKey(store, ids), payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { a?: unknown; r?: unknown; e?: unknown; s?: unknown };
    if (typeof c.a !== 'string' || typeof c.r !== 'string' || typeof c.e !== 'number' || c.e <= now.getTime() || !Array.isArray(c.s)) return undefined;
    const access = (c.s as [string, RegistryAction[]][]).map(([name, actions]) => ({ name, actions }));
    return { scope: { account: c.a, region: c.r }, access, expiresAt: new Date(c.e) };
  } catch {
    return undefined;
  }
}

/** Whether the claims grant `action` on repository `name`. */
export function grants(claims: BearerClaims, name: string, action: RegistryAction): boolean {
  return claims.access.some((a) => a.name === name && a.actions.includes(action));
}
