// What every EC2 Describe shares: picking resources by id (Malformed / NotFound for a bad one), and
// MaxResults/NextToken pages over the store's insertion order.
import type { AwsError } from '../../aws/errors.ts';
import { decodeToken, encodeToken } from '../common/pagination.ts';
import type { StoredResource } from '../../store/store.ts';
import { isEc2Id, type Ec2IdPrefix } from './ids.ts';
import { invalidNextToken } from './request-errors.ts';

/** How an id list is checked: the id's prefix, and AWS's errors for a malformed and an unknown id. */
export interface IdRules {
  readonly prefix: Ec2IdPrefix;
  readonly malformed: (id: string) => AwsError;
  readonly notFound: (id: string) => AwsError;
}

/** Throws the Malformed error for the first id that is not of the prefix's form. */
export function checkIdFormat(ids: readonly string[], rules: IdRules): void {
  const bad = ids.find((id) => !isEc2Id(id, rules.prefix));
  if (bad !== undefined) throw rules.malformed(bad);
}

/**
 * The rows named by `ids` (all rows when `ids` is empty or absent), in store order. Every named id must
 * exist: AWS fails the whole Describe with the resource's NotFound error otherwise.
 */
export function selectByIds<T>(rows: readonly StoredResource<T>[], ids: readonly string[] | undefined, rules: IdRules): StoredResource<T>[] {
  if (ids === undefined || ids.length === 0) return [...rows];
  checkIdFormat(ids, rules);
  const wanted = new Set(ids);
  const present = new Set(rows.map((row) => row.id));
  const missing = ids.find((id) => !present.has(id));
  if (missing !== undefined) throw rules.notFound(missing);
  return rows.filter((row) => wanted.has(row.id));
}

/** An item with its place in the store's order. */
export interface Ordered<T> {
  readonly seq: number;
  readonly item: T;
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextToken: string | undefined;
}

/**
 * One page of already filtered items. Without MaxResults, AWS answers everything at once. The token names
 * the last item's seq, so a page stays correct when resources are added or deleted between calls.
 */
export function pageOf<T>(items: readonly Ordered<T>[], maxResults: number | undefined, nextToken: string | undefined): Page<T> {
  let rest = items;
  if (nextToken !== undefined && nextToken !== '') {
    const after = decodeToken(nextToken);
    if (after === undefined) throw invalidNextToken(nextToken);
    rest = items.filter((entry) => entry.seq > after);
  }
  if (maxResults === undefined || rest.length <= maxResults) return { items: rest.map((entry) => entry.item), nextToken: undefined };
  const page = rest.slice(0, maxResults);
  const last = page[page.length - 1];
  return { items: page.map((entry) => entry.item), nextToken: last ? encodeToken(last.seq) : undefined };
}

/** Keeps the entries whose item passed a filter function that returns a subset of the items it was given. */
export function keepFiltered<T>(entries: readonly Ordered<T>[], filter: (items: T[]) => T[]): Ordered<T>[] {
  const kept = new Set(filter(entries.map((entry) => entry.item)));
  return entries.filter((entry) => kept.has(entry.item));
}
