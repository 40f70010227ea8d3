// The data plane itself (it runs inside the worker, worker.ts): holds one pool per target group and the
// listener servers, and turns each PlaneConfig it is given into pools, health checks and sockets. Reports go
// out through `report` as they happen; the worker batches them.
import type { PlaneConfig, PlaneLoadBalancer, PlaneListener, PlaneReport } from './plane.ts';
import type { Probe } from './health-probe.ts';
import { ListenerServers, type DesiredServer, type Pem } from './listeners.ts';
import { TargetPool } from './pool.ts';
import { compileRules } from './rules.ts';

export interface DataPlaneOptions {
  /** The address every listener listens on (settings.loadBalancerHost). */
  host: string;
  report: (report: PlaneReport) => void;
  log: (message: string) => void;
  now: () => number;
  random: () => number;
  traceId: () => string;
  probe: Probe;
  /** How often draining targets are checked against drainUntil (default 250 ms). */
  drainCheckMs?: number;
  /** The shortest time between two logs of the same kind of failure (default 10 s). */
  logThrottleMs?: number;
}

export class DataPlane {
  readonly #options: DataPlaneOptions;
  readonly #pools = new Map<string, TargetPool>();
  readonly #servers: ListenerServers;
  readonly #lastLogged = new Map<string, number>();
  readonly #failedUnsupported = new Set<string>();
  #drainTimer: NodeJS.Timeout | undefined;

  constructor(options: DataPlaneOptions) {
    this.#options = options;
    const pool = (arn: string) => this.#pools.get(arn);
    this.#servers = new ListenerServers({
      host: options.host,
      report: options.report,
      log: options.log,
      pool,
      random: options.random,
      frontend: {
        pool,
        random: options.random,
        traceId: options.traceId,
        now: options.now,
        boundPort: (lbArn, port) => this.#servers.boundPort(lbArn, port),
        log: (key, message) => this.#throttledLog(key, message),
      },
    });
  }

  apply(config: PlaneConfig): void {
    const groups = new Map(config.targetGroups.map((g) => [g.arn, g]));
    for (const [arn, pool] of this.#pools) {
      if (groups.has(arn)) continue;
      pool.close();
      this.#pools.delete(arn);
    }
    const poolOptions = { now: this.#options.now, report: this.#options.report, probe: this.#options.probe };
    for (const group of config.targetGroups) {
      const pool = this.#pools.get(group.arn);
      if (pool) pool.update(group);
      else this.#pools.set(group.arn, new TargetPool(group, poolOptions));
    }
    this.#servers.reconcile(this.#desiredServers(config.loadBalancers));
    const draining = config.targetGroups.some((g) => g.targets.some((t) => t.state === 'draining'));
    if (draining && !this.#drainTimer) {
      this.#drainTimer = setInterval(() => { for (const pool of this.#pools.values()) pool.tick(); }, this.#options.drainCheckMs ?? 250);
      this.#drainTimer.unref();
    } else if (!draining && this.#drainTimer) {
      clearInterval(this.#drainTimer);
      this.#drainTimer = undefined;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#drainTimer);
    this.#drainTimer = undefined;
    for (const pool of this.#pools.values()) pool.close();
    this.#pools.clear();
    await this.#servers.close();
  }

  #desiredServers(loadBalancers: readonly PlaneLoadBalancer[]): DesiredServer[] {
    const shared = new Map<string, Extract<DesiredServer, { kind: 'http' | 'https' }>>();
    const own: DesiredServer[] = [];
    for (const lb of loadBalancers) {
      const idleTimeoutMs = lb.idleTimeoutSeconds * 1000;
      for (const listener of lb.listeners) {
        const server = { arn: listener.arn, loadBalancerArn: lb.arn, port: listener.port };
        const certificates = certificatesOf(lb, listener);
        if (lb.type === 'application' && (listener.protocol === 'HTTP' || listener.protocol === 'HTTPS')) {
          const kind = listener.protocol === 'HTTP' ? 'http' : 'https';
          const key = `${kind}:${listener.port}`;
          const entry = shared.get(key) ?? { key, kind, port: listener.port, listeners: [], routes: [], keepAliveMs: 0, certificates: new Map<string, Pem>() };
          entry.listeners.push(server);
          entry.routes.push({ loadBalancerArn: lb.arn, dnsName: lb.dnsName, idleTimeoutMs, listenerArn: listener.arn, rules: compileRules(listener) });
          entry.keepAliveMs = Math.max(entry.keepAliveMs, idleTimeoutMs);
          for (const [name, pem] of certificates) entry.certificates?.set(name, pem);
          shared.set(key, entry);
        } else if (lb.type === 'network' && (listener.protocol === 'TCP' || listener.protocol === 'TLS')) {
          const kind = listener.protocol === 'TCP' ? 'tcp' : 'tls';
          own.push({ key: `${kind}:${lb.arn}:${listener.port}`, kind, port: listener.port, listeners: [server], route: { loadBalancerArn: lb.arn, listener, idleTimeoutMs }, certificates });
        } else if (!this.#failedUnsupported.has(listener.arn)) {
          this.#failedUnsupported.add(listener.arn);
          const message = `Berth's load balancer does not serve ${listener.protocol} listeners on ${lb.type} load balancers`;
          this.#options.log(`${listener.arn}: ${message}`);
          this.#options.report({ kind: 'bind-failed', listenerArn: listener.arn, requestedPort: listener.port, message });
        }
      }
    }
    return [...shared.values(), ...own];
  }

  #throttledLog(key: string, message: string): void {
    const now = this.#options.now();
    const last = this.#lastLogged.get(key);
    if (last !== undefined && now - last < (this.#options.logThrottleMs ?? 10_000)) return;
    this.#lastLogged.set(key, now);
    if (this.#lastLogged.size > 10_000) this.#lastLogged.clear();
    this.#options.log(message);
  }
}

function certificatesOf(lb: PlaneLoadBalancer, listener: PlaneListener): Map<string, Pem> {
  return listener.tls ? new Map<string, Pem>([[lb.dnsName.toLowerCase(), listener.tls]]) : new Map<string, Pem>();
}
