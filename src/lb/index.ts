// The load balancer data plane: builds the LoadBalancerPlane main.ts hands to the load-balancer controller. The
// plane runs in a worker thread (worker.ts); apply() posts it the whole configuration, reports come back in
// batches. A worker that dies is started again with the last configuration.
import { Worker } from 'node:worker_threads';
import type { LoadBalancerPlane, PlaneConfig, PlaneReport } from './plane.ts';
import type { FromWorker, PlaneWorkerData, ToWorker } from './worker.ts';

export type { LoadBalancerPlane } from './plane.ts';

export interface LoadBalancerPlaneOptions {
  log: (message: string) => void;
  /** The address listeners listen on (settings.loadBalancerHost). */
  host: string;
  /** How long after a crash the worker is started again (default 1 s). */
  restartDelayMs?: number;
}

const CLOSE_TIMEOUT_MS = 5_000;

/**
 * The worker's entry is TypeScript. Under `node --import tsx` workers do not get tsx's loader (Node 20 runs the
 * worker's entry before its --import hooks are ready), and under `npm start` (bin/berth.mjs registers tsx through
 * its API) there is no flag to inherit at all; so a tiny bootstrap registers tsx in the worker, then imports it.
 */
function startWorker(host: string): Worker {
  const entry = new URL('./worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  const workerData: PlaneWorkerData = { host };
  return new Worker(bootstrap, { eval: true, workerData, name: 'berth-load-balancer' });
}

export function createLoadBalancerPlane(options: LoadBalancerPlaneOptions): LoadBalancerPlane {
  const listeners: ((reports: PlaneReport[]) => void)[] = [];
  let last: PlaneConfig | undefined;
  let closing = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let worker: Worker;

  const deliver = (reports: PlaneReport[]) => {
    for (const listener of listeners) {
      try {
        listener(reports);
      } catch (error) {
        options.log(`a report listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  const post = (message: ToWorker) => worker.postMessage(message);
  const start = () => {
    worker = startWorker(options.host);
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'reports') deliver(message.reports);
      else if (message.type === 'log') options.log(message.message);
    });
    worker.on('error', (error) => options.log(`the data plane failed: ${error.stack ?? error.message}`));
    worker.on('exit', (code) => {
      if (closing) return;
      options.log(`the data plane's worker exited (code ${code}); starting it again`);
      restartTimer = setTimeout(() => {
        if (closing) return;
        start();
        if (last) post({ type: 'apply', config: last });
      }, options.restartDelayMs ?? 1000);
    });
  };
  start();

  return {
    apply(config) {
      last = config;
      post({ type: 'apply', config });
    },
    onReports(listener) {
      listeners.push(listener);
    },
    async close() {
      closing = true;
      clearTimeout(restartTimer);
      const current = worker;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => void current.terminate().then(() => resolve()), CLOSE_TIMEOUT_MS);
        current.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        current.on('message', (message: FromWorker) => {
          if (message.type === 'closed') void current.terminate();
        });
        current.postMessage({ type: 'close' } satisfies ToWorker);
      });
    },
  };
}
