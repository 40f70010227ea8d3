// The task runner's boundaries with the host: networking, images, containers and log delivery.
// main.ts passes the real pieces (a container driver and its task network from src/runtime/drivers,
// the registry image source, the logs store); unit tests pass in-memory fakes.
import type { TaskContainerDriver, TaskNetworkDriver } from '../../runtime/drivers/driver.ts';
import type { PulledImage } from '../../runtime/images/image-store.ts';
import type { NewLogEvent } from '../../store/log-events.ts';
import type { RunnerTask } from './model.ts';
import type { SecretSource } from './secrets.ts';
import type { AwslogsTarget } from './task-spec.ts';

export interface RunnerImages {
  /**
   * Resolves and pulls an image reference as a task definition names it. Rejects with an error whose
   * message is ECS's `CannotPullContainerError: …` text when the image cannot be had.
   */
  pull(image: string): Promise<PulledImage>;
  /** The ECR repository an image reference names in Berth's own registry; undefined for other registries. */
  locate?(image: string): { registryId: string; repositoryName: string; region: string } | undefined;
}

/** One AWS call the platform makes for a task (the ECS agent's calls as its execution role). */
export interface PlatformCall {
  /** Berth's service name: `ecr`, `logs`, `secretsmanager`, `ssm`. */
  service: string;
  operation: string;
  input: object;
}

/**
 * The task's execution role, as the platform acts with it: pulls from ECR, awslogs streams, secrets. Absent: the
 * platform's calls are not checked (IAM enforcement off).
 */
export interface ExecutionRoleGate {
  /**
   * The AWS error (AccessDeniedException, IAM's "User: arn:aws:sts::…:assumed-role/<role>/<task id> is not authorized
   * to perform: …" text) for the first call the task's execution role may not make; undefined when it may make them all.
   */
  denied(task: RunnerTask, calls: readonly PlatformCall[]): Promise<Error | undefined>;
}

export interface LogDestination {
  /** Creates the stream (and the group when `createGroup`); rejects with ResourceNotFoundException for a missing group. */
  ensureStream(target: AwslogsTarget): Promise<void>;
  append(target: AwslogsTarget, events: readonly NewLogEvent[]): Promise<void>;
}

/** Everything the runner needs to run containers; absent when this host cannot (see TaskRunnerOptions.unavailable). */
export interface RunnerHost {
  network: TaskNetworkDriver;
  images: RunnerImages;
  containers: TaskContainerDriver;
  logs: LogDestination;
  /** Reads `secrets[].valueFrom` values (secrets.ts); without it a task with secrets fails to start. */
  secrets?: SecretSource;
  /** Checks the platform's calls against the task's execution role; absent: they are not checked. */
  executionRole?: ExecutionRoleGate;
  /**
   * The variables ECS itself sets in a container (AWS_REGION, ECS_CONTAINER_METADATA_URI_V4, the task role's
   * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, …); the definition's `environment` and `secrets` win a name clash.
   */
  platformEnvironment?(task: RunnerTask, containerName: string): { name: string; value: string }[];
}
