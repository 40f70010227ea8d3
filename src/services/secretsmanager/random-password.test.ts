import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { generatePassword, PUNCTUATION } from './random-password.ts';

test('default: 32 characters with lowercase, uppercase, digits and punctuation, no space', () => {
  const password = generatePassword({}, randomBytes);
  assert.equal(password.length, 32);
  assert.match(password, /[a-z]/);
  assert.match(password, /[A-Z]/);
  assert.match(password, /[0-9]/);
  assert.ok([...password].some((c) => PUNCTUATION.includes(c)));
  assert.ok(!password.includes(' '));
});

test('property: length, exclusions and required types hold', () => {
  fc.assert(fc.property(
    fc.record({
      PasswordLength: fc.integer({ min: 5, max: 200 }),
      ExcludeCharacters: fc.string({ maxLength: 10 }),
      ExcludeNumbers: fc.boolean(), ExcludePunctuation: fc.boolean(), ExcludeUppercase: fc.boolean(),
      ExcludeLowercase: fc.constant(false), IncludeSpace: fc.boolean(),
    }),
    (input) => {
      const password = generatePassword(input, randomBytes);
      assert.equal(password.length, input.PasswordLength);
      for (const c of input.ExcludeCharacters) assert.ok(!password.includes(c));
      if (input.ExcludeNumbers) assert.doesNotMatch(password, /[0-9]/);
      if (input.ExcludeUppercase) assert.doesNotMatch(password, /[A-Z]/);
      if (!input.IncludeSpace) assert.ok(!password.includes(' '));
      const lower = [...'abcdefghijklmnopqrstuvwxyz'].filter((c) => !input.ExcludeCharacters.includes(c));
      if (lower.length > 0) assert.ok([...password].some((c) => lower.includes(c)));
      if (input.IncludeSpace && !input.ExcludeCharacters.includes(' ')) assert.ok(password.includes(' '));
    },
  ));
});

test('too short for every type, or nothing left to draw from', () => {
  assert.throws(() => generatePassword({ PasswordLength: 3 }, randomBytes), { name: 'InvalidParameterException' });
  assert.equal(generatePassword({ PasswordLength: 3, RequireEachIncludedType: false }, randomBytes).length, 3);
  assert.throws(() => generatePassword({ ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true }, randomBytes),
    { name: 'InvalidParameterException' });
});
