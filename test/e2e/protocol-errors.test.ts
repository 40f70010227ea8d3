// Bad input on the wire gets AWS's error shape and a 4xx, never a crash or a 500. Hand-built
// requests here on purpose: SDKs cannot send most of these mistakes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DescribeTaskDefinitionCommand, ECSClient, type DescribeTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { CreateRoleCommand, IAMClient, type CreateRoleCommandInput } from '@aws-sdk/client-iam';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
before(async () => { server = await startTestServer({ maxRequestBytes: 64 * 1024 }); });
after(async () => { await server.stop(); });

const SIGNED = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/SERVICE/aws4_request, SignedHeaders=host;x-amz-date, Signature=00';

async function post(headers: Record<string, string>, body: string): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(server.url, { method: 'POST', headers, body });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function ecs(operation: string, body: string) {
  return post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonEC2ContainerServiceV20141113.${operation}`,
    authorization: SIGNED.replace('SERVICE', 'ecs') }, body);
}

function query(service: string, params: Record<string, string>) {
  return post({ 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', authorization: SIGNED.replace('SERVICE', service) },
    new URLSearchParams(params).toString());
}

test('malformed JSON is a SerializationException in the JSON error shape', async () => {
  const r = await ecs('ListClusters', '{"maxResults": ');
  assert.equal(r.status, 400);
  assert.equal(r.headers.get('x-amzn-errortype'), 'SerializationException');
  assert.equal((JSON.parse(r.text) as { __type: string }).__type, 'SerializationException');
  assert.ok(r.headers.get('x-amzn-requestid'));
});

test('a JSON body that is not an object is rejected', async () => {
  const r = await ecs('ListClusters', '[1,2]');
  assert.equal(r.status, 400);
  assert.equal(r.headers.get('x-amzn-errortype'), 'SerializationException');
});

test('a member of the wrong JSON type names the member', async () => {
  const r = await ecs('DescribeTaskDefinition', '{"taskDefinition": 5}');
  assert.equal(r.status, 400);
  const body = JSON.parse(r.text) as { __type: string; message: string };
  assert.equal(body.__type, 'SerializationException');
  assert.match(body.message, /taskDefinition/);
});

test('an unknown X-Amz-Target operation is UnknownOperationException', async () => {
  const r = await ecs('LaunchRockets', '{}');
  assert.equal(r.status, 400);
  assert.equal((JSON.parse(r.text) as { __type: string }).__type, 'UnknownOperationException');
});

test('an unknown target prefix is UnknownOperationException', async () => {
  const r = await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'NoSuchService_20200101.Op' }, '{}');
  assert.equal(r.status, 400);
  assert.match(r.text, /UnknownOperationException/);
});

test('an unknown Query action is InvalidAction in the Query error shape', async () => {
  const r = await query('iam', { Action: 'LaunchRockets', Version: '2010-05-08' });
  assert.equal(r.status, 400);
  assert.match(r.text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ErrorResponse xmlns="https:\/\/iam.amazonaws.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>The action LaunchRockets is not valid for this web service.<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
});

test('an unknown EC2 action is InvalidAction in EC2\'s <Response><Errors> shape', async () => {
  const r = await query('ec2', { Action: 'LaunchRockets', Version: '2016-11-15' });
  assert.equal(r.status, 400);
  assert.match(r.text, /<Response><Errors><Error><Code>InvalidAction<\/Code><Message>[^<]+<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>/);
});

test('a form body with no Action at all is answered in the Query shape', async () => {
  const r = await post({ 'content-type': 'application/x-www-form-urlencoded' }, '<xml>not a form</xml>');
  assert.equal(r.status, 400);
  assert.match(r.text, /<Code>InvalidAction<\/Code>/);
});

test('a Query parameter of the wrong type is a ValidationError naming it', async () => {
  const r = await query('iam', { Action: 'ListRoles', Version: '2010-05-08', MaxItems: 'many' });
  assert.equal(r.status, 400);
  assert.match(r.text, /<Code>ValidationError<\/Code><Message>[^<]*maxItems/);
});

test('a body over the size limit is a 413 in the request\'s protocol', async () => {
  const r = await ecs('ListClusters', JSON.stringify({ nextToken: 'x'.repeat(70 * 1024) }));
  assert.equal(r.status, 413);
  assert.equal(r.headers.get('x-amzn-errortype'), 'RequestEntityTooLarge');
});

test('a malformed Authorization header is IncompleteSignature', async () => {
  const r = await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
    authorization: 'AWS4-HMAC-SHA256 garbage' }, '{}');
  assert.equal(r.status, 400);
  assert.match(r.text, /IncompleteSignature/);
});

test('the smithy rpc-v2-cbor protocol has a place and a clear refusal', async () => {
  const r = await post({ 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' }, '');
  assert.equal(r.status, 415);
  assert.match(r.text, /rpc-v2-cbor/);
});

test('a missing required member (sent through the SDK) names the member: ECS InvalidParameterException', async () => {
  const client = new ECSClient(server.clientConfig);
  await assert.rejects(client.send(new DescribeTaskDefinitionCommand({} as DescribeTaskDefinitionCommandInput)), (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(error.name, 'InvalidParameterException');
    assert.equal(error.message, "1 validation error detected: Value null at 'taskDefinition' failed to satisfy constraint: Member must not be null");
    assert.equal(error.$metadata?.httpStatusCode, 400);
    return true;
  });
});

test('a missing required member on a Query service is a ValidationError', async () => {
  const client = new IAMClient(server.clientConfig);
  await assert.rejects(client.send(new CreateRoleCommand({ RoleName: 'r' } as CreateRoleCommandInput)), (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(error.name, 'ValidationError');
    assert.match(error.message, /Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null/);
    assert.equal(error.$metadata?.httpStatusCode, 400);
    return true;
  });
});

test('the health endpoint says what is up', async () => {
  const response = await fetch(`${server.url}/_berth/health`);
  assert.equal(response.status, 200);
  const health = await response.json() as { status: string; store: { engine: string }; services: Record<string, unknown> };
  assert.equal(health.status, 'ok');
  assert.equal(health.store.engine, 'sqlite');
  assert.deepEqual(Object.keys(health.services).sort(), ['ec2', 'ecr', 'ecs', 'elasticloadbalancing', 'iam', 'logs', 'secretsmanager', 'ssm', 'sts']);
});
