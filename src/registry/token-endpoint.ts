// The registry's token endpoint, GET (and OAuth2 POST) /v2/token, for clients that take the Bearer
// flow (distribution's "Token Authentication Specification" and "OAuth2 Token Authentication"): the
// client proves itself with the GetAuthorizationToken password — Basic `AWS:<password>` on GET, a
// `grant_type=password` form on POST — and gets a token for the repository scopes it asked for.
// In lenient mode a client without credentials gets one too, as it could use /v2/ anonymously.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { registryPasswordClaims } from './auth-token.ts';
import { BEARER_VALIDITY_MS, issueBearerToken, parseScopes } from './bearer-token.ts';
import { RegistryError, unsupported } from './errors.ts';
import { drain, header, readSmallBody, reply } from './http-util.ts';
import { REPOSITORY_NAME_PATTERN } from './repository-name.ts';
import type { RequestAuthDeps } from './request-auth.ts';
import type { Scope } from '../store/store.ts';

/** A token request's form is a few scopes; more is not one. */
const MAX_FORM_BYTES = 64 * 1024;

interface TokenRequest {
  username: string | undefined;
  password: string | undefined;
  scopes: string[];
}

async function tokenRequest(req: IncomingMessage, url: URL): Promise<TokenRequest> {
  if (req.method === 'GET') {
    await drain(req);
    const basic = /^Basic\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
    const decoded = basic === undefined ? undefined : Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded?.indexOf(':') ?? -1;
    return {
      username: decoded !== undefined && colon >= 0 ? decoded.slice(0, colon) : undefined,
      password: decoded !== undefined && colon >= 0 ? decoded.slice(colon + 1) : undefined,
      scopes: url.searchParams.getAll('scope'),
    };
  }
  if (req.method !== 'POST') {
    await drain(req);
    throw unsupported(`${req.method ?? ''} is not allowed on the token endpoint`);
  }
  const form = new URLSearchParams((await readSmallBody(req, MAX_FORM_BYTES)).toString('utf8'));
  // The OAuth2 spec's error for other grants (refresh tokens are not issued).
  if (form.get('grant_type') !== 'password') throw new RegistryError('UNSUPPORTED', 400, 'unsupported_grant_type: only grant_type=password is supported');
  return { username: form.get('username') ?? undefined, password: form.get('password') ?? undefined, scopes: form.getAll('scope') };
}

export async function serveToken(req: IncomingMessage, res: ServerResponse, deps: RequestAuthDeps, scope: Scope, url: URL): Promise<void> {
  const request = await tokenRequest(req, url);
  const now = deps.clock.now();
  let expiresAt = new Date(now.getTime() + BEARER_VALIDITY_MS);
  // Not verified: Berth's texts (ECR has no token endpoint).
  const refuse = (message: string) => new RegistryError('UNAUTHORIZED', 401, message, undefined,
    { 'www-authenticate': `Basic realm="http://${header(req, 'host') ?? ''}${url.pathname}"` });
  if (request.password === undefined) {
    if (deps.strictAuth) throw refuse('authentication required: the user AWS and a GetAuthorizationToken password');
  } else {
    const claims = request.username === 'AWS' ? await registryPasswordClaims(deps.store, deps.ids, request.password, now) : undefined;
    if (!claims) throw refuse('the user name must be AWS and the password a valid, unexpired GetAuthorizationToken password');
    if (claims.account !== scope.account) throw refuse(`the password was issued for account ${claims.account}, not the registry ${scope.account}`);
    if (claims.expiresAt < expiresAt) expiresAt = claims.expiresAt;
  }
  const access = parseScopes(request.scopes).filter((a) => REPOSITORY_NAME_PATTERN.test(a.name) && a.name.length <= 256);
  const token = await issueBearerToken(deps.store, deps.ids, { scope, access, expiresAt });
  const expiresIn = Math.floor((expiresAt.getTime() - now.getTime()) / 1000);
  // Both members, as registries answer: Docker reads `token`, OAuth2 clients `access_token`.
  reply(res, 200, { 'content-type': 'application/json', 'cache-control': 'no-store' },
    JSON.stringify({ token, access_token: token, expires_in: expiresIn, issued_at: now.toISOString() }));
}
