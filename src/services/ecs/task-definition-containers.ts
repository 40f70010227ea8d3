// RegisterTaskDefinition's rules for containerDefinitions: names, images, memory, ports, health checks, dependencies, secrets, logs.
//
// Each message is AWS's text where a public report of the failure shows it (source cited), and
// otherwise Berth's wording, marked "not verified", that names the field and the container.

import type { ContainerDefinition, NetworkMode, Volume } from '@aws-sdk/client-ecs';

import { ClientException } from './errors.ts';

/** Verified texts of RegisterTaskDefinition's container rules. */
export const CONTAINER_MESSAGES = Object.freeze({
  /** CloudFormation docs PR awsdocs/aws-cloudformation-user-guide#454. */
  emptyList: 'Container list cannot be empty.',
  /** amazon-ecs-cli #184 (the quota is 10 containers per task definition). */
  tooMany: 'Too many containers.',
  /** awsdocs/aws-cloudformation-user-guide#612, terraform #2888. */
  nameMissing: 'Container.name should not be null or empty.',
  /** terraform-provider-aws #5950, ansible #22860. */
  nameInvalid: 'Container.name contains invalid characters.',
  /** convox/praxis #121, moto's tests. */
  imageMissing: 'Container.image should not be null or empty.',
  /** Shippable/support #2946, metaps/genova #291. */
  duplicateNames: 'Container names must be unique within a Task Definition.',
  /** eagletmt/hako#68 quoting the ECS API (2018). The AWS CDK's own check words it "A TaskDefinition must have at least one essential container". */
  noEssential: "Task definition doesn't have any essential container.",
  /** boto/boto3 #2436, klothoplatform/klotho #892. */
  essentialDependency: 'A dependency container with SUCCESS or COMPLETE condition cannot be an essential container',
});

/** Container names follow the family rule: letters, numbers, hyphens, underscores, up to 255. */
const CONTAINER_NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const MAX_CONTAINERS = 10;

/** Health check bounds from the HealthCheck API reference. */
const HEALTH_CHECK_BOUNDS = [
  { field: 'interval', min: 5, max: 300 },
  { field: 'timeout', min: 2, max: 60 },
  { field: 'retries', min: 1, max: 10 },
  { field: 'startPeriod', min: 0, max: 300 },
] as const;

/** What the container rules need to know about the task around them. */
export interface ContainerRulesContext {
  networkMode: NetworkMode;
  /** Task-level memory in MiB, when given. */
  taskMemory?: number | undefined;
  /** Task-level cpu in units, when given. */
  taskCpu?: number | undefined;
  volumes: readonly Volume[];
}

/** Throws the first ClientException RegisterTaskDefinition would raise for these containers. */
export function validateContainerDefinitions(containers: readonly ContainerDefinition[] | undefined, ctx: ContainerRulesContext): void {
  if (!containers || containers.length === 0) throw new ClientException(CONTAINER_MESSAGES.emptyList);
  if (containers.length > MAX_CONTAINERS) throw new ClientException(CONTAINER_MESSAGES.tooMany);
  for (const c of containers) validateIdentity(c);
  const names = containers.map((c) => c.name as string);
  if (new Set(names).size !== names.length) throw new ClientException(CONTAINER_MESSAGES.duplicateNames);
  validateResources(containers, ctx);
  if (!containers.some((c) => c.essential !== false)) throw new ClientException(CONTAINER_MESSAGES.noEssential);
  for (const c of containers) {
    validatePortMappings(c, ctx.networkMode);
    validateHealthCheck(c);
    validateSecrets(c);
    validateLogConfiguration(c);
    validateVolumeReferences(c, ctx.volumes, names);
    validateLinks(c, ctx.networkMode);
  }
  validateDependencies(containers);
}

function validateIdentity(c: ContainerDefinition): void {
  if (!c.name) throw new ClientException(CONTAINER_MESSAGES.nameMissing);
  if (!CONTAINER_NAME.test(c.name)) throw new ClientException(CONTAINER_MESSAGES.nameInvalid);
  if (!c.image) throw new ClientException(CONTAINER_MESSAGES.imageMissing);
}

function validateResources(containers: readonly ContainerDefinition[], ctx: ContainerRulesContext): void {
  let reserved = 0;
  let cpu = 0;
  for (const c of containers) {
    const name = c.name as string;
    if (ctx.taskMemory === undefined && c.memory == null && c.memoryReservation == null) {
      // Verified: sil-org/ecs-deploy #59, moto's tests (checked against AWS by its maintainers).
      throw new ClientException(`Invalid setting for container '${name}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
    }
    if (c.memory != null && c.memoryReservation != null && c.memoryReservation > c.memory) {
      // Not verified: the rule is the Developer Guide's ("memory must be greater than or equal to memoryReservation").
      throw new ClientException(`Invalid 'memoryReservation' setting for container '${name}'. The 'memory' setting must be greater than or equal to the 'memoryReservation' setting.`);
    }
    if (ctx.taskMemory !== undefined && c.memory != null && c.memory > ctx.taskMemory) {
      // Verified: pulumi/pulumi-awsx #188 and #1220.
      throw new ClientException(`The 'memory' setting for container '${name}' is greater than for the task.`);
    }
    reserved += c.memoryReservation ?? 0;
    cpu += c.cpu ?? 0;
  }
  if (ctx.taskMemory !== undefined && reserved > ctx.taskMemory) {
    // Verified: cloudnativedaysjp/dreamkast-infra #4766 (2025).
    throw new ClientException("The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'.");
  }
  if (ctx.taskCpu !== undefined && cpu > ctx.taskCpu) {
    // Verified: klothoplatform/klotho #892.
    throw new ClientException("The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.");
  }
}

function validatePortMappings(c: ContainerDefinition, networkMode: NetworkMode): void {
  const mappings = c.portMappings ?? [];
  if (mappings.length > 0 && networkMode === 'none') {
    // Not verified: the rule is RegisterTaskDefinition's ("If the network mode is set to none, you cannot specify port mappings").
    throw new ClientException(`Invalid 'portMappings' setting for container '${c.name}'. Port mappings are not supported when networkMode=none.`);
  }
  for (const pm of mappings) {
    if (pm.containerPortRange) continue;
    if (pm.containerPort == null || pm.containerPort < 1 || pm.containerPort > 65535) {
      // Verified for a mapping without containerPort (aws/aws-cli #7288, aws/aws-cdk #8762); reused for out-of-range ports.
      throw new ClientException(`Invalid 'containerPort' setting for container '${c.name}'.`);
    }
    if ((networkMode === 'awsvpc' || networkMode === 'host') && pm.hostPort != null && pm.hostPort !== pm.containerPort) {
      // Verified for awsvpc (pulumi/pulumi-awsx #935, amazon-ecs-cli #1014); host mode has the same rule, its text is inferred.
      throw new ClientException(`When networkMode=${networkMode}, the host ports and container ports in port mappings must match.`);
    }
  }
}

function validateHealthCheck(c: ContainerDefinition): void {
  const hc = c.healthCheck;
  if (!hc) return;
  if (!hc.command || hc.command.length === 0) {
    // Not verified: Berth's text.
    throw new ClientException(`Health check command should not be null or empty for container '${c.name}'`);
  }
  for (const { field, min, max } of HEALTH_CHECK_BOUNDS) {
    const value = hc[field];
    if (value == null) continue;
    // The maximum's text is verified (PostHog/posthog #8647: "Health check retries must be less than
    // or equal to the maximum allowed value 10 for container '...'"); the minimum's mirrors it.
    if (value > max) throw new ClientException(`Health check ${field} must be less than or equal to the maximum allowed value ${max} for container '${c.name}'`);
    if (value < min) throw new ClientException(`Health check ${field} must be greater than or equal to the minimum allowed value ${min} for container '${c.name}'`);
  }
}

function validateSecrets(c: ContainerDefinition): void {
  const seen = new Set<string>();
  for (const s of c.secrets ?? []) {
    if (!s.name || !s.valueFrom) {
      // Not verified: Berth's text.
      throw new ClientException(`Invalid 'secrets' setting for container '${c.name}'. Each secret needs a 'name' and a 'valueFrom'.`);
    }
    if (seen.has(s.name)) {
      // Not verified: Berth's text. Two secrets can't set the same environment variable.
      throw new ClientException(`Invalid 'secrets' setting for container '${c.name}'. Secret names must be unique; '${s.name}' is repeated.`);
    }
    seen.add(s.name);
  }
}

/** awslogs needs a group and a Region (klothoplatform/klotho #892 and terraform-aws-modules/terraform-aws-ecs #206). */
function validateLogConfiguration(c: ContainerDefinition): void {
  const log = c.logConfiguration;
  if (log?.logDriver !== 'awslogs') return;
  const options = log.options ?? {};
  const missing = ['awslogs-region', 'awslogs-group'].filter((key) => !(key in options));
  if (missing.length > 0) throw new ClientException(`Log driver awslogs requires options: ${missing.join(', ')}`);
  for (const key of ['awslogs-region', 'awslogs-group']) {
    if (!options[key]) throw new ClientException(`Log driver awslogs option '${key}' should not be null or empty.`);
  }
}

function validateVolumeReferences(c: ContainerDefinition, volumes: readonly Volume[], containerNames: readonly string[]): void {
  const volumeNames = new Set(volumes.map((v) => v.name));
  for (const mp of c.mountPoints ?? []) {
    if (mp.sourceVolume === undefined || !volumeNames.has(mp.sourceVolume)) {
      // Not verified: Berth's text.
      throw new ClientException(`Invalid 'mountPoints' setting for container '${c.name}'. Volume '${mp.sourceVolume ?? ''}' is not defined in the task definition's volumes.`);
    }
  }
  for (const vf of c.volumesFrom ?? []) {
    if (vf.sourceContainer === undefined || vf.sourceContainer === c.name || !containerNames.includes(vf.sourceContainer)) {
      // Not verified: Berth's text.
      throw new ClientException(`Invalid 'volumesFrom' setting for container '${c.name}'. Container '${vf.sourceContainer ?? ''}' is not another container of this task definition.`);
    }
  }
}

function validateLinks(c: ContainerDefinition, networkMode: NetworkMode): void {
  if ((c.links ?? []).length === 0 || networkMode === 'bridge') return;
  // Not verified: Berth's text. The rule is the Developer Guide's: links work only in bridge mode.
  throw new ClientException(`Invalid 'links' setting for container '${c.name}'. Links are not supported when networkMode=${networkMode}.`);
}

function validateDependencies(containers: readonly ContainerDefinition[]): void {
  const byName = new Map(containers.map((c) => [c.name as string, c]));
  for (const c of containers) {
    for (const dep of c.dependsOn ?? []) {
      const target = dep.containerName === undefined ? undefined : byName.get(dep.containerName);
      if (!target) {
        // Verified, including AWS's stray "+": eagletmt/hako#99, dagster-io/dagster #6926.
        throw new ClientException(`Cannot depend on container + '${dep.containerName ?? ''}' because it does not exist`);
      }
      if ((dep.condition === 'SUCCESS' || dep.condition === 'COMPLETE') && target.essential !== false) {
        throw new ClientException(CONTAINER_MESSAGES.essentialDependency);
      }
    }
  }
  const cycle = findDependencyCycle(containers);
  if (cycle) {
    // Not verified: Berth's text. A cycle could never start.
    throw new ClientException(`Invalid 'dependsOn' setting: the containers ${cycle.map((n) => `'${n}'`).join(' -> ')} depend on each other in a cycle.`);
  }
}

/** A dependsOn cycle as the path of container names that closes it, or undefined. */
export function findDependencyCycle(containers: readonly ContainerDefinition[]): string[] | undefined {
  const edges = new Map(containers.map((c) => [c.name as string, (c.dependsOn ?? []).map((d) => d.containerName as string)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const next of edges.get(name) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of edges.keys()) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}
