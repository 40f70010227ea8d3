import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AwsError } from '../../aws/errors.ts';
import { containerSecrets, jsonKeyValue, parseValueFrom, TaskSecrets, type SecretReaders } from './secrets.ts';

const SCOPE = { account: '123456789012', region: 'us-east-1' };
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf';
const PREFIX = 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ';

test('a Secrets Manager ARN alone: the whole secret, in the ARN region', () => {
  assert.deepEqual(parseValueFrom(ARN, SCOPE), { source: 'asm', secretId: ARN, scope: { account: '123456789012', region: 'eu-west-1' } });
});

test('json-key, version-stage, version-id: empty parts are left out', () => {
  assert.deepEqual(parseValueFrom(`${ARN}:password::`, SCOPE), {
    source: 'asm', secretId: ARN, scope: { account: '123456789012', region: 'eu-west-1' }, jsonKey: 'password',
  });
  assert.deepEqual(parseValueFrom(`${ARN}::AWSPREVIOUS:`, SCOPE), {
    source: 'asm', secretId: ARN, scope: { account: '123456789012', region: 'eu-west-1' }, versionStage: 'AWSPREVIOUS',
  });
  assert.deepEqual(parseValueFrom(`${ARN}:k::v-1`, SCOPE), {
    source: 'asm', secretId: ARN, scope: { account: '123456789012', region: 'eu-west-1' }, jsonKey: 'k', versionId: 'v-1',
  });
});

test('property: any ARN with any suffix parts round-trips', () => {
  const part = fc.stringMatching(/^[A-Za-z0-9_./+=@-]{0,12}$/);
  const name = fc.stringMatching(/^[A-Za-z0-9_/+=.@-]{1,20}$/);
  fc.assert(fc.property(name, fc.array(part, { maxLength: 3 }), (secretName, extra) => {
    const arn = `arn:aws:secretsmanager:us-west-2:123456789012:secret:${secretName}-AbCdEf`;
    const parsed = parseValueFrom([arn, ...extra].join(':'), SCOPE);
    assert.equal(parsed.source, 'asm');
    if (parsed.source !== 'asm') return;
    assert.equal(parsed.secretId, arn);
    const [k, s, v] = extra.map((p) => (p === '' ? undefined : p));
    assert.equal(parsed.jsonKey, k);
    assert.equal(parsed.versionStage, s);
    assert.equal(parsed.versionId, v);
  }));
});

test('anything else is a Parameter Store name or ARN, as given', () => {
  for (const v of ['/prod/api-key', 'api-key', 'arn:aws:ssm:us-east-1:123456789012:parameter/prod/api-key', 'prod/db-url']) {
    assert.deepEqual(parseValueFrom(v, SCOPE), { source: 'ssm', nameOrArn: v });
  }
});

test('malformed Secrets Manager ARNs are rejected', () => {
  for (const v of ['arn:aws:secretsmanager:us-east-1:123456789012:secret:', 'arn:aws:secretsmanager:us-east-1:123456789012:function:x',
    `${ARN}:a:b:c:d`, 'arn:aws:secretsmanager:us-east-1']) {
    assert.throws(() => parseValueFrom(v, SCOPE), /invalid secret ARN/);
  }
});

test('jsonKeyValue: top-level keys; missing keys and non-JSON fail as the agent words it', () => {
  assert.equal(jsonKeyValue('{"password":"pw","port":5432}', 'password'), 'pw');
  assert.equal(jsonKeyValue('{"password":"pw","port":5432}', 'port'), '5432');
  assert.throws(() => jsonKeyValue('{"a":{"password":"x"}}', 'password'), /did not contain json key password$/);
  assert.throws(() => jsonKeyValue('["password"]', '0'), /did not contain json key 0/);
  assert.throws(() => jsonKeyValue("'x'", 'k'), /^Error: invalid character ''' looking for beginning of value$/);
});

function readers(secrets: Record<string, string>, parameters: Record<string, string>, calls: unknown[] = []): SecretReaders {
  return {
    secret: async (scope, request) => {
      calls.push({ scope, ...request });
      const value = secrets[request.secretId];
      if (value === undefined) throw new AwsError({ code: 'ResourceNotFoundException', httpStatus: 400, senderFault: true, message: "Secrets Manager can't find the specified secret." });
      return value;
    },
    parameter: async (_scope, name) => {
      const value = parameters[name];
      if (value === undefined) throw new AwsError({ code: 'ParameterNotFound', httpStatus: 400, senderFault: true, message: '' });
      return value;
    },
  };
}

test('TaskSecrets reads secrets (with key and stage) and parameters', async () => {
  const calls: unknown[] = [];
  const source = new TaskSecrets(readers({ [ARN]: '{"password":"pw"}' }, { '/prod/api-key': 's3cr3t' }, calls));
  assert.equal(await source.resolve(SCOPE, ARN), '{"password":"pw"}');
  assert.equal(await source.resolve(SCOPE, `${ARN}:password:AWSCURRENT:`), 'pw');
  assert.equal(await source.resolve(SCOPE, '/prod/api-key'), 's3cr3t');
  assert.deepEqual(calls[1], { scope: { account: '123456789012', region: 'eu-west-1' }, secretId: ARN, versionStage: 'AWSCURRENT' });
});

test('TaskSecrets failures read as ECS stoppedReasons', async () => {
  const source = new TaskSecrets(readers({ [ARN]: '{"a":"b"}' }, {}));
  const missing = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf';
  await assert.rejects(source.resolve(SCOPE, missing), {
    message: `${PREFIX}unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${missing} from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.`,
  });
  await assert.rejects(source.resolve(SCOPE, `${ARN}:password::`), {
    message: `${PREFIX}unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key password`,
  });
  await assert.rejects(source.resolve(SCOPE, '/prod/none'), {
    message: `${PREFIX}unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid parameters: /prod/none`,
  });
});

test('containerSecrets: in definition order; without a source a task with secrets cannot start', async () => {
  const source = new TaskSecrets(readers({}, { a: '1', b: '2' }));
  assert.deepEqual(await containerSecrets(source, SCOPE, { secrets: [{ name: 'B', valueFrom: 'b' }, { name: 'A', valueFrom: 'a' }] }),
    [{ name: 'B', value: '2' }, { name: 'A', value: '1' }]);
  assert.deepEqual(await containerSecrets(undefined, SCOPE, { name: 'x' }), []);
  await assert.rejects(containerSecrets(undefined, SCOPE, { secrets: [{ name: 'A', valueFrom: 'a' }] }), /^Error: ResourceInitializationError/);
});
