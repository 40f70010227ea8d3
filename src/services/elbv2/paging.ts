// Marker/PageSize paging, as every ELBv2 Describe pages: a keyset cursor over an order the caller gives
// (insertion order for stored resources, table order for fixed lists), so pages stay right while
// resources come and go.
import { decodeToken, encodeToken } from '../common/pagination.ts';
import { ValidationError } from './errors.ts';

/** AWS's PageSize ranges 1–400 (model); without it a Describe answers everything it matched (Berth: 400 at most). */
const MAX_PAGE = 400;

export interface Keyed<T> {
  /** Position in the listing's order (store seq, or table index). */
  seq: number;
  item: T;
}

export function elbPage<T>(entries: Keyed<T>[], marker: string | undefined, pageSize: number | undefined): { items: T[]; nextMarker: string | undefined } {
  let after = -Infinity;
  if (marker !== undefined && marker !== '') {
    const seq = decodeToken(marker);
    // Not verified: the text AWS answers for a marker it did not mint.
    if (seq === undefined) throw new ValidationError('The specified marker is not valid');
    after = seq;
  }
  const limit = Math.min(pageSize ?? MAX_PAGE, MAX_PAGE);
  const rest = [...entries].sort((a, b) => a.seq - b.seq).filter((entry) => entry.seq > after);
  const page = rest.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map((entry) => entry.item), nextMarker: rest.length > limit && last ? encodeToken(last.seq) : undefined };
}
