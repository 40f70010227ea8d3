// `npm run bench`: the API suite starts Berth and moto and measures the same ECS calls on both with
// the AWS SDK at several concurrencies; the tasks suite (run-task.ts) measures RunTask→RUNNING
// beside bare runc and docker; the lb suite (lb-suite.ts) HTTP through Berth's ALB beside direct and
// nginx; the deploy suite (deploy-suite.ts) UpdateService→COMPLETED under request load. Prints each
// comparison; undoes all it started (also on error and Ctrl-C).
import { Agent } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ECSClient } from '@aws-sdk/client-ecs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { BENCH_CALLS, type PreparedCall } from './calls.ts';
import { Cleanups } from './cleanups.ts';
import { runDeploySuite } from './deploy-suite.ts';
import { runLbSuite } from './lb-suite.ts';
import { errorKind, runClosedLoop, type LoadPlan } from './load.ts';
import { MAX_CONCURRENCY, readOptions, USAGE, type Options, type Suite } from './options.ts';
import { formatReport, hasErrors, type ReportInput, type Role, type Row } from './report.ts';
import { runTaskSuite } from './run-task.ts';
import { checkMotoInstall, ServerStartError, startBerthServer, startMotoServer, type BenchServer } from './servers.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The same client settings for both servers: keep-alive sockets enough for every worker, no retries. */
function ecsClientFor(endpoint: string): ECSClient {
  return new ECSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // A retry would hide an error and blur the latency of the first answer.
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true, maxSockets: MAX_CONCURRENCY }),
      connectionTimeout: 5_000,
      // Bounds every call, so a server that stops answering cannot hang the run.
      requestTimeout: 30_000,
    }),
  });
}

interface Target {
  role: Role;
  server: BenchServer;
  ecs: ECSClient;
}

const progress = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function measure(options: Options, targets: Target[], notes: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const call of BENCH_CALLS) {
    notes.push(call.description);
    const prepared = new Map<Role, PreparedCall | string>();
    for (const t of targets) {
      progress(`setup  ${t.server.name.padEnd(5)} ${call.name}`);
      try {
        const ready = await call.prepare(t.ecs);
        prepared.set(t.role, ready);
        if (ready.note !== undefined) notes.push(`${call.name} on ${t.server.name}: ${ready.note}`);
      } catch (error) {
        prepared.set(t.role, errorKind(error));
      }
    }
    for (const concurrency of options.concurrencies) {
      const row: Row = { call: call.name, concurrency, cells: {} };
      rows.push(row);
      // Servers take turns at each level, so a drift in the machine's load hits both alike.
      for (const t of targets) {
        const ready = prepared.get(t.role);
        if (ready === undefined || typeof ready === 'string') {
          row.cells[t.role] = { kind: 'setup-failed', error: ready ?? 'not prepared' };
          continue;
        }
        // Warm-up (not measured): opens the keep-alive sockets and lets both runtimes warm their paths.
        await runClosedLoop({ concurrency, maxRequests: Math.max(50, concurrency * 4), maxDurationMs: 1_000 }, ready.invoke);
        const plan: LoadPlan = { concurrency, maxRequests: options.maxRequests, maxDurationMs: options.durationMs };
        const result = await runClosedLoop(plan, ready.invoke);
        row.cells[t.role] = { kind: 'measured', result };
        const rps = (result.latenciesMs.length / result.elapsedMs) * 1000;
        progress(`run    ${t.server.name.padEnd(5)} ${call.name} ×${concurrency}: ${result.latenciesMs.length} ok, ${result.errors} errors, ${rps.toFixed(0)} req/s`);
      }
    }
  }
  return rows;
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }

  // Everything started is undone (servers stopped by PID, containers and temp dirs removed): on the
  // normal path, on error, on Ctrl-C, and on exit.
  const cleanups = new Cleanups();
  process.on('exit', () => cleanups.undoAllNow());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`\nbench: ${signal}: stopping and removing what it started`);
      void cleanups.undoAll().finally(() => process.exit(130));
    });
  }

  let code = 0;
  const ctx = { repoRoot: REPO_ROOT, cleanups, progress };
  const suites: Record<Suite, () => Promise<number>> = {
    api: () => runApiSuite(options, cleanups),
    tasks: () => runTaskSuite(ctx),
    lb: () => runLbSuite(ctx, options),
    deploy: () => runDeploySuite(ctx, { runs: options.deployRuns }),
  };
  for (const suite of options.suites) code = Math.max(code, await suites[suite]());
  return code;
}

/** Berth vs moto on ECS API calls; resolves with the exit code. */
async function runApiSuite(options: Options, cleanups: Cleanups): Promise<number> {
  const onStarted = (s: BenchServer): void => {
    cleanups.add({ what: `stop ${s.name}`, undo: () => s.stop(), undoNow: () => s.killNow() });
  };
  const targets: Target[] = [];
  try {
    const motoInstall = options.servers.has('moto') ? await checkMotoInstall() : undefined;
    if (options.servers.has('berth')) {
      const server = await startBerthServer(REPO_ROOT, onStarted);
      targets.push({ role: 'subject', server, ecs: ecsClientFor(server.endpoint) });
      progress(`started Berth ${server.version} at ${server.endpoint} (PID ${server.pid})`);
    }
    if (motoInstall !== undefined) {
      const server = await startMotoServer(motoInstall, onStarted);
      targets.push({ role: 'baseline', server, ecs: ecsClientFor(server.endpoint) });
      progress(`started moto ${server.version} at ${server.endpoint} (PID ${server.pid})`);
    }

    const notes: string[] = [];
    const rows = await measure(options, targets, notes);
    const versions = targets.map((t) => `${t.server.name} ${t.server.version}`).join(', ');
    const cpu = cpus();
    const input: ReportInput = {
      names: { subject: 'Berth', baseline: 'moto' },
      header: [
        '',
        'Berth vs moto: ECS task definition calls through @aws-sdk/client-ecs (keep-alive, maxAttempts 1, one client per server).',
        'Absolute numbers depend on this machine; the Berth/moto ratios are the figure '
          + '(req/s ratio > 1 and latency ratio < 1 mean Berth is faster).',
        `${versions}; Node ${process.version}; ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; `
          + `each level runs at most ${options.durationMs / 1000} s or ${options.maxRequests} requests, after a warm-up; latencies in ms.`,
      ],
      rows,
      notes: [
        ...notes,
        'The load generator (one Node process, closed loop) is shared by both servers; its SDK cost is in both latencies.',
        'moto ignores maxResults/nextToken on ListTaskDefinitions and answers every ARN in one page.',
        `Berth stores its data on disk under ${tmpdir()} (TMPDIR=/dev/shm npm run bench takes the disk out); moto keeps its state in memory.`,
      ],
      serverProblems: targets.map((t) => ({ server: t.server.name, ...t.server.problems() })),
    };
    console.log(formatReport(input));
    return hasErrors(input) ? 1 : 0;
  } catch (error) {
    if (error instanceof ServerStartError) {
      console.error(`\nbench: cannot run: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    for (const t of targets) t.ecs.destroy();
    await cleanups.undoAll();
  }
}

process.exitCode = await main();
