// Decides whether a role's trust policy lets a caller — an AWS principal (root, IAM user, role
// session) or an AWS service principal (ecs-tasks.amazonaws.com) — perform an STS action on the
// role, over the document policy-document.ts parsed.
//
// IAM's evaluation logic (IAM User Guide, "Policy evaluation logic"): an explicit Deny in any
// applicable statement wins; otherwise an applicable Allow allows; otherwise the request is
// implicitly denied. A statement applies when its Principal (or NotPrincipal), Action (or
// NotAction) and every Condition match. Principal facts ("AWS JSON policy elements: Principal"):
// "*" is everyone; an account id or `arn:aws:iam::<account>:root` is any principal of that
// account (AWS then also requires the account's identity policies to allow; Berth does not
// evaluate those); a role ARN matches every session of the role; an assumed-role session ARN
// matches that session; wildcards inside a principal ARN do not match anything but themselves.
// Condition facts ("Condition operators"): keys are compared without case; within one operator
// several values are ORed, several keys and several operators are ANDed; a negated operator
// (StringNotEquals…) is true when the key is absent; the …IfExists forms are true when it is absent.
//
// Berth evaluates the String* and Arn* operators (with IfExists) on the condition keys listed in
// SUPPORTED_KEYS. Anything else (another operator, a ForAnyValue/ForAllValues qualifier, another
// key) is never silently satisfied: an Allow statement using it does not apply, a Deny statement
// using it does (LIMITATIONS.md).
import type { Principal } from '../../aws/context.ts';
import type { PolicyCondition, PolicyDocument, PolicyPrincipal, PolicyStatement, ValueList } from '../iam/policy-document.ts';

/** Who asks to assume the role. */
export type TrustCaller =
  | { kind: 'aws'; principal: Principal }
  | { kind: 'service'; service: string };

export interface TrustRequest {
  caller: TrustCaller;
  /** e.g. `sts:AssumeRole`. */
  action: string;
  /** The request's condition keys (any case) and values, e.g. `sts:ExternalId`, `aws:SourceAccount`. */
  context: Readonly<Record<string, string>>;
}

/** The condition keys Berth knows the value (or the absence) of at AssumeRole time. */
export const SUPPORTED_KEYS: readonly string[] = [
  'sts:externalid', 'sts:rolesessionname', 'aws:sourceaccount', 'aws:sourcearn', 'aws:principalarn', 'aws:principalaccount',
];

type Operator = (actual: string, expected: string) => boolean;

const OPERATORS: Readonly<Record<string, { test: Operator; negated: boolean }>> = {
  StringEquals: { test: (a, e) => a === e, negated: false },
  StringNotEquals: { test: (a, e) => a === e, negated: true },
  StringEqualsIgnoreCase: { test: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { test: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: true },
  StringLike: { test: (a, e) => globMatch(e, a, false), negated: false },
  StringNotLike: { test: (a, e) => globMatch(e, a, false), negated: true },
  // "ArnEquals and ArnLike behave identically" (Condition operators, ARN condition operators).
  ArnEquals: { test: arnLike, negated: false },
  ArnLike: { test: arnLike, negated: false },
  ArnNotEquals: { test: arnLike, negated: true },
  ArnNotLike: { test: arnLike, negated: true },
};

/** true when the trust policy lets the caller perform the action. */
export function trustAllows(doc: PolicyDocument, request: TrustRequest): boolean {
  let allowed = false;
  for (const statement of doc.statements) {
    const applies = statementApplies(statement, request);
    if (statement.effect === 'Deny' && applies !== 'no') return false;
    if (statement.effect === 'Allow' && applies === 'yes') allowed = true;
  }
  return allowed;
}

/** 'unknown' when a condition cannot be evaluated (an operator or key Berth does not support). */
type Applies = 'yes' | 'no' | 'unknown';

function statementApplies(statement: PolicyStatement, request: TrustRequest): Applies {
  if (!statement.principal) return 'no';
  const named = principalMatches(statement.principal.value, request.caller);
  if (named === statement.principal.negated) return 'no';
  if (!valueListMatches(statement.action, (pattern) => globMatch(pattern, request.action, true))) return 'no';
  let result: Applies = 'yes';
  for (const condition of statement.conditions) {
    const outcome = conditionHolds(condition, request.context);
    if (outcome === 'no') return 'no';
    if (outcome === 'unknown') result = 'unknown';
  }
  return result;
}

function valueListMatches(list: ValueList, matches: (value: string) => boolean): boolean {
  const any = list.values.some(matches);
  return list.negated ? !any : any;
}

function principalMatches(value: PolicyPrincipal, caller: TrustCaller): boolean {
  if (value === '*') return true;
  if (caller.kind === 'service') return (value.Service ?? []).includes(caller.service);
  return (value.AWS ?? []).some((v) => awsPrincipalMatches(v, caller.principal));
}

function awsPrincipalMatches(value: string, principal: Principal): boolean {
  if (value === '*') return true;
  if (/^\d{12}$/.test(value)) return principal.accountId === value;
  const root = /^arn:aws:iam::(\d{12}):root$/.exec(value);
  if (root) return principal.accountId === root[1];
  if (/^arn:aws:iam::\d{12}:role\//.test(value)) return principal.kind === 'assumed-role' && principal.roleArn === value;
  return principal.arn === value;
}

function conditionHolds(condition: PolicyCondition, context: Readonly<Record<string, string>>): Applies {
  const ifExists = condition.operator.endsWith('IfExists');
  const operator = OPERATORS[ifExists ? condition.operator.slice(0, -'IfExists'.length) : condition.operator];
  const key = condition.key.toLowerCase();
  if (!operator || !SUPPORTED_KEYS.includes(key)) return 'unknown';
  const actual = Object.entries(context).find(([k]) => k.toLowerCase() === key)?.[1];
  if (actual === undefined) return ifExists || operator.negated ? 'yes' : 'no';
  const any = condition.values.some((expected) => operator.test(actual, expected));
  return any !== operator.negated ? 'yes' : 'no';
}

/** IAM's wildcards: `*` any run of characters, `?` one character. */
function globMatch(pattern: string, text: string, ignoreCase: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(text);
}

/** ARN condition operators compare the six colon-separated parts one by one, wildcards allowed. */
function arnLike(actual: string, expected: string): boolean {
  const split = (arn: string): string[] | undefined => {
    const parts = arn.split(':');
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const a = split(actual);
  const e = split(expected);
  if (!a || !e) return false;
  return e.every((part, i) => globMatch(part, a[i] ?? '', false));
}
