// Fargate's cpu/memory table (property-tested against the Developer Guide's table) and the parameters Fargate refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ContainerDefinition, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';

import { AwsError } from '../../aws/errors.ts';
import {
  assertFargateCompatible,
  FARGATE_CPU_MEMORY,
  FARGATE_MESSAGES,
  fargateIncompatibility,
  isValidFargateCpuMemory,
  noFargateConfigurationMessage,
  type TaskSize,
} from './fargate.ts';

/**
 * The Developer Guide's table, typed again independently of fargate.ts (ecs-behaviour.md §4):
 * 256 → 512, 1024, 2048; 512 → 1024–4096 by 1024; 1024 → 2048–8192 by 1024; 2048 → 4096–16384 by
 * 1024; 4096 → 8192–30720 by 1024; 8192 → 16384–61440 by 4096; 16384 → 32768–122880 by 8192.
 */
function documented(cpu: number, memory: number): boolean {
  const within = (lo: number, hi: number, step: number): boolean => memory >= lo && memory <= hi && (memory - lo) % step === 0;
  switch (cpu) {
    case 256: return memory === 512 || memory === 1024 || memory === 2048;
    case 512: return within(1024, 4096, 1024);
    case 1024: return within(2048, 8192, 1024);
    case 2048: return within(4096, 16384, 1024);
    case 4096: return within(8192, 30720, 1024);
    case 8192: return within(16384, 61440, 4096);
    case 16384: return within(32768, 122880, 8192);
    default: return false;
  }
}

const CPUS = [256, 512, 1024, 2048, 4096, 8192, 16384];

void test('the table has the 74 pairs Fargate offers', () => {
  const pairs = FARGATE_CPU_MEMORY.flatMap((row) => row.memory.map((m) => [row.cpu, m] as const));
  assert.equal(pairs.length, 74);
  assert.equal(new Set(pairs.map(([c, m]) => `${c}/${m}`)).size, 74);
  for (const [cpu, memory] of pairs) assert.ok(documented(cpu, memory), `${cpu}/${memory} is documented`);
});

void test('isValidFargateCpuMemory agrees with the documented table on every pair (property)', () => {
  // Mix documented cpus with arbitrary ones, and memories near the table's grid with arbitrary ones.
  const cpu = fc.oneof(fc.constantFrom(...CPUS), fc.integer({ min: 0, max: 40000 }));
  const memory = fc.oneof(fc.integer({ min: 0, max: 128 }).map((k) => k * 1024), fc.integer({ min: 0, max: 130000 }));
  fc.assert(fc.property(cpu, memory, (c, m) => isValidFargateCpuMemory(c, m) === documented(c, m)), { numRuns: 5000 });
});

void test('the table cannot be changed at run time', () => {
  assert.throws(() => (FARGATE_CPU_MEMORY as FargateRows).push({ cpu: 1, memory: [1] }));
  assert.throws(() => (FARGATE_CPU_MEMORY[0]?.memory as number[]).push(4096));
});
type FargateRows = { cpu: number; memory: number[] }[];

function fargateTask(overrides: Partial<RegisterTaskDefinitionRequest> = {}, container: Partial<ContainerDefinition> = {}): RegisterTaskDefinitionRequest {
  return {
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    containerDefinitions: [{ name: 'web', image: 'public.ecr.aws/docker/library/nginx:latest', ...container }],
    ...overrides,
  };
}

function problem(input: RegisterTaskDefinitionRequest, size: TaskSize = { cpu: 256, memory: 512 }): string | undefined {
  return fargateIncompatibility(input, size)?.message;
}

void test('a plain awsvpc definition with a valid size is Fargate-compatible', () => {
  assert.equal(problem(fargateTask()), undefined);
  assert.doesNotThrow(() => assertFargateCompatible(fargateTask(), { cpu: 256, memory: 512 }));
});

void test('Fargate needs awsvpc, a task cpu and memory, and a size from the table', () => {
  assert.equal(problem(fargateTask({ networkMode: 'bridge' })), 'Fargate only supports network mode ‘awsvpc’.');
  assert.equal(problem(fargateTask({ networkMode: undefined })), FARGATE_MESSAGES.networkMode);
  assert.equal(problem(fargateTask(), { cpu: undefined, memory: 512 }), "Fargate requires that 'cpu' be defined at the task level.");
  assert.equal(problem(fargateTask(), { cpu: 256, memory: undefined }), "Fargate requires that 'memory' be defined at the task level.");
  assert.equal(problem(fargateTask(), { cpu: 512, memory: 512 }), noFargateConfigurationMessage(512, 512));
  assert.equal(noFargateConfigurationMessage(512, 512), 'No Fargate configuration exists for given values: 512 CPU, 512 memory. See the Amazon ECS documentation for the valid values.');
});

void test('the thrown error is a ClientException', () => {
  assert.throws(() => assertFargateCompatible(fargateTask({ networkMode: 'host' }), { cpu: 256, memory: 512 }), (err: unknown) => {
    assert.ok(err instanceof AwsError);
    assert.equal(err.code, 'ClientException');
    assert.equal(err.httpStatus, 400);
    return true;
  });
});

void test('task-level parameters Fargate refuses', () => {
  assert.equal(problem(fargateTask({ pidMode: 'host' })), "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'.");
  assert.equal(problem(fargateTask({ pidMode: 'task' })), undefined);
  assert.equal(problem(fargateTask({ ipcMode: 'task' })), 'Tasks using the Fargate launch type do not support ipcMode.');
  assert.match(problem(fargateTask({ placementConstraints: [{ type: 'memberOf', expression: 'attribute:x == y' }] })) ?? '', /placementConstraints/);
  assert.equal(problem(fargateTask({ placementConstraints: [] })), undefined);
  assert.match(problem(fargateTask({ ephemeralStorage: { sizeInGiB: 20 } })) ?? '', /ephemeralStorage\.sizeInGiB.*21 to 200/);
  assert.match(problem(fargateTask({ ephemeralStorage: { sizeInGiB: 201 } })) ?? '', /ephemeralStorage/);
  assert.equal(problem(fargateTask({ ephemeralStorage: { sizeInGiB: 21 } })), undefined);
  assert.equal(problem(fargateTask({ ephemeralStorage: { sizeInGiB: 200 } })), undefined);
});

void test('container parameters Fargate refuses, each named in the message', () => {
  const refused: [Partial<ContainerDefinition>, RegExp][] = [
    [{ privileged: true }, /'privileged' \(container 'web'\)/],
    [{ disableNetworking: true }, /'disableNetworking'/],
    [{ dnsServers: ['10.0.0.2'] }, /'dnsServers'/],
    [{ dnsSearchDomains: ['corp'] }, /'dnsSearchDomains'/],
    [{ dockerSecurityOptions: ['no-new-privileges'] }, /'dockerSecurityOptions'/],
    [{ extraHosts: [{ hostname: 'db', ipAddress: '10.0.0.9' }] }, /'extraHosts'/],
    [{ links: ['db'] }, /'links'/],
    [{ resourceRequirements: [{ type: 'GPU', value: '1' }] }, /GPU/],
    [{ linuxParameters: { capabilities: { add: ['NET_ADMIN'] } } }, /'NET_ADMIN'; only SYS_PTRACE/],
    [{ linuxParameters: { devices: [{ hostPath: '/dev/fuse' }] } }, /linuxParameters\.devices/],
    [{ linuxParameters: { sharedMemorySize: 64 } }, /linuxParameters\.sharedMemorySize/],
    [{ linuxParameters: { tmpfs: [{ containerPath: '/tmp', size: 64 }] } }, /linuxParameters\.tmpfs/],
    [{ linuxParameters: { maxSwap: 0 } }, /linuxParameters\.maxSwap/],
    [{ linuxParameters: { swappiness: 60 } }, /linuxParameters\.swappiness/],
    [{ logConfiguration: { logDriver: 'json-file' } }, /log driver 'json-file'.*awslogs, splunk, awsfirelens/],
  ];
  for (const [container, pattern] of refused) {
    const message = problem(fargateTask({}, container));
    assert.ok(message?.startsWith('Tasks using the Fargate launch type do not support '), `${JSON.stringify(container)}: ${message}`);
    assert.match(message ?? '', pattern);
  }
});

void test('the same parameters in their harmless forms are accepted', () => {
  const harmless: Partial<ContainerDefinition>[] = [
    { privileged: false, disableNetworking: false, dnsServers: [], links: [], extraHosts: [] },
    { linuxParameters: { initProcessEnabled: true, capabilities: { add: ['SYS_PTRACE'], drop: ['ALL'] } } },
    { resourceRequirements: [] },
    { logConfiguration: { logDriver: 'splunk', options: { 'splunk-url': 'https://splunk:8088' } } },
    { logConfiguration: { logDriver: 'awsfirelens' } },
  ];
  for (const container of harmless) assert.equal(problem(fargateTask({}, container)), undefined, JSON.stringify(container));
});

void test('awslogs and private ECR images need an execution role on Fargate', () => {
  const noRole = { executionRoleArn: undefined };
  const awslogs = { logConfiguration: { logDriver: 'awslogs' as const, options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1' } } };
  assert.equal(problem(fargateTask(noRole, awslogs)), 'Fargate requires task definition to have execution role ARN to support log driver awslogs.');
  assert.equal(
    problem(fargateTask(noRole, { image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1' })),
    'Fargate requires task definition to have execution role ARN to support ECR images.',
  );
  assert.equal(problem(fargateTask(noRole)), undefined, 'public images need no role');
  assert.equal(problem(fargateTask(noRole, { image: 'public.ecr.aws/nginx/nginx:1' })), undefined);
  assert.equal(problem(fargateTask({}, { ...awslogs, image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:abc' })), undefined);
});
