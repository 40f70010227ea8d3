// What the task runner needs of a container driver (runc on Linux as root, the Docker Engine
// elsewhere) and of the task network that goes with it. Driver-neutral: nothing here names runc,
// conmon or Docker; each driver implements these over its own machinery.
import type { TaskAttachment } from '../../network/model.ts';
import type { PulledImage } from '../images/image-store.ts';
import type { TaskLimits } from './runc/cgroups.ts';
import type { ContainerDefinitionInput, ContainerOverrideInput } from './runc/bundle-config.ts';

/** How a task's containers join its network: a namespace path (runc) or a sandbox container to share (Docker). */
export type NetworkJoin = { kind: 'netns'; path: string } | { kind: 'container'; id: string };

/** One line a container wrote, as the driver captured it. */
export interface OutputLine {
  stream: 'stdout' | 'stderr';
  text: string;
  /** When the container wrote it (the driver's capture time). */
  timestamp: Date;
  /**
   * Where this line ends in the driver's log: passed back to `acknowledge` once the line is delivered,
   * so that after a restart `reattach` resumes after the last delivered line. Opaque to the runner.
   */
  cursor: string;
}

export interface ContainerLaunch {
  taskId: string;
  /** The driver's container id; Berth's are `bth-<task id>-<n>` so that leftovers are recognisable. */
  containerId: string;
  image: PulledImage;
  definition: ContainerDefinitionInput;
  overrides?: ContainerOverrideInput;
  hostname?: string;
  network?: NetworkJoin;
  etcHosts?: string;
  resolvConf?: string;
  onOutput?: (line: OutputLine) => void;
}

export interface ContainerExit {
  /** The process's exit status; 128 + n when killed by signal n (137 for SIGKILL). Absent when it was lost. */
  exitCode?: number;
  oomKilled: boolean;
  /** Why there is no exit status (the driver lost track of the process), in ECS's words. */
  reason?: string;
}

/** What the runner knows of a container it did not start in this process (after a restart). */
export interface ContainerReattach {
  taskId: string;
  containerId: string;
  /** The image's STOPSIGNAL, when it has one. */
  stopSignal?: string;
  onOutput?: (line: OutputLine) => void;
}

/** How an exec'd command ended (a container health check's probe). */
export interface ExecResult {
  /** The command's exit status (128 + n when killed by signal n); absent when it timed out or could not be read. */
  exitCode?: number;
  /** It ran out of `timeoutMs` and was killed. */
  timedOut: boolean;
  /** The last few KiB of its stdout and stderr together. */
  output: string;
}

export interface ExecOptions {
  /** The command is killed after this long. */
  timeoutMs: number;
  /** Aborting kills the command (its container's health checks stopped). */
  signal?: AbortSignal;
}

/** A container of a task, started or re-attached by a driver. */
export interface TaskContainer {
  readonly id: string;
  /** Settles with the exit once the container's process has exited (also when it exited while Berth was down). */
  waitExit(): Promise<ContainerExit>;
  /** Stop signal (the image's STOPSIGNAL or SIGTERM), then SIGKILL after `timeoutMs`. */
  stop(timeoutMs: number): Promise<ContainerExit>;
  /** Deletes the container and what it holds on the host (kills it first if still running). */
  remove(): Promise<void>;
  /** Every line up to `cursor` is delivered: a restart resumes after it. */
  acknowledge(cursor: string): void;
  /** Stops following the container (Berth is shutting down) and records how far its output was delivered; it runs on. */
  release(): Promise<void>;
  /**
   * Runs `argv` inside the running container, as its process runs (its environment, user and working
   * directory), without a terminal or stdin, and kills it after `timeoutMs`. Resolves however the command
   * ends; a command that cannot be started resolves with a non-zero exitCode and the runtime's message.
   */
  exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult>;
}

export interface TaskContainerDriver {
  /** `runc` or `docker`: what Berth says at start and in its health answer. */
  readonly name: string;
  /** The task's cpu/memory envelope, before its containers start. */
  createTask(taskId: string, limits: TaskLimits): Promise<void>;
  /** Starts a container; resolves once it runs (or has already exited). */
  start(launch: ContainerLaunch): Promise<TaskContainer>;
  /**
   * Finds a container a previous Berth process started, running or exited, and resumes its output after the
   * last acknowledged line; undefined when the host has no such container.
   */
  reattach(target: ContainerReattach): Promise<TaskContainer | undefined>;
  /** Removes whatever is left of a task by name (containers `bth-<task id>-…`, their files, its envelope); idempotent. */
  cleanupTask(taskId: string): Promise<void>;
  /** The ids of every `bth-` container the host has. */
  list(): Promise<string[]>;
}

/** A task's network as the runner uses it: one "ENI" per task, a network per VPC. */
export interface TaskNetworkDriver {
  attachTask(attachment: TaskAttachment): Promise<{ join: NetworkJoin }>;
  detachTask(task: { taskId: string }): Promise<void>;
  /** Removes a VPC's network once no task uses it; rejects with an error named `VpcInUseError` when one still does. */
  removeVpc(vpcId: string): Promise<void>;
  /** The tasks that have a network on this host, and how their containers join it. */
  attached(): Promise<Map<string, NetworkJoin>>;
}
