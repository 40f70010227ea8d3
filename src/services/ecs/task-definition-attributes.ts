// The container-instance attributes a task definition requires (DescribeTaskDefinition's `requiresAttributes`), derived from the features it uses.
//
// ECS computes these server-side and documents no table, so the mapping below is reconstructed
// from real DescribeTaskDefinition outputs published alongside their inputs (2019–2026), plus the
// ECS model's own documentation strings, which state the Docker Remote API version some members
// need ("This parameter requires version 1.18 of the Docker Remote API": dockerLabels, ulimits,
// logConfiguration; 1.19: log options; 1.25: initProcessEnabled). Each rule says which.

import type { Attribute, ContainerDefinition, NetworkMode, ProxyConfiguration, Volume } from '@aws-sdk/client-ecs';

import { isPrivateEcrImage } from './task-definition-images.ts';

const DOCKER_API = 'com.amazonaws.ecs.capability.docker-remote-api.';
const LEGACY = 'com.amazonaws.ecs.capability.';
const CAP = 'ecs.capability.';

/**
 * The order AWS prints the common attributes in. It is a hash-set order on AWS's side (larger
 * sets come out in another order), so no client relies on it; a stable order keeps Berth's
 * outputs comparable with AWS's for the usual Fargate definitions. Others follow in the order found.
 */
const USUAL_ORDER = [
  `${LEGACY}logging-driver.awslogs`,
  `${DOCKER_API}1.24`,
  `${CAP}execution-role-awslogs`,
  `${LEGACY}ecr-auth`,
  `${DOCKER_API}1.19`,
  `${DOCKER_API}1.28`,
  `${CAP}secrets.asm.environment-variables`,
  `${DOCKER_API}1.21`,
  `${CAP}env-files.s3`,
  `${LEGACY}task-iam-role`,
  `${CAP}container-health-check`,
  `${CAP}execution-role-ecr-pull`,
  `${CAP}secrets.ssm.environment-variables`,
  `${DOCKER_API}1.18`,
  `${CAP}task-eni`,
  `${DOCKER_API}1.29`,
];

/** The parts of a registered task definition the attributes depend on. */
export interface AttributeSource {
  networkMode: NetworkMode;
  taskRoleArn?: string | undefined;
  executionRoleArn?: string | undefined;
  pidMode?: string | undefined;
  ipcMode?: string | undefined;
  proxyConfiguration?: ProxyConfiguration | undefined;
  volumes: readonly Volume[];
  containerDefinitions: readonly ContainerDefinition[];
}

/** The `requiresAttributes` ECS reports for this task definition: names only, no values or targets. */
export function deriveRequiresAttributes(td: AttributeSource): Attribute[] {
  const names = new Set<string>();
  const add = (name: string): void => void names.add(name);

  // Seen in every awsvpc output; 1.18 accompanies task-eni even with no logConfiguration (inferred).
  if (td.networkMode === 'awsvpc') {
    add(`${CAP}task-eni`);
    add(`${DOCKER_API}1.18`);
  }
  if (td.taskRoleArn) add(`${LEGACY}task-iam-role`); // seen
  if (td.pidMode || td.ipcMode) add(`${CAP}pid-ipc-namespace-sharing`); // seen with pidMode task, ipcMode host
  if (td.proxyConfiguration) add(`${CAP}aws-appmesh`); // seen with an APPMESH proxy configuration
  if (td.volumes.some((v) => v.efsVolumeConfiguration)) {
    // Seen in two EFS outputs, with and without an authorizationConfig.
    add(`${CAP}efs`);
    add(`${CAP}efsAuth`);
    add(`${DOCKER_API}1.25`);
  }
  for (const c of td.containerDefinitions) containerAttributes(c, td.executionRoleArn, add);

  const ordered = [...names].sort((a, b) => rank(a) - rank(b));
  return ordered.map((name) => ({ name }));
}

function rank(name: string): number {
  const i = USUAL_ORDER.indexOf(name);
  return i === -1 ? USUAL_ORDER.length : i;
}

function nonEmpty(value: readonly unknown[] | Record<string, string> | undefined): boolean {
  if (value === undefined || value === null) return false;
  return Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0;
}

function containerAttributes(c: ContainerDefinition, executionRoleArn: string | undefined, add: (name: string) => void): void {
  if (isPrivateEcrImage(c.image)) {
    add(`${LEGACY}ecr-auth`); // seen
    if (executionRoleArn) add(`${CAP}execution-role-ecr-pull`); // seen
  }
  if (c.repositoryCredentials) add(`${CAP}private-registry-authentication.secretsmanager`); // agent capability name; not seen in an output
  if (c.user) add(`${DOCKER_API}1.17`); // inferred: outputs with `user` set (also the "0" ECS gives FireLens routers) have 1.17
  if (c.memoryReservation != null) add(`${DOCKER_API}1.21`); // inferred: present exactly when memoryReservation is, in every output found
  if (nonEmpty(c.dockerLabels) || nonEmpty(c.ulimits)) add(`${DOCKER_API}1.18`); // model documentation
  if (c.linuxParameters?.initProcessEnabled) add(`${DOCKER_API}1.25`); // model documentation
  if (nonEmpty(c.environmentFiles)) add(`${CAP}env-files.s3`); // seen
  if (nonEmpty(c.dependsOn)) add(`${CAP}container-ordering`); // seen
  for (const s of c.secrets ?? []) {
    // seen: Secrets Manager ARNs → asm, Parameter Store ARNs or names → ssm
    add(s.valueFrom?.includes(':secretsmanager:') ? `${CAP}secrets.asm.environment-variables` : `${CAP}secrets.ssm.environment-variables`);
  }
  if (c.healthCheck) {
    add(`${CAP}container-health-check`); // seen
    // Docker API 1.29 (Docker 17.05) added the health check start period; seen with startPeriod set.
    if (c.healthCheck.startPeriod != null) add(`${DOCKER_API}1.29`);
  }
  logAttributes(c, executionRoleArn, add);
  const firelens = c.firelensConfiguration;
  if (firelens) {
    add(`${CAP}firelens.${firelens.type}`); // seen for fluentbit
    const fileType = firelens.options?.['config-file-type'];
    if (fileType) add(`${CAP}firelens.options.config.${fileType}`); // seen for file
  }
}

function logAttributes(c: ContainerDefinition, executionRoleArn: string | undefined, add: (name: string) => void): void {
  const log = c.logConfiguration;
  if (!log?.logDriver) return;
  add(`${DOCKER_API}1.18`); // model documentation: logConfiguration needs 1.18
  add(`${LEGACY}logging-driver.${log.logDriver}`); // seen for awslogs and awsfirelens
  const options = log.options ?? {};
  if (nonEmpty(options)) add(`${DOCKER_API}1.19`); // model documentation: log options need 1.19
  if (log.logDriver === 'awslogs' && executionRoleArn) add(`${CAP}execution-role-awslogs`); // seen
  // Inferred from outputs and Docker's API history: non-blocking mode (Docker 17.04, API 1.28) and
  // awslogs-create-group (present in every output with 1.29 and no start period).
  if (options['mode'] !== undefined || options['max-buffer-size'] !== undefined) add(`${DOCKER_API}1.28`);
  if (options['awslogs-create-group'] === 'true') add(`${DOCKER_API}1.29`);
  for (const s of log.secretOptions ?? []) {
    // Agent capability names for secrets given to log drivers; not seen in an output.
    add(s.valueFrom?.includes(':secretsmanager:') ? `${CAP}secrets.asm.bootstrap.log-driver` : `${CAP}secrets.ssm.bootstrap.log-driver`);
  }
}
