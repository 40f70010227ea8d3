// The task runner's boundaries with the host: networking, images, containers and log delivery.
// main.ts passes the real pieces (a container driver and its task network from src/runtime/drivers,
// the registry image source, the logs store); unit tests pass in-memory fakes.
import type { TaskContainerDriver, TaskNetworkDriver } from '../../runtime/drivers/driver.ts';
import type { PulledImage } from '../../runtime/images/image-store.ts';
import type { NewLogEvent } from '../../store/log-events.ts';
import type { SecretSource } from './secrets.ts';
import type { AwslogsTarget } from './task-spec.ts';

export interface RunnerImages {
  /**
   * Resolves and pulls an image reference as a task definition names it. Rejects with an error whose
   * message is ECS's `CannotPullContainerError: …` text when the image cannot be had.
   */
  pull(image: string): Promise<PulledImage>;
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
}
