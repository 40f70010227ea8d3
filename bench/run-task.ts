// The tasks suite of `npm run bench`: RunTask→RUNNING latency of Berth (image cached) for one task
// at a time and for 50 at once, beside bare runc and docker starting the same image in the same
// run, and Berth's resident memory per running task at 100 tasks. Needs Linux and root.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { busyboxAvailable } from '../test/images/test-images.ts';
import type { Cleanups } from './cleanups.ts';
import { mountPointsUnderNow, run, runNow, works } from './host-commands.ts';
import { unpackImage } from './oci-image.ts';
import { DockerPeer, dockerUnavailable } from './peer-docker.ts';
import { RuncPeer } from './peer-runc.ts';
import { startBerthServer, type BerthBenchServer } from './servers.ts';
import { BerthTasks, prepareBerth, type BerthSetup } from './task-berth.ts';
import { benchLeftovers, sweepBerthLeftovers } from './task-leftovers.ts';
import { formatTaskReport, taskErrorLines, type MemoryFigure, type TaskCell, type TaskReportInput, type TaskRow } from './task-report.ts';
import { measureConcurrent, measureSequential, type ContainerRuntime } from './task-runtimes.ts';

export interface TaskSuitePlan {
  /** Sequential single-unit starts per runtime. */
  repeats: number;
  /** Units started at once in the concurrent scenario. */
  concurrent: number;
  /** Berth tasks running when its memory is read. */
  memoryTasks: number;
}

export const DEFAULT_TASK_PLAN: TaskSuitePlan = { repeats: 10, concurrent: 50, memoryTasks: 100 };

/** Why the suite cannot run on this host, or undefined. */
async function cannotRun(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `it needs Linux, this is ${process.platform}`;
  if (process.getuid?.() !== 0) return 'it needs root (namespaces, overlay mounts, runc); run it as root or pass --suite api';
  if (!(await works('runc', ['--version']))) return 'runc is not installed (apt-get install -y runc)';
  if (!(await works('ip', ['-V']))) return 'iproute2 is not installed (apt-get install -y iproute2)';
  if (!(await busyboxAvailable())) return 'busybox-static is not installed, the test image cannot be built (apt-get install -y busybox-static)';
  return undefined;
}

interface Context {
  repoRoot: string;
  cleanups: Cleanups;
  progress: (line: string) => void;
}

/** Runs the suite, prints its report; resolves with the exit code (0 clean, 1 failures or cannot run). */
export async function runTaskSuite(ctx: Context, plan: TaskSuitePlan = DEFAULT_TASK_PLAN): Promise<number> {
  const reason = await cannotRun();
  if (reason !== undefined) {
    console.error(`\nbench: the tasks suite cannot run: ${reason}`);
    return 1;
  }
  const tempDirs: string[] = [];
  const tempDir = (prefix: string): string => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    tempDirs.push(dir);
    // A mount left under the directory (a container's rootfs) is detached first, so rm never descends into it.
    const remove = (): void => {
      for (const point of mountPointsUnderNow(dir)) runNow('umount', ['-l', point]);
      rmSync(dir, { recursive: true, force: true });
    };
    ctx.cleanups.add({ what: `remove ${dir}`, undo: async () => remove(), undoNow: remove });
    return dir;
  };
  const problems: string[] = [];
  const state: TaskSuiteState = {};
  let measured: Omit<TaskReportInput, 'problems'> | undefined;
  try {
    measured = await measureAll(ctx, plan, tempDir, state, problems);
  } catch (error) {
    problems.push(`the run stopped: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  } finally {
    state.berth?.destroy();
    // Read before the stop: a server that is being stopped does not count its exit as a problem.
    const logged = state.server?.problems();
    if (logged !== undefined && logged.count > 0) problems.push(`Berth: ${logged.count} internal error(s) logged or an unexpected exit, e.g.: ${logged.samples.join(' | ')}`);
    await ctx.cleanups.undoAll();
  }
  problems.push(...ctx.cleanups.failures().map((f) => `cleanup failed: ${f}`));
  problems.push(...benchLeftovers(tempDirs).map((l) => `left behind by the benchmark: ${l}`));
  const input: TaskReportInput = measured === undefined
    ? { header: ['', 'Tasks benchmark: not completed.'], rows: [], memory: { missing: 'the run stopped before it' }, notes: [], problems }
    : { ...measured, problems };
  console.log(formatTaskReport(input));
  return taskErrorLines(input).length > 0 ? 1 : 0;
}

interface TaskSuiteState {
  server?: BerthBenchServer;
  berth?: BerthTasks;
  setup?: BerthSetup;
}

async function measureAll(ctx: Context, plan: TaskSuitePlan, tempDir: (prefix: string) => string, state: TaskSuiteState, problems: string[]): Promise<Omit<TaskReportInput, 'problems'>> {
  const { cleanups, progress } = ctx;
  const layoutDir = tempDir('bthbench-layout-');

  // Berth: its cleanup stops it by PID; before its data dir goes, whatever its tasks left is swept and reported.
  const server = await startBerthServer(ctx.repoRoot, (s) => cleanups.add({ what: 'stop Berth', undo: () => s.stop(), undoNow: () => s.killNow() }), {
    beforeRemove: (dataDir) => {
      const found = sweepBerthLeftovers(dataDir, state.berth?.startedTaskIds ?? new Set(), state.setup?.vpcId);
      for (const f of found) problems.push(`Berth left behind after its tasks STOPPED and it exited: ${f} (removed by the benchmark)`);
    },
  });
  state.server = server;
  progress(`started Berth ${server.version} at ${server.endpoint} (PID ${server.pid}, data in ${server.dataDir})`);
  state.setup = await prepareBerth(server.endpoint, layoutDir);
  const berth = new BerthTasks(server.endpoint, state.setup, server.pid, server.dataDir);
  state.berth = berth;
  cleanups.add({ what: 'stop Berth tasks', undo: () => berth.stopAll() });
  progress(`Berth: image pushed, VPC ${state.setup.vpcId}, subnet ${state.setup.subnetId}`);

  const runcDir = tempDir('bthbench-runc-');
  const runc = new RuncPeer(await unpackImage(layoutDir, 'httpd', join(runcDir, 'image')), join(runcDir, 'containers'));
  cleanups.add({ what: 'remove runc containers', undo: () => runc.stopAll(), undoNow: () => runc.stopAllNow() });
  const runcVersion = ((await run('runc', ['--version'])).stdout.split('\n')[0] ?? '').trim();

  let docker: DockerPeer | undefined;
  let dockerMissing = await dockerUnavailable();
  if (dockerMissing === undefined) {
    try {
      docker = await DockerPeer.start(layoutDir, 'httpd', (peer) => cleanups.add({ what: 'stop dockerd', undo: () => peer.shutdown(), undoNow: () => peer.shutdownNow() }));
      progress(`started dockerd ${docker.version} (image loaded)`);
    } catch (error) {
      dockerMissing = `the benchmark's dockerd could not be used: ${error instanceof Error ? error.message : String(error)}`;
      problems.push(`docker: ${dockerMissing}`);
    }
  }
  if (dockerMissing !== undefined) progress(`docker: not measured: ${dockerMissing}`);
  const peers: ContainerRuntime[] = [berth, runc, ...(docker ? [docker] : [])];

  // Warm-up, not measured: Berth pulls and unpacks the image (the cache the scenarios use), every runtime warms its paths.
  for (const rt of peers) {
    const warm = await measureSequential(rt, 1);
    if (warm.failures.length > 0) throw new Error(`${rt.name} could not start the image at all: ${warm.failures.join('; ')}`);
    progress(`warm   ${rt.name.padEnd(6)} ${warm.latenciesMs.map((l) => l.toFixed(0)).join(', ')} ms`);
  }

  const cellsOf = async (label: string, measure: (rt: ContainerRuntime) => Promise<TaskRow['cells']['berth']>): Promise<TaskRow['cells']> => {
    const cells: Partial<TaskRow['cells']> = {};
    // Runtimes take turns within a scenario, so a drift in the machine's load hits all alike.
    for (const rt of peers) {
      const started = performance.now();
      const cell = await measure(rt);
      const n = cell.kind === 'measured' ? `${cell.sample.latenciesMs.length} running, ${cell.sample.failures.length} failed` : '';
      progress(`run    ${rt.name.padEnd(6)} ${label}: ${n} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      cells[rt.name === 'Berth' ? 'berth' : rt.name === 'runc' ? 'runc' : 'docker'] = cell;
    }
    const missing: TaskCell = { kind: 'missing', why: dockerMissing ?? 'not started' };
    return { berth: cells.berth ?? missing, runc: cells.runc ?? missing, docker: cells.docker ?? missing };
  };
  const rows: TaskRow[] = [
    { scenario: `1 task, ${plan.repeats}× in sequence`,
      cells: await cellsOf('sequential', async (rt) => ({ kind: 'measured', sample: await measureSequential(rt, plan.repeats) })) },
    { scenario: `${plan.concurrent} tasks at once`,
      cells: await cellsOf(`${plan.concurrent} at once`, async (rt) => ({ kind: 'measured', sample: await measureConcurrent(rt, plan.concurrent) })) },
  ];

  const memory = await measureMemory(berth, plan.memoryTasks, progress);
  const cpu = cpus();
  return {
    header: [
      '',
      `Berth vs bare runc vs docker: RunTask→RUNNING with the image cached (the httpd test image: busybox-static httpd, two layers).`,
      'Latency = from issuing the start until the unit was first seen running, in ms; ratio < 1 would mean Berth is faster.',
      `Berth ${server.version}; ${runcVersion}; docker ${docker?.version ?? 'not measured'}; Node ${process.version}; `
        + `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; ${plan.concurrent} at once = RunTask count 10 × ${Math.ceil(plan.concurrent / 10)} calls issued together.`,
    ],
    rows,
    memory,
    notes: [
      'Berth: RunTask (Fargate, awsvpc, 256 CPU/512 MiB) then DescribeTasks every 20 ms until lastStatus RUNNING; the task gets a network '
        + 'namespace with a veth on the VPC bridge, an IP, an overlay rootfs, a cgroup envelope, and conmon running `runc create` as the container\'s monitor, then `runc start`.',
      'runc: per container an overlay rootfs over the unpacked layers, /etc/hosts, the same config.json (Berth\'s buildRuntimeSpec), '
        + '`runc run -d`, then `runc state` every 20 ms until running. No veth/IP (runc makes a namespace with only lo), no store, no API.',
      'docker: `docker run -d --network none` against a dockerd the benchmark started (vfs storage, no bridge, no iptables), then '
        + '`docker inspect` every 20 ms until running. Each start and poll is a CLI process, as runc\'s are.',
      'Each Berth stop waits for STOPPED; each peer stop removes its containers; stops are not measured.',
      `Memory: VmRSS of the Berth process (${server.pid}) with no task running, then at ${plan.memoryTasks} RUNNING (the least of 5 readings `
        + 'each); V8\'s garbage collector moves it by several MiB either way, so a per-task figure under ~50 KiB is noise.',
    ],
  };
}

async function measureMemory(berth: BerthTasks, tasks: number, progress: (line: string) => void): Promise<MemoryFigure> {
  await sleep(1_000);
  const before = await berth.memory();
  const started = performance.now();
  try {
    const result = await berth.start(tasks);
    const at = await berth.memory();
    progress(`memory Berth ${result.latenciesMs.length}/${tasks} RUNNING in ${((performance.now() - started) / 1000).toFixed(1)} s: `
      + `server ${(before.serverKiB / 1024).toFixed(1)} → ${(at.serverKiB / 1024).toFixed(1)} MiB`);
    return { tasks, running: result.latenciesMs.length, serverBeforeKiB: before.serverKiB, serverAtKiB: at.serverKiB,
      childrenRssKiB: at.childrenRssKiB, childrenPssKiB: at.childrenPssKiB, children: at.children };
  } finally {
    await berth.stopAll();
  }
}
