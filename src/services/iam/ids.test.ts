// Lengths, prefixes and alphabets of generated IAM ids, with a deterministic randomness source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';

import {
  ACCESS_KEY_ID_LENGTH,
  IAM_ID_PREFIXES,
  SECRET_ACCESS_KEY_LENGTH,
  UNIQUE_ID_LENGTH,
  isUniqueId,
  newAccessKeyId,
  newPolicyId,
  newRoleId,
  newSecretAccessKey,
  newTemporaryAccessKeyId,
  newUniqueId,
  newUserId,
  type IamIdKind,
  type RandomBytes,
} from './ids.ts';

/** Replays `bytes` cyclically, so every test run sees the same ids. */
function fixedRandom(bytes: number[]): RandomBytes {
  return (n) => Buffer.from(Array.from({ length: n }, (_, i) => bytes[i % bytes.length] ?? 0));
}

const BASE32_BODY = /^[A-Z2-7]+$/;

void test('unique ids are a 4-letter prefix and 17 base32 characters', () => {
  const random = fixedRandom([0, 31, 32, 255, 7, 200]);
  assert.equal(newRoleId(random), 'AROAA7A7HIA7A7HIA7A7H');
  for (const [make, prefix] of [
    [newRoleId, 'AROA'],
    [newUserId, 'AIDA'],
    [newPolicyId, 'ANPA'],
  ] as const) {
    const id = make(random);
    assert.equal(id.length, UNIQUE_ID_LENGTH);
    assert.ok(id.startsWith(prefix));
    assert.match(id.slice(4), BASE32_BODY);
  }
});

void test('a real AWS managed policy id has the shape newPolicyId produces', () => {
  // AdministratorAccess's policy id, as list-policies reports it.
  assert.ok(isUniqueId('ANPAIWMBCKSKIEE64ZLYK', 'managedPolicy'));
  assert.ok(!isUniqueId('ANPAIWMBCKSKIEE64ZLY', 'managedPolicy'));
  assert.ok(!isUniqueId('AROAIWMBCKSKIEE64ZLYK', 'managedPolicy'));
});

void test('access key ids are 20 characters: AKIA or ASIA and 16 base32 characters', () => {
  const random = fixedRandom([1, 2, 3]);
  const key = newAccessKeyId(random);
  assert.equal(key.length, ACCESS_KEY_ID_LENGTH);
  assert.ok(key.startsWith('AKIA'));
  assert.match(key.slice(4), BASE32_BODY);
  const temp = newTemporaryAccessKeyId(random);
  assert.equal(temp.length, ACCESS_KEY_ID_LENGTH);
  assert.ok(temp.startsWith('ASIA'));
  assert.match(temp.slice(4), BASE32_BODY);
});

void test('secret access keys are 40 characters of the base64 alphabet', () => {
  const secret = newSecretAccessKey(fixedRandom([0, 25, 26, 51, 52, 61, 62, 63]));
  assert.equal(secret.length, SECRET_ACCESS_KEY_LENGTH);
  assert.equal(secret.slice(0, 8), 'AZaz09+/');
  assert.match(secret, /^[A-Za-z0-9+/]{40}$/);
});

void test('every kind, any randomness: right prefix, length and alphabet', () => {
  const kinds = Object.keys(IAM_ID_PREFIXES) as IamIdKind[];
  fc.assert(
    fc.property(fc.constantFrom(...kinds), fc.uint8Array({ minLength: 1, maxLength: 64 }), (kind, seed) => {
      const id = newUniqueId(kind, fixedRandom([...seed]));
      return isUniqueId(id, kind);
    }),
  );
});

void test('crypto randomness gives distinct ids', () => {
  const seen = new Set(Array.from({ length: 1000 }, () => newRoleId(randomBytes)));
  assert.equal(seen.size, 1000);
});

void test('a randomness source that returns too few bytes is refused', () => {
  assert.throws(() => newRoleId(() => Buffer.alloc(3)), RangeError);
});
