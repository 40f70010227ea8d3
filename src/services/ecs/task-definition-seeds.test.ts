// Every task definition in the seed documents registers unmodified and runs on Fargate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SEED_ACCOUNT, seedTaskDefinitions } from '../../../test/fixtures/seed-task-definitions.ts';

import { fargateIncompatibility } from './fargate.ts';
import { normalizeTaskDefinition } from './task-definition-rules.ts';
import { parseTaskCpu, parseTaskMemory } from './task-definition-units.ts';

const SEEDS = fileURLToPath(new URL('../../../../shared/seeds/', import.meta.url));
const ACCOUNT = SEED_ACCOUNT;
const seeds = seedTaskDefinitions();

// shared/ sits beside the repository in CI; only a checkout on its own may lack it.
const seedsMissing = !existsSync(SEEDS) && process.env['CI'] !== 'true' && 'shared/seeds not present (outside CI)';

void test('the fixtures hold every task definition of the seed documents', { skip: seedsMissing }, () => {
  const seedText = readdirSync(SEEDS).map((s) => readFileSync(`${SEEDS}${s}`, 'utf8')).join('\n');
  assert.equal(seeds.length, seedText.match(/"containerDefinitions"\s*:/g)?.length ?? 0);
  for (const seed of seeds) {
    assert.ok(seedText.includes(seed.text.trimEnd()), `${seed.file} is byte for byte in a seed`);
  }
});

for (const { file, input } of seeds) {
  void test(`seed ${file} registers unmodified and is Fargate-compatible`, () => {
    const td = normalizeTaskDefinition(input, {
      accountId: ACCOUNT,
      region: 'us-east-1',
      revision: 1,
      registeredAt: new Date('2026-05-01T00:00:00Z'),
      registeredBy: `arn:aws:iam::${ACCOUNT}:root`,
    });
    assert.equal(td.status, 'ACTIVE');
    assert.equal(td.taskDefinitionArn, `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/${input.family}:1`);
    assert.equal(td.networkMode, 'awsvpc');
    assert.deepEqual(td.compatibilities, ['EC2', 'FARGATE', 'MANAGED_INSTANCES']);
    assert.deepEqual(td.requiresCompatibilities, ['FARGATE']);
    assert.equal(td.cpu, String(parseTaskCpu(input.cpu ?? '')));
    assert.equal(td.memory, String(parseTaskMemory(input.memory ?? '')));
    const cpu = Number(td.cpu);
    const memory = Number(td.memory);
    assert.equal(fargateIncompatibility(input, { cpu, memory }), undefined);
    for (const c of td.containerDefinitions ?? []) {
      assert.equal(c.essential, true);
      for (const pm of c.portMappings ?? []) assert.equal(pm.hostPort, pm.containerPort, 'awsvpc echoes the container port');
    }
    const names = (td.requiresAttributes ?? []).map((a) => a.name);
    assert.ok(names.includes('ecs.capability.task-eni'));
    assert.ok(names.includes('com.amazonaws.ecs.capability.logging-driver.awslogs'));
  });
}
