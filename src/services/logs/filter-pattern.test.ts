// Filter pattern syntax and matching, with examples from the CloudWatch Logs User Guide, and
// properties that hold for any message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileFilterPattern, FilterPatternError } from './filter-pattern.ts';

const matches = (pattern: string, message: string): boolean => compileFilterPattern(pattern)(message);

test('terms: all must appear, case-sensitively; -term excludes; quoted phrases; ?a ?b any', () => {
  assert.equal(matches('ERROR', '[ERROR] disk full'), true);
  assert.equal(matches('ERROR', '[error] disk full'), false);
  assert.equal(matches('ERROR disk', 'ERROR: disk full'), true);
  assert.equal(matches('ERROR memory', 'ERROR: disk full'), false);
  assert.equal(matches('ERROR -Exiting', 'ERROR Exiting program'), false);
  assert.equal(matches('ERROR -Exiting', 'ERROR retrying'), true);
  assert.equal(matches('"Connection refused"', 'dial tcp: Connection refused'), true);
  assert.equal(matches('"Connection refused"', 'Connection was refused'), false);
  assert.equal(matches('?ERROR ?WARN', 'WARN low memory'), true);
  assert.equal(matches('?ERROR ?WARN', 'INFO all good'), false);
  assert.equal(matches('%ERR[0-9]+%', 'code ERR42'), true);
  assert.equal(matches('', 'anything'), true);
  assert.equal(matches('   ', 'anything'), true);
});

test('JSON: comparisons, wildcards, numbers, && / || with parentheses, IS NULL, NOT EXISTS', () => {
  const event = JSON.stringify({ level: 'error', latency: 150, user: { id: 'u-1', name: null }, tags: ['a', 'b'], ok: false });
  assert.equal(matches('{ $.level = "error" }', event), true);
  assert.equal(matches('{ $.level = "ERROR" }', event), false);
  assert.equal(matches('{ $.level = err* }', event), true);
  assert.equal(matches('{ $.level != "info" }', event), true);
  assert.equal(matches('{ $.latency > 100 }', event), true);
  assert.equal(matches('{ $.latency <= 100 }', event), false);
  assert.equal(matches('{ $.latency = 150 }', event), true);
  assert.equal(matches('{ $.user.id = "u-1" && $.latency >= 150 }', event), true);
  assert.equal(matches('{ $.level = "info" || $.tags[1] = "b" }', event), true);
  assert.equal(matches('{ ($.level = "info" || $.level = "error") && $.latency < 200 }', event), true);
  assert.equal(matches('{ $.user.name IS NULL }', event), true);
  assert.equal(matches('{ $.ok IS FALSE }', event), true);
  assert.equal(matches('{ $.missing NOT EXISTS }', event), true);
  assert.equal(matches('{ $.level NOT EXISTS }', event), false);
  assert.equal(matches('{ $.level = %^err% }', event), true);
  assert.equal(matches('{ $.level = "error" }', 'not json at all'), false);
});

test('space-delimited: fields by position, ellipsis, wildcards and numeric conditions (the guide\'s access-log example)', () => {
  const line = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326';
  assert.equal(matches('[ip, user, username, timestamp, request, status_code, bytes]', line), true);
  assert.equal(matches('[ip, user, username, timestamp, request, status_code = 4*, bytes > 1000]', line), true);
  assert.equal(matches('[ip, user, username, timestamp, request, status_code = 5*, bytes]', line), false);
  assert.equal(matches('[..., status_code = 404, bytes]', line), true);
  assert.equal(matches('[ip = 127.0.0.1, ...]', line), true);
  assert.equal(matches('[ip, ..., bytes < 100]', line), false);
  assert.equal(matches('[ip, user, username, timestamp, request = "GET /apache_pb.gif HTTP/1.0", ...]', line), true);
  assert.equal(matches('[..., status_code = 500 || status_code = 404, bytes]', line), true);
  assert.equal(matches('[a, b]', line), false, 'too few fields without an ellipsis');
});

test('unparseable patterns throw FilterPatternError("Invalid filter pattern")', () => {
  for (const bad of ['email@domain.com', '"unterminated', '{ $.level = "error"', '{ level = "error" }', '{ $.latency > abc }',
    '{ $.a = 1 && }', '[a, , b]', '[a = ]', '[a > x]', '{ $.a IS MAYBE }', '%unterminated', '{ $. = 1 }', '{ }']) {
    assert.throws(() => compileFilterPattern(bad), FilterPatternError, bad);
  }
  assert.throws(() => compileFilterPattern('{ $.level = "error"'), /If a filter pattern starts with '\{' it must end with '\}'/);
});

const word = fc.stringMatching(/^[A-Za-z0-9_]{1,8}$/);

test('property: a message matches any of its own words, and never a pattern that excludes one of them', () => {
  fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), fc.nat(), (words, pick) => {
    const message = words.join(' ');
    const chosen = words[pick % words.length] ?? '';
    assert.equal(matches(chosen, message), true);
    assert.equal(matches(`"${chosen}"`, message), true);
    assert.equal(matches(`${chosen} -${chosen}`, message), false);
  }));
});

test('property: JSON equality finds the value a document holds, and a field-per-word pattern splits any message', () => {
  // The key is never `n`: the document's own `n` would overwrite it.
  fc.assert(fc.property(word.filter((k) => k !== 'n'), word, fc.integer(), (key, value, n) => {
    const doc = JSON.stringify({ [key]: value, n });
    assert.equal(matches(`{ $.${key} = "${value}" }`, doc), true);
    assert.equal(matches(`{ $.n = ${n} && $.n >= ${n} }`, doc), true);
  }));
  fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), (words) => {
    const fields = words.map((_, i) => `f${i}`).join(', ');
    assert.equal(matches(`[${fields}]`, words.join('  ')), true);
    assert.equal(matches(`[${fields}, extra]`, words.join(' ')), false);
    assert.equal(matches(`[..., last = "${words[words.length - 1] ?? ''}"]`, words.join(' ')), true);
  }));
});

test('property: any pattern string either compiles or throws FilterPatternError, and a compiled one never throws', () => {
  fc.assert(fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (pattern, message) => {
    let matcher;
    try {
      matcher = compileFilterPattern(pattern);
    } catch (error) {
      assert.ok(error instanceof FilterPatternError, String(error));
      return;
    }
    assert.equal(typeof matcher(message), 'boolean');
  }), { numRuns: 2000 });
});
