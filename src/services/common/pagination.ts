// nextToken / Marker pagination over the store's insertion order. Tokens are opaque to clients.
import type { AwsError } from '../../aws/errors.ts';
import type { Kind, ListQuery, ResourceKinds, Scope, StoredResource, StoreTx } from '../../store/store.ts';

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextToken: string | undefined;
}

/** Where a page stopped: the last resource's seq, and its name when the listing is in name order. */
interface Cursor {
  seq: number;
  name?: string;
}

export function encodeToken(seq: number, name?: string): string {
  return Buffer.from(JSON.stringify(name === undefined ? { s: seq } : { s: seq, n: name }), 'utf8').toString('base64url');
}

function decodeCursor(token: string): Cursor | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s?: unknown; n?: unknown };
    if (typeof parsed.s !== 'number' || !Number.isInteger(parsed.s)) return undefined;
    if (parsed.n !== undefined && typeof parsed.n !== 'string') return undefined;
    return parsed.n === undefined ? { seq: parsed.s } : { seq: parsed.s, name: parsed.n };
  } catch {
    return undefined;
  }
}

/** The seq a token resumes after; undefined for a token Berth did not mint. */
export function decodeToken(token: string): number | undefined {
  return decodeCursor(token)?.seq;
}

export interface PageRequest {
  token: string | undefined;
  limit: number;
  /** The service's error for a token it cannot read. */
  invalidToken: () => AwsError;
}

/**
 * One page of a kind in the query's order (insertion order, or name order), optionally filtered
 * in memory by `keep`. The token is a keyset cursor, so pages stay right while resources change.
 */
export async function pageOf<K extends Kind>(tx: StoreTx, kind: K, scope: Scope, query: ListQuery, page: PageRequest,
  keep?: (resource: StoredResource<ResourceKinds[K]>) => boolean): Promise<Page<StoredResource<ResourceKinds[K]>>> {
  const byName = query.order === 'name';
  let cursor: Cursor | undefined;
  if (page.token !== undefined && page.token !== '') {
    cursor = decodeCursor(page.token);
    if (cursor === undefined || (byName && cursor.name === undefined)) throw page.invalidToken();
  }
  const position = (c: Cursor | undefined): ListQuery => {
    if (!c) return {};
    return byName ? { after: { name: c.name ?? '', seq: c.seq } } : { afterSeq: c.seq };
  };
  const tokenOf = (r: StoredResource<unknown>): string => (byName ? encodeToken(r.seq, r.name) : encodeToken(r.seq));
  const items: StoredResource<ResourceKinds[K]>[] = [];
  // Without a filter, one more row than the page tells whether there is a next page. With an
  // in-memory filter, read in batches so it still fills a page without loading the whole kind.
  const batch = keep ? Math.max(page.limit * 2, 100) : page.limit + 1;
  for (;;) {
    const rows = await tx.list(kind, scope, { ...query, ...position(cursor), limit: batch });
    for (const row of rows) {
      if (keep && !keep(row)) continue;
      items.push(row);
      if (items.length > page.limit) {
        const last = items[page.limit - 1];
        return { items: items.slice(0, page.limit), nextToken: last ? tokenOf(last) : undefined };
      }
    }
    const lastRow = rows[rows.length - 1];
    if (rows.length < batch || !lastRow) return { items, nextToken: undefined };
    cursor = { seq: lastRow.seq, name: lastRow.name };
  }
}
