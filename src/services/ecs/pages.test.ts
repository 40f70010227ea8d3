// Paging over computed lists: every item once, in order, whatever the page size; foreign tokens refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { InvalidParameterException } from './errors.ts';
import { pageLimit, pageOfList } from './pages.ts';

function walk(items: readonly string[], limit: number): string[] {
  const seen: string[] = [];
  let token: string | undefined;
  for (let guard = 0; guard <= items.length + 1; guard++) {
    const page = pageOfList(items, (s) => s, token, limit);
    assert.ok(page.items.length <= limit);
    seen.push(...page.items);
    token = page.nextToken;
    if (token === undefined) return seen;
  }
  throw new Error('paging did not end');
}

test('paging visits every item once and in order, for any list and page size', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.string()), fc.integer({ min: 1, max: 12 }), (items, limit) => {
    assert.deepEqual(walk(items, limit), items);
  }));
});

test('a page resumes after the last item seen even when an earlier item was removed', () => {
  const first = pageOfList(['a', 'b', 'c', 'd'], (s) => s, undefined, 2);
  assert.deepEqual(first.items, ['a', 'b']);
  const next = pageOfList(['b', 'c', 'd'], (s) => s, first.nextToken, 2);
  assert.deepEqual(next.items, ['c', 'd']);
});

test('a token Berth did not mint and an out-of-range maxResults are InvalidParameterException', () => {
  assert.throws(() => pageOfList(['a'], (s) => s, 'garbage', 1), InvalidParameterException);
  assert.throws(() => pageLimit(0, 100), InvalidParameterException);
  assert.throws(() => pageLimit(101, 100), InvalidParameterException);
  assert.equal(pageLimit(undefined, 100), 100);
  assert.equal(pageLimit(7, 10), 7);
});
