// IAM's list pagination: MaxItems (default 100, 1–1000 by the model) and an opaque Marker in,
// IsTruncated and the next Marker out. Store-backed lists resume after a store seq (pageOf);
// short in-memory lists (tags, the AWS managed policy catalog) resume after an index.
import type { Kind, ListQuery, ResourceKinds, Scope, StoredResource, StoreTx } from '../../store/store.ts';
import { pageOf } from '../common/pagination.ts';
import { ValidationError } from './errors.ts';

/** "If you do not include this parameter, the number of items defaults to 100." (IAM API reference, MaxItems). */
export const DEFAULT_MAX_ITEMS = 100;

export interface PageInput {
  Marker?: string | undefined;
  MaxItems?: number | undefined;
}

export interface IamPage<T> {
  items: T[];
  IsTruncated: boolean;
  /** Present only when IsTruncated. */
  Marker: string | undefined;
}

/** Berth's wording: IAM's text for a marker it did not mint is not documented. */
export function invalidMarker(): ValidationError {
  return new ValidationError('Invalid Marker.');
}

export async function iamPageOf<K extends Kind>(tx: StoreTx, kind: K, scope: Scope, query: ListQuery, input: PageInput,
  keep?: (resource: StoredResource<ResourceKinds[K]>) => boolean): Promise<IamPage<StoredResource<ResourceKinds[K]>>> {
  const page = await pageOf(tx, kind, scope, query,
    { token: input.Marker, limit: input.MaxItems ?? DEFAULT_MAX_ITEMS, invalidToken: invalidMarker }, keep);
  return { items: page.items, IsTruncated: page.nextToken !== undefined, Marker: page.nextToken };
}

export function encodeIndexMarker(index: number): string {
  return Buffer.from(JSON.stringify({ i: index }), 'utf8').toString('base64url');
}

/** The index a marker resumes at; throws ValidationError for one Berth did not mint. */
export function decodeIndexMarker(marker: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as { i?: unknown };
    if (typeof parsed.i === 'number' && Number.isInteger(parsed.i) && parsed.i >= 0) return parsed.i;
  } catch {
    // fall through
  }
  throw invalidMarker();
}

/** One page of an in-memory list. */
export function pageArray<T>(items: readonly T[], input: PageInput): IamPage<T> {
  const start = input.Marker !== undefined && input.Marker !== '' ? decodeIndexMarker(input.Marker) : 0;
  const limit = input.MaxItems ?? DEFAULT_MAX_ITEMS;
  const slice = items.slice(start, start + limit);
  const truncated = start + limit < items.length;
  return { items: slice, IsTruncated: truncated, Marker: truncated ? encodeIndexMarker(start + limit) : undefined };
}
