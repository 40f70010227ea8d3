// What the lb and deploy suites share: their host preconditions, Berth started as a child with the
// benchmark's load balancer resources made through the SDK, and all of it undone (resources deleted, tasks
// STOPPED, Berth stopped by PID, what its tasks left swept and reported), also on error and Ctrl-C.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { busyboxAvailable } from '../test/images/test-images.ts';
import type { Cleanups } from './cleanups.ts';
import { mountPointsUnderNow, runNow, works } from './host-commands.ts';
import { LbBerth, type LbEnvironment, type LbPlan } from './lb-berth.ts';
import { hostHeaderFor, listenerEndpoint, type HttpTarget } from './lb-http.ts';
import { startBerthServer, type BerthBenchServer } from './servers.ts';
import { benchLeftovers, sweepBerthLeftovers } from './task-leftovers.ts';

export interface SuiteContext {
  repoRoot: string;
  cleanups: Cleanups;
  progress: (line: string) => void;
}

/**
 * Where the load balancer's listeners answer: Berth's default `loadBalancerHost`. Its DNS names end in
 * `.localhost`, which resolves to loopback (RFC 6761 §6.3); the benchmark connects there and sends the name as Host.
 */
const LOAD_BALANCER_ADDRESS = '127.0.0.1';

/** Why the suite cannot run on this host (real tasks and security groups need these), or undefined. */
export async function lbCannotRun(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `it needs Linux, this is ${process.platform}`;
  if (process.getuid?.() !== 0) return 'it needs root (task namespaces, runc, nftables); run it as root or pass --suite api';
  if (!(await works('runc', ['--version']))) return 'runc is not installed (apt-get install -y runc)';
  if (!(await works('conmon', ['--version']))) return 'conmon is not installed (apt-get install -y conmon)';
  if (!(await works('ip', ['-V']))) return 'iproute2 is not installed (apt-get install -y iproute2)';
  if (!(await works('nft', ['--version']))) return 'nftables is not installed, security groups cannot be enforced (apt-get install -y nftables)';
  if (!(await busyboxAvailable())) return 'busybox-static is not installed, the test image cannot be built (apt-get install -y busybox-static)';
  return undefined;
}

/** VmRSS of `pid` in KiB, the least of five readings 100 ms apart (a garbage collection between them shows less). */
export async function rssKiB(pid: number): Promise<number> {
  let least = Infinity;
  for (let i = 0; i < 5; i++) {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    least = Math.min(least, Number(/^VmRSS:\s+(\d+)/m.exec(text)?.[1] ?? 0));
    await sleep(100);
  }
  return least;
}

/** Temporary directories of one suite: removed by the cleanups (mounts under them detached first). */
export class TempDirs {
  readonly dirs: string[] = [];
  constructor(readonly cleanups: Cleanups) {}

  make(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(dir);
    const remove = (): void => {
      for (const point of mountPointsUnderNow(dir)) runNow('umount', ['-l', point]);
      rmSync(dir, { recursive: true, force: true });
    };
    this.cleanups.add({ what: `remove ${dir}`, undo: async () => remove(), undoNow: remove });
    return dir;
  }
}

/** Berth with the benchmark's VPC, ALB, target group and backends; close() undoes it all. */
export class LbSession {
  private constructor(readonly server: BerthBenchServer, readonly berth: LbBerth, readonly env: LbEnvironment) {}

  /**
   * Starts Berth and prepares `plan`; every step is registered with ctx.cleanups first, so a failure
   * part-way is undone too. Problems found while undoing (leftovers) are pushed onto `problems`.
   */
  static async open(ctx: SuiteContext, plan: LbPlan, temp: TempDirs, problems: string[], notes: string[],
    hooks: { started?: (server: BerthBenchServer) => void; beforeLoadBalancer?: (server: BerthBenchServer) => Promise<void> } = {}): Promise<LbSession> {
    const { cleanups, progress } = ctx;
    const layoutDir = temp.make('bthbench-lb-layout-');
    // Filled in once Berth answers; the sweep at its stop reads it.
    const made: { berth?: LbBerth } = {};
    let taskIds = new Set<string>();
    const server = await startBerthServer(ctx.repoRoot, (s) => cleanups.add({ what: 'stop Berth', undo: () => s.stop(), undoNow: () => s.killNow() }), {
      beforeRemove: (dataDir) => {
        for (const f of sweepBerthLeftovers(dataDir, taskIds, made.berth?.vpcId)) problems.push(`Berth left behind after its tasks STOPPED and it exited: ${f} (removed by the benchmark)`);
      },
    });
    hooks.started?.(server);
    progress(`started Berth ${server.version} at ${server.endpoint} (PID ${server.pid}, data in ${server.dataDir})`);
    const client = new LbBerth(server.endpoint, plan, notes);
    made.berth = client;
    cleanups.add({
      what: 'delete the load balancer and the backends',
      undo: async () => {
        try {
          await client.teardown();
        } finally {
          taskIds = await client.taskIds().catch(() => taskIds);
          client.destroy();
        }
      },
    });
    const env = await client.prepare(layoutDir, progress, async () => hooks.beforeLoadBalancer?.(server));
    return new LbSession(server, client, env);
  }

  /** Requests to the load balancer's listener, as `curl http://$DNSName/path` sends them. */
  albTarget(path: string): HttpTarget {
    const { host, port } = listenerEndpoint(this.env.dnsName, this.env.listenerPort);
    return { name: 'Berth ALB', address: LOAD_BALANCER_ADDRESS, port, hostHeader: hostHeaderFor(host, port), path };
  }
}

/**
 * Adds Berth's logged problems (read before it was stopped), the cleanup failures since `failuresBefore`
 * (the cleanups are shared by the suites of one run) and the suite's leftovers to `problems`, after undoAll.
 */
export function collectProblems(logged: { count: number; samples: string[] } | undefined, cleanups: Cleanups, failuresBefore: number, temp: TempDirs, problems: string[]): void {
  if (logged !== undefined && logged.count > 0) problems.push(`Berth: ${logged.count} internal error(s) logged or an unexpected exit, e.g.: ${logged.samples.join(' | ')}`);
  problems.push(...cleanups.failures().slice(failuresBefore).map((f) => `cleanup failed: ${f}`));
  problems.push(...benchLeftovers(temp.dirs).map((l) => `left behind by the benchmark: ${l}`));
}
