// RegisterTaskDefinition's rules and the TaskDefinition they produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerDefinition, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';

import { AwsError } from '../../aws/errors.ts';
import { normalizeTaskDefinition, type RegistrationContext } from './task-definition-rules.ts';

const CTX: RegistrationContext = {
  accountId: '123456789012',
  region: 'us-east-1',
  revision: 1,
  registeredAt: new Date('2026-05-01T12:00:00.000Z'),
  registeredBy: 'arn:aws:iam::123456789012:root',
};

/** Seed 001 ("skilldb Ecs Fargate"), as the user registers it. */
const MY_APP: RegisterTaskDefinitionRequest = {
  family: 'my-app',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '512',
  memory: '1024',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  taskRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskRole',
  containerDefinitions: [{
    name: 'app',
    image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/my-app:latest',
    portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
    logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/my-app', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'app' } },
    environment: [{ name: 'NODE_ENV', value: 'production' }],
    secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password' }],
    healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'], interval: 30, timeout: 5, retries: 3 },
  }],
};

void test('a Fargate registration comes back as DescribeTaskDefinition shows it', () => {
  const td = normalizeTaskDefinition(MY_APP, CTX);
  assert.deepEqual(td, {
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/my-app:1',
    containerDefinitions: [{
      name: 'app',
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/my-app:latest',
      cpu: 0,
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
      essential: true,
      environment: [{ name: 'NODE_ENV', value: 'production' }],
      mountPoints: [],
      volumesFrom: [],
      secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/my-app', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'app' } },
      healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'], interval: 30, timeout: 5, retries: 3 },
      systemControls: [],
    }],
    family: 'my-app',
    taskRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskRole',
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    networkMode: 'awsvpc',
    revision: 1,
    volumes: [],
    status: 'ACTIVE',
    requiresAttributes: [
      { name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' },
      { name: 'ecs.capability.execution-role-awslogs' },
      { name: 'com.amazonaws.ecs.capability.ecr-auth' },
      { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.19' },
      { name: 'ecs.capability.secrets.asm.environment-variables' },
      { name: 'com.amazonaws.ecs.capability.task-iam-role' },
      { name: 'ecs.capability.container-health-check' },
      { name: 'ecs.capability.execution-role-ecr-pull' },
      { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' },
      { name: 'ecs.capability.task-eni' },
    ],
    placementConstraints: [],
    compatibilities: ['EC2', 'FARGATE', 'MANAGED_INSTANCES'],
    requiresCompatibilities: ['FARGATE'],
    cpu: '512',
    memory: '1024',
    registeredAt: CTX.registeredAt,
    registeredBy: 'arn:aws:iam::123456789012:root',
    enableFaultInjection: false,
  });
  // AWS prints members in the model's order; the store and serializer keep insertion order.
  assert.deepEqual(Object.keys(td).slice(0, 6), ['taskDefinitionArn', 'containerDefinitions', 'family', 'taskRoleArn', 'executionRoleArn', 'networkMode']);
  assert.deepEqual(Object.keys(td.containerDefinitions?.[0] ?? {}).slice(0, 5), ['name', 'image', 'cpu', 'portMappings', 'essential']);
});

void test('the request is not modified and the result shares nothing with it', () => {
  const input = structuredClone(MY_APP);
  const td = normalizeTaskDefinition(input, CTX);
  assert.deepEqual(input, MY_APP);
  td.containerDefinitions?.[0]?.environment?.push({ name: 'X', value: 'y' });
  assert.equal(input.containerDefinitions?.[0]?.environment?.length, 1);
});

void test('task cpu and memory in vCPU and GB are stored as units and MiB', () => {
  const td = normalizeTaskDefinition({ ...MY_APP, cpu: '1 vCPU', memory: '2GB' }, CTX);
  assert.equal(td.cpu, '1024');
  assert.equal(td.memory, '2048');
  const half = normalizeTaskDefinition({ ...MY_APP, cpu: '0.5 vCPU', memory: '1 GB' }, CTX);
  assert.equal(half.cpu, '512');
  assert.equal(half.memory, '1024');
});

function ec2Task(containers: ContainerDefinition[], overrides: Partial<RegisterTaskDefinitionRequest> = {}): RegisterTaskDefinitionRequest {
  return { family: 'web', containerDefinitions: containers, ...overrides };
}

void test('an EC2 definition without networkMode is bridge, and lists EXTERNAL and EC2', () => {
  const td = normalizeTaskDefinition(ec2Task([{ name: 'web', image: 'nginx', memory: 128, portMappings: [{ containerPort: 80 }] }]), CTX);
  assert.equal(td.networkMode, 'bridge');
  assert.deepEqual(td.compatibilities, ['EXTERNAL', 'EC2']);
  assert.deepEqual(td.containerDefinitions?.[0]?.portMappings, [{ containerPort: 80, protocol: 'tcp' }]);
  assert.equal(td.requiresCompatibilities, undefined);
  assert.equal(td.cpu, undefined);
});

void test('FARGATE is listed whenever Fargate would accept the definition, even if not required', () => {
  const base = { networkMode: 'awsvpc' as const, cpu: '256', memory: '512', requiresCompatibilities: [] };
  const ok = normalizeTaskDefinition(ec2Task([{ name: 'web', image: 'nginx' }], base), CTX);
  assert.deepEqual(ok.compatibilities, ['EC2', 'FARGATE', 'MANAGED_INSTANCES']);
  const odd = normalizeTaskDefinition(ec2Task([{ name: 'web', image: 'nginx' }], { ...base, memory: '717' }), CTX);
  assert.deepEqual(odd.compatibilities, ['EC2', 'MANAGED_INSTANCES']);
  const ipc = normalizeTaskDefinition(ec2Task([{ name: 'web', image: 'nginx' }], { ...base, ipcMode: 'host' }), CTX);
  assert.deepEqual(ipc.compatibilities, ['EC2', 'MANAGED_INSTANCES']);
});

void test('health checks get ECS\'s defaults; FireLens routers run as root', () => {
  const td = normalizeTaskDefinition(ec2Task([
    { name: 'web', image: 'nginx', memory: 128, healthCheck: { command: ['CMD', 'true'] } },
    { name: 'router', image: 'amazon/aws-for-fluent-bit', memory: 64, essential: false, firelensConfiguration: { type: 'fluentbit' } },
  ]), CTX);
  assert.deepEqual(td.containerDefinitions?.[0]?.healthCheck, { command: ['CMD', 'true'], interval: 30, timeout: 5, retries: 3 });
  assert.equal(td.containerDefinitions?.[1]?.user, '0');
  assert.equal(td.containerDefinitions?.[1]?.essential, false);
});

function rejects(input: RegisterTaskDefinitionRequest, message: string | RegExp): void {
  assert.throws(() => normalizeTaskDefinition(input, CTX), (err: unknown) => {
    assert.ok(err instanceof AwsError);
    assert.equal(err.code, 'ClientException');
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

const C = (c: Partial<ContainerDefinition> = {}): ContainerDefinition => ({ name: 'web', image: 'nginx', memory: 128, ...c });

void test('family rules', () => {
  rejects(ec2Task([C()], { family: '' }), 'Family can not be blank.');
  rejects(ec2Task([C()], { family: 'my app' }), 'Family contains invalid characters.');
  rejects(ec2Task([C()], { family: 'weird_dir@letssee.cats' }), 'Family contains invalid characters.');
  rejects(ec2Task([C()], { family: 'a'.repeat(256) }), /255/);
  assert.equal(normalizeTaskDefinition(ec2Task([C()], { family: 'A-z_0'.repeat(51) }), CTX).family?.length, 255);
});

void test('container identity rules', () => {
  rejects(ec2Task([]), 'Container list cannot be empty.');
  rejects(ec2Task(Array.from({ length: 11 }, (_, i) => C({ name: `c${i}` }))), 'Too many containers.');
  rejects(ec2Task([C({ name: '' })]), 'Container.name should not be null or empty.');
  rejects(ec2Task([C({ name: 'my container' })]), 'Container.name contains invalid characters.');
  rejects(ec2Task([C({ image: undefined })]), 'Container.image should not be null or empty.');
  rejects(ec2Task([C(), C()]), 'Container names must be unique within a Task Definition.');
  rejects(ec2Task([C({ essential: false })]), "Task definition doesn't have any essential container.");
});

void test('memory and cpu rules', () => {
  rejects(ec2Task([C({ memory: undefined })]), "Invalid setting for container 'web'. At least one of 'memory' or 'memoryReservation' must be specified.");
  assert.doesNotThrow(() => normalizeTaskDefinition(ec2Task([C({ memory: undefined })], { memory: '512' }), CTX));
  assert.doesNotThrow(() => normalizeTaskDefinition(ec2Task([C({ memory: undefined, memoryReservation: 64 })]), CTX));
  rejects(ec2Task([C({ memory: 128, memoryReservation: 256 })]), /memoryReservation.*'web'/);
  rejects(ec2Task([C({ memory: 1024 })], { memory: '512' }), "The 'memory' setting for container 'web' is greater than for the task.");
  rejects(ec2Task([C({ memory: undefined, memoryReservation: 300 }), C({ name: 'b', memory: undefined, memoryReservation: 300 })], { memory: '512' }),
    "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'.");
  rejects(ec2Task([C({ cpu: 512 }), C({ name: 'b', cpu: 512 })], { cpu: '512' }), "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.");
  rejects(ec2Task([C()], { cpu: '64' }), /^Invalid 'cpu' setting for task\./);
  rejects(ec2Task([C()], { ephemeralStorage: { sizeInGiB: 30 } }), 'Tasks using the EC2 launch type do not support EphemeralStorage');
});

void test('port mapping rules', () => {
  rejects(ec2Task([C({ portMappings: [{ hostPort: 80 }] })]), "Invalid 'containerPort' setting for container 'web'.");
  rejects(ec2Task([C({ portMappings: [{ containerPort: 70000 }] })]), "Invalid 'containerPort' setting for container 'web'.");
  rejects(ec2Task([C({ portMappings: [{ containerPort: 3000, hostPort: 80 }] })], { networkMode: 'awsvpc' }),
    'When networkMode=awsvpc, the host ports and container ports in port mappings must match.');
  rejects(ec2Task([C({ portMappings: [{ containerPort: 80 }] })], { networkMode: 'none' }), /networkMode=none/);
  const bridged = normalizeTaskDefinition(ec2Task([C({ portMappings: [{ containerPort: 3000, hostPort: 80, protocol: 'udp' }] })]), CTX);
  assert.deepEqual(bridged.containerDefinitions?.[0]?.portMappings, [{ containerPort: 3000, hostPort: 80, protocol: 'udp' }]);
  const named = normalizeTaskDefinition(ec2Task([C({ portMappings: [{ name: 'web-80-tcp', containerPort: 80, appProtocol: 'http' }] })], { networkMode: 'awsvpc' }), CTX);
  assert.deepEqual(named.containerDefinitions?.[0]?.portMappings, [{ containerPort: 80, hostPort: 80, protocol: 'tcp', name: 'web-80-tcp', appProtocol: 'http' }]);
});

void test('health check bounds', () => {
  const hc = (over: object): Partial<ContainerDefinition> => ({ healthCheck: { command: ['CMD-SHELL', 'true'], ...over } });
  rejects(ec2Task([C(hc({ retries: 11 }))]), "Health check retries must be less than or equal to the maximum allowed value 10 for container 'web'");
  rejects(ec2Task([C(hc({ retries: 0 }))]), "Health check retries must be greater than or equal to the minimum allowed value 1 for container 'web'");
  rejects(ec2Task([C(hc({ interval: 4 }))]), /interval.*minimum allowed value 5/);
  rejects(ec2Task([C(hc({ interval: 301 }))]), /interval.*maximum allowed value 300/);
  rejects(ec2Task([C(hc({ timeout: 1 }))]), /timeout.*minimum allowed value 2/);
  rejects(ec2Task([C(hc({ timeout: 61 }))]), /timeout.*maximum allowed value 60/);
  rejects(ec2Task([C(hc({ startPeriod: 301 }))]), /startPeriod.*maximum allowed value 300/);
  rejects(ec2Task([C({ healthCheck: { command: [] } })]), /command/);
  assert.doesNotThrow(() => normalizeTaskDefinition(ec2Task([C(hc({ interval: 5, timeout: 2, retries: 1, startPeriod: 0 }))]), CTX));
  assert.doesNotThrow(() => normalizeTaskDefinition(ec2Task([C(hc({ interval: 300, timeout: 60, retries: 10, startPeriod: 300 }))]), CTX));
});

void test('dependency rules', () => {
  rejects(ec2Task([C({ dependsOn: [{ containerName: 'db', condition: 'START' }] })]), "Cannot depend on container + 'db' because it does not exist");
  rejects(ec2Task([C({ dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] }), C({ name: 'init' })]),
    'A dependency container with SUCCESS or COMPLETE condition cannot be an essential container');
  assert.doesNotThrow(() => normalizeTaskDefinition(ec2Task([C({ dependsOn: [{ containerName: 'init', condition: 'COMPLETE' }] }), C({ name: 'init', essential: false })]), CTX));
  rejects(ec2Task([C({ dependsOn: [{ containerName: 'b', condition: 'START' }] }), C({ name: 'b', dependsOn: [{ containerName: 'web', condition: 'START' }] })]), /cycle/);
});

void test('secret, log and volume rules', () => {
  const secret = { name: 'DB', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db' };
  rejects(ec2Task([C({ secrets: [secret, secret] })]), /Secret names must be unique; 'DB'/);
  rejects(ec2Task([C({ logConfiguration: { logDriver: 'awslogs', options: {} } })]), 'Log driver awslogs requires options: awslogs-region, awslogs-group');
  rejects(ec2Task([C({ logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-region': 'us-east-1' } } })]), 'Log driver awslogs requires options: awslogs-group');
  rejects(ec2Task([C({ logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-region': 'us-east-1', 'awslogs-group': '' } } })]),
    "Log driver awslogs option 'awslogs-group' should not be null or empty.");
  rejects(ec2Task([C({ mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] })]), /Volume 'data' is not defined/);
  assert.doesNotThrow(() => normalizeTaskDefinition(ec2Task([C({ mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] })], { volumes: [{ name: 'data' }] }), CTX));
  rejects(ec2Task([C({ volumesFrom: [{ sourceContainer: 'web' }] })]), /volumesFrom/);
  rejects(ec2Task([C({ links: ['db'] }), C({ name: 'db' })], { networkMode: 'awsvpc' }), /Links are not supported when networkMode=awsvpc/);
});

void test('requiring FARGATE applies Fargate\'s rules first', () => {
  rejects({ ...MY_APP, networkMode: undefined }, 'Fargate only supports network mode ‘awsvpc’.');
  rejects({ ...MY_APP, cpu: undefined }, "Fargate requires that 'cpu' be defined at the task level.");
  rejects({ ...MY_APP, memory: '3GB', cpu: '256' }, /^No Fargate configuration exists for given values: 256 CPU, 3072 memory\./);
  rejects({ ...MY_APP, executionRoleArn: undefined }, 'Fargate requires task definition to have execution role ARN to support log driver awslogs.');
  rejects({ ...MY_APP, requiresCompatibilities: ['EXTERNAL'], ephemeralStorage: undefined }, /EXTERNAL launch type do not support network mode 'awsvpc'/);
  assert.equal(normalizeTaskDefinition({ ...MY_APP, ephemeralStorage: { sizeInGiB: 50 } }, CTX).ephemeralStorage?.sizeInGiB, 50);
});
