// ECS pagination: maxResults bounds and nextToken checks shared by every List/Describe operation,
// and paging over lists computed in memory (sorted task definitions, effective account settings).
import { decodeToken, type PageRequest } from '../common/pagination.ts';
import { InvalidParameterException } from './errors.ts';

/** Not verified: Berth's text. ECS answers a nextToken it did not mint with InvalidParameterException. */
export function invalidNextToken(): InvalidParameterException {
  return new InvalidParameterException('Invalid nextToken: it was not returned by a previous call of this operation.');
}

/**
 * The page size for `maxResults`: `fallback` when absent, else 1..`max` as each operation's API
 * reference states ("This value can be between 1 and 100"). Out of range: InvalidParameterException
 * (not verified: Berth's text).
 */
export function pageLimit(maxResults: number | undefined, max: number, fallback = max): number {
  if (maxResults === undefined) return fallback;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > max) {
    throw new InvalidParameterException(`maxResults must be between 1 and ${max}.`);
  }
  return maxResults;
}

/** A store-order page request (common/pagination.ts pageOf) with ECS's limits and token error. */
export function storePage(nextToken: string | undefined, maxResults: number | undefined, max: number, fallback = max): PageRequest {
  return { token: nextToken, limit: pageLimit(maxResults, max, fallback), invalidToken: invalidNextToken };
}

/** Rejects a store-order token Berth did not mint before any work is done. */
export function assertStoreToken(nextToken: string | undefined): void {
  if (nextToken !== undefined && nextToken !== '' && decodeToken(nextToken) === undefined) throw invalidNextToken();
}

export interface ListPage<T> {
  items: T[];
  nextToken: string | undefined;
}

/**
 * One page of an already ordered list whose items have unique keys. The token carries the key of
 * the last item returned, so a page resumes after it even when items were added or removed meanwhile.
 */
export function pageOfList<T>(items: readonly T[], keyOf: (item: T) => string, nextToken: string | undefined, limit: number): ListPage<T> {
  let start = 0;
  if (nextToken !== undefined && nextToken !== '') {
    const after = decodeListToken(nextToken);
    if (after === undefined) throw invalidNextToken();
    const index = items.findIndex((item) => keyOf(item) === after.key);
    // The last item seen is gone: fall back to its position.
    start = index >= 0 ? index + 1 : Math.min(after.position, items.length);
  }
  const page = items.slice(start, start + limit);
  const last = page[page.length - 1];
  const more = start + limit < items.length && last !== undefined;
  return { items: page, nextToken: more ? encodeListToken(keyOf(last), start + page.length) : undefined };
}

function encodeListToken(key: string, position: number): string {
  return Buffer.from(JSON.stringify({ k: key, p: position }), 'utf8').toString('base64url');
}

function decodeListToken(token: string): { key: string; position: number } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { k?: unknown; p?: unknown };
    if (typeof parsed.k !== 'string' || typeof parsed.p !== 'number' || !Number.isInteger(parsed.p) || parsed.p < 0) return undefined;
    return { key: parsed.k, position: parsed.p };
  } catch {
    return undefined;
  }
}
