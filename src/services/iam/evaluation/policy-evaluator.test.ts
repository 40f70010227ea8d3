import assert from 'node:assert/strict';
import { test } from 'node:test';
import { denialMessage, evaluate, type EvaluationRequest } from './policy-evaluator.ts';

const SESSION = 'arn:aws:sts::123456789012:assumed-role/app/task';
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf';
const allow = (action: string, resource = '*') => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });

function request(policies: unknown[], extra: Partial<EvaluationRequest> = {}): EvaluationRequest {
  return {
    principal: SESSION, resourceAccount: '123456789012', globals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/app' },
    request: { action: 'secretsmanager:GetSecretValue', resource: SECRET },
    policies: { identity: policies.map((document, i) => ({ name: `p${i}`, document })) },
    ...extra,
  };
}

void test('allow by wildcard, implicit deny, explicit deny, boundary, resource policy: each named in AWS\'s words', async () => {
  assert.deepEqual(await evaluate(request([allow('secretsmanager:Get*', 'arn:aws:secretsmanager:*:*:secret:prod/*')])), { allowed: true });
  const implicit = await evaluate(request([allow('ecs:*')]));
  assert.deepEqual(implicit, { allowed: false, explicit: false, policy: 'identity' });
  const deny = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotAction: 'ecs:*', Resource: '*' }] };
  const explicit = await evaluate(request([allow('*'), deny]));
  assert.deepEqual(explicit, { allowed: false, explicit: true, policy: 'identity' });
  const bounded = await evaluate({ ...request([allow('*')]), policies: { identity: [{ name: 'all', document: allow('*') }], boundary: { name: 'b', document: allow('ecs:*') } } });
  assert.deepEqual(bounded, { allowed: false, explicit: false, policy: 'boundary' });
  const resourceDeny = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }] });
  const byResource = await evaluate(request([allow('*')], { request: { action: 'secretsmanager:GetSecretValue', resource: SECRET, resourcePolicy: resourceDeny } }));
  assert.deepEqual(byResource, { allowed: false, explicit: true, policy: 'resource' });

  const r = { action: 'secretsmanager:GetSecretValue', resource: SECRET };
  assert.equal(denialMessage(SESSION, r, implicit as never),
    `User: ${SESSION} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${SECRET} because no identity-based policy allows the secretsmanager:GetSecretValue action`);
  assert.equal(denialMessage(SESSION, r, explicit as never), `User: ${SESSION} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${SECRET} with an explicit deny in an identity-based policy`);
  assert.match(denialMessage(SESSION, r, bounded), /because no permissions boundary allows the secretsmanager:GetSecretValue action$/);
  assert.match(denialMessage(SESSION, r, byResource), /with an explicit deny in a resource-based policy$/);
});

void test('conditions on the request\'s keys decide', async () => {
  const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringEquals: { 'secretsmanager:VersionStage': 'AWSCURRENT' } } }] };
  const at = (stage: string) => evaluate(request([doc], { request: { action: 'secretsmanager:GetSecretValue', resource: SECRET, context: { 'secretsmanager:VersionStage': stage } } }));
  assert.equal((await at('AWSCURRENT')).allowed, true);
  assert.equal((await at('AWSPREVIOUS')).allowed, false);
});
