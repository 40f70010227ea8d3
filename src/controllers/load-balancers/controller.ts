// The load-balancer controller's applier and loop: every second and on nudge() it reads the store, keeps the
// load balancers' addresses on the host, hands the data plane a new PlaneConfig when it changed, and writes
// back what the data plane reported (one transaction per batch). Level-based: a missed nudge or a lost report
// batch is made good by a later pass. State here: the last configuration applied and the reports not yet written.
import type { LoadBalancerPlane, PlaneReport } from '../../lb/plane.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Scope, Store, StoreTx } from '../../store/store.ts';
import { putTargetHealth, type LoadBalancerRecord, type TargetHealthRecord, type TargetRecord } from '../../services/elbv2/records.ts';
import { putLoadBalancer } from '../../services/elbv2/writes.ts';
import { AddressKeeper, type LoadBalancerAddresses } from './addresses.ts';
import { buildPlaneConfig, wantedAddresses } from './config-builder.ts';
import { planCleanup, planReports, type RecordState, type StoreWrite } from './report-planner.ts';
import { readSnapshot, type Snapshot } from './snapshot.ts';
import { targetKey } from '../../services/elbv2/records.ts';
import { ReconcileLoop } from '../reconcile-loop.ts';

export interface LoadBalancerLoopOptions {
  store: Store;
  clock: Clock;
  log: (message: string) => void;
  plane: LoadBalancerPlane;
  scopes: () => Promise<Scope[]>;
  addresses?: LoadBalancerAddresses;
  /** Default 1000 ms. */
  intervalMs?: number;
}

export class LoadBalancerLoop {
  readonly #options: LoadBalancerLoopOptions;
  readonly #keeper: AddressKeeper;
  #pending: PlaneReport[] = [];
  #lastConfig = '';
  readonly #loop: ReconcileLoop;
  #listening = false;

  constructor(options: LoadBalancerLoopOptions) {
    this.#options = options;
    this.#keeper = new AddressKeeper(options.addresses, (m) => options.log(`load balancer: ${m}`));
    this.#loop = new ReconcileLoop({ name: 'load balancer controller', intervalMs: options.intervalMs ?? 1000, pass: () => this.#pass(), log: options.log });
  }

  start(): void {
    if (!this.#listening) {
      this.#listening = true;
      this.#options.plane.onReports((reports) => this.#receive(reports));
    }
    this.#loop.start();
  }

  nudge(): void {
    this.#loop.nudge();
  }

  /** Runs a pass now (after the one in flight); rejects with its error. For tests. */
  async sync(): Promise<void> {
    await this.#loop.settled();
    await this.#pass();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  #receive(reports: PlaneReport[]): void {
    for (const report of reports) {
      if (report.kind === 'bind-failed') this.#options.log(`load balancer: listener ${report.listenerArn} (port ${report.requestedPort}) cannot listen: ${report.message}`);
      if (report.kind === 'bound' && report.port !== report.requestedPort) {
        this.#options.log(`load balancer: listener ${report.listenerArn} listens on ${report.address}:${report.port} (port ${report.requestedPort} could not be bound)`);
      }
    }
    this.#pending.push(...reports);
    this.nudge();
  }

  async #pass(): Promise<void> {
    const scopes = await this.#options.scopes();
    const snapshot = await readSnapshot(this.#options.store, scopes);
    const now = this.#options.clock.now();
    const usable = await this.#keeper.sync(wantedAddresses(snapshot));
    const config = buildPlaneConfig(snapshot, usable);
    const json = JSON.stringify(config);
    if (json !== this.#lastConfig) {
      this.#options.plane.apply(config);
      this.#lastConfig = json;
    }
    const reports = this.#pending.splice(0);
    if (reports.length === 0 && planCleanup(recordState(snapshot), now).length === 0) return;
    try {
      const wrote = await this.#options.store.write(async (tx) => {
        const state = recordState(await readSnapshotIn(tx, scopes));
        const writes = [...planReports(reports, state, now), ...planCleanup(state, now)];
        for (const write of writes) await applyWrite(tx, write);
        return writes.length;
      });
      // The records changed (a target removed, a port recorded): the next pass builds from them.
      if (wrote > 0) this.#loop.nudge();
    } catch (error) {
      this.#pending.unshift(...reports);
      throw error;
    }
  }
}

async function readSnapshotIn(tx: StoreTx, scopes: readonly Scope[]): Promise<Pick<Snapshot, 'targets' | 'healths' | 'loadBalancers'>> {
  const targets: Snapshot['targets'] = [];
  const healths: Snapshot['healths'] = [];
  const loadBalancers: Snapshot['loadBalancers'] = [];
  for (const scope of scopes) {
    for (const row of await tx.list('elbv2.target', scope)) targets.push({ scope, parent: row.parent, record: row.body });
    for (const row of await tx.list('elbv2.target-health', scope)) healths.push({ scope, parent: row.parent, record: row.body });
    for (const row of await tx.list('elbv2.load-balancer', scope)) loadBalancers.push({ scope, parent: row.parent, record: row.body });
  }
  return { targets, healths, loadBalancers };
}

function recordState(snapshot: Pick<Snapshot, 'targets' | 'healths' | 'loadBalancers'>): RecordState {
  const keyOf = (r: TargetRecord | TargetHealthRecord) => targetKey(r.targetGroupArn, r.id, r.port);
  return {
    targets: new Map(snapshot.targets.map(({ scope, record }) => [keyOf(record), { scope, record }])),
    healths: new Map(snapshot.healths.map(({ scope, record }) => [keyOf(record), { scope, record }])),
    loadBalancers: new Map(snapshot.loadBalancers.map(({ scope, record }): [string, { scope: Scope; record: LoadBalancerRecord }] => [record.loadBalancer.LoadBalancerArn ?? '', { scope, record }])),
  };
}

async function applyWrite(tx: StoreTx, write: StoreWrite): Promise<void> {
  switch (write.kind) {
    case 'put-health':
      return putTargetHealth(tx, write.scope, write.record);
    case 'delete-target':
      await tx.delete('elbv2.target', write.scope, write.id);
      return;
    case 'delete-health':
      await tx.delete('elbv2.target-health', write.scope, write.id);
      return;
    case 'put-load-balancer':
      return putLoadBalancer(tx, write.scope, write.record);
  }
}
