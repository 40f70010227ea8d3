// The Docker Engine's container-create body for one container of a task: the same process, environment,
// limits and privileges the runc driver puts in its OCI bundle (runc/bundle-config.ts), in the engine's
// words. Pure: the network mode, the cgroup parent and the API version come in.
import type { ContainerLaunch } from '../driver.ts';
import { DEFAULT_CAPABILITIES, FARGATE_NOFILE, mergeEnvironment, processArgs, type ContainerDefinitionInput } from '../runc/bundle-config.ts';
import type { TaskLimits } from '../runc/cgroups.ts';

/** Labels on every container Berth creates in the engine: how a restarted Berth finds what is its own. */
export const LABELS = {
  task: 'berth.task',
  container: 'berth.container',
  /** `container` for a task's containers, `sandbox` for the container that holds a task's network. */
  role: 'berth.role',
  vpc: 'berth.vpc',
  cidr: 'berth.cidr',
} as const;

/**
 * Log driver of Berth's containers: `local` keeps the output in the engine's compact files, rotated
 * (20 MiB × 5 by default), and serves it to the logs endpoint that the driver follows.
 */
const LOG_CONFIG = { Type: 'local', Config: {} };

/** The kernel's minimum cpu.shares (cgroup v1 MIN_SHARES), as in the runc bundle. */
const MIN_CPU_SHARES = 2;
const MIB = 1024 * 1024;
const CPU_UNITS_PER_VCPU = 1024;

export interface CreateBodyInput {
  launch: Pick<ContainerLaunch, 'taskId' | 'containerId' | 'image' | 'definition' | 'overrides'>;
  /** `container:<sandbox id>` to share the task's network, or `none`. */
  networkMode: string;
  /** The task's cgroup envelope (`/bth-docker/<task id>`) when the engine nests its containers there. */
  cgroupParent?: string;
  /**
   * The task's limits, applied to each container on its own when the engine cannot nest them in an
   * envelope: a container without its own memory gets the task's as its hard limit, and every container
   * is capped at the task's cpu.
   */
  perContainerTaskLimits?: TaskLimits;
  /**
   * The container's hostname, only when it has no task network to share: a container that joins another's
   * network takes that container's hostname (the engine refuses a hostname of its own there).
   */
  ownHostname?: string;
}

/** What POST /containers/create takes (the fields Berth sets). */
export interface ContainerCreateBody {
  Image: string;
  Entrypoint: string[];
  Cmd: string[];
  Env: string[];
  WorkingDir: string;
  User: string;
  Hostname?: string;
  Labels: Record<string, string>;
  AttachStdin: false;
  AttachStdout: false;
  AttachStderr: false;
  Tty: false;
  OpenStdin: false;
  HostConfig: {
    NetworkMode: string;
    Init: boolean;
    CapAdd: string[];
    CapDrop: string[];
    SecurityOpt: string[];
    ReadonlyRootfs: boolean;
    Ulimits: { Name: string; Soft: number; Hard: number }[];
    Memory?: number;
    MemorySwap?: number;
    MemoryReservation?: number;
    CpuShares?: number;
    NanoCpus?: number;
    CgroupParent?: string;
    RestartPolicy: { Name: 'no' };
    LogConfig: { Type: string; Config: Record<string, string> };
  };
}

/** The capability set of the runc bundle: Docker's defaults, minus drop, plus add (drop ALL keeps only add). */
export function effectiveCapabilities(definition: ContainerDefinitionInput): string[] {
  const norm = (c: string): string => (c.startsWith('CAP_') ? c : `CAP_${c}`).toUpperCase();
  const drop = new Set((definition.linuxParameters?.capabilities?.drop ?? []).map(norm));
  const add = (definition.linuxParameters?.capabilities?.add ?? []).map(norm);
  if (drop.has('CAP_ALL')) return [...new Set(add)];
  const caps = new Set(DEFAULT_CAPABILITIES.filter((c) => !drop.has(c)));
  for (const c of add) caps.add(c);
  return [...caps];
}

/** Fargate's nofile default, then the definition's ulimits (later names win), in the engine's names. */
function ulimits(definition: ContainerDefinitionInput): ContainerCreateBody['HostConfig']['Ulimits'] {
  const limits = new Map<string, { soft: number; hard: number }>([['nofile', FARGATE_NOFILE]]);
  for (const u of definition.ulimits ?? []) limits.set(u.name.toLowerCase(), { soft: u.softLimit, hard: u.hardLimit });
  return [...limits].map(([name, l]) => ({ Name: name, Soft: l.soft, Hard: l.hard }));
}

function resources(definition: ContainerDefinitionInput, task: TaskLimits | undefined): Partial<ContainerCreateBody['HostConfig']> {
  const out: Partial<ContainerCreateBody['HostConfig']> = {};
  const memory = definition.memory ?? task?.memory;
  if (memory !== undefined) {
    out.Memory = memory * MIB;
    // Swap equal to the limit means no swap, as Fargate has none (and the runc bundle sets).
    out.MemorySwap = memory * MIB;
  }
  if (definition.memoryReservation !== undefined) out.MemoryReservation = definition.memoryReservation * MIB;
  // ECS cpu units map 1:1 to shares (1024 = one vCPU), as in the runc bundle.
  if (definition.cpu !== undefined && definition.cpu > 0) out.CpuShares = Math.max(MIN_CPU_SHARES, definition.cpu);
  if (task?.cpu !== undefined && task.cpu > 0) out.NanoCpus = Math.round((task.cpu / CPU_UNITS_PER_VCPU) * 1e9);
  return out;
}

/**
 * The create body. Throws when the container would have no command (as the runc bundle does). The process
 * is set whole as the Entrypoint (Cmd empty): the engine then adds nothing of the image's Cmd, so the argv
 * is exactly the one processArgs computes with Docker's rules. Environment, working directory and user are
 * resolved here too, so the engine's own merging with the image changes nothing.
 */
export function containerCreateBody(input: CreateBodyInput): ContainerCreateBody {
  const { launch } = input;
  const image = launch.image.config.config ?? {};
  const { definition, overrides } = launch;
  if (!launch.image.engineReference) throw new Error(`image ${launch.image.manifestDigest} was not pulled into the Docker Engine`);
  const caps = effectiveCapabilities(definition);
  return {
    Image: launch.image.engineReference,
    Entrypoint: processArgs(image, definition, overrides),
    Cmd: [],
    Env: mergeEnvironment(image.Env, definition.environment, overrides?.environment),
    WorkingDir: definition.workingDirectory ?? (image.WorkingDir || '/'),
    User: definition.user ?? image.User ?? '',
    ...(input.ownHostname !== undefined ? { Hostname: input.ownHostname } : {}),
    Labels: { [LABELS.task]: launch.taskId, [LABELS.container]: launch.containerId, [LABELS.role]: 'container' },
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    HostConfig: {
      NetworkMode: input.networkMode,
      // The engine's init (docker-init, which is tini) as PID 1: reaps zombies and forwards signals.
      Init: definition.linuxParameters?.initProcessEnabled === true,
      // Exactly the bundle's set: drop everything, add back the computed list. The engine gives a non-root
      // user no effective capabilities (since 20.10), as the bundle does.
      CapDrop: ['ALL'],
      CapAdd: caps,
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: definition.readonlyRootFilesystem === true,
      Ulimits: ulimits(definition),
      ...resources(definition, input.perContainerTaskLimits),
      ...(input.cgroupParent !== undefined ? { CgroupParent: input.cgroupParent } : {}),
      RestartPolicy: { Name: 'no' },
      LogConfig: LOG_CONFIG,
    },
  };
}
