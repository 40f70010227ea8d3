// EC2 resource id formats (`vpc-0a1b2c…`): minting them from an injected random source, and recognising them.

/**
 * A source of random bytes, e.g. node's `crypto.randomBytes`. Injected (never imported here) so ids are
 * deterministic under test and `platform/` stays the only place that touches real randomness.
 */
export type RandomBytes = (size: number) => Uint8Array;

/**
 * The id prefixes Berth's EC2 networking mints. AWS documents each "in the form prefix-xxxxxxxxxxxxxxxxx"
 * (errors-overview, e.g. InvalidVpcID.Malformed "vpc-xxxxxxxxxxxxxxxxx", InvalidSecurityGroupRuleId.Malformed
 * "sgr-xxxxxxxxxxxxxxxxx"): the prefix, a dash and 17 lowercase hex digits.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */
export const EC2_ID_PREFIXES = [
  'vpc',
  'subnet',
  'sg',
  'sgr',
  'eni',
  'eni-attach',
  'acl',
  'rtb',
  'dopt',
  'igw',
  'vpc-cidr-assoc',
  'subnet-cidr-assoc',
  'rtbassoc',
  'aclassoc',
] as const;

export type Ec2IdPrefix = (typeof EC2_ID_PREFIXES)[number];

/** Mints one id for a prefix; what `default-vpc.ts` and the operations take as their id source. */
export type Ec2IdGenerator = (prefix: Ec2IdPrefix) => string;

/** AWS's current ("long") ids carry 17 hex digits after the prefix. */
export const EC2_ID_HEX_LENGTH = 17;

/** A new id such as `vpc-0f3c9a1b2d4e5f607`: `prefix-` and 17 lowercase hex digits from `randomBytes`. */
export function newEc2Id(prefix: Ec2IdPrefix, randomBytes: RandomBytes): string {
  // 9 bytes give 18 hex digits; the 17 AWS uses are their first 17.
  const bytes = randomBytes(9);
  if (bytes.length < 9) throw new RangeError(`random source returned ${bytes.length} bytes, expected 9`);
  let hex = '';
  for (const byte of bytes.subarray(0, 9)) hex += byte.toString(16).padStart(2, '0');
  return `${prefix}-${hex.slice(0, EC2_ID_HEX_LENGTH)}`;
}

/** An id generator bound to one random source. */
export function ec2IdGenerator(randomBytes: RandomBytes): Ec2IdGenerator {
  return (prefix) => newEc2Id(prefix, randomBytes);
}

// Longest prefixes first, so `vpc-cidr-assoc-…` is not read as a `vpc-` id.
const PREFIXES_LONGEST_FIRST = [...EC2_ID_PREFIXES].sort((a, b) => b.length - a.length);

/**
 * True when `value` is a well-formed id of `prefix`. Accepts the 17-digit form Berth mints and the
 * 8-digit form AWS used before 2018 (users still paste ids such as `sg-51530134` from old docs), so a
 * Berth store restored from such data keeps working.
 */
export function isEc2Id(value: string, prefix: Ec2IdPrefix): boolean {
  if (!value.startsWith(`${prefix}-`)) return false;
  const hex = value.slice(prefix.length + 1);
  return /^[0-9a-f]{8}$/.test(hex) || /^[0-9a-f]{17}$/.test(hex);
}

/** The prefix of a well-formed Berth-known id (`eni-attach-…` → `eni-attach`), or undefined. */
export function ec2IdPrefixOf(value: string): Ec2IdPrefix | undefined {
  return PREFIXES_LONGEST_FIRST.find((prefix) => isEc2Id(value, prefix));
}
