// One target group's targets as the data plane sees them: registration state, health (owned here, fed by the
// group's health checks), requests and connections in flight, draining, and the keep-alive agent per target.
// Availability follows ALB: only registered (not draining) healthy targets get requests; a target still in its
// initial checks gets none while another is healthy; when none is healthy the group fails open to every
// registered target ("Health checks for target groups"); no registered target at all is a 503.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { PlaneReport, PlaneTarget, PlaneTargetGroup } from './plane.ts';
import { TargetGroupHealthChecks } from './health-checks.ts';
import type { Probe } from './health-probe.ts';
import { healthChanged, INITIAL_HEALTH, nextHealth, type ProbeResult, type TargetHealth } from './target-health.ts';
import { createSelector, type Selectable, type Selector } from './selection/selector.ts';
import { slowStartWeight } from './selection/slow-start.ts';
import { decodeSticky, setsCookie, stickinessOf, stickyCookieName, stickyCookies, type Stickiness } from './selection/stickiness.ts';

export interface PoolTarget extends Selectable {
  readonly key: string;
  readonly id: string;
  readonly port: number;
  address: string;
  sourceAddress?: string;
  state: 'registered' | 'draining';
  registeredAt: number;
  drainUntil?: number;
  health: TargetHealth;
  /** When it last turned healthy (epoch ms): slow start counts from here. */
  healthySince?: number;
  /** Upgraded (WebSocket) and TCP connections open to it. */
  connections: number;
  /** Cut what is still in flight (the end of draining). */
  readonly aborts: Set<() => void>;
  agent: HttpAgent;
  drainedReported: boolean;
  /** No longer in the configuration: its agent closes once nothing is in flight. */
  retired: boolean;
}

export type Choice =
  | { kind: 'no-targets' }
  | { kind: 'target'; target: PoolTarget; setCookies: string[] };

export interface PoolOptions {
  now: () => number;
  report: (report: PlaneReport) => void;
  probe: Probe;
}

export class TargetPool {
  readonly arn: string;
  readonly #options: PoolOptions;
  readonly #targets = new Map<string, PoolTarget>();
  readonly #checks: TargetGroupHealthChecks;
  #group: PlaneTargetGroup;
  #selector: Selector;
  #stickiness: Stickiness | undefined;
  #healthChecksEnabled = true;

  constructor(group: PlaneTargetGroup, options: PoolOptions) {
    this.arn = group.arn;
    this.#options = options;
    this.#group = group;
    this.#selector = createSelector(group.attributes['load_balancing.algorithm.type']);
    this.#checks = new TargetGroupHealthChecks({ probe: options.probe, onResult: (key, result) => this.#onResult(key, result) });
    this.update(group);
  }

  get targets(): ReadonlyMap<string, PoolTarget> {
    return this.#targets;
  }

  /** The target group's protocol toward its targets. */
  get protocol(): string {
    return this.#group.protocol;
  }

  update(group: PlaneTargetGroup): void {
    if (group.attributes['load_balancing.algorithm.type'] !== this.#group.attributes['load_balancing.algorithm.type']) {
      this.#selector = createSelector(group.attributes['load_balancing.algorithm.type']);
    }
    this.#group = group;
    this.#stickiness = stickinessOf(group.attributes);
    this.#healthChecksEnabled = group.healthCheck.enabled;
    const wanted = new Map(group.targets.map((t) => [targetKey(t), t]));
    for (const [key, target] of this.#targets) {
      if (wanted.has(key)) continue;
      this.#targets.delete(key);
      target.retired = true;
      this.#closeIfIdle(target);
    }
    for (const [key, spec] of wanted) {
      const existing = this.#targets.get(key);
      const sameRegistration = existing?.registeredAt === spec.registeredAt;
      if (existing && sameRegistration && existing.address === spec.address && existing.sourceAddress === spec.sourceAddress) {
        if (existing.state !== spec.state) existing.drainedReported = false;
        existing.state = spec.state;
        existing.drainUntil = spec.drainUntil;
        continue;
      }
      if (existing) {
        existing.retired = true;
        this.#closeIfIdle(existing);
      }
      // A new registration of the same id and port (another task at a stopped task's address) starts at initial.
      const target = this.#newTarget(key, spec, sameRegistration ? existing?.health : undefined);
      this.#targets.set(key, target);
      if ((!existing || !sameRegistration) && group.healthCheck.enabled) this.#reportHealth(target);
    }
    // Draining targets are no longer checked: they get no new requests, and their health stays as last seen.
    const checked = [...this.#targets.values()].filter((t) => t.state === 'registered')
      .map((t) => ({ key: t.key, address: t.address, port: t.port, ...(t.sourceAddress !== undefined ? { sourceAddress: t.sourceAddress } : {}) }));
    this.#checks.update(group.healthCheck, checked);
    this.tick();
  }

  /** The target for a request, honouring stickiness (`cookies` are the request's), or why there is none. */
  choose(cookies: ReadonlyMap<string, string>, secure: boolean): Choice {
    const registered = [...this.#targets.values()].filter((t) => t.state === 'registered');
    if (registered.length === 0) return { kind: 'no-targets' };
    const now = this.#options.now();
    const healthy = this.#healthChecksEnabled ? registered.filter((t) => t.health.state === 'healthy') : registered;
    const candidates = healthy.length > 0 ? healthy : registered;
    const duration = Number(this.#group.attributes['slow_start.duration_seconds'] ?? 0);
    for (const candidate of candidates) candidate.weight = slowStartWeight(candidate.healthySince, now, duration);
    const sticky = this.#stickiness;
    if (sticky) {
      const key = decodeSticky(cookies.get(stickyCookieName(sticky)));
      const pinned = key === undefined ? undefined : candidates.find((t) => t.key === key);
      if (pinned) return { kind: 'target', target: pinned, setCookies: this.#stickyCookies(sticky, pinned, now, secure, 'lb') };
    }
    const target = this.#selector.select(candidates) ?? candidates[0];
    if (!target) return { kind: 'no-targets' };
    return { kind: 'target', target, setCookies: sticky ? this.#stickyCookies(sticky, target, now, secure, 'lb') : [] };
  }

  /** Cookies to add to a target's response: with app_cookie stickiness, AWSALBAPP-0 once the target set its cookie. */
  responseCookies(target: PoolTarget, setCookie: string | string[] | undefined, secure: boolean): string[] {
    const sticky = this.#stickiness;
    if (sticky?.kind !== 'app_cookie' || !setsCookie(setCookie, sticky.cookieName)) return [];
    return this.#stickyCookies(sticky, target, this.#options.now(), secure, 'app');
  }

  /** Counts a request (or, with `connection`, an upgraded or TCP connection) to `target`; call the result when it ends. */
  track(target: PoolTarget, abort: () => void, connection = false): () => void {
    if (connection) target.connections++;
    else target.inFlight++;
    target.aborts.add(abort);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (connection) target.connections--;
      else target.inFlight--;
      target.aborts.delete(abort);
      this.#checkDrained(target);
      this.#closeIfIdle(target);
    };
  }

  /** Reports drains that finished (nothing in flight, or drainUntil passed: then what is left is cut). */
  tick(): void {
    for (const target of this.#targets.values()) this.#checkDrained(target);
  }

  close(): void {
    this.#checks.close();
    for (const target of this.#targets.values()) target.agent.destroy();
    this.#targets.clear();
  }

  #newTarget(key: string, spec: PlaneTarget, health: TargetHealth | undefined): PoolTarget {
    const agentOptions = { keepAlive: true, ...(spec.sourceAddress !== undefined ? { localAddress: spec.sourceAddress } : {}) };
    return {
      key, id: spec.id, port: spec.port, address: spec.address, state: spec.state, registeredAt: spec.registeredAt, inFlight: 0, weight: 1, connections: 0,
      ...(spec.sourceAddress !== undefined ? { sourceAddress: spec.sourceAddress } : {}),
      ...(spec.drainUntil !== undefined ? { drainUntil: spec.drainUntil } : {}),
      health: health ?? INITIAL_HEALTH,
      aborts: new Set(),
      // ALB does not verify targets' certificates (HTTPS target groups).
      agent: this.#group.protocol === 'HTTPS' ? new HttpsAgent({ ...agentOptions, rejectUnauthorized: false }) : new HttpAgent(agentOptions),
      drainedReported: false,
      retired: false,
    };
  }

  #onResult(key: string, result: ProbeResult): void {
    const target = this.#targets.get(key);
    if (!target) return;
    const next = nextHealth(target.health, result, {
      healthyThreshold: this.#group.healthCheck.healthyThreshold, unhealthyThreshold: this.#group.healthCheck.unhealthyThreshold,
    });
    const changed = healthChanged(target.health, next);
    if (next.state === 'healthy' && target.health.state !== 'healthy') target.healthySince = this.#options.now();
    target.health = next;
    if (changed) this.#reportHealth(target);
  }

  #reportHealth(target: PoolTarget): void {
    const { state, reasonCode, description } = target.health;
    this.#options.report({
      kind: 'health', targetGroupArn: this.arn, targetId: target.id, port: target.port, state,
      ...(reasonCode !== undefined ? { reasonCode } : {}), ...(description !== undefined ? { description } : {}),
    });
  }

  #checkDrained(target: PoolTarget): void {
    if (target.state !== 'draining' || target.drainedReported || target.retired) return;
    const expired = target.drainUntil !== undefined && this.#options.now() >= target.drainUntil;
    if (!expired && (target.inFlight > 0 || target.connections > 0)) return;
    target.drainedReported = true;
    // AWS: once the deregistration delay has passed, what is still open to the target is closed.
    for (const abort of [...target.aborts]) abort();
    target.agent.destroy();
    this.#options.report({ kind: 'drained', targetGroupArn: this.arn, targetId: target.id, port: target.port });
  }

  #closeIfIdle(target: PoolTarget): void {
    if (target.retired && target.inFlight === 0 && target.connections === 0) target.agent.destroy();
  }

  #stickyCookies(sticky: Stickiness, target: PoolTarget, now: number, secure: boolean, when: 'lb' | 'app'): string[] {
    if (sticky.kind === 'lb_cookie' && when === 'lb') return stickyCookies(stickyCookieName(sticky), target.key, sticky.durationSeconds, now, secure);
    if (sticky.kind === 'app_cookie' && when === 'app') return stickyCookies(stickyCookieName(sticky), target.key, sticky.durationSeconds, now, secure);
    return [];
  }
}

/** A target's key in its group: id and port (the same id may be registered on several ports). */
export function targetKey(target: Pick<PlaneTarget, 'id' | 'port'>): string {
  return `${target.id}:${target.port}`;
}
