// The distribution token flow a remote pull goes through (distribution's "Token Authentication
// Specification"; containerd's remotes/docker authorizer): a 401 names a Bearer realm, Berth fetches
// an anonymous token for `repository:<name>:pull` there and retries with it. Tokens are kept per
// realm, service and scope until they expire, and each registry host's challenge is remembered so
// later requests to it carry a token from the start. Berth has no registry credentials (private
// registries need repositoryCredentials, not served yet): a Basic challenge cannot be answered.
import type { Clock } from '../../platform/clock.ts';
import { httpGet, type HttpGetOptions } from './remote-http.ts';

export interface Challenge {
  /** Lower case: `bearer`, `basic`. */
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses WWW-Authenticate values (RFC 7235: `scheme param="value", param=token, …`, several
 * challenges possibly in one header). Parameter names are lower-cased, quoted values unescaped.
 */
export function parseChallenges(values: readonly string[]): Challenge[] {
  const challenges: Challenge[] = [];
  for (const value of values) {
    let i = 0;
    const skip = (chars: RegExp) => {
      while (i < value.length && chars.test(value.charAt(i))) i++;
    };
    const read = (chars: RegExp) => {
      const start = i;
      skip(chars);
      return value.slice(start, i);
    };
    let current: Challenge | undefined;
    while (i < value.length) {
      skip(/[\s,]/);
      const name = read(/[!#$%&'*+\-.^_`|~0-9A-Za-z]/);
      if (name === '') {
        i++;
        continue;
      }
      const afterName = i;
      skip(/\s/);
      if (value.charAt(i) !== '=') {
        // A token not followed by '=' starts the next challenge.
        i = afterName;
        current = { scheme: name.toLowerCase(), params: {} };
        challenges.push(current);
        continue;
      }
      i++;
      skip(/\s/);
      let param = '';
      if (value.charAt(i) === '"') {
        i++;
        while (i < value.length && value.charAt(i) !== '"') {
          if (value.charAt(i) === '\\' && i + 1 < value.length) i++;
          param += value.charAt(i++);
        }
        i++;
      } else {
        param = read(/[^\s,]/);
      }
      if (current) current.params[name.toLowerCase()] = param;
    }
  }
  return challenges;
}

/** A token the realm could not give, or a challenge Berth cannot answer. Message in containerd's words. */
export class RegistryAuthError extends Error {
  override readonly name = 'RegistryAuthError';
  readonly code = 'BTH_REGISTRY_AUTH';
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** distribution's token spec: "If omitted, clients should assume a default of 60 seconds"; containerd's minimum too. */
const DEFAULT_TOKEN_SECONDS = 60;
/** Renew a little before expiry so a token does not lapse in flight. */
const RENEW_MARGIN_MS = 5_000;
const MAX_TOKEN_RESPONSE = 1024 * 1024;

export interface RegistryAuthorizerOptions {
  clock: Clock;
  http: Omit<HttpGetOptions, 'headers'>;
}

/**
 * Holds the Bearer realm each registry host named and the anonymous tokens fetched there, per
 * repository. One per RegistryImages; safe to share between concurrent pulls.
 */
export class RegistryAuthorizer {
  readonly #options: RegistryAuthorizerOptions;
  /** host → the realm and service of its Bearer challenge (a challenge's scope belongs to the request that drew it). */
  readonly #realms = new Map<string, { realm: string; service: string | undefined }>();
  /** `realm service repository` → token. */
  readonly #tokens = new Map<string, CachedToken>();

  constructor(options: RegistryAuthorizerOptions) {
    this.#options = options;
  }

  /** The Authorization header for a pull of `repository` from `host`, when the host asked for a token before. */
  async authorization(host: string, repository: string): Promise<string | undefined> {
    const realm = this.#realms.get(host);
    if (!realm) return undefined;
    const key = tokenKey(realm, repository);
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt - RENEW_MARGIN_MS > this.#options.clock.now().getTime()) return `Bearer ${cached.token}`;
    return `Bearer ${await this.#fetchInto(key, realm, [pullScope(repository)])}`;
  }

  /**
   * Takes a 401's challenges. Returns true when a retry with `authorization()` can succeed (a Bearer
   * challenge; the token is fetched now, for the repository's pull scope plus any scope the challenge
   * names, as containerd asks; a realm that refuses fails here with containerd's text), false when
   * Berth has nothing to answer with (a Basic challenge: no credentials).
   */
  async challenged(host: string, repository: string, values: readonly string[]): Promise<boolean> {
    const bearer = parseChallenges(values).find((c) => c.scheme === 'bearer' && c.params.realm !== undefined);
    if (!bearer) return false;
    const realm = { realm: bearer.params.realm ?? '', service: bearer.params.service };
    this.#realms.set(host, realm);
    const named = (bearer.params.scope ?? '').split(' ').filter((s) => s !== '');
    await this.#fetchInto(tokenKey(realm, repository), realm, [pullScope(repository), ...named]);
    return true;
  }

  /** Drops the token a registry refused, so the next request fetches a fresh one. */
  forget(host: string, repository: string): void {
    const realm = this.#realms.get(host);
    if (realm) this.#tokens.delete(tokenKey(realm, repository));
  }

  async #fetchInto(key: string, realm: { realm: string; service: string | undefined }, scopes: string[]): Promise<string> {
    const token = await this.#fetch(realm.realm, realm.service, [...new Set(scopes)].sort(), this.#options.clock.now().getTime());
    this.#tokens.set(key, token);
    return token.token;
  }

  /** containerd's FetchToken (anonymous GET): `?scope=…&service=…`, keys sorted as Go's url.Values encodes them. */
  async #fetch(realm: string, service: string | undefined, scopes: string[], now: number): Promise<CachedToken> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryAuthError(`failed to authorize: failed to fetch anonymous token: parse "${realm}": invalid URI for request`);
    }
    for (const scope of scopes) url.searchParams.append('scope', scope);
    if (service !== undefined && service !== '') url.searchParams.append('service', service);
    url.searchParams.sort();
    const fail = (detail: string) => new RegistryAuthError(`failed to authorize: failed to fetch anonymous token: ${detail}`);
    let body: Buffer;
    try {
      const response = await httpGet(url.href, this.#options.http);
      body = await readLimited(response.body, MAX_TOKEN_RESPONSE);
      if (response.status < 200 || response.status >= 400) {
        throw fail(`unexpected status from GET request to ${response.url}: ${response.statusLine}`);
      }
    } catch (error) {
      if (error instanceof RegistryAuthError) throw error;
      throw fail(error instanceof Error ? error.message : String(error));
    }
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch (error) {
      throw fail(`failed to decode token response: ${error instanceof Error ? error.message : String(error)}`);
    }
    const token = typeof parsed.token === 'string' && parsed.token !== '' ? parsed.token
      : typeof parsed.access_token === 'string' ? parsed.access_token : '';
    // containerd's ErrNoToken.
    if (token === '') throw fail('authorization server did not include a token in the response');
    const seconds = typeof parsed.expires_in === 'number' && parsed.expires_in >= DEFAULT_TOKEN_SECONDS ? parsed.expires_in : DEFAULT_TOKEN_SECONDS;
    const issued = typeof parsed.issued_at === 'string' ? Date.parse(parsed.issued_at) : NaN;
    // A token server's clock may disagree with ours; never believe an issue time in our future.
    const from = Number.isNaN(issued) ? now : Math.min(issued, now);
    return { token, expiresAt: from + seconds * 1000 };
  }
}

const pullScope = (repository: string) => `repository:${repository}:pull`;
const tokenKey = (realm: { realm: string; service: string | undefined }, repository: string) => `${realm.realm} ${realm.service ?? ''} ${repository}`;

/** A body that went past the bytes its reader allows. */
export class TooLargeError extends Error {
  override readonly name = 'TooLargeError';
  readonly code = 'BTH_TOO_LARGE';
  constructor(readonly size: number, limit: number) {
    super(`more than ${limit} bytes`);
  }
}

/** The whole stream, or TooLargeError (and the stream destroyed) past `limit` bytes. */
export async function readLimited(stream: AsyncIterable<unknown> & { destroy(): void }, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      stream.destroy();
      throw new TooLargeError(size, limit);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
