// nextToken / Marker pagination over the store's insertion order. Tokens are opaque to clients.
import type { AwsError } from '../../aws/errors.ts';
import type { Kind, ListQuery, ResourceKinds, Scope, StoredResource, StoreTx } from '../../store/store.ts';

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextToken: string | undefined;
}

export function encodeToken(seq: number): string {
  return Buffer.from(JSON.stringify({ s: seq }), 'utf8').toString('base64url');
}

/** The seq a token resumes after; undefined for a token Berth did not mint. */
export function decodeToken(token: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s?: unknown };
    return typeof parsed.s === 'number' && Number.isInteger(parsed.s) ? parsed.s : undefined;
  } catch {
    return undefined;
  }
}

export interface PageRequest {
  token: string | undefined;
  limit: number;
  /** The service's error for a token it cannot read. */
  invalidToken: () => AwsError;
}

/** One page of a kind in store order, optionally filtered in memory by `keep`. */
export async function pageOf<K extends Kind>(tx: StoreTx, kind: K, scope: Scope, query: ListQuery, page: PageRequest,
  keep: (resource: StoredResource<ResourceKinds[K]>) => boolean = () => true): Promise<Page<StoredResource<ResourceKinds[K]>>> {
  let afterSeq: number | undefined;
  if (page.token !== undefined && page.token !== '') {
    afterSeq = decodeToken(page.token);
    if (afterSeq === undefined) throw page.invalidToken();
  }
  const items: StoredResource<ResourceKinds[K]>[] = [];
  // Read in batches so in-memory filters still fill a page without loading the whole kind.
  const batch = Math.max(page.limit * 2, 100);
  for (;;) {
    const rows = await tx.list(kind, scope, { ...query, ...(afterSeq !== undefined ? { afterSeq } : {}), limit: batch });
    for (const row of rows) {
      if (!keep(row)) continue;
      items.push(row);
      if (items.length > page.limit) {
        const last = items[page.limit - 1];
        return { items: items.slice(0, page.limit), nextToken: last ? encodeToken(last.seq) : undefined };
      }
    }
    if (rows.length < batch) return { items, nextToken: undefined };
    afterSeq = rows[rows.length - 1]?.seq;
  }
}
