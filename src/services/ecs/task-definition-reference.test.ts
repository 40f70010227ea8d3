// Task definition references (family, family:revision, ARN) and the ARN ECS gives a revision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { AwsError } from '../../aws/errors.ts';
import { parseTaskDefinitionReference, partitionOf, taskDefinitionArn } from './task-definition-reference.ts';

function rejects(ref: string, code: string, message: string, requireRevision = false): void {
  assert.throws(() => parseTaskDefinitionReference(ref, { requireRevision }), (err: unknown) => {
    assert.ok(err instanceof AwsError, `${ref} throws an AwsError`);
    assert.equal(err.code, code, ref);
    assert.equal(err.message, message, ref);
    return true;
  });
}

void test('the three forms callers use', () => {
  assert.deepEqual(parseTaskDefinitionReference('my-app'), { family: 'my-app' });
  assert.deepEqual(parseTaskDefinitionReference('my-app:2'), { family: 'my-app', revision: 2 });
  assert.deepEqual(parseTaskDefinitionReference('arn:aws:ecs:us-east-1:123456789012:task-definition/fargate-nginx-lab:1'), {
    family: 'fargate-nginx-lab',
    revision: 1,
    arn: { partition: 'aws', region: 'us-east-1', accountId: '123456789012' },
  });
  assert.deepEqual(parseTaskDefinitionReference('arn:aws:ecs:eu-west-1:123456789012:task-definition/api_v2'), {
    family: 'api_v2',
    arn: { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' },
  });
});

void test('a revision that is not an integer is InvalidParameterException, with AWS\'s text', () => {
  rejects('my-app:latest', 'InvalidParameterException', 'Invalid revision number. Number: latest');
  rejects('my-app:abc', 'InvalidParameterException', 'Invalid revision number. Number: abc');
  rejects('my-app:', 'InvalidParameterException', 'Invalid revision number. Number: ');
  rejects('my-app:1.5', 'InvalidParameterException', 'Invalid revision number. Number: 1.5');
  rejects('my-app:99999999999', 'InvalidParameterException', 'Invalid revision number. Number: 99999999999');
  rejects('arn:aws:ecs:us-east-1:123456789012:task-definition/my-app:x', 'InvalidParameterException', 'Invalid revision number. Number: x');
});

void test('references that can name no task definition are ClientException "Unable to describe task definition."', () => {
  for (const ref of ['', ':1', 'my app:1', 'my/app', 'arn:aws:ecs:us-east-1:123456789012:cluster/default', 'arn:aws:ecs:us-east-1:123:task-definition/x:1', `${'a'.repeat(256)}:1`]) {
    rejects(ref, 'ClientException', 'Unable to describe task definition.');
  }
});

void test('Deregister-style callers can require a revision', () => {
  rejects('my-app', 'ClientException', 'Revision is missing.', true);
  assert.deepEqual(parseTaskDefinitionReference('my-app:3', { requireRevision: true }), { family: 'my-app', revision: 3 });
});

void test('every ARN ECS builds parses back to its family and revision (property)', () => {
  const family = fc.stringMatching(/^[a-zA-Z0-9_-]{1,255}$/);
  const region = fc.constantFrom('us-east-1', 'eu-west-3', 'cn-north-1', 'us-gov-west-1');
  const revision = fc.integer({ min: 1, max: 2 ** 31 - 1 });
  fc.assert(fc.property(family, region, revision, (f, r, n) => {
    const arn = taskDefinitionArn(r, '123456789012', f, n);
    const parsed = parseTaskDefinitionReference(arn);
    return parsed.family === f && parsed.revision === n && parsed.arn?.region === r && parsed.arn.partition === partitionOf(r);
  }));
});

void test('ARNs carry the Region\'s partition', () => {
  assert.equal(taskDefinitionArn('us-east-1', '123456789012', 'web', 7), 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7');
  assert.equal(taskDefinitionArn('cn-north-1', '123456789012', 'web', 7), 'arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web:7');
});
