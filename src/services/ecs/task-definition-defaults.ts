// The defaults ECS fills into a registered container definition, in the member order DescribeTaskDefinition prints.
//
// Evidence: real DescribeTaskDefinition outputs published with their inputs (Fargate tasks
// registered from the CLI and the console, 2019–2026): `cpu: 0`, `essential: true`, empty
// `portMappings`, `environment`, `mountPoints`, `volumesFrom` arrays; awsvpc port mappings echo
// `hostPort` = `containerPort` and `protocol: "tcp"`; a health check without interval/timeout/retries
// comes back with 30/5/3 (eagletmt/hako#56: "DescribeTaskDefinition returns interval=30 even if
// RegisterTaskDefinition is called without"; 5 and 3 are the HealthCheck API reference defaults).
// `mountPoints`, `volumesFrom` and `systemControls` come back as [] when the request omits them
// (terraform-provider-aws #46132, 2026). A container with a `firelensConfiguration` comes back with
// `user: "0"` (terraform-provider-aws #41394, 2025: "The ECS API is mutating the container
// definition ... by setting the user attribute to "0"").

import type { ContainerDefinition, HealthCheck, NetworkMode, PortMapping } from '@aws-sdk/client-ecs';

/** ContainerDefinition's members in the ECS model's order (the order AWS serializes them). */
const CONTAINER_MEMBER_ORDER = [
  'name', 'image', 'repositoryCredentials', 'cpu', 'memory', 'memoryReservation', 'links', 'portMappings',
  'essential', 'restartPolicy', 'entryPoint', 'command', 'environment', 'environmentFiles', 'mountPoints',
  'volumesFrom', 'linuxParameters', 'secrets', 'dependsOn', 'startTimeout', 'stopTimeout', 'versionConsistency',
  'hostname', 'user', 'workingDirectory', 'disableNetworking', 'privileged', 'readonlyRootFilesystem', 'dnsServers',
  'dnsSearchDomains', 'extraHosts', 'dockerSecurityOptions', 'interactive', 'pseudoTerminal', 'dockerLabels',
  'ulimits', 'logConfiguration', 'healthCheck', 'systemControls', 'resourceRequirements', 'firelensConfiguration',
  'credentialSpecs',
] as const satisfies readonly (keyof ContainerDefinition)[];

const PORT_MAPPING_MEMBER_ORDER = [
  'containerPort', 'hostPort', 'protocol', 'name', 'appProtocol', 'containerPortRange',
] as const satisfies readonly (keyof PortMapping)[];

const HEALTH_CHECK_MEMBER_ORDER = ['command', 'interval', 'timeout', 'retries', 'startPeriod'] as const satisfies readonly (keyof HealthCheck)[];

/** HealthCheck API reference defaults. */
export const HEALTH_CHECK_DEFAULTS = Object.freeze({ interval: 30, timeout: 5, retries: 3 });

/**
 * A copy of `source` with the keys in `order` first, in that order, then any other keys as they
 * came; keys whose value is undefined or null are dropped (AWS omits unset members).
 */
export function orderKeys<T extends object>(source: T, order: readonly (keyof T)[]): T {
  const out: Record<string, unknown> = {};
  const record = source as Record<string, unknown>;
  for (const key of order) {
    const value = record[key as string];
    if (value !== undefined && value !== null) out[key as string] = value;
  }
  for (const [key, value] of Object.entries(record)) {
    if (!(key in out) && value !== undefined && value !== null) out[key] = value;
  }
  return out as T;
}

/** A port mapping as ECS stores it: protocol tcp by default; awsvpc and host mode echo the container port as host port. */
export function normalizePortMapping(pm: PortMapping, networkMode: NetworkMode): PortMapping {
  const sameHostPort = networkMode === 'awsvpc' || networkMode === 'host';
  const hostPort = pm.hostPort ?? (sameHostPort && pm.containerPortRange === undefined ? pm.containerPort : undefined);
  return orderKeys({ ...pm, hostPort, protocol: pm.protocol ?? 'tcp' }, PORT_MAPPING_MEMBER_ORDER);
}

function normalizeHealthCheck(hc: HealthCheck): HealthCheck {
  return orderKeys({
    ...hc,
    interval: hc.interval ?? HEALTH_CHECK_DEFAULTS.interval,
    timeout: hc.timeout ?? HEALTH_CHECK_DEFAULTS.timeout,
    retries: hc.retries ?? HEALTH_CHECK_DEFAULTS.retries,
  }, HEALTH_CHECK_MEMBER_ORDER);
}

/** A validated container definition with ECS's defaults filled in, as DescribeTaskDefinition returns it. */
export function normalizeContainerDefinition(c: ContainerDefinition, networkMode: NetworkMode): ContainerDefinition {
  return orderKeys({
    ...c,
    cpu: c.cpu ?? 0,
    portMappings: (c.portMappings ?? []).map((pm) => normalizePortMapping(pm, networkMode)),
    essential: c.essential ?? true,
    environment: c.environment ?? [],
    mountPoints: c.mountPoints ?? [],
    volumesFrom: c.volumesFrom ?? [],
    user: c.user ?? (c.firelensConfiguration ? '0' : undefined),
    healthCheck: c.healthCheck ? normalizeHealthCheck(c.healthCheck) : undefined,
    systemControls: c.systemControls ?? [],
  }, CONTAINER_MEMBER_ORDER);
}
