// What a new task looks like: RunTask's overrides checked and merged with the definition, and the
// Task exactly as DescribeTasks shows it right after RunTask. Pure: ids, time and the ENI come in.
//
// The shape follows a real `aws ecs run-task` answer for a Fargate task (aws-cli run-task example
// with an EBS volume, 2025): lastStatus PROVISIONING, desiredStatus RUNNING, version 1, cpu/memory
// as strings, attributes [ecs.cpu-architecture], availabilityZone, containers PENDING with image
// and cpu "0", enableExecuteCommand, group `family:<family>`, overrides listing every container by
// name plus `inferenceAcceleratorOverrides: []`, platformVersion 1.4.0, platformFamily Linux,
// ephemeralStorage and fargateEphemeralStorage {sizeInGiB: 20}. Where Berth differs: the ENI exists
// from RunTask on, so the PRECREATED attachment already carries its interface id, MAC, DNS name and
// address (AWS shows only subnetId until ATTACHED) and containers list their networkInterfaces.
import type { Container, ContainerOverride, Task, TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';
import { isValidFargateCpuMemory, noFargateConfigurationMessage } from './fargate.ts';
import { InvalidParameterException } from './errors.ts';
import type { Placement } from './run-task-placement.ts';
import type { TaskInterface } from './run-task-network.ts';
import { parseTaskCpu, parseTaskMemory } from './task-definition-units.ts';

/** Fargate's default ephemeral storage (ecs-behaviour.md §4: "ephemeralStorage default 20 GiB"). */
const DEFAULT_EPHEMERAL_GIB = 20;

/**
 * The overrides as the task shows and keeps them: one entry per container of the definition, in its
 * order, with what the caller gave for it; task-level members as given. Throws InvalidParameterException
 * for an override naming no container of the definition, and for a task size Fargate does not offer.
 */
export function mergeOverrides(definition: TaskDefinition, given: TaskOverride | undefined): TaskOverride {
  const names = (definition.containerDefinitions ?? []).map((c) => c.name ?? '');
  const byName = new Map<string, ContainerOverride>();
  for (const override of given?.containerOverrides ?? []) {
    const name = override.name ?? '';
    if (!names.includes(name)) {
      // Not verified: the text (remembered from ECS).
      throw new InvalidParameterException(`Override for container named ${name} is not a container in the TaskDefinition.`);
    }
    byName.set(name, { ...byName.get(name), ...override });
  }
  const { containerOverrides: _containers, inferenceAcceleratorOverrides: _accelerators, ...taskLevel } = given ?? {};
  const merged: TaskOverride = {
    containerOverrides: names.map((name) => ({ ...byName.get(name), name })),
    ...taskLevel,
    inferenceAcceleratorOverrides: [],
  };
  taskSize(definition, merged);
  return merged;
}

/** The task's cpu units and MiB after overrides, checked against Fargate's table. */
export function taskSize(definition: TaskDefinition, overrides: TaskOverride): { cpu: string; memory: string } {
  const cpuText = overrides.cpu ?? definition.cpu ?? '';
  const memoryText = overrides.memory ?? definition.memory ?? '';
  const cpu = parseTaskCpu(cpuText);
  const memory = parseTaskMemory(memoryText);
  if (cpu === undefined || memory === undefined || !isValidFargateCpuMemory(cpu, memory)) {
    // Not verified for RunTask overrides: the exception (RegisterTaskDefinition answers the same text as ClientException).
    throw new InvalidParameterException(noFargateConfigurationMessage(cpu ?? 0, memory ?? 0));
  }
  return { cpu: String(cpu), memory: String(memory) };
}

/** Everything a new task's shape depends on besides the definition and its overrides. */
export interface NewTask {
  taskArn: string;
  clusterArn: string;
  /** One ARN per container of the definition, in its order. */
  containerArns: string[];
  placement: Placement;
  platformVersion: string;
  eni: TaskInterface;
  group: string;
  startedBy?: string | undefined;
  enableExecuteCommand: boolean;
  createdAt: Date;
}

function containerView(definition: TaskDefinition, overrides: TaskOverride, spec: NewTask, index: number): Container {
  const container = definition.containerDefinitions?.[index] ?? {};
  const override = overrides.containerOverrides?.find((o) => o.name === container.name) ?? {};
  const memory = override.memory ?? container.memory;
  const memoryReservation = override.memoryReservation ?? container.memoryReservation;
  return {
    containerArn: spec.containerArns[index] ?? '',
    taskArn: spec.taskArn,
    name: container.name ?? '',
    image: container.image ?? '',
    lastStatus: 'PENDING',
    networkInterfaces: [{ attachmentId: spec.eni.attachmentId, privateIpv4Address: spec.eni.network.privateIpv4Address }],
    healthStatus: 'UNKNOWN',
    // "The value is 0 if no value was specified in the container definition" (Container.cpu).
    cpu: String(override.cpu ?? container.cpu ?? 0),
    ...(memory !== undefined ? { memory: String(memory) } : {}),
    ...(memoryReservation !== undefined ? { memoryReservation: String(memoryReservation) } : {}),
  };
}

/** The task as DescribeTasks shows it right after RunTask (tags are added by the view). */
export function newTaskShape(definition: TaskDefinition, overrides: TaskOverride, spec: NewTask): Task {
  const size = taskSize(definition, overrides);
  const ephemeral = { sizeInGiB: overrides.ephemeralStorage?.sizeInGiB ?? definition.ephemeralStorage?.sizeInGiB ?? DEFAULT_EPHEMERAL_GIB };
  const network = spec.eni.network;
  return {
    attachments: [{
      id: spec.eni.attachmentId,
      type: 'ElasticNetworkInterface',
      status: 'PRECREATED',
      details: [
        { name: 'subnetId', value: network.subnetId },
        { name: 'networkInterfaceId', value: network.networkInterfaceId },
        { name: 'macAddress', value: network.macAddress },
        { name: 'privateDnsName', value: spec.eni.privateDnsName },
        { name: 'privateIPv4Address', value: network.privateIpv4Address },
      ],
    }],
    attributes: [{ name: 'ecs.cpu-architecture', value: definition.runtimePlatform?.cpuArchitecture === 'ARM64' ? 'arm64' : 'x86_64' }],
    availabilityZone: spec.eni.availabilityZone,
    ...(spec.placement.capacityProviderName !== undefined ? { capacityProviderName: spec.placement.capacityProviderName } : {}),
    clusterArn: spec.clusterArn,
    containers: (definition.containerDefinitions ?? []).map((_, index) => containerView(definition, overrides, spec, index)),
    cpu: size.cpu,
    createdAt: spec.createdAt,
    desiredStatus: 'RUNNING',
    enableExecuteCommand: spec.enableExecuteCommand,
    group: spec.group,
    lastStatus: 'PROVISIONING',
    launchType: spec.placement.launchType,
    memory: size.memory,
    overrides,
    platformVersion: spec.platformVersion,
    platformFamily: 'Linux',
    ...(spec.startedBy !== undefined ? { startedBy: spec.startedBy } : {}),
    taskArn: spec.taskArn,
    taskDefinitionArn: definition.taskDefinitionArn ?? '',
    version: 1,
    ephemeralStorage: ephemeral,
    fargateEphemeralStorage: ephemeral,
  };
}
