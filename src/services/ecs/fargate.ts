// Fargate's rules for a task definition: its cpu/memory table and the parameters it refuses.
//
// Sources: the Amazon ECS Developer Guide, "Amazon ECS task definition differences for the
// Fargate launch type" and "Task CPU and memory" (summarised in shared/reference/ecs-behaviour.md
// §4), and the exact texts AWS returned in public bug reports, cited at each message. Messages
// marked "not verified" are Berth's wording: clear and naming the field, but not AWS's text.

import type { ContainerDefinition, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';

import { ClientException } from './errors.ts';
import { isPrivateEcrImage } from './task-definition-images.ts';

/** One row of Fargate's table: a task cpu (units) and the task memory values (MiB) allowed with it. */
export interface FargateCpuRow {
  readonly cpu: number;
  readonly memory: readonly number[];
}

function steps(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let m = from; m <= to; m += step) out.push(m);
  return out;
}

/** Fargate's 74 valid (cpu, memory) pairs for Linux tasks (Developer Guide, "Task CPU and memory"). */
export const FARGATE_CPU_MEMORY: readonly FargateCpuRow[] = Object.freeze([
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: steps(1024, 4096, 1024) },
  { cpu: 1024, memory: steps(2048, 8192, 1024) },
  { cpu: 2048, memory: steps(4096, 16384, 1024) },
  { cpu: 4096, memory: steps(8192, 30720, 1024) },
  { cpu: 8192, memory: steps(16384, 61440, 4096) },
  { cpu: 16384, memory: steps(32768, 122880, 8192) },
].map((row) => Object.freeze({ cpu: row.cpu, memory: Object.freeze(row.memory) })));

/** True when Fargate offers a task size of exactly `cpu` units and `memory` MiB. */
export function isValidFargateCpuMemory(cpu: number, memory: number): boolean {
  const row = FARGATE_CPU_MEMORY.find((r) => r.cpu === cpu);
  return row !== undefined && row.memory.includes(memory);
}

/** The only log drivers a Fargate container may use (Developer Guide, "Fargate task definition differences"). */
export const FARGATE_LOG_DRIVERS: readonly string[] = Object.freeze(['awslogs', 'splunk', 'awsfirelens']);

/** The only Linux capability Fargate lets a container add. */
const FARGATE_ADDABLE_CAPABILITY = 'SYS_PTRACE';

/** Fargate's ephemeral storage bounds in GiB (the default, 20, is what you get when the field is absent). */
export const FARGATE_EPHEMERAL_STORAGE_GIB = Object.freeze({ min: 21, max: 200 });

/** Verified texts (ecs-behaviour.md §4 and public reports of RegisterTaskDefinition failures). */
export const FARGATE_MESSAGES = Object.freeze({
  networkMode: 'Fargate only supports network mode ‘awsvpc’.',
  cpuRequired: "Fargate requires that 'cpu' be defined at the task level.",
  memoryRequired: "Fargate requires that 'memory' be defined at the task level.",
  awslogsRole: 'Fargate requires task definition to have execution role ARN to support log driver awslogs.',
  ecrRole: 'Fargate requires task definition to have execution role ARN to support ECR images.',
  // Verified: fabfuel/ecs-deploy#87, hashicorp/terraform-provider-aws#6503 (RegisterTaskDefinition, ClientException).
  secretsRole: "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.",
  pidModeHost: "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'.",
  ipcMode: 'Tasks using the Fargate launch type do not support ipcMode.',
});

/**
 * The text for a cpu/memory pair outside the table. AWS has returned two forms: the older
 * `No Fargate configuration exists for given values.` (ecs-cli #463, 2018) and, since, this one
 * with the values (seen through CloudFormation in towardsthecloud/aws-cdk-examples#1, 2022).
 */
export function noFargateConfigurationMessage(cpu: number, memory: number): string {
  return `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`;
}

/** Not verified: Berth's text for a parameter Fargate refuses, following the verified ipcMode wording. */
function unsupported(parameter: string, container?: string): string {
  const where = container === undefined ? '' : ` (container '${container}')`;
  return `Tasks using the Fargate launch type do not support ${parameter}${where}.`;
}

/** The task size RegisterTaskDefinition resolved from `cpu`/`memory` (units / MiB), if given. */
export interface TaskSize {
  cpu?: number | undefined;
  memory?: number | undefined;
}

/**
 * Why this task definition cannot run on Fargate, as the ClientException RegisterTaskDefinition
 * would throw when `requiresCompatibilities` includes FARGATE; undefined when it can. Used both to
 * reject such registrations and to decide whether `compatibilities` lists FARGATE.
 */
export function fargateIncompatibility(input: RegisterTaskDefinitionRequest, size: TaskSize): ClientException | undefined {
  const message = firstFargateProblem(input, size);
  return message === undefined ? undefined : new ClientException(message);
}

/** Throws fargateIncompatibility's ClientException, if any. */
export function assertFargateCompatible(input: RegisterTaskDefinitionRequest, size: TaskSize): void {
  const problem = fargateIncompatibility(input, size);
  if (problem) throw problem;
}

function firstFargateProblem(input: RegisterTaskDefinitionRequest, size: TaskSize): string | undefined {
  if (input.networkMode !== 'awsvpc') return FARGATE_MESSAGES.networkMode;
  if (size.cpu === undefined) return FARGATE_MESSAGES.cpuRequired;
  if (size.memory === undefined) return FARGATE_MESSAGES.memoryRequired;
  if (!isValidFargateCpuMemory(size.cpu, size.memory)) return noFargateConfigurationMessage(size.cpu, size.memory);
  return taskLevelProblem(input) ?? containersProblem(input.containerDefinitions ?? []) ?? executionRoleProblem(input);
}

function taskLevelProblem(input: RegisterTaskDefinitionRequest): string | undefined {
  if (input.pidMode === 'host') return FARGATE_MESSAGES.pidModeHost;
  if (input.ipcMode !== undefined && input.ipcMode !== null) return FARGATE_MESSAGES.ipcMode;
  if ((input.placementConstraints ?? []).length > 0) return unsupported('placementConstraints');
  if ((input.inferenceAccelerators ?? []).length > 0) return unsupported('inferenceAccelerators');
  const gib = input.ephemeralStorage?.sizeInGiB;
  if (gib !== undefined && (gib < FARGATE_EPHEMERAL_STORAGE_GIB.min || gib > FARGATE_EPHEMERAL_STORAGE_GIB.max)) {
    // Not verified: Berth's text. The bounds are the Developer Guide's.
    return `Invalid 'ephemeralStorage.sizeInGiB' setting for task: ${gib}. The supported range is ${FARGATE_EPHEMERAL_STORAGE_GIB.min} to ${FARGATE_EPHEMERAL_STORAGE_GIB.max} GiB.`;
  }
  return undefined;
}

function nonEmpty(list: readonly unknown[] | undefined): boolean {
  return list !== undefined && list !== null && list.length > 0;
}

function containersProblem(containers: readonly ContainerDefinition[]): string | undefined {
  for (const c of containers) {
    const problem = containerProblem(c);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The container-level parameters the Developer Guide lists as not supported on Fargate. */
function containerProblem(c: ContainerDefinition): string | undefined {
  const name = c.name;
  if (c.privileged === true) return unsupported("'privileged'", name);
  if (c.disableNetworking === true) return unsupported("'disableNetworking'", name);
  if (nonEmpty(c.dnsServers)) return unsupported("'dnsServers'", name);
  if (nonEmpty(c.dnsSearchDomains)) return unsupported("'dnsSearchDomains'", name);
  if (nonEmpty(c.dockerSecurityOptions)) return unsupported("'dockerSecurityOptions'", name);
  if (nonEmpty(c.extraHosts)) return unsupported("'extraHosts'", name);
  if (nonEmpty(c.links)) return unsupported("'links'", name);
  if ((c.resourceRequirements ?? []).some((r) => r.type === 'GPU')) return unsupported('GPU resource requirements', name);
  const linux = c.linuxParameters;
  if (linux) {
    const added = linux.capabilities?.add ?? [];
    const other = added.find((cap) => cap !== FARGATE_ADDABLE_CAPABILITY);
    if (other !== undefined) {
      return unsupported(`adding the Linux capability '${other}'; only ${FARGATE_ADDABLE_CAPABILITY} can be added`, name);
    }
    if (nonEmpty(linux.devices)) return unsupported("'linuxParameters.devices'", name);
    if (linux.sharedMemorySize !== undefined && linux.sharedMemorySize !== null) return unsupported("'linuxParameters.sharedMemorySize'", name);
    if (nonEmpty(linux.tmpfs)) return unsupported("'linuxParameters.tmpfs'", name);
    if (linux.maxSwap !== undefined && linux.maxSwap !== null) return unsupported("'linuxParameters.maxSwap'", name);
    if (linux.swappiness !== undefined && linux.swappiness !== null) return unsupported("'linuxParameters.swappiness'", name);
  }
  const driver = c.logConfiguration?.logDriver;
  if (driver !== undefined && !FARGATE_LOG_DRIVERS.includes(driver)) {
    return unsupported(`log driver '${driver}'; the supported log drivers are ${FARGATE_LOG_DRIVERS.join(', ')}`, name);
  }
  return undefined;
}

/** Fargate pulls images, ships awslogs and reads secrets with the execution role, so those need one at registration. */
function executionRoleProblem(input: RegisterTaskDefinitionRequest): string | undefined {
  if (input.executionRoleArn) return undefined;
  const containers = input.containerDefinitions ?? [];
  if (containers.some((c) => c.logConfiguration?.logDriver === 'awslogs')) return FARGATE_MESSAGES.awslogsRole;
  if (containers.some((c) => isPrivateEcrImage(c.image))) return FARGATE_MESSAGES.ecrRole;
  if (containers.some((c) => (c.secrets ?? []).length > 0)) return FARGATE_MESSAGES.secretsRole;
  return undefined;
}
