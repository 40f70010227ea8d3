// The task metadata endpoint v4's container and task JSON, derived from a task's store record (its Task
// exactly as DescribeTasks shows it, and its definition). Field names, nesting and formats follow AWS's
// Fargate examples (task-metadata-endpoint-v4-fargate-examples) and the ECS agent's response types
// (amazon-ecs-agent ecs-agent/tmds/handlers/v4/state/response.go, agent/handlers/v2/response.go):
// members the agent marks omitempty are left out when empty.
import type { Container, ContainerDefinition } from '@aws-sdk/client-ecs';
import type { TaskRecord } from '../../services/ecs/task-records.ts';
import { goTime, type JsonValue } from './go-json.ts';

/** What the record cannot say and the runtime can: when each container's process started. */
export interface RuntimeFacts {
  /** Container name → start time of its first process (running containers only). */
  startedAt: ReadonlyMap<string, Date>;
  /** Bytes the task's containers have written to their writable layers, when measured. */
  utilizedDiskBytes?: number;
}

type Json = { [key: string]: JsonValue | undefined };

const MIB = 1024 * 1024;

/** The container JSON (`${ECS_CONTAINER_METADATA_URI_V4}`) of `containerName`; undefined when the task has no such container. */
export function containerMetadata(record: TaskRecord, containerName: string, facts: RuntimeFacts): Json | undefined {
  const container = record.task.containers?.find((c) => c.name === containerName);
  if (!container) return undefined;
  return containerJson(record, container, facts);
}

/** The task JSON (`${ECS_CONTAINER_METADATA_URI_V4}/task`), every container of the task included. */
export function taskMetadata(record: TaskRecord, facts: RuntimeFacts): Json {
  const { task, taskDefinition } = record;
  const cpu = Number(task.cpu ?? record.overrides.cpu ?? taskDefinition.cpu);
  const memory = Number(task.memory ?? record.overrides.memory ?? taskDefinition.memory);
  const limits: Json = {
    // "CPU (expressed in vCPUs)": 256 units → 0.25.
    ...(Number.isFinite(cpu) && cpu > 0 ? { CPU: cpu / 1024 } : {}),
    ...(Number.isFinite(memory) && memory > 0 ? { Memory: memory } : {}),
  };
  const stopped = task.executionStoppedAt ?? (task.lastStatus === 'STOPPED' ? task.stoppedAt : undefined);
  const reservedGiB = task.ephemeralStorage?.sizeInGiB ?? taskDefinition.ephemeralStorage?.sizeInGiB;
  return {
    Cluster: task.clusterArn ?? '',
    // "ServiceName will appear for Fargate tasks associated with a service."
    ...(record.service ? { ServiceName: record.service.serviceName } : {}),
    TaskARN: task.taskArn ?? '',
    Family: taskDefinition.family ?? '',
    Revision: String(taskDefinition.revision ?? ''),
    DesiredStatus: task.desiredStatus ?? 'RUNNING',
    KnownStatus: taskKnownStatus(task.lastStatus),
    ...(Object.keys(limits).length > 0 ? { Limits: limits } : {}),
    ...(task.pullStartedAt ? { PullStartedAt: goTime(task.pullStartedAt) } : {}),
    ...(task.pullStoppedAt ? { PullStoppedAt: goTime(task.pullStoppedAt) } : {}),
    ...(stopped ? { ExecutionStoppedAt: goTime(stopped) } : {}),
    ...(task.availabilityZone ? { AvailabilityZone: task.availabilityZone } : {}),
    LaunchType: 'FARGATE',
    Containers: (task.containers ?? []).map((container) => containerJson(record, container, facts)),
    // Reserved and Utilized are MiB; Utilized only when the runtime measured it (never a made-up number).
    ...(reservedGiB !== undefined && facts.utilizedDiskBytes !== undefined
      ? { EphemeralStorageMetrics: { Utilized: Math.round(facts.utilizedDiskBytes / MIB), Reserved: reservedGiB * 1024 } }
      : {}),
  };
}

function containerJson(record: TaskRecord, container: Container, facts: RuntimeFacts): Json {
  const { task, taskDefinition } = record;
  const name = container.name ?? '';
  const definition = taskDefinition.containerDefinitions?.find((d) => d.name === name) ?? {};
  const startedAt = facts.startedAt.get(name);
  const memory = Number(container.memory ?? definition.memory ?? 0);
  const log = definition.logConfiguration;
  const health = definition.healthCheck && container.healthStatus ? { status: container.healthStatus } : undefined;
  return {
    // On Fargate DockerId is the id DescribeTasks shows as runtimeId; Berth's runtimeId is its runc container id.
    DockerId: container.runtimeId ?? '',
    Name: name,
    // Fargate names the container after the definition (no Docker name of its own).
    DockerName: name,
    Image: container.image ?? definition.image ?? '',
    ImageID: container.imageDigest ?? '',
    Labels: labels(record, name, definition),
    DesiredStatus: task.desiredStatus ?? 'RUNNING',
    KnownStatus: containerKnownStatus(container, record),
    ...(container.exitCode !== undefined ? { ExitCode: container.exitCode } : {}),
    Limits: { CPU: Number(container.cpu ?? definition.cpu ?? 0), ...(memory > 0 ? { Memory: memory } : {}) },
    // Fargate reports the same instant for both (AWS's example: "CreatedAt" = "StartedAt").
    ...(startedAt ? { CreatedAt: goTime(startedAt), StartedAt: goTime(startedAt) } : {}),
    ...(container.lastStatus === 'STOPPED' && task.executionStoppedAt ? { FinishedAt: goTime(task.executionStoppedAt) } : {}),
    Type: 'NORMAL',
    ...(log?.logDriver ? { LogDriver: log.logDriver, LogOptions: logOptions(log.logDriver, log.options ?? {}, name, taskIdOf(task.taskArn)) } : {}),
    ContainerARN: container.containerArn ?? '',
    Networks: [network(record)],
    ...(health ? { Health: health } : {}),
    // Berth mounts each container's rootfs as overlayfs over the image layers, as Fargate does.
    Snapshotter: 'overlayfs',
  };
}

/** The definition's dockerLabels plus the five labels ECS puts on every container. */
function labels(record: TaskRecord, name: string, definition: ContainerDefinition): Json {
  return {
    ...definition.dockerLabels,
    'com.amazonaws.ecs.cluster': record.task.clusterArn ?? '',
    'com.amazonaws.ecs.container-name': name,
    'com.amazonaws.ecs.task-arn': record.task.taskArn ?? '',
    'com.amazonaws.ecs.task-definition-family': record.taskDefinition.family ?? '',
    'com.amazonaws.ecs.task-definition-version': String(record.taskDefinition.revision ?? ''),
  };
}

/**
 * The log options as the log driver got them: for awslogs the stream prefix becomes the stream itself,
 * `<prefix>/<container>/<task id>` (AWS's example: "awslogs-stream": "ecs/curl/8f03e41243824aea923aca126495f665").
 */
function logOptions(driver: string, options: Record<string, string>, name: string, taskId: string): Json {
  if (driver !== 'awslogs') return { ...options };
  const { 'awslogs-stream-prefix': prefix, ...rest } = options;
  const stream = prefix !== undefined && prefix !== '' ? `${prefix}/${name}/${taskId}` : `${name}/${taskId}`;
  return { ...rest, 'awslogs-stream': stream };
}

/** The task ENI as the v4 Networks entry (awsvpc: one interface, attachment index 0). */
function network(record: TaskRecord): Json {
  const { network: eni, task } = record;
  const details = task.attachments?.find((a) => a.type === 'ElasticNetworkInterface')?.details ?? [];
  const detail = (key: string) => details.find((d) => d.name === key)?.value;
  const prefix = eni.subnetCidr.split('/')[1];
  const region = task.taskArn?.split(':')[3] ?? '';
  const dns = amazonProvidedDns(eni.vpcCidrBlocks[0]);
  return {
    NetworkMode: 'awsvpc',
    IPv4Addresses: [eni.privateIpv4Address],
    AttachmentIndex: 0,
    MACAddress: eni.macAddress,
    IPv4SubnetCIDRBlock: eni.subnetCidr,
    ...(dns ? { DomainNameServers: [dns] } : {}),
    // The VPC's default DHCP options: "ec2.internal" in us-east-1, "<region>.compute.internal" elsewhere.
    ...(region ? { DomainNameSearchList: [region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`] } : {}),
    ...(detail('privateDnsName') ? { PrivateDNSName: detail('privateDnsName') } : {}),
    // AWS writes the gateway with the subnet's prefix length: "SubnetGatewayIpv4Address": "172.31.192.1/20".
    ...(eni.gatewayIp && prefix ? { SubnetGatewayIpv4Address: `${eni.gatewayIp}/${prefix}` } : {}),
  };
}

/** AmazonProvidedDNS: "the base of the VPC network range plus two" (VPC DHCP options documentation). */
function amazonProvidedDns(vpcCidr: string | undefined): string | undefined {
  const base = vpcCidr?.split('/')[0];
  if (!base || !/^\d+\.\d+\.\d+\.\d+$/.test(base)) return undefined;
  const value = base.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0) + 2;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * The agent's task status names (NONE, CREATED, RUNNING, STOPPED) for ECS's lastStatus: a task is CREATED
 * while its containers start, RUNNING until they are stopped, STOPPED once they are.
 */
function taskKnownStatus(lastStatus: string | undefined): string {
  switch (lastStatus) {
    case 'ACTIVATING':
      return 'CREATED';
    case 'RUNNING':
    case 'DEACTIVATING':
    case 'STOPPING':
      return 'RUNNING';
    case 'DEPROVISIONING':
    case 'STOPPED':
      return 'STOPPED';
    default:
      return 'NONE';
  }
}

/** The agent's container status names: PULLED once its image is pulled, then RUNNING and STOPPED. */
function containerKnownStatus(container: Container, record: TaskRecord): string {
  if (container.lastStatus === 'RUNNING') return 'RUNNING';
  if (container.lastStatus === 'STOPPED') return 'STOPPED';
  return record.task.pullStoppedAt ? 'PULLED' : 'NONE';
}

function taskIdOf(taskArn: string | undefined): string {
  return taskArn?.slice(taskArn.lastIndexOf('/') + 1) ?? '';
}
