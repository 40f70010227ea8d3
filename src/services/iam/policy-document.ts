// IAM policy documents: parses and validates identity and trust (assume-role) policies the way IAM
// does on PutRolePolicy/PutUserPolicy/CreatePolicy/CreatePolicyVersion/CreateRole/
// UpdateAssumeRolePolicy, into a normalized form (statements and values always arrays) that a
// policy evaluator reads; also IAM's policy size quotas.
//
// Error texts: each MalformedPolicyDocument message below cites where its wording was seen.
// "verified" means real IAM output quoted in a public issue; "unverified" means no IAM output
// with that wording was found, and the text follows other emulators (moto, LocalStack) or
// simply names the problem. The order of checks follows moto's validator, which was built
// against IAM's answers: syntax, principal, version, legacy parsing, Sid, actions, resources.
// Character-set and length limits of the text (pattern [\u0009\u000A\u000D\u0020-\u00FF]+,
// max 131072) are constraints of the model's policyDocumentType, checked by the protocol layer.

import { LimitExceededException, MalformedPolicyDocumentException } from './errors.ts';

/** Identity policies attach to users, groups and roles; trust policies say who may assume a role. */
export type PolicyKind = 'identity' | 'trust';
export type PolicyLanguageVersion = '2012-10-17' | '2008-10-17';

/** Action/NotAction or Resource/NotResource: `negated` is true for the Not- form. */
export interface ValueList {
  negated: boolean;
  values: string[];
}

/** One condition test, e.g. {operator: 'StringEquals', key: 'aws:SourceAccount', values: ['1234…']}. */
export interface PolicyCondition {
  /** As written, including ForAnyValue:/ForAllValues: qualifiers and the IfExists suffix. */
  operator: string;
  key: string;
  /** JSON numbers and booleans are kept as their text, as IAM compares them. */
  values: string[];
}

/** A Principal element: `"*"` or a map of principal types to values (always arrays here). */
export type PolicyPrincipal = '*' | PrincipalMap;
export interface PrincipalMap {
  AWS?: string[];
  Service?: string[];
  Federated?: string[];
  CanonicalUser?: string[];
}

export interface PolicyStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  action: ValueList;
  /** Always present in identity policies; trust policies may not have one. */
  resource?: ValueList;
  /** Only in trust policies (identity policies may not name a principal). */
  principal?: { negated: boolean; value: PolicyPrincipal };
  conditions: PolicyCondition[];
}

export interface PolicyDocument {
  /** Absent when the document has no Version element; IAM then applies 2008-10-17 rules. */
  version?: PolicyLanguageVersion;
  id?: string;
  statements: PolicyStatement[];
}

export interface ParseOptions {
  /** CreatePolicy/CreatePolicyVersion: a managed policy must declare Version 2012-10-17. */
  managed?: boolean;
}

const VERSIONS: readonly string[] = ['2012-10-17', '2008-10-17'];
const TOP_LEVEL_KEYS: readonly string[] = ['Version', 'Id', 'Statement'];
const STATEMENT_KEYS: readonly string[] = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

// IAM User Guide, "IAM JSON policy elements: Condition operators".
const CONDITION_OPERATORS: ReadonlySet<string> = new Set([
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
]);

// verified: iamy#74, awslabs/ec2-spot-labs#25 (invalid JSON), cfn-lint#3751 (condition without operator).
const SYNTAX_ERROR = 'Syntax errors in policy.';
// verified: amancevice/terraform-aws-custom-ecr-domain#2, 99designs/iamy#65.
const LEGACY_PARSING = 'The policy failed legacy parsing';

function malformed(message: string): MalformedPolicyDocumentException {
  return new MalformedPolicyDocumentException(message);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The policy text IAM sees: the console and some CLIs send the document percent-encoded
 * (GetRolePolicy and GetPolicyVersion also answer that way), so text that opens with `%7B`
 * (an encoded `{`) is decoded first. Undecodable text is a syntax error.
 */
export function decodePolicyText(text: string): string {
  const trimmed = text.trimStart();
  if (!/^%7b/i.test(trimmed)) return text;
  try {
    return decodeURIComponent(trimmed);
  } catch {
    throw malformed(SYNTAX_ERROR);
  }
}

/** Parses `text` as a `kind` policy; throws MalformedPolicyDocumentException with IAM's message. */
export function parsePolicyDocument(text: string, kind: PolicyKind, options: ParseOptions = {}): PolicyDocument {
  let raw: Json;
  try {
    raw = JSON.parse(decodePolicyText(text)) as Json;
  } catch {
    throw malformed(SYNTAX_ERROR);
  }
  const doc = readDocument(raw);

  // verified: hashicorp/terraform#13449 and terraform-provider-aws#10419 (PutRolePolicy with a Principal).
  if (kind === 'identity' && doc.statements.some((s) => s.principal !== undefined)) {
    throw malformed('Policy document should not specify a principal.');
  }
  // verified for a managed policy without Version: Meteor-CollectionFS#630 (console, CreatePolicy);
  // laurilehmijoki/s3_website#219 reports the same refusal for 2008-10-17.
  if (options.managed && doc.version !== '2012-10-17') {
    throw malformed('Policy document must be version 2012-10-17 or greater.');
  }
  legacyParse(doc);
  checkSids(doc);

  for (const s of doc.statements) {
    // verified: aws/aws-cdk#7615 ("Policy statement must contain actions.").
    if (s.action.values.length === 0) throw malformed('Policy statement must contain actions.');
  }
  if (kind === 'identity') {
    for (const s of doc.statements) {
      // verified: hashicorp/terraform#17987, trussworks/terraform-aws-s3-anti-virus#28.
      if (!s.resource || s.resource.values.length === 0) throw malformed('Policy statement must contain resources.');
    }
  }
  const resourceError = firstResourceFormatError(doc);
  if (resourceError) throw malformed(resourceError);
  for (const s of doc.statements) s.action.values.forEach(checkActionFormat);

  if (kind === 'trust') {
    for (const s of doc.statements) {
      // verified: kubernetes-sigs/external-dns#3085 (CreateRole: "Has prohibited field Resource", no period).
      if (s.resource) throw malformed(`Has prohibited field ${s.resource.negated ? 'NotResource' : 'Resource'}`);
      checkTrustActions(s.action.values);
      if (!s.principal) {
        // verified: terraform-aws-modules/terraform-aws-iam#47, cloudposse/terraform-aws-cloudwatch-logs#7.
        throw malformed('Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!');
      }
      checkPrincipal(s.principal.value);
    }
  }
  return doc;
}

function readDocument(raw: Json): PolicyDocument {
  if (!isObject(raw)) throw malformed(SYNTAX_ERROR);
  // unverified wording, moto's: unknown top-level elements are syntax errors.
  if (Object.keys(raw).some((k) => !TOP_LEVEL_KEYS.includes(k))) throw malformed(SYNTAX_ERROR);
  const { Version: version, Id: id, Statement: statement } = raw;
  if (version !== undefined && (typeof version !== 'string' || !VERSIONS.includes(version))) throw malformed(SYNTAX_ERROR);
  if (id !== undefined && typeof id !== 'string') throw malformed(SYNTAX_ERROR);
  const rawStatements = Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
  if (rawStatements.length === 0) throw malformed(SYNTAX_ERROR);

  return {
    ...(version !== undefined ? { version: version as PolicyLanguageVersion } : {}),
    ...(id !== undefined ? { id } : {}),
    statements: rawStatements.map(readStatement),
  };
}

function readStatement(raw: Json): PolicyStatement {
  if (!isObject(raw)) throw malformed(SYNTAX_ERROR);
  if (Object.keys(raw).some((k) => !STATEMENT_KEYS.includes(k))) throw malformed(SYNTAX_ERROR);
  const pair = (a: string, b: string): boolean => a in raw && b in raw;
  if (pair('Action', 'NotAction') || pair('Resource', 'NotResource') || pair('Principal', 'NotPrincipal')) throw malformed(SYNTAX_ERROR);

  const effect = raw['Effect'];
  // Syntax accepts any case; legacyParse then demands the exact spelling (moto, from IAM's answers).
  if (typeof effect !== 'string' || !['allow', 'deny'].includes(effect.toLowerCase())) throw malformed(SYNTAX_ERROR);
  const sid = raw['Sid'];
  if (sid !== undefined && typeof sid !== 'string') throw malformed(SYNTAX_ERROR);

  const statement: PolicyStatement = {
    // Not yet the exact spelling: legacyParse refuses "allow"/"DENY" before the document escapes.
    effect: effect as 'Allow' | 'Deny',
    action: readValueList(raw, 'Action', 'NotAction') ?? { negated: false, values: [] },
    conditions: readConditions(raw['Condition']),
  };
  if (sid !== undefined) statement.sid = sid;
  const resource = readValueList(raw, 'Resource', 'NotResource');
  if (resource) statement.resource = resource;
  const principalKey = 'Principal' in raw ? 'Principal' : 'NotPrincipal' in raw ? 'NotPrincipal' : undefined;
  if (principalKey) {
    const value = parsePrincipal(raw[principalKey]);
    if (!value) throw malformed(SYNTAX_ERROR);
    statement.principal = { negated: principalKey === 'NotPrincipal', value };
  }
  return statement;
}

/** A string or an array of strings; anything else is a syntax error. */
function readValueList(raw: JsonObject, key: string, notKey: string): ValueList | undefined {
  const negated = !(key in raw);
  const value = raw[negated ? notKey : key];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return { negated, values: [value] };
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return { negated, values: value };
  throw malformed(SYNTAX_ERROR);
}

function readConditions(raw: Json | undefined): PolicyCondition[] {
  if (raw === undefined) return [];
  if (!isObject(raw)) throw malformed(SYNTAX_ERROR);
  const out: PolicyCondition[] = [];
  for (const [operator, block] of Object.entries(raw)) {
    // verified: cfn-lint#3751, a key where an operator belongs (its value not an object).
    if (!isObject(block)) throw malformed(SYNTAX_ERROR);
    // unverified wording, moto's: an unknown operator is tolerated only with an empty block.
    if (!CONDITION_OPERATORS.has(baseOperator(operator)) && Object.keys(block).length > 0) throw malformed(SYNTAX_ERROR);
    for (const [key, value] of Object.entries(block)) out.push({ operator, key, values: conditionValues(value) });
  }
  return out;
}

function baseOperator(operator: string): string {
  return operator.replace(/^(ForAnyValue|ForAllValues):/, '').replace(/IfExists$/, '');
}

function conditionValues(value: Json): string[] {
  const scalar = (v: Json): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v);
  if (scalar(value)) return [String(value)];
  if (Array.isArray(value) && value.every(scalar)) return value.map((v) => String(v));
  throw malformed(SYNTAX_ERROR);
}

/** IAM's older parser: exact Effect spelling and ARN-shaped resources. */
function legacyParse(doc: PolicyDocument): void {
  for (const s of doc.statements) {
    if (s.effect !== 'Allow' && s.effect !== 'Deny') throw malformed(LEGACY_PARSING);
  }
  if (firstResourceFormatError(doc)) return; // moto: a resource format error outranks legacy parsing
  for (const r of doc.statements.flatMap((s) => s.resource?.values ?? [])) {
    if (r === '*') continue;
    const parts = r.split(':');
    if ((parts.length < 6 && r.includes('::')) || parts[2] === '') throw malformed(LEGACY_PARSING);
  }
}

function checkSids(doc: PolicyDocument): void {
  const seen = new Set<string>();
  for (const { sid } of doc.statements) {
    if (sid === undefined || sid === '') continue;
    // verified: aws-cloudformation/cfn-lint#1376 (API, AmazonIdentityManagement).
    if (!/^[0-9A-Za-z]*$/.test(sid)) {
      throw malformed('Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*');
    }
    // verified: kubernetes/kops#4951.
    if (seen.has(sid)) throw malformed('Statement IDs (SID) in a single policy must be unique.');
    seen.add(sid);
  }
}

const PARTITIONS: readonly string[] = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc', '*'];

function firstResourceFormatError(doc: PolicyDocument): string | undefined {
  for (const r of doc.statements.flatMap((s) => s.resource?.values ?? [])) {
    if (r === '*') continue;
    const parts = r.split(':');
    // verified: felipefrizzo/terraform-aws-transfer-server#6.
    if (parts.length === 1) return `Resource ${r} must be in ARN format or "*".`;
    const [, partition = '', service = '', region = ''] = parts;
    if (!PARTITIONS.includes(partition)) {
      const field = (i: number): string => parts[i] || '*';
      // unverified wording, moto's.
      return `Partition "${partition}" is not valid for resource "arn:${partition}:${field(2)}:${field(3)}:${field(4)}:${parts.slice(5).join(':') || '*'}".`;
    }
    // verified: cloud-gov/terraform-provision#1838.
    if (service === 'iam' && region !== '') return `IAM resource ${r} cannot contain region information.`;
  }
  return undefined;
}

function checkActionFormat(action: string): void {
  if (action === '*') return;
  const parts = action.split(':');
  const vendor = parts[0] ?? '';
  // unverified wording, moto's.
  if (parts.length === 1) throw malformed('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  // verified: garnaat/kappa#111, eksctl-io/eksctl#2794.
  if (parts.length > 2) throw malformed('Actions/Condition can contain only one colon.');
  // reported as IAM's answer to "*:Untag*" in boogy/iam-policy-validator#172; not seen first-hand.
  if (/[*?]/.test(vendor)) throw malformed('Action vendors (e.g., aws, ec2, etc.) must not contain wildcards');
  // unverified wording, moto's.
  if (!/^[a-zA-Z0-9.-]+$/.test(vendor)) throw malformed(`Vendor ${vendor} is not valid`);
}

// ---- principals (trust policies) ------------------------------------------------------------

const PRINCIPAL_TYPES: readonly (keyof PrincipalMap)[] = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

/** `"*"` or an object of principal types to a string or non-empty string array; else undefined. */
function parsePrincipal(raw: Json | undefined): PolicyPrincipal | undefined {
  if (raw === '*') return '*';
  if (!isObject(raw) || Object.keys(raw).length === 0) return undefined;
  const out: PrincipalMap = {};
  for (const [type, value] of Object.entries(raw)) {
    // unverified: an unknown principal type is treated as a syntax error.
    if (!(PRINCIPAL_TYPES as readonly string[]).includes(type)) return undefined;
    const values = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(values) || values.length === 0 || !values.every((v): v is string => typeof v === 'string')) return undefined;
    out[type as keyof PrincipalMap] = values;
  }
  return out;
}

const ACCOUNT_ID = /^\d{12}$/;
const AWS_PRINCIPAL_ARN = /^arn:aws(-[a-z]+)*:(iam|sts)::\d{12}:(root|(user|role|assumed-role|federated-user)\/\S+)$/;
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazon(aws)?\.com(\.cn)?$/;
const FEDERATED_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:(saml-provider|oidc-provider)\/\S+$/;
const DOMAIN_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(\/\S*)?$/i;

/**
 * IAM checks the form of each principal of a trust policy. (It also requires named roles and
 * users to exist; that needs the store and is the caller's job, with the same message.)
 */
function checkPrincipal(principal: PolicyPrincipal): void {
  if (principal === '*') return;
  for (const v of principal.AWS ?? []) {
    // verified wording: aws-samples/aws-iam-access-key-auto-rotation#26, hashicorp/terraform-provider-aws#8905.
    if (v !== '*' && !ACCOUNT_ID.test(v) && !AWS_PRINCIPAL_ARN.test(v)) throw malformed(`Invalid principal in policy: "AWS":"${v}"`);
  }
  for (const v of principal.Service ?? []) {
    // verified: aws-samples/aws-cdk-examples#801 (Invalid principal in policy: "SERVICE":"amazonaws.com").
    if (!SERVICE_PRINCIPAL.test(v)) throw malformed(`Invalid principal in policy: "SERVICE":"${v}"`);
  }
  for (const v of principal.Federated ?? []) {
    // verified: terraform-aws-modules/terraform-aws-iam#202.
    if (!FEDERATED_ARN.test(v) && !DOMAIN_NAME.test(v)) throw malformed('Federated principals must be valid domain names or SAML metadata ARNs');
  }
}

/**
 * A trust policy grants only STS actions (sts:AssumeRole, sts:AssumeRoleWithWebIdentity,
 * sts:TagSession, ...). unverified wording: no IAM output found; LocalStack, moto's successors
 * and versitygw all answer this text.
 */
function checkTrustActions(actions: readonly string[]): void {
  if (actions.some((a) => !/^sts:/i.test(a))) throw malformed('AssumeRole policy may only specify STS AssumeRole actions.');
}

/** Serializes a parsed document back to IAM's JSON grammar (single values stay arrays). */
export function serializePolicyDocument(doc: PolicyDocument): string {
  const statements = doc.statements.map((s) => {
    const out: Record<string, unknown> = {};
    if (s.sid !== undefined) out['Sid'] = s.sid;
    out['Effect'] = s.effect;
    if (s.principal) out[s.principal.negated ? 'NotPrincipal' : 'Principal'] = s.principal.value;
    out[s.action.negated ? 'NotAction' : 'Action'] = s.action.values;
    if (s.resource) out[s.resource.negated ? 'NotResource' : 'Resource'] = s.resource.values;
    if (s.conditions.length > 0) {
      const block: Record<string, Record<string, string[]>> = {};
      for (const c of s.conditions) (block[c.operator] ??= {})[c.key] = c.values;
      out['Condition'] = block;
    }
    return out;
  });
  return JSON.stringify({ ...(doc.version ? { Version: doc.version } : {}), ...(doc.id !== undefined ? { Id: doc.id } : {}), Statement: statements });
}

// ---- size quotas ----------------------------------------------------------------------------
// IAM User Guide, "IAM and AWS STS quotas" (reference_iam-quotas.html), character limits: a
// managed policy 6,144 characters; all inline policies of a role 10,240, of a user 2,048, of a
// group 5,120; a role trust policy 2,048 (raisable to 4,096). "IAM does not count white space
// when calculating the size of a policy against these limits." Exceeding one is LimitExceeded,
// not MalformedPolicyDocument.

export const POLICY_SIZE_QUOTAS = {
  managedPolicy: 6144,
  rolePolicies: 10240,
  userPolicies: 2048,
  groupPolicies: 5120,
  trustPolicy: 2048,
} as const;

/** The size IAM charges against its quotas: characters of the decoded text, white space excluded. */
export function policySize(text: string): number {
  return decodePolicyText(text).replace(/\s/g, '').length;
}

/** CreatePolicy/CreatePolicyVersion. verified: docker/docs#6218 ("Cannot exceed quota for PolicySize: 6144"). */
export function checkManagedPolicySize(text: string): void {
  if (policySize(text) > POLICY_SIZE_QUOTAS.managedPolicy) {
    throw new LimitExceededException(`Cannot exceed quota for PolicySize: ${POLICY_SIZE_QUOTAS.managedPolicy}`);
  }
}

/** CreateRole/UpdateAssumeRolePolicy. verified: kubeflow/kubeflow#6687 ("Cannot exceed quota for ACLSizePerRole: 2048"). */
export function checkTrustPolicySize(text: string, quota: number = POLICY_SIZE_QUOTAS.trustPolicy): void {
  if (policySize(text) > quota) throw new LimitExceededException(`Cannot exceed quota for ACLSizePerRole: ${quota}`);
}

/**
 * Put{Role,User,Group}Policy: the sum of every inline policy of the entity after the put.
 * verified: aws/aws-cdk#12403 ("Maximum policy size of 10240 bytes exceeded for role NAME"),
 * ministryofjustice/cloud-platform-environments#5303 (the same for user, 2048).
 */
export function checkInlinePoliciesSize(entity: 'role' | 'user' | 'group', entityName: string, texts: readonly string[]): void {
  const quota = { role: POLICY_SIZE_QUOTAS.rolePolicies, user: POLICY_SIZE_QUOTAS.userPolicies, group: POLICY_SIZE_QUOTAS.groupPolicies }[entity];
  const total = texts.reduce((sum, t) => sum + policySize(t), 0);
  if (total > quota) throw new LimitExceededException(`Maximum policy size of ${quota} bytes exceeded for ${entity} ${entityName}`);
}
