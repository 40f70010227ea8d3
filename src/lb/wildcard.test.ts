import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { regexMatcher, wildcardMatcher } from './wildcard.ts';

test('* matches any run of characters and ? exactly one', () => {
  const m = wildcardMatcher('/img/*', false);
  assert.equal(m('/img/'), true);
  assert.equal(m('/img/a/b.png'), true);
  assert.equal(m('/im'), false);
  const q = wildcardMatcher('/v?/x', false);
  assert.equal(q('/v1/x'), true);
  assert.equal(q('/v12/x'), false);
  assert.equal(q('/v/x'), false);
});

test('regex metacharacters in a pattern are literal', () => {
  const m = wildcardMatcher('/a.b+(c)[d]$', false);
  assert.equal(m('/a.b+(c)[d]$'), true);
  assert.equal(m('/aXb+(c)[d]$'), false);
});

test('case sensitivity is the caller\'s choice', () => {
  assert.equal(wildcardMatcher('/API/*', false)('/api/x'), false);
  assert.equal(wildcardMatcher('*.EXAMPLE.com', true)('www.example.COM'), true);
});

test('property: a pattern without wildcards matches exactly itself', () => {
  fc.assert(fc.property(fc.string().filter((s) => !/[*?]/.test(s)), fc.string(), (pattern, other) => {
    assert.equal(wildcardMatcher(pattern, false)(pattern), true);
    if (other !== pattern) assert.equal(wildcardMatcher(pattern, false)(other), false);
  }));
});

test('property: prefix* matches every string that starts with prefix, and only those', () => {
  fc.assert(fc.property(fc.string().filter((s) => !/[*?]/.test(s)), fc.string(), (prefix, rest) => {
    const m = wildcardMatcher(`${prefix}*`, false);
    assert.equal(m(prefix + rest), true);
    const candidate = rest;
    assert.equal(m(candidate), candidate.startsWith(prefix));
  }));
});

test('property: ? matches strings of the same length only', () => {
  fc.assert(fc.property(fc.nat(8), fc.string({ maxLength: 12 }), (n, value) => {
    assert.equal(wildcardMatcher('?'.repeat(n), false)(value), [...value].length === n);
  }));
});

test('a regex value is unanchored; a pattern JavaScript rejects never matches', () => {
  assert.equal(regexMatcher('^/api/v[0-9]+/', false)('/api/v2/users'), true);
  assert.equal(regexMatcher('users', false)('/api/v2/users'), true);
  assert.equal(regexMatcher('(', false)('('), false);
});
