// The benchmark's command line: which suites run and how long each level of load lasts. Pure (parse only),
// so it is unit-tested; run.ts prints USAGE and exits 2 on a RangeError.
import { parseArgs } from 'node:util';

export type Suite = 'api' | 'tasks' | 'lb' | 'deploy';

export const SUITES: readonly Suite[] = ['api', 'tasks', 'lb', 'deploy'];
export const MAX_CONCURRENCY = 64;
export const MAX_DEPLOY_RUNS = 20;

export const USAGE = `usage: npm run bench -- [--suite all] [--duration 5] [--max-requests 50000] [--concurrency 1,16,64] [--servers berth,moto] [--deploy-runs 3]
  --suite         api (ECS API calls, Berth vs moto), tasks (RunTask→RUNNING, Berth vs runc and docker; root),
                  lb (HTTP through Berth's load balancer vs direct and nginx; root), deploy (UpdateService→COMPLETED
                  under request load; root), a comma-separated list of these, or all (default)
  --duration      seconds each (call or target, concurrency, server) runs at most (default 5)
  --max-requests  requests each (call or target, concurrency, server) runs at most (default 50000)
  --concurrency   comma-separated numbers of concurrent clients, each at most ${MAX_CONCURRENCY} (default 1,16,64)
  --servers       which servers the api suite measures (default berth,moto)
  --deploy-runs   rolling deployments the deploy suite times, at most ${MAX_DEPLOY_RUNS} (default 3)`;

export interface Options {
  suites: Suite[];
  durationMs: number;
  maxRequests: number;
  concurrencies: number[];
  servers: Set<'berth' | 'moto'>;
  deployRuns: number;
  help: boolean;
}

/** Recognised options only (parseArgs throws on an unknown one), each range-checked; throws RangeError/TypeError with the reason. */
export function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      suite: { type: 'string', default: 'all' },
      duration: { type: 'string', default: '5' },
      'max-requests': { type: 'string', default: '50000' },
      concurrency: { type: 'string', default: '1,16,64' },
      servers: { type: 'string', default: 'berth,moto' },
      'deploy-runs': { type: 'string', default: '3' },
      help: { type: 'boolean', default: false },
    },
  });
  const positive = (name: string, raw: string, max: number): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max) throw new RangeError(`--${name} must be a number from 1 to ${max}, got '${raw}'`);
    return n;
  };
  const servers = new Set(values.servers.split(',').map((s) => s.trim().toLowerCase()));
  for (const s of servers) if (s !== 'berth' && s !== 'moto') throw new RangeError(`--servers takes berth and/or moto, got '${s}'`);
  return {
    suites: readSuites(values.suite),
    durationMs: positive('duration', values.duration, 120) * 1000,
    maxRequests: Math.floor(positive('max-requests', values['max-requests'], 1_000_000)),
    concurrencies: values.concurrency.split(',').map((c) => Math.floor(positive('concurrency', c, MAX_CONCURRENCY))),
    servers: servers as Set<'berth' | 'moto'>,
    deployRuns: Math.floor(positive('deploy-runs', values['deploy-runs'], MAX_DEPLOY_RUNS)),
    help: values.help,
  };
}

/** `all`, one suite, or a comma-separated list (run in the order SUITES gives, each once). */
function readSuites(raw: string): Suite[] {
  const names = raw.split(',').map((s) => s.trim().toLowerCase());
  if (names.includes('all')) return [...SUITES];
  for (const name of names) {
    if (!(SUITES as readonly string[]).includes(name)) throw new RangeError(`--suite takes ${SUITES.join(', ')} or all, got '${name}'`);
  }
  return SUITES.filter((s) => names.includes(s));
}
