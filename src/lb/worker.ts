// The data plane's thread: the composition root of everything that proxies (node:worker_threads), so no
// request waits behind the control plane's event loop, whose store writes are synchronous (DESIGN.md rule 6).
// Messages in: {type:'apply', config}, {type:'close'}. Out: {type:'reports'}, {type:'log'}, {type:'closed'}.
import { randomBytes } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { PlaneConfig, PlaneReport } from './plane.ts';
import { DataPlane } from './data-plane.ts';
import { traceId } from './forwarded-headers.ts';
import { probeTarget } from './health-probe.ts';
import { ReportBatcher } from './report-batcher.ts';

export type ToWorker = { type: 'apply'; config: PlaneConfig } | { type: 'close' };
export type FromWorker = { type: 'reports'; reports: PlaneReport[] } | { type: 'log'; message: string } | { type: 'closed' };

export interface PlaneWorkerData {
  host: string;
}

const port = parentPort;
if (!port) throw new Error('src/lb/worker.ts runs only as a worker thread');
const post = (message: FromWorker) => port.postMessage(message);
const log = (message: string) => post({ type: 'log', message });
const batcher = new ReportBatcher((reports) => post({ type: 'reports', reports }));
// The worker's own side effects: the real clock, randomness and sockets (the main thread's are not reachable here).
const plane = new DataPlane({
  host: (workerData as PlaneWorkerData).host,
  report: (report) => batcher.add(report),
  log,
  now: () => Date.now(),
  random: () => Math.random(),
  traceId: () => traceId(Date.now(), randomBytes(12)),
  probe: probeTarget,
});

// Whatever goes wrong with one request must not take every load balancer down with it.
process.on('uncaughtException', (error) => log(`internal error: ${error.stack ?? error.message}`));

port.on('message', (message: ToWorker) => {
  if (message.type === 'apply') {
    try {
      plane.apply(message.config);
    } catch (error) {
      log(`could not apply the configuration: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
    return;
  }
  void plane.close().then(() => {
    batcher.flush();
    post({ type: 'closed' });
    port.close();
  });
});
