// What the task endpoints (the server at 169.254.170.2 inside every task) ask of the rest of Berth: the
// task a metadata id names, the credentials a credentials id names, and a running container's stats.
// main.ts wires the implementations; the server and its JSON builders depend on these interfaces only.
import type { TaskRecord } from '../../services/ecs/task-records.ts';
import type { DockerStats } from './stats-json.ts';

/** The task and container one metadata id (`<taskId>-<10 digits>`, metadata-id.ts) names. */
export interface MetadataTarget {
  record: TaskRecord;
  /** The container whose ECS_CONTAINER_METADATA_URI_V4 carries this id. */
  containerName: string;
}

/** Looks tasks up by the id in ECS_CONTAINER_METADATA_URI_V4 (store-directory.ts reads 'ecs.task' records). */
export interface TaskMetadataDirectory {
  /** The task and container `metadataId` names; undefined when no task has it. */
  taskForMetadataId(metadataId: string): Promise<MetadataTarget | undefined>;
}

/** A task role's temporary credentials, as STS issued them for the task. */
export interface TaskRoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  roleArn: string;
}

/** Credentials issued under one credentials id, and the task they belong to. */
export interface IssuedTaskCredentials {
  /** The private IPv4 address of the task they were issued to: only that task may read them. */
  taskPrivateIp: string;
  credentials: TaskRoleCredentials;
}

/**
 * The credentials half of the endpoint (the lead's: issuing and rotating them is not this folder's job).
 * `id` is the last segment of AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (`/v2/credentials/<id>`).
 */
export interface TaskCredentialsDirectory {
  /** The current credentials under `id`; undefined when the id is unknown or its task has stopped. */
  credentials(id: string): Promise<IssuedTaskCredentials | undefined>;
}

/** One container of a task, as the stats sources address it. */
export interface StatsTarget {
  taskId: string;
  /** The driver's container id (DescribeTasks' runtimeId, the metadata's DockerId). */
  runtimeId: string;
  /** The container's name (the stats JSON's `name`). */
  name: string;
}

/** A running container's resource usage, read from the kernel (runc) or the Docker Engine. */
export interface ContainerStatsSource {
  /**
   * Docker's stats JSON for the container (precpu_stats from the previous read of the same container);
   * undefined when it is not running (not started yet, or exited and its cgroup removed).
   */
  stats(target: StatsTarget): Promise<DockerStats | undefined>;
  /** When the container's first process started; undefined when it is not running. */
  startedAt(target: StatsTarget): Promise<Date | undefined>;
}

/** How much a task's containers have written to their writable layers (EphemeralStorageMetrics.Utilized). */
export interface TaskDiskUsage {
  /** Bytes used by the writable layers of these containers; undefined when none can be measured. */
  utilizedBytes(runtimeIds: readonly string[]): Promise<number | undefined>;
}
