// Builds an OCI bundle's config.json from an image config and an ECS container definition. Pure:
// every input that comes from the host (paths, resolved user, cgroup path) is passed in.
import type { ImageRunDefaults } from '../../images/oci.ts';
import type { ResolvedUser } from './users.ts';
import type { Mount, RuntimeSpec } from './runtime-spec.ts';

/** The container definition fields the bundle depends on, with ECS's names. */
export interface ContainerDefinitionInput {
  entryPoint?: string[];
  command?: string[];
  environment?: { name: string; value: string }[];
  workingDirectory?: string;
  user?: string;
  ulimits?: { name: string; softLimit: number; hardLimit: number }[];
  readonlyRootFilesystem?: boolean;
  hostname?: string;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  linuxParameters?: { initProcessEnabled?: boolean; capabilities?: { add?: string[]; drop?: string[] } };
}

/** RunTask's containerOverrides entry for this container. */
export interface ContainerOverrideInput {
  command?: string[];
  environment?: { name: string; value: string }[];
}

export interface BundleInput {
  image: ImageRunDefaults;
  definition: ContainerDefinitionInput;
  overrides?: ContainerOverrideInput;
  rootfs: string;
  user: ResolvedUser;
  hostname: string;
  /** Host files bind-mounted read-only over the container's /etc/hosts and /etc/resolv.conf. */
  hostsFile: string;
  resolvConfFile: string;
  /** A network namespace to join (the task's); when absent the container gets a new one. */
  netnsPath?: string;
  cgroupsPath: string;
  /** Host path of a static init (tini-static), required when initProcessEnabled. */
  initPath?: string;
}

/** Where the init binary appears inside the container: /dev is runc's tmpfs, so nothing is left in the rootfs. */
export const INIT_MOUNT_POINT = '/dev/init';

/**
 * Docker's default capability set (moby oci/caps/defaults.go), which ECS's agent uses and Fargate
 * keeps; Fargate allows adding only SYS_PTRACE.
 */
export const DEFAULT_CAPABILITIES = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD',
  'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'];

/** Fargate's default nofile ulimit when the definition sets none (soft 1024, hard 4096). */
export const FARGATE_NOFILE = { soft: 1024, hard: 4096 };

/** The kernel's minimum cpu.shares (cgroup v1 MIN_SHARES); ECS's agent raises smaller values to it. */
const MIN_CPU_SHARES = 2;
const MIB = 1024 * 1024;

/** Environment as ECS composes it: image, then definition, then overrides; later names win in place. */
export function mergeEnvironment(image: string[] | undefined, ...layers: ({ name: string; value: string }[] | undefined)[]): string[] {
  const env = new Map<string, string>();
  for (const item of image ?? []) {
    const eq = item.indexOf('=');
    if (eq > 0) env.set(item.slice(0, eq), item.slice(eq + 1));
  }
  for (const layer of layers) for (const { name, value } of layer ?? []) env.set(name, value);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/**
 * The process argv with Docker's rules: a definition entryPoint replaces the image's Entrypoint
 * and drops the image's Cmd; a command (override first) replaces Cmd.
 */
export function processArgs(image: ImageRunDefaults, definition: ContainerDefinitionInput, overrides?: ContainerOverrideInput): string[] {
  const entrypoint = definition.entryPoint ?? image.Entrypoint ?? [];
  const command = overrides?.command ?? definition.command ?? (definition.entryPoint ? [] : image.Cmd ?? []);
  const args = [...entrypoint, ...command];
  if (args.length === 0) throw new Error('container has no command: neither the image nor the definition sets one');
  return args;
}

function capabilities(definition: ContainerDefinitionInput): string[] {
  const norm = (c: string): string => (c.startsWith('CAP_') ? c : `CAP_${c}`).toUpperCase();
  const drop = new Set((definition.linuxParameters?.capabilities?.drop ?? []).map(norm));
  if (drop.has('CAP_ALL')) return (definition.linuxParameters?.capabilities?.add ?? []).map(norm);
  const caps = new Set(DEFAULT_CAPABILITIES.filter((c) => !drop.has(c)));
  for (const c of definition.linuxParameters?.capabilities?.add ?? []) caps.add(norm(c));
  return [...caps];
}

function rlimits(definition: ContainerDefinitionInput): RuntimeSpec['process']['rlimits'] {
  const limits = new Map<string, { soft: number; hard: number }>([['RLIMIT_NOFILE', FARGATE_NOFILE]]);
  for (const u of definition.ulimits ?? []) limits.set(`RLIMIT_${u.name.toUpperCase()}`, { soft: u.softLimit, hard: u.hardLimit });
  return [...limits].map(([type, l]) => ({ type, soft: l.soft, hard: l.hard }));
}

function resources(definition: ContainerDefinitionInput): RuntimeSpec['linux']['resources'] {
  const out: RuntimeSpec['linux']['resources'] = { devices: [{ allow: false, access: 'rwm' }] };
  if (definition.memory !== undefined || definition.memoryReservation !== undefined) {
    out.memory = {};
    if (definition.memory !== undefined) {
      out.memory.limit = definition.memory * MIB;
      // swap = limit means no swap (v1 memsw; runc turns it into memory.swap.max = 0 on v2): Fargate has none.
      out.memory.swap = definition.memory * MIB;
    }
    // Soft limit: v1 memory.soft_limit_in_bytes, v2 memory.low (runc maps it).
    if (definition.memoryReservation !== undefined) out.memory.reservation = definition.memoryReservation * MIB;
  }
  // ECS cpu units map 1:1 to shares (1024 = one vCPU); runc converts shares to cpu.weight on v2.
  if (definition.cpu !== undefined && definition.cpu > 0) out.cpu = { shares: Math.max(MIN_CPU_SHARES, definition.cpu) };
  return out;
}

function mounts(input: BundleInput): Mount[] {
  const list: Mount[] = [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    { destination: '/etc/hosts', type: 'bind', source: input.hostsFile, options: ['rbind', 'ro'] },
    { destination: '/etc/resolv.conf', type: 'bind', source: input.resolvConfFile, options: ['rbind', 'ro'] },
  ];
  if (input.definition.linuxParameters?.initProcessEnabled) {
    if (!input.initPath) throw new Error('initProcessEnabled needs an init binary (Debian package tini: /usr/bin/tini-static)');
    list.push({ destination: INIT_MOUNT_POINT, type: 'bind', source: input.initPath, options: ['bind', 'ro'] });
  }
  return list;
}

/** The config.json for one container. Throws when the container would have no command. */
export function buildRuntimeSpec(input: BundleInput): RuntimeSpec {
  const { image, definition, overrides, user } = input;
  let args = processArgs(image, definition, overrides);
  // runc has no built-in init; tini as PID 1 reaps orphans and forwards signals to the child.
  if (definition.linuxParameters?.initProcessEnabled) args = [INIT_MOUNT_POINT, '--', ...args];
  const caps = capabilities(definition);
  // As Docker does since 20.10: a non-root user gets no effective or permitted capabilities
  // (runc would otherwise keep them across setuid); the bounding set still limits what it can gain.
  const effective = user.uid === 0 ? caps : [];
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user: { uid: user.uid, gid: user.gid, ...(user.additionalGids.length > 0 ? { additionalGids: user.additionalGids } : {}) },
      args,
      env: mergeEnvironment(image.Env, definition.environment, overrides?.environment),
      cwd: definition.workingDirectory ?? (image.WorkingDir || '/'),
      capabilities: { bounding: caps, effective, permitted: effective, inheritable: [], ambient: [] },
      rlimits: rlimits(definition),
      noNewPrivileges: true,
    },
    root: { path: input.rootfs, readonly: definition.readonlyRootFilesystem === true },
    hostname: input.hostname,
    mounts: mounts(input),
    linux: {
      cgroupsPath: input.cgroupsPath,
      resources: resources(definition),
      namespaces: [
        { type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' },
        input.netnsPath ? { type: 'network', path: input.netnsPath } : { type: 'network' },
      ],
      // runc's default masks (`runc spec`): kernel interfaces a container must not read or write.
      maskedPaths: ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
        '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}
