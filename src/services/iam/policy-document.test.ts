// IAM policy document parsing: accepted shapes, IAM's error messages, size quotas, and round trips
// of generated documents (fast-check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { LimitExceededException, MalformedPolicyDocumentException } from './errors.ts';
import {
  POLICY_SIZE_QUOTAS,
  checkInlinePoliciesSize,
  checkManagedPolicySize,
  checkTrustPolicySize,
  parsePolicyDocument,
  policySize,
  serializePolicyDocument,
  type ParseOptions,
  type PolicyCondition,
  type PolicyDocument,
  type PolicyKind,
  type PolicyPrincipal,
  type PolicyStatement,
} from './policy-document.ts';

const V = '"Version":"2012-10-17"';

function rejects(text: string, kind: PolicyKind, message: string, options?: ParseOptions): void {
  assert.throws(
    () => parsePolicyDocument(text, kind, options),
    (err: unknown) => {
      assert.ok(err instanceof MalformedPolicyDocumentException, String(err));
      assert.equal(err.code, 'MalformedPolicyDocument');
      assert.equal(err.httpStatus, 400);
      assert.equal(err.message, message);
      return true;
    },
  );
}

void test('an identity policy is normalized: statements, actions and resources become arrays', () => {
  const doc = parsePolicyDocument(`{${V},"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, 'identity');
  assert.deepEqual(doc, {
    version: '2012-10-17',
    statements: [{ effect: 'Allow', action: { negated: false, values: ['s3:GetObject'] }, resource: { negated: false, values: ['*'] }, conditions: [] }],
  });
});

void test('NotAction, NotResource, Sid, Id and conditions are kept', () => {
  const doc = parsePolicyDocument(
    `{${V},"Id":"p1","Statement":[{"Sid":"DenyOutside","Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":"arn:aws:s3:::b/*",` +
      `"Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["a*","b"]},"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:max-keys":10}}}]}`,
    'identity',
  );
  const s = doc.statements[0];
  assert.equal(doc.id, 'p1');
  assert.equal(s?.sid, 'DenyOutside');
  assert.deepEqual(s?.action, { negated: true, values: ['iam:*', 'sts:*'] });
  assert.deepEqual(s?.resource, { negated: true, values: ['arn:aws:s3:::b/*'] });
  assert.deepEqual(s?.conditions, [
    { operator: 'ForAnyValue:StringLike', key: 'aws:TagKeys', values: ['a*', 'b'] },
    { operator: 'Bool', key: 'aws:SecureTransport', values: ['false'] },
    { operator: 'NumericLessThan', key: 's3:max-keys', values: ['10'] },
  ]);
});

void test('trust policies: ECS task, EC2 instance (2008-10-17 with an empty Sid), OIDC and account principals', () => {
  const ecsTasks = parsePolicyDocument(
    `{${V},"Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
    'trust',
  );
  assert.deepEqual(ecsTasks.statements[0]?.principal, { negated: false, value: { Service: ['ecs-tasks.amazonaws.com'] } });
  assert.equal(ecsTasks.statements[0]?.resource, undefined);
  // The ecsInstanceRole trust policy as the ECS developer guide prints it.
  const ec2 = parsePolicyDocument(
    '{"Version":"2008-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
    'trust',
  );
  assert.equal(ec2.version, '2008-10-17');
  parsePolicyDocument(
    `{${V},"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},` +
      `"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}},` +
      `{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:role/ci"]},"Action":["sts:AssumeRole","sts:TagSession"]}]}`,
    'trust',
  );
  assert.deepEqual(parsePolicyDocument(`{${V},"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}`, 'trust').statements[0]?.principal?.value, '*');
});

void test('percent-encoded documents (console, GetRolePolicy style) are decoded', () => {
  const text = `{${V},"Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}`;
  assert.deepEqual(parsePolicyDocument(encodeURIComponent(text), 'identity'), parsePolicyDocument(text, 'identity'));
  rejects('%7B%E0%A4%A', 'identity', 'Syntax errors in policy.');
});

void test('syntax errors: bad JSON, wrong types, unknown elements, missing Statement, conditions without an operator', () => {
  const syntax = 'Syntax errors in policy.';
  rejects('null', 'identity', syntax);
  rejects(`{${V},"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",}]}`, 'identity', syntax);
  rejects(`{${V}}`, 'identity', syntax);
  rejects(`{${V},"Statement":[]}`, 'identity', syntax);
  rejects('{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}', 'identity', syntax);
  rejects(`{${V},"Statment":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, 'identity', syntax);
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Principle":"*"}}`, 'identity', syntax);
  rejects(`{${V},"Statement":{"Effect":"Maybe","Action":"s3:*","Resource":"*"}}`, 'identity', syntax);
  rejects(`{${V},"Statement":{"Action":"s3:*","Resource":"*"}}`, 'identity', syntax);
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"}}`, 'identity', syntax);
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"*"}}`, 'identity', syntax);
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":{"s3":"*"},"Resource":"*"}}`, 'identity', syntax);
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"s3:*","Resource":[1]}}`, 'identity', syntax);
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"servicecatalog:accountLevel":"self"}}}`, 'identity', syntax);
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"a:b":"c"}}}}`, 'identity', syntax);
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"a:b":{"c":1}}}}}`, 'identity', syntax);
  rejects(`{${V},"Statement":{"Effect":"Allow","Principal":{"Cat":"x"},"Action":"sts:AssumeRole"}}`, 'trust', syntax);
});

void test('identity policies may not name a principal', () => {
  rejects(`{${V},"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}}`, 'identity', 'Policy document should not specify a principal.');
});

void test('managed policies must declare Version 2012-10-17; inline ones may omit it', () => {
  const noVersion = '{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}';
  rejects(noVersion, 'identity', 'Policy document must be version 2012-10-17 or greater.', { managed: true });
  rejects(noVersion.replace('{', '{"Version":"2008-10-17",'), 'identity', 'Policy document must be version 2012-10-17 or greater.', { managed: true });
  assert.equal(parsePolicyDocument(noVersion, 'identity').version, undefined);
});

void test('legacy parsing: Effect spelling and ARN shape', () => {
  rejects(`{${V},"Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}`, 'identity', 'The policy failed legacy parsing');
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws::bucket"}}`, 'identity', 'The policy failed legacy parsing');
});

void test('statement ids: alphanumeric and unique', () => {
  rejects(
    `{${V},"Statement":[{"Sid":"my-sid","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
    'identity',
    'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
  );
  rejects(
    `{${V},"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}]}`,
    'identity',
    'Statement IDs (SID) in a single policy must be unique.',
  );
});

void test('actions and resources must be present in identity policies', () => {
  rejects(`{${V},"Statement":{"Effect":"Allow","Resource":"*"}}`, 'identity', 'Policy statement must contain actions.');
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}`, 'identity', 'Policy statement must contain actions.');
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"s3:*"}}`, 'identity', 'Policy statement must contain resources.');
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"s3:*","Resource":[]}}`, 'identity', 'Policy statement must contain resources.');
});

void test('resource formats', () => {
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"my-bucket"}}`, 'identity', 'Resource my-bucket must be in ARN format or "*".');
  rejects(
    `{${V},"Statement":{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam:us-east-1:123456789012:role/x"}}`,
    'identity',
    'IAM resource arn:aws:iam:us-east-1:123456789012:role/x cannot contain region information.',
  );
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws2:s3:::b"}}`, 'identity', 'Partition "aws2" is not valid for resource "arn:aws2:s3:*:*:b".');
});

void test('action formats: vendor prefix, one colon, no wildcard vendor', () => {
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}`, 'identity', 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}}`, 'identity', 'Actions/Condition can contain only one colon.');
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"*:Untag*","Resource":"*"}}`, 'identity', 'Action vendors (e.g., aws, ec2, etc.) must not contain wildcards');
  rejects(`{${V},"Statement":{"Effect":"Allow","Action":"s_3:Get","Resource":"*"}}`, 'identity', 'Vendor s_3 is not valid');
});

void test('trust policy rules: no Resource, STS actions only, a well-formed principal', () => {
  const trust = (stmt: string): string => `{${V},"Statement":[${stmt}]}`;
  rejects(trust('{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}'), 'trust', 'Has prohibited field Resource');
  rejects(trust('{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"s3:GetObject"}'), 'trust', 'AssumeRole policy may only specify STS AssumeRole actions.');
  rejects(
    trust('{"Effect":"Allow","Action":"sts:AssumeRole"}'),
    'trust',
    'Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!',
  );
  rejects(trust('{"Effect":"Allow","Principal":{"Service":"amazonaws.com"},"Action":"sts:AssumeRole"}'), 'trust', 'Invalid principal in policy: "SERVICE":"amazonaws.com"');
  rejects(trust('{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::12345:role/x"},"Action":"sts:AssumeRole"}'), 'trust', 'Invalid principal in policy: "AWS":"arn:aws:iam::12345:role/x"');
  rejects(trust('{"Effect":"Allow","Principal":{"Federated":"not a domain"},"Action":"sts:AssumeRoleWithWebIdentity"}'), 'trust', 'Federated principals must be valid domain names or SAML metadata ARNs');
});

void test('size quotas count characters without white space and raise LimitExceeded', () => {
  const text = `{${V},"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`;
  const spaced = text.replace(/,/g, ',\n    ');
  assert.equal(policySize(spaced), policySize(text));
  assert.equal(policySize(encodeURIComponent(text)), text.length);

  const big = (chars: number): string => `{${V},"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::${'b'.repeat(chars)}"}}`;
  const base = policySize(big(0));
  checkManagedPolicySize(big(POLICY_SIZE_QUOTAS.managedPolicy - base));
  assert.throws(() => checkManagedPolicySize(big(POLICY_SIZE_QUOTAS.managedPolicy - base + 1)), (e: unknown) => {
    assert.ok(e instanceof LimitExceededException);
    assert.equal(e.message, 'Cannot exceed quota for PolicySize: 6144');
    assert.equal(e.httpStatus, 409);
    return true;
  });
  assert.throws(() => checkTrustPolicySize(big(2048)), { message: 'Cannot exceed quota for ACLSizePerRole: 2048' });
  checkTrustPolicySize(big(2048), 4096);
  checkInlinePoliciesSize('role', 'r', [big(5000 - base), big(5000 - base)]);
  assert.throws(() => checkInlinePoliciesSize('role', 'app', [big(5000), big(5241)]), { message: 'Maximum policy size of 10240 bytes exceeded for role app' });
  assert.throws(() => checkInlinePoliciesSize('user', 'u', [big(2048)]), { message: 'Maximum policy size of 2048 bytes exceeded for user u' });
});

// ---- property tests: generated valid documents survive serialize → parse unchanged ----------

const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,11}$/);
const vendor = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
const actionName = fc.stringMatching(/^[A-Za-z*?][A-Za-z0-9*?]{0,15}$/);
const action = fc.oneof(fc.constant('*'), fc.tuple(vendor, actionName).map(([v, n]) => `${v}:${n}`));
const account = fc.stringMatching(/^\d{12}$/);
const region = fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', '*');
const resource = fc.oneof(
  fc.constant('*'),
  word.map((b) => `arn:aws:s3:::${b}/*`),
  fc.tuple(region, account, word).map(([r, a, n]) => `arn:aws:ecs:${r}:${a}:service/${n}/*`),
  fc.tuple(account, word).map(([a, n]) => `arn:aws:iam::${a}:role/${n}`),
);
const operator = fc.constantFrom('StringEquals', 'StringLike', 'ArnLike', 'NumericLessThan', 'Bool', 'IpAddress', 'ForAnyValue:StringEquals', 'ForAllValues:StringLike', 'StringEqualsIfExists', 'Null');
const conditions: fc.Arbitrary<PolicyCondition[]> = fc
  .dictionary(operator, fc.dictionary(word.map((k) => `aws:${k}`), fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 3 }), { maxKeys: 3 }), { maxKeys: 3 })
  .map((byOperator) => Object.entries(byOperator).flatMap(([op, keys]) => Object.entries(keys).map(([key, values]) => ({ operator: op, key, values }))));
const valueList = <T extends string>(values: fc.Arbitrary<T>) =>
  fc.record({ negated: fc.boolean(), values: fc.uniqueArray(values, { minLength: 1, maxLength: 4 }) });
const principal: fc.Arbitrary<PolicyPrincipal> = fc.oneof(
  fc.constant('*' as const),
  fc.record(
    {
      Service: fc.uniqueArray(vendor.map((v) => `${v}.amazonaws.com`), { minLength: 1, maxLength: 3 }),
      AWS: fc.uniqueArray(fc.oneof(account, fc.tuple(account, word).map(([a, n]) => `arn:aws:iam::${a}:role/${n}`)), { minLength: 1, maxLength: 3 }),
    },
    { requiredKeys: [] },
  ).filter((p) => Object.keys(p).length > 0),
);

function withSids(statements: PolicyStatement[], sids: (string | null)[]): PolicyStatement[] {
  // Sids must be unique, so the statement's index is appended to each generated one.
  return statements.map((s, i) => {
    const sid = sids[i];
    return sid === null || sid === undefined ? s : { sid: `${sid}${i}`, ...s };
  });
}

const identityStatement: fc.Arbitrary<PolicyStatement> = fc.record({
  effect: fc.constantFrom('Allow' as const, 'Deny' as const),
  action: valueList(action),
  resource: valueList(resource),
  conditions,
});
const trustStatement: fc.Arbitrary<PolicyStatement> = fc.record({
  effect: fc.constantFrom('Allow' as const, 'Deny' as const),
  principal: fc.record({ negated: fc.constant(false), value: principal }),
  action: fc.record({ negated: fc.constant(false), values: fc.uniqueArray(fc.constantFrom('sts:AssumeRole', 'sts:TagSession', 'sts:AssumeRoleWithWebIdentity', 'sts:SetSourceIdentity'), { minLength: 1, maxLength: 3 }) }),
  conditions,
});

const documentOf = (statement: fc.Arbitrary<PolicyStatement>): fc.Arbitrary<PolicyDocument> =>
  fc
    .record({
      version: fc.constantFrom('2012-10-17' as const, '2008-10-17' as const, undefined),
      statements: fc.array(statement, { minLength: 1, maxLength: 5 }),
      sids: fc.array(fc.option(word), { minLength: 5, maxLength: 5 }),
    })
    // fast-check builds records without a prototype; a JSON copy makes them plain objects for deepEqual.
    .map(({ version, statements, sids }) => JSON.parse(JSON.stringify({ ...(version ? { version } : {}), statements: withSids(statements, sids) })) as PolicyDocument);

void test('generated identity documents round-trip through serialize and parse', () => {
  fc.assert(
    fc.property(documentOf(identityStatement), (doc) => {
      assert.deepEqual(parsePolicyDocument(serializePolicyDocument(doc), 'identity'), doc);
    }),
    { numRuns: 300 },
  );
});

void test('generated trust documents round-trip through serialize and parse', () => {
  fc.assert(
    fc.property(documentOf(trustStatement), (doc) => {
      assert.deepEqual(parsePolicyDocument(serializePolicyDocument(doc), 'trust'), doc);
    }),
    { numRuns: 300 },
  );
});

void test('white space, single-value forms and percent-encoding do not change the parse', () => {
  fc.assert(
    fc.property(documentOf(identityStatement), (doc) => {
      const compact = serializePolicyDocument(doc);
      const pretty = JSON.stringify(JSON.parse(compact) as unknown, null, 4);
      // Unwrap every one-element array, as people write "Action": "s3:GetObject".
      const unwrapped = JSON.stringify(JSON.parse(compact) as unknown, (_k, v: unknown): unknown => (Array.isArray(v) && v.length === 1 ? (v[0] as unknown) : v));
      for (const variant of [pretty, unwrapped, encodeURIComponent(pretty)]) {
        assert.deepEqual(parsePolicyDocument(variant, 'identity'), doc);
      }
      assert.equal(policySize(pretty), policySize(compact));
    }),
    { numRuns: 200 },
  );
});

void test('a trust document is never a valid identity document and vice versa', () => {
  fc.assert(
    fc.property(documentOf(trustStatement), documentOf(identityStatement), (trust, identity) => {
      assert.throws(() => parsePolicyDocument(serializePolicyDocument(trust), 'identity'), MalformedPolicyDocumentException);
      assert.throws(() => parsePolicyDocument(serializePolicyDocument(identity), 'trust'), MalformedPolicyDocumentException);
    }),
    { numRuns: 100 },
  );
});
