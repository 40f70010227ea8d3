// Input checks the protocol layer does not make for IAM and STS: the model's regular-expression
// patterns (names, paths, tags, policy text) and members that must be present. Violations are
// worded as AWS's validation layer words them, e.g.
// `1 validation error detected: Value 'a b' at 'roleName' failed to satisfy constraint: Member
// must satisfy regular expression pattern: [\w+=,.@-]+`.
//
// The patterns are copied from botocore's data/iam/2010-05-08/service-2.json and
// data/sts/2011-06-15/service-2.json (the extracted models in src/aws/models/data drop them).
import { describeViolations, pathSegment, type Violation } from '../../aws/models/validate.ts';
import { ValidationError } from './errors.ts';

export const PATTERNS = {
  /** roleNameType, userNameType, policyNameType, existingUserNameType; STS roleSessionNameType is the same with `*`. */
  name: '[\\w+=,.@-]+',
  /** pathType */
  path: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
  /** pathPrefixType */
  pathPrefix: '\\u002F[\\u0021-\\u007F]*',
  /** policyPathType */
  policyPath: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/',
  /** policyDocumentType */
  policyDocument: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
  /** roleDescriptionType */
  roleDescription: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*',
  /** tagKeyType */
  tagKey: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
  /** tagValueType */
  tagValue: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*',
  /** policyVersionIdType */
  policyVersionId: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?',
  /** accessKeyIdType */
  accessKeyId: '[\\w]+',
  /** STS roleSessionNameType, sourceIdentityType */
  sessionName: '[\\w+=,.@-]*',
  /** STS externalIdType */
  externalId: '[\\w+=,.@:\\/-]*',
} as const;

/** One pattern check: the value (skipped when undefined), its wire member path, the pattern. */
export type PatternCheck = [value: string | undefined, member: string, pattern: string];

/** Throws ValidationError listing every value that does not fully match its pattern. */
export function checkPatterns(checks: readonly PatternCheck[]): void {
  const violations: Violation[] = [];
  for (const [value, member, pattern] of checks) {
    if (value === undefined) continue;
    if (!new RegExp(`^(?:${pattern})$`, 'u').test(value)) {
      violations.push({ path: member, value, constraint: `Member must satisfy regular expression pattern: ${pattern}` });
    }
  }
  if (violations.length > 0) throw new ValidationError(describeViolations(violations));
}

/** The member path AWS prints for a top-level input member (`RoleName` → `roleName`). */
export function member(name: string): string {
  return pathSegment(name);
}

/**
 * A member the model marks required. The protocol layer already refuses a missing one; the SDK's
 * types still say `T | undefined`, so operations read required members through this.
 */
export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) {
    throw new ValidationError(describeViolations([{ path: member(name), constraint: 'Member must not be null', value: undefined }]));
  }
  return value;
}
