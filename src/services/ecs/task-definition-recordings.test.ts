// Berth's requiresAttributes and compatibilities against real DescribeTaskDefinition outputs published on GitHub.
//
// Each recording is an AWS output with its output-only members removed (arn, revision, status,
// requiresAttributes, compatibilities, registeredAt/By): the rest is what was registered. The
// expected lists are AWS's, copied in AWS's order. AWS prints attributes in a hash-set order that
// changes with the set's size, so larger sets are compared as sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Compatibility, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';

import { normalizeTaskDefinition } from './task-definition-rules.ts';

interface Recording {
  source: string;
  input: RegisterTaskDefinitionRequest;
  requiresAttributes: string[];
  /** Compared when the recording is recent enough to show today's launch types. */
  compatibilities?: Compatibility[];
  ordered: boolean;
}

const R = 'com.amazonaws.ecs.capability.';
const E = 'ecs.capability.';
const ROLE = 'arn:aws:iam::111122223333:role/ecsTaskExecutionRole';
const AWSLOGS = (extra: Record<string, string> = {}) => ({
  logDriver: 'awslogs' as const,
  options: { 'awslogs-group': '/ecs/x', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs', ...extra },
});

const RECORDINGS: Recording[] = [
  {
    source: 'pirate-kong:20 from Pirate Weather\'s "Deploying Kong Gateway" write-up, registered 2023-08-29',
    input: {
      family: 'pirate-kong', executionRoleArn: ROLE, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '1024', memory: '2048',
      runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
      containerDefinitions: [{
        name: 'pirate-kong', image: 'public.ecr.aws/j9v4j3c7/pirate-kong:latest', cpu: 0, essential: true,
        portMappings: [{ name: 'pirate-kong-8000-tcp', containerPort: 8000, hostPort: 8000, protocol: 'tcp', appProtocol: 'http' }],
        logConfiguration: AWSLOGS({ 'awslogs-create-group': 'true' }),
        healthCheck: { command: ['CMD-SHELL', 'kong health'], interval: 30, timeout: 5, retries: 3, startPeriod: 120 },
      }],
    },
    requiresAttributes: [`${R}logging-driver.awslogs`, `${E}execution-role-awslogs`, `${R}docker-remote-api.1.19`, `${E}container-health-check`, `${R}docker-remote-api.1.18`, `${E}task-eni`, `${R}docker-remote-api.1.29`],
    ordered: true,
  },
  {
    source: 'code-along-api-task-def:3, registered 2023-08-31 (a code-along write-up by josh-stillman)',
    input: {
      family: 'code-along-api-task-def', executionRoleArn: ROLE, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '1024', memory: '2048',
      containerDefinitions: [{
        name: 'code-along-api', image: '225934246878.dkr.ecr.us-east-1.amazonaws.com/code-along:latest', cpu: 0, memory: 2048, memoryReservation: 2048,
        portMappings: [{ name: 'code-along-api-80-tcp', containerPort: 80, hostPort: 80, protocol: 'tcp', appProtocol: 'http' }],
        essential: true, environment: [], environmentFiles: [], mountPoints: [], volumesFrom: [], ulimits: [],
        secrets: [{ name: 'JWT_SECRET', valueFrom: 'arn:aws:secretsmanager:us-east-1:225934246878:secret:prod/code-along-api-W3kDvu:JWT_SECRET' }],
        logConfiguration: AWSLOGS({ 'awslogs-create-group': 'true' }),
      }],
    },
    requiresAttributes: [`${R}logging-driver.awslogs`, `${E}execution-role-awslogs`, `${R}ecr-auth`, `${R}docker-remote-api.1.19`, `${E}secrets.asm.environment-variables`, `${R}docker-remote-api.1.21`, `${E}execution-role-ecr-pull`, `${R}docker-remote-api.1.18`, `${E}task-eni`, `${R}docker-remote-api.1.29`],
    ordered: true,
  },
  {
    source: 'opensearch-rag-services:3, registered 2025-01-03, requiresCompatibilities []',
    input: {
      family: 'opensearch-rag-services', taskRoleArn: 'arn:aws:iam::941128203839:role/ecs_opensearch_rag', executionRoleArn: ROLE, networkMode: 'awsvpc',
      requiresCompatibilities: [], cpu: '1024', memory: '3072',
      containerDefinitions: [{
        name: 'opensearch-rag-service', image: '941128203839.dkr.ecr.eu-central-1.amazonaws.com/rag-opensearch', cpu: 1024, memory: 3072, memoryReservation: 1024,
        portMappings: [{ name: 'services-app-endpoint', containerPort: 5000, hostPort: 5000, protocol: 'tcp', appProtocol: 'http' }], essential: true,
        logConfiguration: AWSLOGS({ mode: 'non-blocking', 'awslogs-create-group': 'true', 'max-buffer-size': '25m' }), systemControls: [],
      }],
    },
    requiresAttributes: [`${R}logging-driver.awslogs`, `${E}execution-role-awslogs`, `${R}ecr-auth`, `${R}docker-remote-api.1.19`, `${R}docker-remote-api.1.28`, `${R}docker-remote-api.1.21`, `${R}task-iam-role`, `${E}execution-role-ecr-pull`, `${R}docker-remote-api.1.18`, `${E}task-eni`, `${R}docker-remote-api.1.29`],
    ordered: true,
  },
  {
    source: 'agent:5 (spring-ai-agent README), registered 2026-01-05',
    input: {
      family: 'agent', executionRoleArn: ROLE, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '1024', memory: '2048',
      runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' }, enableFaultInjection: false,
      containerDefinitions: [
        {
          name: 'spring-ai-agent', image: '1234567890.dkr.ecr.us-east-1.amazonaws.com/spring-ai-agent@sha256:3b83c737a6bbd9f4867f0da73f15598ed63da86067b59288f7892c79e60e7347',
          cpu: 0, essential: true, environment: [{ name: 'REDIS_HOST', value: 'localhost' }], environmentFiles: [], mountPoints: [], volumesFrom: [], ulimits: [], systemControls: [],
          portMappings: [{ appProtocol: 'http', containerPort: 80, hostPort: 80, name: 'spring-ai-agent-80-tcp', protocol: 'tcp' }],
          logConfiguration: { ...AWSLOGS({ 'awslogs-create-group': 'true' }), secretOptions: [] },
        },
        {
          name: 'redis', image: 'redis:latest', cpu: 0, essential: false, memoryReservation: 1024, environment: [], environmentFiles: [], mountPoints: [], volumesFrom: [], systemControls: [],
          portMappings: [{ containerPort: 6379, hostPort: 6379, name: 'redis-6379-tcp', protocol: 'tcp' }],
          logConfiguration: { ...AWSLOGS({ 'awslogs-create-group': 'true' }), secretOptions: [] },
        },
      ],
    },
    requiresAttributes: [`${R}logging-driver.awslogs`, `${E}execution-role-awslogs`, `${R}ecr-auth`, `${R}docker-remote-api.1.19`, `${R}docker-remote-api.1.21`, `${E}execution-role-ecr-pull`, `${R}docker-remote-api.1.18`, `${E}task-eni`, `${R}docker-remote-api.1.29`],
    compatibilities: ['EC2', 'FARGATE', 'MANAGED_INSTANCES'],
    ordered: true,
  },
  {
    source: 'svmp-api-carrier-dev:4, FireLens to Loki, registered 2024-02-27',
    input: {
      family: 'svmp-api-carrier-dev', taskRoleArn: ROLE, executionRoleArn: ROLE, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '1024', memory: '2048',
      containerDefinitions: [
        {
          name: 'svmp-api-carrier-dev', image: '842253897914.dkr.ecr.ap-northeast-2.amazonaws.com/svmp-api-carrier:latest', cpu: 0, essential: true,
          portMappings: [{ name: 'svmp-api-carrier-dev-8080-tcp', containerPort: 8080, hostPort: 8080, protocol: 'tcp', appProtocol: 'http' }],
          dockerLabels: { env: 'dev' },
          logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'cloudwatch', auto_create_group: 'true', log_group_name: 'firelens-fluent-bit', region: 'ap-northeast-2' } },
          healthCheck: { command: ['CMD-SHELL', 'wget -q --spider localhost:8080/actuator/health || exit 1'], interval: 30, timeout: 5, retries: 3, startPeriod: 10 },
        },
        {
          name: 'log-router', image: '906394416424.dkr.ecr.ap-northeast-2.amazonaws.com/aws-for-fluent-bit:stable', cpu: 0, memoryReservation: 50, essential: true,
          logConfiguration: AWSLOGS({ 'awslogs-create-group': 'true' }),
          firelensConfiguration: { type: 'fluentbit', options: { 'config-file-type': 'file', 'config-file-value': '/fluent-bit/configs/parse-json.conf' } },
        },
      ],
    },
    requiresAttributes: [`${E}execution-role-awslogs`, `${R}ecr-auth`, `${E}firelens.options.config.file`, `${R}docker-remote-api.1.17`, `${R}docker-remote-api.1.21`, `${R}logging-driver.awsfirelens`, `${R}task-iam-role`, `${E}container-health-check`, `${E}execution-role-ecr-pull`, `${R}docker-remote-api.1.18`, `${E}task-eni`, `${R}docker-remote-api.1.29`, `${R}logging-driver.awslogs`, `${R}docker-remote-api.1.19`, `${E}firelens.fluentbit`],
    ordered: false,
  },
  {
    source: 'VidTask:7 with an EFS volume, registered 2024-11-04',
    input: {
      family: 'VidTask', taskRoleArn: ROLE, executionRoleArn: ROLE, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '512', memory: '1024',
      volumes: [{ name: 'YouTube', efsVolumeConfiguration: { fileSystemId: 'fs-0a29dd8823cab60b5', rootDirectory: '/', transitEncryption: 'ENABLED', transitEncryptionPort: 2049, authorizationConfig: { accessPointId: 'fsap-0920405ee92c0e662', iam: 'DISABLED' } } }],
      containerDefinitions: [{
        name: 'youtube', image: '111122223333.dkr.ecr.ap-northeast-2.amazonaws.com/youtube:latest', cpu: 0, essential: true,
        portMappings: [{ name: 'youtube-4000-tcp', containerPort: 4000, hostPort: 4000, protocol: 'tcp', appProtocol: 'http' }],
        mountPoints: [{ sourceVolume: 'YouTube', containerPath: '/app/uploads', readOnly: false }], ulimits: [], systemControls: [],
        logConfiguration: { ...AWSLOGS({ mode: 'non-blocking', 'awslogs-create-group': 'true', 'max-buffer-size': '25m' }), secretOptions: [] },
      }],
    },
    requiresAttributes: [`${E}execution-role-awslogs`, `${R}ecr-auth`, `${R}docker-remote-api.1.28`, `${R}task-iam-role`, `${E}execution-role-ecr-pull`, `${R}docker-remote-api.1.18`, `${E}task-eni`, `${R}docker-remote-api.1.29`, `${R}logging-driver.awslogs`, `${E}efsAuth`, `${R}docker-remote-api.1.19`, `${E}efs`, `${R}docker-remote-api.1.25`],
    ordered: false,
  },
  {
    source: 'prowler:5, registered by AWS Batch 2022-11-22 (no create-group, no 1.29)',
    input: {
      family: 'prowler', executionRoleArn: ROLE, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '512', memory: '2048',
      containerDefinitions: [{
        name: 'default', image: '121169888995.dkr.ecr.us-east-1.amazonaws.com/prowler:latest', cpu: 0, portMappings: [], essential: true,
        environment: [], mountPoints: [], volumesFrom: [], secrets: [], logConfiguration: { ...AWSLOGS(), secretOptions: [] },
      }],
    },
    requiresAttributes: [`${R}logging-driver.awslogs`, `${E}execution-role-awslogs`, `${R}ecr-auth`, `${R}docker-remote-api.1.19`, `${E}execution-role-ecr-pull`, `${R}docker-remote-api.1.18`, `${E}task-eni`],
    ordered: true,
  },
];

const CTX = { accountId: '111122223333', region: 'us-east-1', revision: 1, registeredAt: new Date(0), registeredBy: 'arn:aws:iam::111122223333:root' };

for (const rec of RECORDINGS) {
  void test(`requiresAttributes match AWS's: ${rec.source}`, () => {
    const td = normalizeTaskDefinition(rec.input, CTX);
    const ours = (td.requiresAttributes ?? []).map((a) => a.name ?? '');
    if (rec.ordered) assert.deepEqual(ours, rec.requiresAttributes);
    else assert.deepEqual([...ours].sort(), [...rec.requiresAttributes].sort());
    if (rec.compatibilities) assert.deepEqual(td.compatibilities, rec.compatibilities);
    else assert.ok(td.compatibilities?.includes('FARGATE'), 'every recording validated against FARGATE');
  });
}

void test('a 2026 console registration keeps its containers exactly as AWS printed them', () => {
  const rec = RECORDINGS.find((r) => r.source.startsWith('agent:5'));
  assert.ok(rec);
  const td = normalizeTaskDefinition(rec.input, CTX);
  assert.deepEqual(td.containerDefinitions, rec.input.containerDefinitions);
  assert.equal(td.enableFaultInjection, false);
});
