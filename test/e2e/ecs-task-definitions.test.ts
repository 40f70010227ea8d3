// ECS task definitions through the official SDK: every seed task definition registers, revisions
// count per family, references resolve in all three forms, listings sort and page as AWS documents,
// and deregistration and deletion move revisions through ACTIVE → INACTIVE → DELETE_IN_PROGRESS.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { SEED_ACCOUNT, seedTaskDefinitions } from '../fixtures/seed-task-definitions.ts';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

const ACCOUNT = SEED_ACCOUNT;
const tdArn = (family: string, revision: number): string => `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/${family}:${revision}`;

let server: TestServer;
let ecs: ECSClient;
before(async () => {
  server = await startTestServer();
  ecs = new ECSClient(server.clientConfig);
});
after(async () => {
  ecs.destroy();
  await server.stop();
});

const simple = (family: string): RegisterTaskDefinitionCommandInput => ({
  family,
  requiresCompatibilities: ['FARGATE'],
  networkMode: 'awsvpc',
  cpu: '256',
  memory: '512',
  containerDefinitions: [{ name: 'web', image: 'nginx:1.27', essential: true }],
});

const seeds = seedTaskDefinitions();

test('every seed task definition registers through the SDK as revision 1 of its family', async () => {
  assert.ok(seeds.length >= 5);
  for (const { file, input } of seeds) {
    const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand(input));
    assert.equal(taskDefinition?.family, input.family, file);
    assert.equal(taskDefinition?.revision, 1, file);
    assert.equal(taskDefinition?.taskDefinitionArn, tdArn(input.family ?? '', 1), file);
    assert.equal(taskDefinition?.status, 'ACTIVE', file);
    assert.equal(taskDefinition?.registeredBy, `arn:aws:iam::${ACCOUNT}:root`, file);
    assert.ok(taskDefinition?.registeredAt instanceof Date, file);
    assert.ok(taskDefinition?.compatibilities?.includes('FARGATE'), file);
  }
});

test('revisions count per family; DescribeTaskDefinition resolves a family, family:revision and an ARN', async () => {
  const first = await ecs.send(new RegisterTaskDefinitionCommand(simple('rev')));
  const second = await ecs.send(new RegisterTaskDefinitionCommand({ ...simple('rev'), tags: [{ key: 'team', value: 'web' }] }));
  assert.equal(first.taskDefinition?.revision, 1);
  assert.equal(second.taskDefinition?.revision, 2);
  assert.deepEqual(second.tags, [{ key: 'team', value: 'web' }]);
  assert.equal(first.tags, undefined);

  const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'rev' }));
  assert.equal(latest.taskDefinition?.revision, 2);
  assert.equal(latest.tags, undefined);
  const one = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'rev:1' }));
  assert.equal(one.taskDefinition?.revision, 1);
  const byArn = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: tdArn('rev', 2), include: ['TAGS'] }));
  assert.deepEqual(byArn.tags, [{ key: 'team', value: 'web' }]);
  const untagged = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'rev:1', include: ['TAGS'] }));
  assert.deepEqual(untagged.tags, []);
});

test('unknown and malformed references answer AWS errors', async () => {
  await rejects(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope' })), 'ClientException', 'Unable to describe task definition.');
  await rejects(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'rev:9' })), 'ClientException', 'Unable to describe task definition.');
  await rejects(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'rev:latest' })), 'InvalidParameterException', 'Invalid revision number. Number: latest');
  await rejects(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'arn:aws:ecs:us-east-1:999999999999:task-definition/rev:1' })),
    'ClientException', 'Unable to describe task definition.');
  await rejects(ecs.send(new RegisterTaskDefinitionCommand({ ...simple('bad family!') })), 'ClientException', 'Family contains invalid characters.');
  await rejects(ecs.send(new RegisterTaskDefinitionCommand({ family: 'x' } as RegisterTaskDefinitionCommandInput)),
    'InvalidParameterException', /'containerDefinitions'/);
  // A refused registration does not use up a revision number.
  await rejects(ecs.send(new RegisterTaskDefinitionCommand({ ...simple('rev'), cpu: '3' })), 'ClientException');
  const next = await ecs.send(new RegisterTaskDefinitionCommand(simple('rev')));
  assert.equal(next.taskDefinition?.revision, 3);
});

test('ListTaskDefinitions: family filter, ACTIVE by default, sorted by family then revision, DESC reverses, pages', async () => {
  for (const family of ['zeta', 'alpha', 'zeta', 'alpha']) await ecs.send(new RegisterTaskDefinitionCommand(simple(family)));
  const zeta = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'zeta' }));
  assert.deepEqual(zeta.taskDefinitionArns, [tdArn('zeta', 1), tdArn('zeta', 2)]);
  // familyPrefix is "the full family name": a prefix of a name matches nothing.
  const partial = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'zet' }));
  assert.deepEqual(partial.taskDefinitionArns, []);

  const all = await ecs.send(new ListTaskDefinitionsCommand({}));
  const arns = all.taskDefinitionArns ?? [];
  assert.deepEqual(arns.slice(0, 2), [tdArn('alpha', 1), tdArn('alpha', 2)]);
  assert.deepEqual(arns.slice(-2), [tdArn('zeta', 1), tdArn('zeta', 2)]);
  const desc = await ecs.send(new ListTaskDefinitionsCommand({ sort: 'DESC' }));
  assert.deepEqual(desc.taskDefinitionArns, [...arns].reverse());

  const paged: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListTaskDefinitionsCommand({ maxResults: 3, nextToken }));
    assert.ok((page.taskDefinitionArns?.length ?? 0) <= 3);
    paged.push(...(page.taskDefinitionArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  assert.deepEqual(paged, arns);
  await rejects(ecs.send(new ListTaskDefinitionsCommand({ nextToken: 'bogus' })), 'InvalidParameterException');
  await rejects(ecs.send(new ListTaskDefinitionsCommand({ maxResults: 0 })), 'InvalidParameterException');
});

test('DeregisterTaskDefinition makes a revision INACTIVE; the family then resolves to its latest ACTIVE revision', async () => {
  await ecs.send(new RegisterTaskDefinitionCommand(simple('dereg')));
  await ecs.send(new RegisterTaskDefinitionCommand(simple('dereg')));
  const { taskDefinition } = await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'dereg:2' }));
  assert.equal(taskDefinition?.status, 'INACTIVE');
  assert.ok(taskDefinition?.deregisteredAt instanceof Date);
  const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'dereg' }));
  assert.equal(latest.taskDefinition?.revision, 1);
  const inactive = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'dereg:2' }));
  assert.equal(inactive.taskDefinition?.status, 'INACTIVE');
  const listed = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'dereg', status: 'INACTIVE' }));
  assert.deepEqual(listed.taskDefinitionArns, [tdArn('dereg', 2)]);
  await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: tdArn('dereg', 1) }));
  await rejects(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'dereg' })), 'ClientException', 'Unable to describe task definition.');
  await rejects(ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'dereg:7' })), 'ClientException');
  // A new registration continues the family's numbering.
  const again = await ecs.send(new RegisterTaskDefinitionCommand(simple('dereg')));
  assert.equal(again.taskDefinition?.revision, 3);
});

test('ListTaskDefinitionFamilies: prefix, and ACTIVE/INACTIVE/ALL as AWS defines them', async () => {
  await ecs.send(new RegisterTaskDefinitionCommand(simple('fam-live')));
  await ecs.send(new RegisterTaskDefinitionCommand(simple('fam-gone')));
  await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'fam-gone:1' }));
  const all = await ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'fam-' }));
  assert.deepEqual(all.families, ['fam-live', 'fam-gone']);
  const active = await ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'fam-', status: 'ACTIVE' }));
  assert.deepEqual(active.families, ['fam-live']);
  const inactive = await ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'fam-', status: 'INACTIVE' }));
  assert.deepEqual(inactive.families, ['fam-gone']);
  const page = await ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'fam-', maxResults: 1 }));
  assert.deepEqual(page.families, ['fam-live']);
  const rest = await ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'fam-', maxResults: 1, nextToken: page.nextToken }));
  assert.deepEqual(rest.families, ['fam-gone']);
  assert.equal(rest.nextToken, undefined);
});

test('DeleteTaskDefinitions deletes only INACTIVE revisions and reports the others as failures', async () => {
  await ecs.send(new RegisterTaskDefinitionCommand(simple('del')));
  await ecs.send(new RegisterTaskDefinitionCommand(simple('del')));
  await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'del:1' }));
  const out = await ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ['del:1', tdArn('del', 2), 'del:9', 'del'] }));
  assert.deepEqual(out.taskDefinitions?.map((t) => [t.taskDefinitionArn, t.status]), [[tdArn('del', 1), 'DELETE_IN_PROGRESS']]);
  assert.ok(out.taskDefinitions?.[0]?.deleteRequestedAt instanceof Date);
  assert.deepEqual(out.failures, [
    { arn: tdArn('del', 2), reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.' },
    { arn: tdArn('del', 9), reason: 'The specified task definition does not exist. Specify a valid account, family, revision and try again.' },
    { arn: 'del', reason: 'The specified task definition identifier is invalid. Specify a valid name or ARN and try again.' },
  ]);
  const deleting = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'del', status: 'DELETE_IN_PROGRESS' }));
  assert.deepEqual(deleting.taskDefinitionArns, [tdArn('del', 1)]);
  await rejects(ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: Array.from({ length: 11 }, (_, i) => `del:${i + 1}`) })),
    'InvalidParameterException');
});
