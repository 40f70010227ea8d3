// IAM's identifier formats: unique ids (AROA…, AIDA…, ANPA…), access key ids (AKIA…, ASIA…) and
// secret access keys, drawn from a randomness source the caller passes in.
//
// Facts (IAM User Guide, "IAM identifiers" → "Understanding unique ID prefixes",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes):
// a unique id is 21 characters, a four-letter prefix naming the entity type followed by 17
// characters. The characters seen in real ids and access key ids are RFC 4648 base32
// (A–Z, 2–7), e.g. ANPAIWMBCKSKIEE64ZLYK (AdministratorAccess). Access key ids are 20
// characters (prefix + 16); secret access keys are 40 characters of the base64 alphabet.

/** A source of random bytes: `crypto.randomBytes` in production, a seeded fake in tests. */
export type RandomBytes = (n: number) => Buffer;

/** The four-character prefixes IAM puts in front of each kind of unique id. */
export const IAM_ID_PREFIXES = {
  role: 'AROA',
  user: 'AIDA',
  group: 'AGPA',
  instanceProfile: 'AIPA',
  managedPolicy: 'ANPA',
  managedPolicyVersion: 'ANVA',
  serverCertificate: 'ASCA',
  publicKey: 'APKA',
  accessKey: 'AKIA',
  temporaryAccessKey: 'ASIA',
  bearerToken: 'ABIA',
  contextSpecificCredential: 'ACCA',
} as const;

export type IamIdKind = keyof typeof IAM_ID_PREFIXES;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Length of a unique id (AROA…, AIDA…, ANPA…): prefix plus 17 characters. */
export const UNIQUE_ID_LENGTH = 21;
/** Length of an access key id (AKIA…, ASIA…): prefix plus 16 characters. */
export const ACCESS_KEY_ID_LENGTH = 20;
/** Length of a secret access key. */
export const SECRET_ACCESS_KEY_LENGTH = 40;

/**
 * `count` characters of `alphabet`, one random byte each. Both alphabets have a power-of-two
 * size that divides 256, so masking a byte picks every character with equal probability.
 */
function draw(random: RandomBytes, alphabet: string, count: number): string {
  const bytes = random(count);
  if (bytes.length < count) throw new RangeError(`randomness source returned ${bytes.length} bytes, wanted ${count}`);
  const mask = alphabet.length - 1;
  let out = '';
  for (let i = 0; i < count; i++) out += alphabet[(bytes[i] ?? 0) & mask];
  return out;
}

/** A new 21-character unique id of the given kind, e.g. `AROA` + 17 base32 characters for a role. */
export function newUniqueId(kind: IamIdKind, random: RandomBytes): string {
  const prefix = IAM_ID_PREFIXES[kind];
  return prefix + draw(random, BASE32, UNIQUE_ID_LENGTH - prefix.length);
}

export const newRoleId = (random: RandomBytes): string => newUniqueId('role', random);
export const newUserId = (random: RandomBytes): string => newUniqueId('user', random);
export const newGroupId = (random: RandomBytes): string => newUniqueId('group', random);
export const newInstanceProfileId = (random: RandomBytes): string => newUniqueId('instanceProfile', random);
export const newPolicyId = (random: RandomBytes): string => newUniqueId('managedPolicy', random);

/** A long-term access key id: `AKIA` + 16 base32 characters (20 in all). */
export function newAccessKeyId(random: RandomBytes): string {
  return IAM_ID_PREFIXES.accessKey + draw(random, BASE32, ACCESS_KEY_ID_LENGTH - 4);
}

/** An STS temporary access key id: `ASIA` + 16 base32 characters (20 in all). */
export function newTemporaryAccessKeyId(random: RandomBytes): string {
  return IAM_ID_PREFIXES.temporaryAccessKey + draw(random, BASE32, ACCESS_KEY_ID_LENGTH - 4);
}

/** A secret access key: 40 characters of the base64 alphabet (A–Z, a–z, 0–9, +, /). */
export function newSecretAccessKey(random: RandomBytes): string {
  return draw(random, BASE64, SECRET_ACCESS_KEY_LENGTH);
}

/** True when `id` has the shape of a unique id of `kind` (prefix, length, base32 alphabet). */
export function isUniqueId(id: string, kind: IamIdKind): boolean {
  return id.length === UNIQUE_ID_LENGTH && id.startsWith(IAM_ID_PREFIXES[kind]) && /^[A-Z2-7]+$/.test(id);
}
