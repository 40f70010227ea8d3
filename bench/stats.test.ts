// Percentiles and summaries: nearest rank on known lists, and properties that hold for any list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { percentile, ratio, summarize } from './stats.ts';

test('percentile uses the nearest rank on 1..100', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile(values, 1), 1);
  assert.equal(percentile(values, 50), 50);
  assert.equal(percentile(values, 90), 90);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 99.5), 100);
  assert.equal(percentile(values, 100), 100);
});

test('percentile of a short list rounds the rank up, never interpolates', () => {
  assert.equal(percentile([10, 20, 30, 40], 50), 20);
  assert.equal(percentile([10, 20, 30, 40], 51), 30);
  assert.equal(percentile([10, 20, 30], 99), 30);
  assert.equal(percentile([7], 50), 7);
});

test('percentile rejects an empty list and p outside 0..100', () => {
  assert.throws(() => percentile([], 50), RangeError);
  assert.throws(() => percentile([1], -1), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], Number.NaN), RangeError);
});

test('summarize sorts numerically (not as strings) and leaves its input alone', () => {
  const samples = [100, 9, 25, 3, 1000, 2];
  const copy = [...samples];
  const summary = summarize(samples);
  assert.deepEqual(samples, copy);
  assert.deepEqual(summary, { count: 6, p50: 9, p90: 1000, p99: 1000, max: 1000, mean: 1139 / 6 });
});

test('summarize of nothing is undefined', () => {
  assert.equal(summarize([]), undefined);
});

test('for any samples, p50 <= p90 <= p99 <= max, each is a sample, and min <= mean <= max', () => {
  fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 500 }), (samples) => {
    const s = summarize(samples);
    assert.ok(s);
    assert.equal(s.count, samples.length);
    assert.ok(s.p50 <= s.p90 && s.p90 <= s.p99 && s.p99 <= s.max);
    for (const v of [s.p50, s.p90, s.p99, s.max]) assert.ok(samples.includes(v));
    assert.equal(s.max, Math.max(...samples));
    assert.ok(s.mean >= Math.min(...samples) - 1e-6 && s.mean <= s.max + 1e-6);
  }));
});

test('at least p% of the samples are <= the p-th percentile, and fewer than p% are below it', () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 300 }),
    fc.double({ min: 0, max: 100, noNaN: true }),
    (samples, p) => {
      const sorted = [...samples].sort((a, b) => a - b);
      const v = percentile(sorted, p);
      const atOrBelow = sorted.filter((x) => x <= v).length;
      const below = sorted.filter((x) => x < v).length;
      assert.ok(atOrBelow >= (p / 100) * sorted.length);
      assert.ok(below < Math.max(1, (p / 100) * sorted.length));
    },
  ));
});

test('ratio divides, and is undefined when a side is missing or the divisor is 0', () => {
  assert.equal(ratio(6, 3), 2);
  assert.equal(ratio(undefined, 3), undefined);
  assert.equal(ratio(3, undefined), undefined);
  assert.equal(ratio(3, 0), undefined);
  assert.equal(ratio(Number.NaN, 1), undefined);
});
