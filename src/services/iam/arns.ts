// IAM and STS ARNs: how they are built from a name and path, and read back.
//
// Facts (IAM User Guide, "IAM identifiers" → "IAM ARNs"): `arn:aws:iam::<account>:role/<path>/<name>`
// with the path between the resource type and the name (`role/service-role/x`, `role/x` for
// path "/"); AWS managed policies use the account field `aws`
// (`arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`); an assumed-role
// session is `arn:aws:sts::<account>:assumed-role/<role name>/<session name>`, without the
// role's path.

/** The account field of AWS managed policy ARNs. */
export const AWS_MANAGED_ACCOUNT = 'aws';

export function roleArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:role${path}${name}`;
}

export function userArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:user${path}${name}`;
}

export function policyArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:policy${path}${name}`;
}

export function rootArn(account: string): string {
  return `arn:aws:iam::${account}:root`;
}

export function assumedRoleArn(account: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
}

export interface ParsedIamArn {
  /** A 12-digit account id, or `aws` for AWS managed policies. */
  account: string;
  /** `/` or `/a/b/`. */
  path: string;
  name: string;
}

const NAME = '[\\w+=,.@-]+';

function parse(arn: string, type: 'role' | 'user' | 'policy', accounts: string): ParsedIamArn | undefined {
  const match = new RegExp(`^arn:aws:iam::(${accounts}):${type}(/(?:[\\u0021-\\u007E]*/)?)(${NAME})$`).exec(arn);
  if (!match) return undefined;
  const [, account = '', path = '/', name = ''] = match;
  return { account, path, name };
}

/** `arn:aws:iam::<12 digits>:role/<path><name>`; undefined for anything else. */
export function parseRoleArn(arn: string): ParsedIamArn | undefined {
  return parse(arn, 'role', '\\d{12}');
}

/** `arn:aws:iam::<12 digits>:user/<path><name>`; undefined for anything else. */
export function parseUserArn(arn: string): ParsedIamArn | undefined {
  return parse(arn, 'user', '\\d{12}');
}

/** A customer (`<12 digits>`) or AWS (`aws`) managed policy ARN; undefined for anything else. */
export function parsePolicyArn(arn: string): ParsedIamArn | undefined {
  return parse(arn, 'policy', `\\d{12}|${AWS_MANAGED_ACCOUNT}`);
}

export function groupArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:group${path}${name}`;
}

export function instanceProfileArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:instance-profile${path}${name}`;
}
