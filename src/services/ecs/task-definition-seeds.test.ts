// Every task definition in the seed documents registers unmodified and runs on Fargate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';

import { fargateIncompatibility } from './fargate.ts';
import { normalizeTaskDefinition } from './task-definition-rules.ts';
import { parseTaskCpu, parseTaskMemory } from './task-definition-units.ts';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/seed-task-definitions/', import.meta.url));
const SEEDS = fileURLToPath(new URL('../../../../shared/seeds/', import.meta.url));
const ACCOUNT = '123456789012';

/**
 * The values the labs' shells hold when they write the heredoc files (002: `export REGION="us-east-1"`,
 * `REGISTRY="${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com"`; 004: `AWS_REGION="us-east-1"`,
 * `LOG_GROUP="/ecs/fargate-nginx-lab"`); ACCOUNT_ID and `aws sts get-caller-identity` give the caller's account.
 */
const SHELL: Record<string, string> = {
  ACCOUNT_ID: ACCOUNT,
  REGION: 'us-east-1',
  REGISTRY: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
  AWS_REGION: 'us-east-1',
  LOG_GROUP: '/ecs/fargate-nginx-lab',
};

/** Expands `$(aws sts get-caller-identity ...)`, `${VAR}` and `$VAR` as the lab's shell does; an unknown variable fails the test. */
function expandHeredoc(text: string): string {
  return text
    .replace(/\$\(aws sts get-caller-identity --query Account --output text\)/g, ACCOUNT)
    .replace(/\$\{(\w+)\}|\$(\w+)/g, (_all, braced: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const value = SHELL[name];
      if (value === undefined) throw new Error(`the seed's shell has no value for $${name}`);
      return value;
    });
}

const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();

// shared/ sits beside the repository in CI; only a checkout on its own may lack it.
const seedsMissing = !existsSync(SEEDS) && process.env['CI'] !== 'true' && 'shared/seeds not present (outside CI)';

void test('the fixtures hold every task definition of the seed documents', { skip: seedsMissing }, () => {
  const seedText = readdirSync(SEEDS).map((s) => readFileSync(`${SEEDS}${s}`, 'utf8')).join('\n');
  assert.equal(files.length, seedText.match(/"containerDefinitions"\s*:/g)?.length ?? 0);
  for (const f of files) {
    assert.ok(seedText.includes(readFileSync(`${FIXTURES}${f}`, 'utf8').trimEnd()), `${f} is byte for byte in a seed`);
  }
});

for (const file of files) {
  void test(`seed ${file} registers unmodified and is Fargate-compatible`, () => {
    const input = JSON.parse(expandHeredoc(readFileSync(`${FIXTURES}${file}`, 'utf8'))) as RegisterTaskDefinitionRequest;
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
