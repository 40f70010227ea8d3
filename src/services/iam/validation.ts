// Reading required members in IAM and STS operations, worded as AWS's validation layer words a
// missing one. (Lengths, enums and the model's patterns are checked before operations run.)
import { describeViolations, pathSegment } from '../../aws/models/validate.ts';
import { ValidationError } from './errors.ts';

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
