// GetRandomPassword: a password from the character classes the caller keeps, each class present when
// RequireEachIncludedType is on (the default), with unbiased draws from the injected IdSource.
import type { GetRandomPasswordRequest, GetRandomPasswordResponse } from '@aws-sdk/client-secrets-manager';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { InvalidParameterException } from './errors.ts';

/** The punctuation GetRandomPassword draws from (GetRandomPassword API reference, ExcludePunctuation). */
export const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const DEFAULT_LENGTH = 32;

/** A uniform integer in [0, n) from random bytes (rejection sampling, so no class is favoured). */
export function uniform(n: number, bytes: (count: number) => Buffer): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  for (;;) {
    const draw = bytes(4).readUInt32BE(0);
    if (draw < limit) return draw % n;
  }
}

export function generatePassword(input: GetRandomPasswordRequest, bytes: (count: number) => Buffer): string {
  const length = Number(input.PasswordLength ?? DEFAULT_LENGTH);
  const excluded = new Set(input.ExcludeCharacters ?? '');
  const keep = (chars: string) => [...chars].filter((c) => !excluded.has(c)).join('');
  const classes = [
    input.ExcludeLowercase === true ? '' : keep('abcdefghijklmnopqrstuvwxyz'),
    input.ExcludeUppercase === true ? '' : keep('ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    input.ExcludeNumbers === true ? '' : keep('0123456789'),
    input.ExcludePunctuation === true ? '' : keep(PUNCTUATION),
    input.IncludeSpace === true ? keep(' ') : '',
  ].filter((chars) => chars !== '');
  // Not verified: both texts.
  if (classes.length === 0) throw new InvalidParameterException('The password must contain at least one character: every character type is excluded.');
  const requireEach = input.RequireEachIncludedType !== false;
  if (requireEach && length < classes.length) {
    throw new InvalidParameterException(`PasswordLength ${length} is too short to include each of the ${classes.length} included character types.`);
  }
  const all = classes.join('');
  const pick = (chars: string) => chars[uniform(chars.length, bytes)] ?? '';
  const out = requireEach ? classes.map(pick) : [];
  while (out.length < length) out.push(pick(all));
  // Fisher–Yates, so the required characters are not always first.
  for (let i = out.length - 1; i > 0; i--) {
    const j = uniform(i + 1, bytes);
    [out[i], out[j]] = [out[j] ?? '', out[i] ?? ''];
  }
  return out.join('');
}

export function randomPasswordOperations(deps: ServiceDeps) {
  return {
    GetRandomPassword: async (input: GetRandomPasswordRequest) => ({ RandomPassword: generatePassword(input, (n) => deps.ids.bytes(n)) }),
  } satisfies ServiceOperations<{ GetRandomPassword: [GetRandomPasswordRequest, GetRandomPasswordResponse] }>;
}
