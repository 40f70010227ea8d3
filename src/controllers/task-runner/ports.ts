// The task runner's boundaries with the host: networking, images, containers and log delivery.
// main.ts passes the real pieces (TaskNetwork, the registry image source, the runc driver, the
// logs store); unit tests pass in-memory fakes.
import type { ContainerExit, ContainerLaunch } from '../../runtime/drivers/runc/runc-driver.ts';
import type { TaskLimits } from '../../runtime/drivers/runc/cgroups.ts';
import type { PulledImage } from '../../runtime/images/image-store.ts';
import type { TaskNetwork } from '../../network/task-network.ts';
import type { NewLogEvent } from '../../store/log-events.ts';
import type { AwslogsTarget } from './task-spec.ts';

/**
 * TaskNetwork's part the runner uses: attach and detach a task's namespace, remove a VPC's bridge once
 * no task of this runner uses it, list what the host has.
 */
export type RunnerNetwork = Pick<TaskNetwork, 'attachTask' | 'detachTask' | 'removeVpc' | 'adopt'>;

export interface RunnerImages {
  /**
   * Resolves and pulls an image reference as a task definition names it. Rejects with an error whose
   * message is ECS's `CannotPullContainerError: …` text when the image cannot be had.
   */
  pull(image: string): Promise<PulledImage>;
}

/** A started container (RuncContainer has this shape). */
export interface RunnerContainer {
  readonly id: string;
  waitExit(): Promise<ContainerExit>;
  /** Stop signal (the image's STOPSIGNAL), then SIGKILL after `timeoutMs`. */
  stop(timeoutMs: number): Promise<ContainerExit>;
  /** Deletes the container, its rootfs mount and bundle (kills it first if still running). */
  remove(): Promise<void>;
}

export interface RunnerContainers {
  /** The task's cgroup envelope. */
  createTask(taskId: string, limits: TaskLimits): Promise<void>;
  start(launch: ContainerLaunch): Promise<RunnerContainer>;
  /** Removes whatever is left of a task by name (containers `bth-<task id>-…`, their bundles, its cgroup); idempotent. */
  cleanupTask(taskId: string): Promise<void>;
  /** The runtime ids of every `bth-` container the host has. */
  list(): Promise<string[]>;
}

export interface LogDestination {
  /** Creates the stream (and the group when `createGroup`); rejects with ResourceNotFoundException for a missing group. */
  ensureStream(target: AwslogsTarget): Promise<void>;
  append(target: AwslogsTarget, events: readonly NewLogEvent[]): Promise<void>;
}

/** Everything the runner needs to run containers; absent when this host cannot (see TaskRunnerOptions.unavailable). */
export interface RunnerHost {
  network: RunnerNetwork;
  images: RunnerImages;
  containers: RunnerContainers;
  logs: LogDestination;
}
