// The lb suite of `npm run bench`: requests/s and p50/p99 of a small file through Berth's ALB, beside the
// same requests sent directly to one of the same backend tasks and through nginx configured as the
// equivalent proxy, in one run; the ALB with and without a load of control-plane writes; Berth's memory.
import { cpus } from 'node:os';
import { LB_VPC_CIDR, SMALL_FILE, type LbPlan } from './lb-berth.ts';
import { startHammer } from './lb-hammer.ts';
import { HttpGetter, type HttpTarget } from './lb-http.ts';
import { formatLbReport, lbErrorLines, PATH_LABELS, PATHS, type ControlPlaneComparison, type LbCells, type LbReportInput, type LbRow,
  type MemoryReadings } from './lb-report.ts';
import { collectProblems, lbCannotRun, LbSession, rssKiB, TempDirs, type SuiteContext } from './lb-session.ts';
import { runClosedLoop, type LoadPlan } from './load.ts';
import { nginxInstall, startNginx, type NginxPeer } from './peer-nginx.ts';
import type { BerthBenchServer } from './servers.ts';

export interface LbSuiteOptions {
  durationMs: number;
  maxRequests: number;
  concurrencies: number[];
}

const PLAN: LbPlan = {
  cluster: 'bench-lb', name: 'bench-lb', desiredCount: 2,
  // ALB's documented range is 5–300 s: 1 s is tried first (the issue's figure), then AWS's minimum.
  healthCheckIntervals: [1, 5], deregistrationDelaySeconds: 5, backends: 'tasks-if-needed',
};
/** Clients of the control-plane write load ("e.g. RegisterTaskDefinition and TagResource at 16 clients"). */
const HAMMER_CLIENTS = 16;

/** Runs the suite, prints its report; resolves with the exit code (0 clean, 1 errors or cannot run). */
export async function runLbSuite(ctx: SuiteContext, options: LbSuiteOptions): Promise<number> {
  const reason = await lbCannotRun();
  if (reason !== undefined) {
    console.error(`\nbench: the lb suite cannot run: ${reason}`);
    return 1;
  }
  const nginx = await nginxInstall();
  if ('missing' in nginx) {
    // nginx is the peer the issue names; without it the comparison is not made (as with moto in the api suite).
    console.error(`\nbench: the lb suite cannot run: ${nginx.missing}`);
    return 1;
  }
  const failuresBefore = ctx.cleanups.failures().length;
  const temp = new TempDirs(ctx.cleanups);
  const problems: string[] = [];
  const notes: string[] = [];
  let server: BerthBenchServer | undefined;
  let logged: { count: number; samples: string[] } | undefined;
  let measured: Omit<LbReportInput, 'problems' | 'notes'> | undefined;
  try {
    measured = await measureAll(ctx, options, nginx.version, temp, problems, notes, (s) => (server = s));
  } catch (error) {
    problems.push(`the run stopped: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  } finally {
    // Read before the stop: a server that is being stopped does not count its exit as a problem.
    logged = server?.problems();
    await ctx.cleanups.undoAll();
  }
  collectProblems(logged, ctx.cleanups, failuresBefore, temp, problems);
  const input: LbReportInput = {
    ...(measured ?? { header: ['', 'Load balancer benchmark: not completed.'], rows: [], controlPlane: { missing: 'the run stopped before it' }, memory: { missing: 'the run stopped before it' } }),
    problems, notes,
  };
  console.log(formatLbReport(input));
  return lbErrorLines(input).length > 0 ? 1 : 0;
}

async function measureAll(ctx: SuiteContext, options: LbSuiteOptions, nginxVersion: string, temp: TempDirs, problems: string[], notes: string[],
  started: (server: BerthBenchServer) => void): Promise<Omit<LbReportInput, 'problems' | 'notes'>> {
  const { cleanups, progress } = ctx;
  const memory: MemoryReadings = { pid: 0, readings: [] };
  const session = await LbSession.open(ctx, PLAN, temp, problems, notes, {
    started: (s) => {
      started(s);
      memory.pid = s.pid;
    },
    beforeLoadBalancer: async (s) => {
      memory.readings.push({ when: 'before the load balancer', kib: await rssKiB(s.pid) });
    },
  });
  const backends = await session.berth.waitHealthy(PLAN.desiredCount, 10_000);
  memory.readings.push({ when: `load balancer up, ${backends.length} targets healthy`, kib: await rssKiB(session.server.pid) });
  progress(`Berth: targets healthy: ${backends.map((b) => `${b.address}:${b.port}`).join(', ')}; ALB at ${session.env.dnsName}`);

  let peer: NginxPeer | undefined;
  peer = await startNginx(temp.make('bthbench-nginx-'), backends, nginxVersion, (p) => cleanups.add({ what: 'stop nginx', undo: () => p.stop(), undoNow: () => p.killNow() }));
  progress(`started nginx ${peer.version} at ${peer.endpoint} (PID ${peer.pid}) in front of the same ${backends.length} tasks`);
  const first = backends[0];
  if (first === undefined) throw new Error('no healthy backend');
  const targets: Record<(typeof PATHS)[number], HttpTarget> = {
    alb: session.albTarget(SMALL_FILE.path),
    direct: { name: 'direct', address: first.address, port: first.port, hostHeader: `${first.address}:${first.port}`, path: SMALL_FILE.path },
    nginx: { name: 'nginx', address: '127.0.0.1', port: peer.port, hostHeader: `127.0.0.1:${peer.port}`, path: SMALL_FILE.path },
  };
  // One answer on each path before anything is measured: a path that does not work at all stops the run here.
  for (const p of PATHS) {
    const getter = new HttpGetter(targets[p], SMALL_FILE.body, 1);
    try {
      await getter.get(0);
    } catch (error) {
      throw new Error(`${PATH_LABELS[p]} (${targets[p].address}:${targets[p].port}, Host ${targets[p].hostHeader}) does not answer the small file: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      getter.close();
    }
  }

  const measureCells = async (concurrency: number, label: string): Promise<LbCells> => {
    const cells = {} as LbCells;
    // Paths take turns at each level, so a drift in the machine's load hits all alike.
    for (const p of PATHS) {
      const getter = new HttpGetter(targets[p], SMALL_FILE.body, concurrency);
      try {
        // Warm-up (not measured): opens the keep-alive connections.
        await runClosedLoop({ concurrency, maxRequests: Math.max(50, concurrency * 4), maxDurationMs: 1_000 }, getter.get);
        const plan: LoadPlan = { concurrency, maxRequests: options.maxRequests, maxDurationMs: options.durationMs };
        const result = await runClosedLoop(plan, getter.get);
        cells[p] = { kind: 'measured', result };
        const rps = (result.latenciesMs.length / result.elapsedMs) * 1000;
        progress(`run    ${PATH_LABELS[p].padEnd(9)} ×${concurrency}${label}: ${result.latenciesMs.length} ok, ${result.errors} errors, ${rps.toFixed(0)} req/s`);
      } finally {
        getter.close();
      }
    }
    return cells;
  };

  const rows: LbRow[] = [];
  for (const concurrency of options.concurrencies) rows.push({ concurrency, cells: await measureCells(concurrency, '') });
  memory.readings.push({ when: 'after the load', kib: await rssKiB(session.server.pid) });

  const cpConcurrency = options.concurrencies.includes(16) ? 16 : Math.max(...options.concurrencies);
  const idle = await measureCells(cpConcurrency, ' (idle, for the control-plane comparison)');
  const clusterArn = `arn:aws:ecs:us-east-1:123456789012:cluster/${PLAN.cluster}`;
  const hammerMs = PATHS.length * (options.durationMs + 1_000) + 60_000;
  let controlPlane: ControlPlaneComparison;
  const hammer = await startHammer(ctx.repoRoot, session.server.endpoint, clusterArn, HAMMER_CLIENTS, hammerMs, cleanups);
  progress(`control-plane load: ${HAMMER_CLIENTS} clients writing to Berth's API`);
  try {
    const loaded = await measureCells(cpConcurrency, ' (under control-plane load)');
    controlPlane = { concurrency: cpConcurrency, idle, loaded, hammer: await hammer.stop(), hammerClients: HAMMER_CLIENTS };
  } catch (error) {
    await hammer.stop().catch(() => undefined);
    throw error;
  }
  peer = undefined;

  const cpu = cpus();
  notes.push(
    `The backends: ${backends.length} Fargate tasks of the httpd test image (busybox httpd -f -p 8080), security group allowing 8080 from the ALB's `
      + `group and from ${LB_VPC_CIDR} (the host's bridge addresses); GET ${SMALL_FILE.path} (${SMALL_FILE.body.length} bytes). `
      + 'busybox httpd answers one request per connection and closes it, so every proxy opens a new upstream connection per request; '
      + 'the keep-alive is between the clients and the proxies.',
    `Berth ALB: HTTP listener on port ${session.env.listenerPort}, reached at ${targets.alb.address}:${targets.alb.port} with Host ${targets.alb.hostHeader} `
      + `(the DNSName; .localhost names resolve to loopback); target group health check every ${session.env.healthCheckIntervalSeconds} s; backends from `
      + `${session.env.backends === 'service' ? 'an ECS service (CreateService with loadBalancers)' : 'RunTask + RegisterTargets'}.`,
    `direct: the first healthy target (${first.address}:${first.port}) over the VPC's bridge; it carries all the load the proxies spread over ${backends.length}.`,
    `nginx ${nginxVersion}: one worker process (Berth's data plane is one thread), upstream with both tasks, keepalive 64, proxy_http_version 1.1, `
      + 'the X-Forwarded-* and X-Amzn-Trace-Id headers an ALB adds; no access log.',
    `The load generator (one Node process, closed loop, node:http keep-alive agent with one socket per client) is shared by all three paths; `
      + `each level runs at most ${options.durationMs / 1000} s or ${options.maxRequests} requests after a 1-second warm-up. `
      + `Node ${process.version}; ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}: Berth, nginx, the tasks and the load generator share these cores.`,
    `Control-plane load: a separate process with ${HAMMER_CLIENTS} SDK clients alternating RegisterTaskDefinition and TagResource (cluster). `
      + 'It takes CPU from everything on the machine, so compare Berth\'s loaded/idle ratio with nginx\'s and direct\'s (which never touch Berth\'s API); '
      + 'a proxy that waited on the control plane\'s event loop would show a far larger ratio than theirs.',
  );
  return {
    header: [
      '',
      `Berth's ALB vs direct vs nginx: HTTP GET of a small file, the same ${backends.length} backend tasks, measured in one run.`,
      'Ratios are Berth/peer: req/s ratio < 1 and latency ratio > 1 mean the ALB costs that much over the peer.',
      `Berth ${session.server.version}; nginx ${nginxVersion}; latencies in ms.`,
    ],
    rows,
    controlPlane,
    memory,
  };
}
