// Task definition names: the ARN ECS gives a revision, and the `family`, `family:revision` and ARN forms callers use.

import { ClientException, InvalidParameterException } from './errors.ts';

/**
 * `family`: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are
 * allowed." (RegisterTaskDefinition API reference). Also the pattern ListTaskDefinitions reports:
 * `family must match ^[a-zA-Z0-9\-_]+$` (amazon-ecs-cli #542).
 */
export const FAMILY_PATTERN = /^[a-zA-Z0-9_-]+$/;
export const FAMILY_MAX_LENGTH = 255;

/**
 * What DescribeTaskDefinition, DeregisterTaskDefinition, RunTask ... answer (ClientException) when
 * no such revision exists. Verified: seen verbatim in many client code bases and moto's tests.
 */
export const TASK_DEFINITION_NOT_FOUND_MESSAGE = 'Unable to describe task definition.';

/** A parsed reference. `revision` is absent for a bare family, which means "the latest ACTIVE revision". */
export interface TaskDefinitionReference {
  family: string;
  revision?: number;
  /** Set when the reference was a full ARN: callers check it names their own account and Region. */
  arn?: { partition: string; region: string; accountId: string };
}

export interface ParseReferenceOptions {
  /** DeregisterTaskDefinition and DeleteTaskDefinitions need `family:revision` or an ARN. */
  requireRevision?: boolean;
}

const ARN_FORM = /^arn:(aws[a-z-]*):ecs:([a-z0-9-]+):(\d{12}):task-definition\/([^:/]+)(?::([^/]*))?$/;

/** The ARN partition of a Region: `aws-cn` in China, `aws-us-gov` in GovCloud, `aws` elsewhere. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>`, as ECS names a revision. */
export function taskDefinitionArn(region: string, accountId: string, family: string, revision: number): string {
  return `arn:${partitionOf(region)}:ecs:${region}:${accountId}:task-definition/${family}:${revision}`;
}

/**
 * Reads `family`, `family:revision` or `arn:aws:ecs:<region>:<account>:task-definition/family:revision`.
 *
 * Throws InvalidParameterException `Invalid revision number. Number: <text>` when the revision is
 * not an integer (verified: AWS returned it for `...:latest` through UpdateService, and moto's
 * tests assert the same text for DeregisterTaskDefinition). Throws ClientException `Unable to
 * describe task definition.` for an ARN of another shape or a family ECS could never have
 * registered (not verified: that mapping is Berth's; the text is what a lookup of an unknown
 * family returns). With `requireRevision`, a bare family throws ClientException `Revision is
 * missing.` (moto's text; not verified against AWS).
 */
export function parseTaskDefinitionReference(ref: string, options: ParseReferenceOptions = {}): TaskDefinitionReference {
  let family: string;
  let revisionText: string | undefined;
  let arn: TaskDefinitionReference['arn'];

  if (ref.startsWith('arn:')) {
    const m = ARN_FORM.exec(ref);
    if (!m?.[1] || !m[2] || !m[3] || !m[4]) throw new ClientException(TASK_DEFINITION_NOT_FOUND_MESSAGE);
    arn = { partition: m[1], region: m[2], accountId: m[3] };
    family = m[4];
    revisionText = m[5];
  } else {
    const colon = ref.indexOf(':');
    family = colon === -1 ? ref : ref.slice(0, colon);
    revisionText = colon === -1 ? undefined : ref.slice(colon + 1);
  }

  if (family.length === 0 || family.length > FAMILY_MAX_LENGTH || !FAMILY_PATTERN.test(family)) {
    throw new ClientException(TASK_DEFINITION_NOT_FOUND_MESSAGE);
  }
  if (revisionText === undefined) {
    if (options.requireRevision) throw new ClientException('Revision is missing.');
    return arn ? { family, arn } : { family };
  }
  const revision = parseRevision(revisionText);
  return arn ? { family, revision, arn } : { family, revision };
}

/** ECS parses the revision as a 32-bit integer (Java's Integer.parseInt accepts a sign, nothing else). */
function parseRevision(text: string): number {
  const value = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value > 2 ** 31 - 1 || value < -(2 ** 31)) {
    throw new InvalidParameterException(`Invalid revision number. Number: ${text}`);
  }
  return value;
}
