// RegisterTaskDefinition's logic without I/O: validate a request as AWS does and build the TaskDefinition DescribeTaskDefinition returns.
//
// The operation (task-definitions.ts) assigns the revision, stores the result and answers; this
// module decides everything else. Rules live in task-definition-containers.ts (containers),
// fargate.ts (FARGATE), task-definition-units.ts (cpu/memory forms); defaults in
// task-definition-defaults.ts; requiresAttributes in task-definition-attributes.ts.

import type {
  Compatibility,
  NetworkMode,
  RegisterTaskDefinitionRequest,
  TaskDefinition,
} from '@aws-sdk/client-ecs';

import { ClientException } from './errors.ts';
import { assertFargateCompatible, fargateIncompatibility, type TaskSize } from './fargate.ts';
import { deriveRequiresAttributes } from './task-definition-attributes.ts';
import { validateContainerDefinitions } from './task-definition-containers.ts';
import { normalizeContainerDefinition, orderKeys } from './task-definition-defaults.ts';
import { FAMILY_MAX_LENGTH, FAMILY_PATTERN, taskDefinitionArn } from './task-definition-reference.ts';
import { INVALID_TASK_CPU_MESSAGE, taskCpuUnits, taskMemoryMiB } from './task-definition-units.ts';

export {
  parseTaskDefinitionReference,
  taskDefinitionArn,
  TASK_DEFINITION_NOT_FOUND_MESSAGE,
  type TaskDefinitionReference,
} from './task-definition-reference.ts';

/** What RegisterTaskDefinition knows besides the request: where, which revision, when and by whom. */
export interface RegistrationContext {
  accountId: string;
  region: string;
  /** The revision this registration becomes: one more than the family's highest, starting at 1. */
  revision: number;
  registeredAt: Date;
  /** The caller's ARN (`arn:aws:iam::123456789012:root`, `...:user/alice`, `arn:aws:sts::...:assumed-role/R/S`). */
  registeredBy: string;
}

/** TaskDefinition's members in the ECS model's order (the order AWS serializes them). */
const TASK_DEFINITION_MEMBER_ORDER = [
  'taskDefinitionArn', 'containerDefinitions', 'family', 'taskRoleArn', 'executionRoleArn', 'networkMode',
  'revision', 'volumes', 'status', 'requiresAttributes', 'placementConstraints', 'compatibilities',
  'runtimePlatform', 'requiresCompatibilities', 'cpu', 'memory', 'inferenceAccelerators', 'pidMode', 'ipcMode',
  'proxyConfiguration', 'registeredAt', 'deregisteredAt', 'deleteRequestedAt', 'registeredBy', 'ephemeralStorage',
  'enableFaultInjection',
] as const satisfies readonly (keyof TaskDefinition)[];

/** EC2 and external task cpu bounds (RegisterTaskDefinition, `cpu`: 128 to 196608 units). */
const EC2_TASK_CPU = Object.freeze({ min: 128, max: 196608 });

/** Verified texts for the family (ClientException): aws-actions/amazon-ecs-deploy-task-definition #630, amazon-ecs-cli #37. */
export const FAMILY_MESSAGES = Object.freeze({
  blank: 'Family can not be blank.',
  invalid: 'Family contains invalid characters.',
  /** Not verified: Berth's text. */
  tooLong: `Family name must be no longer than ${FAMILY_MAX_LENGTH} characters.`,
});

/**
 * Validates `input` as RegisterTaskDefinition does and returns the task definition as
 * DescribeTaskDefinition would show it: ARN, status ACTIVE, ECS's defaults, task cpu/memory
 * converted to units/MiB, `compatibilities` and `requiresAttributes`. Throws ClientException with
 * AWS's text (see the message constants for which texts are verified) on the first rule broken.
 * `input` is not modified and the result shares no objects with it.
 */
export function normalizeTaskDefinition(input: RegisterTaskDefinitionRequest, ctx: RegistrationContext): TaskDefinition {
  const request = structuredClone(input);
  const family = validateFamily(request.family);
  const requires = request.requiresCompatibilities ?? [];
  const fargateRequired = requires.includes('FARGATE');
  const size: TaskSize = { cpu: taskCpuUnits(request.cpu), memory: taskMemoryMiB(request.memory) };

  if (fargateRequired) {
    assertFargateCompatible(request, size);
  } else {
    validateNonFargateTask(request, size);
  }
  // AWS: "If no network mode is specified, the default is bridge." Fargate never gets here without awsvpc.
  const networkMode: NetworkMode = request.networkMode ?? 'bridge';
  if (requires.includes('EXTERNAL') && networkMode === 'awsvpc') {
    // Not verified: Berth's text. ECS Anywhere supports bridge, host and none (Developer Guide).
    throw new ClientException("Tasks using the EXTERNAL launch type do not support network mode 'awsvpc'.");
  }
  const volumes = request.volumes ?? [];
  validateContainerDefinitions(request.containerDefinitions, {
    networkMode,
    taskCpu: size.cpu,
    taskMemory: size.memory,
    volumes,
  });

  const containerDefinitions = (request.containerDefinitions ?? []).map((c) => normalizeContainerDefinition(c, networkMode));
  const fargateOk = fargateRequired || fargateIncompatibility({ ...request, networkMode }, size) === undefined;
  return orderKeys<TaskDefinition>({
    taskDefinitionArn: taskDefinitionArn(ctx.region, ctx.accountId, family, ctx.revision),
    containerDefinitions,
    family,
    taskRoleArn: request.taskRoleArn,
    executionRoleArn: request.executionRoleArn,
    networkMode,
    revision: ctx.revision,
    volumes,
    status: 'ACTIVE',
    requiresAttributes: deriveRequiresAttributes({
      networkMode,
      taskRoleArn: request.taskRoleArn,
      executionRoleArn: request.executionRoleArn,
      pidMode: request.pidMode,
      ipcMode: request.ipcMode,
      proxyConfiguration: request.proxyConfiguration,
      volumes,
      containerDefinitions,
    }),
    placementConstraints: request.placementConstraints ?? [],
    compatibilities: compatibilitiesOf(networkMode, fargateOk),
    runtimePlatform: request.runtimePlatform,
    requiresCompatibilities: request.requiresCompatibilities,
    cpu: size.cpu?.toString(),
    memory: size.memory?.toString(),
    inferenceAccelerators: request.inferenceAccelerators,
    pidMode: request.pidMode,
    ipcMode: request.ipcMode,
    proxyConfiguration: request.proxyConfiguration,
    registeredAt: ctx.registeredAt,
    registeredBy: ctx.registeredBy,
    ephemeralStorage: request.ephemeralStorage,
    // Present (false) in every 2026 output found, also when the input could not have set it.
    enableFaultInjection: request.enableFaultInjection ?? false,
  }, TASK_DEFINITION_MEMBER_ORDER);
}

/** Throws the family's ClientException, or returns the family. */
export function validateFamily(family: string | undefined): string {
  if (!family) throw new ClientException(FAMILY_MESSAGES.blank);
  if (family.length > FAMILY_MAX_LENGTH) throw new ClientException(FAMILY_MESSAGES.tooLong);
  if (!FAMILY_PATTERN.test(family)) throw new ClientException(FAMILY_MESSAGES.invalid);
  return family;
}

function validateNonFargateTask(request: RegisterTaskDefinitionRequest, size: TaskSize): void {
  if (size.cpu !== undefined && (size.cpu < EC2_TASK_CPU.min || size.cpu > EC2_TASK_CPU.max)) {
    throw new ClientException(INVALID_TASK_CPU_MESSAGE);
  }
  if (request.ephemeralStorage) {
    // Quoted by two independent code bases (a policy rule and a Terraform module comment); not seen in a raw AWS response.
    throw new ClientException('Tasks using the EC2 launch type do not support EphemeralStorage');
  }
}

/**
 * The launch types the definition validated against. Real outputs: an awsvpc definition that
 * Fargate accepts shows ["EC2", "FARGATE"] until 2025 and ["EC2", "FARGATE", "MANAGED_INSTANCES"]
 * since ECS Managed Instances launched (outputs registered 2026-01 and 2026-04, found with the
 * search tool); an awsvpc one that Fargate refuses shows ["EC2", "MANAGED_INSTANCES"] (2026-06) or
 * ["EC2"] (2019, ipcMode host). FARGATE is listed whenever Fargate's rules pass, even if not
 * required (a 2025 output with `requiresCompatibilities: []`). Not verified: EXTERNAL for
 * bridge/host/none (remembered as ["EXTERNAL", "EC2"], no output found) and MANAGED_INSTANCES for host.
 */
function compatibilitiesOf(networkMode: NetworkMode, fargateOk: boolean): Compatibility[] {
  const out: Compatibility[] = [];
  if (networkMode !== 'awsvpc') out.push('EXTERNAL');
  out.push('EC2');
  if (fargateOk) out.push('FARGATE');
  if (networkMode === 'awsvpc' || networkMode === 'host') out.push('MANAGED_INSTANCES');
  return out;
}
