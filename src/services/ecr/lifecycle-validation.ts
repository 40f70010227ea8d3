// PutLifecyclePolicy's and StartLifecyclePolicyPreview's check of a lifecycle policy text, with
// ECR's InvalidParameterException texts: `Invalid parameter at 'LifecyclePolicyText' failed to
// satisfy constraint: 'Lifecycle policy validation failure: <detail>'`. Schema details are worded
// as ECR's JSON-schema validator words them (seen in AWS answers quoted in cloudposse/terraform-aws-ecr
// #132 and #158, and recorded by moto's ecr/policy_validation.py); the rule checks as AWS answers
// them where noted "seen", Berth's wording where noted "not verified".
import type { LifecycleRule } from '../../registry/lifecycle.ts';
import { InvalidParameterException } from './errors.ts';

const invalid = (detail: string) =>
  new InvalidParameterException(`Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ${detail}'`);

/** Berth refuses parts of the policy language AWS has and it does not implement (LIMITATIONS.md). */
const unsupported = (what: string) => new InvalidParameterException(`Berth does not support ${what} in lifecycle policies yet (see LIMITATIONS.md).`);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const list = (names: readonly string[]) => `[${[...names].sort().map((n) => `"${n}"`).join(',')}]`;

function checkType(v: unknown, type: 'object' | 'array' | 'string' | 'integer'): void {
  if (jsonType(v) !== type) throw invalid(`instance type (${jsonType(v)}) does not match any allowed primitive type (allowed: ["${type}"])`);
}

function checkMembers(o: Json, required: readonly string[], allowed: readonly string[]): void {
  const missing = required.filter((k) => !(k in o));
  if (missing.length > 0) throw invalid(`object has missing required properties (${list(missing)})`);
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw invalid(`object instance has properties which are not allowed by the schema: (${list(extra)})`);
}

function checkEnum(v: unknown, values: readonly string[]): void {
  checkType(v, 'string');
  if (!values.includes(v as string)) throw invalid(`instance value (${JSON.stringify(v)}) not found in enum (possible values: ${list(values)})`);
}

function positiveInteger(v: unknown): number {
  checkType(v, 'integer');
  if ((v as number) < 1) throw invalid(`numeric instance is lower than the required minimum (minimum: 1, found: ${String(v)})`);
  return v as number;
}

function strings(v: unknown): string[] {
  checkType(v, 'array');
  for (const s of v as unknown[]) checkType(s, 'string');
  return v as string[];
}

/** "Each string can have up to four wildcards (*)" (User Guide, lifecycle policy properties, tagPatternList). */
const MAX_WILDCARDS = 4;

/** The count schemas: a selection must match exactly one (seen: "instance failed to match exactly one schema (matched 0 out of 2)"). */
function countOf(selection: Json): Pick<LifecycleRule, 'countType' | 'countNumber'> {
  const { countType, countUnit } = selection;
  if (countType === 'sinceImagePulled' || countType === 'sinceImageTransitioned') throw unsupported(`countType ${countType}`);
  const byCount = countType === 'imageCountMoreThan' && countUnit === undefined;
  const byAge = countType === 'sinceImagePushed' && countUnit === 'days';
  if (!byCount && !byAge) throw invalid('instance failed to match exactly one schema (matched 0 out of 2)');
  return { countType, countNumber: positiveInteger(selection.countNumber) };
}

function ruleOf(value: unknown): LifecycleRule {
  if (!isObject(value)) throw invalid(`instance type (${jsonType(value)}) does not match any allowed primitive type (allowed: ["object"])`);
  checkMembers(value, ['rulePriority', 'selection', 'action'], ['rulePriority', 'description', 'selection', 'action']);
  const rulePriority = positiveInteger(value.rulePriority);
  if (value.description !== undefined) checkType(value.description, 'string');
  const { action, selection } = value;
  checkType(action, 'object');
  checkMembers(action as Json, ['type'], ['type', 'targetStorageClass']);
  if ((action as Json).type === 'transition') throw unsupported('the transition action');
  checkEnum((action as Json).type, ['expire']);
  if ((action as Json).targetStorageClass !== undefined) throw unsupported('targetStorageClass');
  checkType(selection, 'object');
  const s = selection as Json;
  checkMembers(s, ['tagStatus', 'countType', 'countNumber'],
    ['tagStatus', 'tagPrefixList', 'tagPatternList', 'countType', 'countUnit', 'countNumber', 'storageClass']);
  checkEnum(s.tagStatus, ['any', 'tagged', 'untagged']);
  if (s.storageClass !== undefined && s.storageClass !== 'standard') throw unsupported(`storageClass ${JSON.stringify(s.storageClass)}`);
  const tagStatus = s.tagStatus as LifecycleRule['tagStatus'];
  const tagPrefixList = s.tagPrefixList === undefined ? undefined : strings(s.tagPrefixList);
  const tagPatternList = s.tagPatternList === undefined ? undefined : strings(s.tagPatternList);
  const count = countOf(s);
  if (tagStatus === 'tagged') {
    // Seen (AWS's answer quoted in public Terraform notes).
    if (!tagPrefixList?.length && !tagPatternList?.length) throw invalid('Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.');
    // Not verified: Berth's texts (the User Guide: "either tagPatternList or tagPrefixList, but not both"; "up to four wildcards").
    if (tagPrefixList && tagPatternList) throw invalid('A rule can specify tagPrefixList or tagPatternList, but not both.');
    const wild = tagPatternList?.find((p) => p.split('*').length - 1 > MAX_WILDCARDS);
    if (wild !== undefined) throw invalid(`The tag pattern '${wild}' has more than ${MAX_WILDCARDS} wildcards (*).`);
  } else if (tagPrefixList !== undefined || tagPatternList !== undefined) {
    // Not verified: Berth's text.
    throw invalid(`tagPrefixList and tagPatternList can only be used when tagStatus=TAGGED, not tagStatus=${tagStatus.toUpperCase()}.`);
  }
  return { rulePriority, tagStatus, ...(tagPrefixList ? { tagPrefixList } : {}), ...(tagPatternList ? { tagPatternList } : {}), ...count };
}

/**
 * Checks a lifecycle policy text and returns its rules. Throws InvalidParameterException.
 * Beyond the schema: priorities are unique, one rule at most selects untagged images, and an `any`
 * rule must come last (User Guide, "Lifecycle policy evaluation rules").
 */
export function validateLifecyclePolicy(text: string): LifecycleRule[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalid('Could not map policyString into LifecyclePolicy.');
  }
  if (!isObject(doc)) throw invalid('Could not map policyString into LifecyclePolicy.');
  checkMembers(doc, ['rules'], ['rules']);
  checkType(doc.rules, 'array');
  const raw = doc.rules as unknown[];
  // Not verified: the validator's minItems text.
  if (raw.length === 0) throw invalid('array is too short: must have at least 1 elements but instance has 0 elements');
  const rules = raw.map(ruleOf);
  const priorities = new Set<number>();
  for (const rule of rules) {
    // Not verified: Berth's text.
    if (priorities.has(rule.rulePriority)) throw invalid(`Rule priorities must be unique: ${rule.rulePriority} is used more than once.`);
    priorities.add(rule.rulePriority);
  }
  // Seen: both texts, in AWS answers quoted in public Terraform notes (2025, with storage classes).
  if (rules.filter((r) => r.tagStatus === 'untagged').length > 1) throw invalid('Only one rule can select Untagged images per storage class');
  const last = Math.max(...priorities);
  if (rules.some((r) => r.tagStatus === 'any' && r.rulePriority !== last)) throw invalid('Rule for tagStatus=ANY must have the lowest priority per storage class');
  return rules;
}
