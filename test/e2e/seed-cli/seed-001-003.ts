// Seed 001 (skilldb "Ecs Fargate": a cluster on the Fargate capacity providers and its task
// definition) and seed 003 (Chapter 12's task definition, which the chapter shows but never
// registers; its reader registers it the way 001 and 002 do, from file://task-definition.json).
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { assertNewCluster, assertTaskDefinition, type TaskDefinitionInput } from './checks.ts';
import { assertHas, json } from './expect.ts';
import type { Lab } from './lab.ts';

export async function seed001And003(t: TestContext, lab: Lab): Promise<void> {
  const { cli } = lab;

  await lab.step(t, '001:29 aws ecs create-cluster --cluster-name my-app --capacity-providers FARGATE FARGATE_SPOT', [], async () => {
    const r = await cli.aws('ecs', 'create-cluster', '--cluster-name', 'my-app', '--capacity-providers', 'FARGATE', 'FARGATE_SPOT');
    const cluster = json<{ cluster?: unknown }>(r).cluster;
    assertNewCluster(cluster, 'my-app', r);
    assertHas(cluster, { capacityProviders: ['FARGATE', 'FARGATE_SPOT'], defaultCapacityProviderStrategy: [] }, 'cluster', r);
  });

  await lab.step(t, '001:120 aws ecs register-task-definition --cli-input-json file://task-definition.json (the L84–119 document)', [], async () => {
    lab.copyFixture('001-task-definition.json', 'task-definition.json');
    const r = await cli.aws('ecs', 'register-task-definition', '--cli-input-json', 'file://task-definition.json');
    assertTaskDefinition(json<{ taskDefinition?: unknown }>(r).taskDefinition, lab.document('001-task-definition.json') as TaskDefinitionInput, 1, r);
  });

  // Its role ARNs name account "123" (as printed in the chapter); the project registers every seed
  // task definition unmodified (test/fixtures/seed-task-definitions/README.md).
  await lab.step(t, '003:39 aws ecs register-task-definition --cli-input-json file://task-definition.json (the L39–79 document)', [], async () => {
    lab.copyFixture('003-task-definition.json', 'task-definition.json');
    const input = lab.document('003-task-definition.json') as TaskDefinitionInput;
    assert.equal(input.executionRoleArn, 'arn:aws:iam::123:role/ecsTaskExecutionRole');
    const r = await cli.aws('ecs', 'register-task-definition', '--cli-input-json', 'file://task-definition.json');
    assertTaskDefinition(json<{ taskDefinition?: unknown }>(r).taskDefinition, input, 1, r);
  });
}
