// The resources the seeds create, as AWS prints them back: an IAM role, an ECS cluster, a
// registered task definition (the input plus what ECS fills in).
import assert from 'node:assert/strict';
import type { CliResult } from './aws-cli.ts';
import { ACCOUNT, ID, REGION, assertHas, assertRecent, transcript } from './expect.ts';

/** CreateRole / GetRole's Role. The CLI decodes AssumeRolePolicyDocument (IAM sends it URL-encoded) into JSON. */
export function assertRole(role: unknown, name: string, trustPolicy: unknown, r: CliResult): void {
  assertHas(role, { Path: '/', RoleName: name, Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, AssumeRolePolicyDocument: trustPolicy }, 'Role', r);
  const record = role as Record<string, unknown>;
  assert.match(String(record.RoleId), ID.role, `Role.RoleId\n${transcript(r)}`);
  assertRecent(record.CreateDate, 'Role.CreateDate', r);
}

/** A new, empty cluster (aws-cli's own create-cluster example prints these members). */
export function assertNewCluster(cluster: unknown, name: string, r: CliResult): void {
  assertHas(cluster, {
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`,
    clusterName: name,
    status: 'ACTIVE',
    registeredContainerInstancesCount: 0,
    runningTasksCount: 0,
    pendingTasksCount: 0,
    activeServicesCount: 0,
    statistics: [],
    tags: [],
  }, 'cluster', r);
}

interface PortMappingInput { containerPort: number; hostPort?: number; protocol?: string }
interface ContainerInput {
  name: string;
  image: string;
  essential?: boolean;
  cpu?: number;
  portMappings?: PortMappingInput[];
  environment?: unknown[];
  secrets?: unknown[];
  logConfiguration?: { logDriver: string; options?: Record<string, string> };
  healthCheck?: unknown;
  linuxParameters?: Record<string, unknown>;
}
export interface TaskDefinitionInput {
  family: string;
  networkMode?: string;
  requiresCompatibilities?: string[];
  cpu?: string;
  memory?: string;
  executionRoleArn?: string;
  taskRoleArn?: string;
  runtimePlatform?: unknown;
  containerDefinitions: ContainerInput[];
}

/**
 * RegisterTaskDefinition / DescribeTaskDefinition's taskDefinition for a Fargate input: the input's
 * members unchanged, plus what ECS adds — the ARN and revision, status ACTIVE, compatibilities
 * with EC2 and FARGATE for an awsvpc definition that fits Fargate, container cpu 0 and essential true when
 * omitted, hostPort = containerPort in awsvpc mode, empty mountPoints/volumesFrom/volumes/
 * placementConstraints, requiresAttributes, registeredAt and registeredBy.
 */
export function assertTaskDefinition(td: unknown, input: TaskDefinitionInput, revision: number, r: CliResult): void {
  const optional = Object.fromEntries(Object.entries({
    executionRoleArn: input.executionRoleArn,
    taskRoleArn: input.taskRoleArn,
    runtimePlatform: input.runtimePlatform,
  }).filter(([, v]) => v !== undefined));
  assertHas(td, {
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${input.family}:${revision}`,
    family: input.family,
    revision,
    status: 'ACTIVE',
    networkMode: input.networkMode,
    requiresCompatibilities: input.requiresCompatibilities,
    cpu: input.cpu,
    memory: input.memory,
    volumes: [],
    placementConstraints: [],
    registeredBy: `arn:aws:iam::${ACCOUNT}:root`,
    ...optional,
  }, 'taskDefinition', r);
  const record = td as Record<string, unknown>;
  // ["EC2", "FARGATE"] until 2025; ["EC2", "FARGATE", "MANAGED_INSTANCES"] in outputs registered
  // since ECS Managed Instances launched (see src/services/ecs/task-definition-rules.ts).
  const compatibilities = record.compatibilities as string[] | undefined;
  assert.ok(compatibilities?.includes('EC2') && compatibilities.includes('FARGATE')
    && compatibilities.every((c) => ['EC2', 'FARGATE', 'MANAGED_INSTANCES'].includes(c)), `taskDefinition.compatibilities\n${transcript(r)}`);
  assertRecent(record.registeredAt, 'taskDefinition.registeredAt', r);

  const containers = record.containerDefinitions as Record<string, unknown>[] | undefined;
  assert.equal(containers?.length, input.containerDefinitions.length, `containerDefinitions\n${transcript(r)}`);
  for (const want of input.containerDefinitions) {
    const got = containers?.find((c) => c.name === want.name);
    const where = `containerDefinitions[${want.name}]`;
    assertHas(got, {
      name: want.name,
      image: want.image,
      cpu: want.cpu ?? 0,
      essential: want.essential ?? true,
      portMappings: (want.portMappings ?? []).map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort ?? p.containerPort, protocol: p.protocol ?? 'tcp' })),
      environment: want.environment ?? [],
      mountPoints: [],
      volumesFrom: [],
      ...(want.secrets ? { secrets: want.secrets } : {}),
      ...(want.healthCheck ? { healthCheck: want.healthCheck } : {}),
    }, where, r);
    const c = got as Record<string, unknown>;
    if (want.logConfiguration) assertHas(c.logConfiguration, want.logConfiguration, `${where}.logConfiguration`, r);
    if (want.linuxParameters) assertHas(c.linuxParameters, want.linuxParameters, `${where}.linuxParameters`, r);
  }

  // Attribute names from the ECS Developer Guide's "Amazon ECS container agent attributes" list.
  const attributes = ((record.requiresAttributes ?? []) as { name?: string }[]).map((a) => a.name);
  const expected = [
    ...(input.networkMode === 'awsvpc' ? ['ecs.capability.task-eni'] : []),
    ...(input.taskRoleArn ? ['com.amazonaws.ecs.capability.task-iam-role'] : []),
    ...(input.containerDefinitions.some((c) => c.logConfiguration?.logDriver === 'awslogs')
      ? ['com.amazonaws.ecs.capability.logging-driver.awslogs', 'ecs.capability.execution-role-awslogs'] : []),
    ...(input.containerDefinitions.some((c) => c.healthCheck) ? ['ecs.capability.container-health-check'] : []),
  ];
  for (const name of expected) assert.ok(attributes.includes(name), `requiresAttributes lacks ${name}\n${transcript(r)}`);
}
