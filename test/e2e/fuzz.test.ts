// Property test: any input an SDK can send to any operation Berth serves is answered with a
// result, a 4xx in AWS's shape or a named 501 for a feature Berth lacks, never a 500 or a crash. Inputs are generated from the model's
// own shapes (right wire types, arbitrary values, members present or not).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as logs from '@aws-sdk/client-cloudwatch-logs';
import * as ec2 from '@aws-sdk/client-ec2';
import * as ecr from '@aws-sdk/client-ecr';
import * as ecs from '@aws-sdk/client-ecs';
import * as iam from '@aws-sdk/client-iam';
import * as sts from '@aws-sdk/client-sts';
import fc from 'fast-check';
import { ModelIndex } from '../../src/aws/models/model-index.ts';
import type { Shape } from '../../src/aws/models/types.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
before(async () => { server = await startTestServer(); });
after(async () => { await server.stop(); });

type Sdk = Record<string, unknown>;
type Sendable = { send(command: unknown): Promise<unknown>; destroy(): void };

/** Strings that reach deep into handlers: names that exist, ARNs, ids, wildcards, junk. */
const STRINGS = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('default', 'production', 'api-service', 'api-service:1', 'ecsTaskExecutionRole', '*', '', ' ', '/',
    'arn:aws:ecs:us-east-1:123456789012:cluster/default', 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
    'arn:aws:iam::123456789012:role/r', 'vpc-0123456789abcdef0', 'sg-0123456789abcdef0', 'subnet-0123456789abcdef0',
    '10.0.0.0/16', '172.31.0.0/20', '0.0.0.0/0', 'tcp', '-1', 'us-east-1a', '{"Version":"2012-10-17","Statement":[]}',
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}', 'is-default', 'tag:Name', 'FARGATE', 'ACTIVE'),
);

function arbitraryFor(model: ModelIndex, shapeName: string, depth: number): fc.Arbitrary<unknown> {
  const shape: Shape = model.shape(shapeName);
  if (depth > 4) return fc.constant(undefined);
  switch (shape.type) {
    case 'structure': {
      const members = Object.entries(shape.members ?? {});
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, ref] of members) record[name] = arbitraryFor(model, ref.shape, depth + 1);
      return fc.record(record, { requiredKeys: [] });
    }
    case 'list':
      return shape.member ? fc.array(arbitraryFor(model, shape.member.shape, depth + 1), { maxLength: 3 }) : fc.constant([]);
    case 'map':
      return shape.value ? fc.dictionary(fc.string({ maxLength: 6 }), arbitraryFor(model, shape.value.shape, depth + 1), { maxKeys: 2 }) : fc.constant({});
    case 'string':
      return shape.enum ? fc.oneof(fc.constantFrom(...shape.enum), STRINGS) : STRINGS;
    case 'boolean':
      return fc.boolean();
    case 'integer': case 'long':
      return fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(0, 1, 100, 65535, 2147483647));
    case 'float': case 'double':
      return fc.double({ min: -10, max: 1000, noNaN: true });
    case 'timestamp':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true });
    case 'blob':
      return fc.uint8Array({ maxLength: 8 });
    default:
      return fc.constant(undefined);
  }
}

const SERVICES: { name: string; sdk: Sdk; client: string }[] = [
  { name: 'ecs', sdk: ecs, client: 'ECSClient' },
  { name: 'iam', sdk: iam, client: 'IAMClient' },
  { name: 'sts', sdk: sts, client: 'STSClient' },
  { name: 'ec2', sdk: ec2, client: 'EC2Client' },
  { name: 'ecr', sdk: ecr, client: 'ECRClient' },
  { name: 'logs', sdk: logs, client: 'CloudWatchLogsClient' },
];

for (const { name, sdk, client: clientName } of SERVICES) {
  test(`${name}: every served operation answers arbitrary model-shaped input without a 5xx`, { timeout: 300_000 }, async () => {
    const health = await (await fetch(`${server.url}/_berth/health`)).json() as { services: Record<string, { operations: number }> };
    assert.ok((health.services[name]?.operations ?? 0) > 0, `${name} serves operations`);
    const model = ModelIndex.load(name);
    const Client = sdk[clientName] as new (config: TestServer['clientConfig']) => Sendable;
    const client = new Client(server.clientConfig);
    const served = await servedOperations(name, model);
    try {
      for (const operation of served) {
        const Command = sdk[`${operation}Command`] as (new (input: unknown) => unknown) | undefined;
        assert.ok(Command, `the SDK has ${operation}Command`);
        const inputShape = model.operation(operation)?.input;
        const inputs = inputShape ? arbitraryFor(model, inputShape, 0) : fc.constant({});
        await fc.assert(fc.asyncProperty(inputs, async (input) => {
          try {
            await client.send(new Command(input ?? {}));
          } catch (error) {
            const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
            // No status: the SDK refused the input before sending (e.g. a URI member), which is fine.
            // 501 NotImplemented is Berth's deliberate, named refusal of a feature it lacks.
            if (status !== undefined && status >= 500 && status !== 501) {
              throw new Error(`${name}:${operation} answered ${status} ${(error as Error).name}: ${(error as Error).message} for ${JSON.stringify(input)}`);
            }
          }
        }), { numRuns: 15, seed: 42, includeErrorInReport: true });
      }
    } finally {
      client.destroy();
    }
  });
}

/** The operations a service serves: those that do not answer NotImplemented to an empty call. */
async function servedOperations(service: string, model: ModelIndex): Promise<string[]> {
  const served: string[] = [];
  for (const operation of Object.keys(model.model.operations)) {
    const target = model.metadata.targetPrefix;
    const response = target
      ? await fetch(server.url, { method: 'POST', headers: { 'x-amz-target': `${target}.${operation}`, 'content-type': 'application/x-amz-json-1.1' }, body: '{}' })
      : await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ Action: operation, Version: model.metadata.apiVersion, DryRun: 'true' }).toString() });
    await response.text();
    if (response.status !== 501) served.push(operation);
  }
  assert.ok(served.length > 0, `${service} serves something`);
  return served;
}
