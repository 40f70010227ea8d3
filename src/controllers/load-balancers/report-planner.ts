// The pure half of writing the data plane's observations back: from a batch of reports and the records they
// touch, the store writes. Health → the target's health record (its `since` kept while the state holds);
// drained → the draining target and its health go; bound → the load balancer's boundPorts (requested → real
// port, removed when they agree). planCleanup adds what needs no report: targets whose drainUntil passed and
// health records whose target is gone.
import type { PlaneReport } from '../../lb/plane.ts';
import type { Scope } from '../../store/store.ts';
import { targetKey, type LoadBalancerRecord, type TargetHealthRecord, type TargetRecord } from '../../services/elbv2/records.ts';

export type StoreWrite =
  | { kind: 'put-health'; scope: Scope; record: TargetHealthRecord }
  | { kind: 'delete-target'; scope: Scope; id: string }
  | { kind: 'delete-health'; scope: Scope; id: string }
  | { kind: 'put-load-balancer'; scope: Scope; record: LoadBalancerRecord };

export interface RecordState {
  /** By targetKey(). */
  targets: Map<string, { scope: Scope; record: TargetRecord }>;
  /** By targetKey(). */
  healths: Map<string, { scope: Scope; record: TargetHealthRecord }>;
  /** By load balancer ARN. */
  loadBalancers: Map<string, { scope: Scope; record: LoadBalancerRecord }>;
}

/** `…:listener/app/<name>/<lb id>/<listener id>` → `…:loadbalancer/app/<name>/<lb id>`. */
export function loadBalancerArnOfListener(listenerArn: string): string {
  return listenerArn.replace(':listener/', ':loadbalancer/').replace(/\/[^/]*$/, '');
}

/** Plans the writes for `reports` in order; `state` is updated as the writes would leave it. */
export function planReports(reports: readonly PlaneReport[], state: RecordState, now: Date): StoreWrite[] {
  const writes: StoreWrite[] = [];
  for (const report of reports) {
    switch (report.kind) {
      case 'health': {
        const key = targetKey(report.targetGroupArn, report.targetId, report.port);
        const target = state.targets.get(key);
        if (!target) break;
        const previous = state.healths.get(key)?.record;
        const record: TargetHealthRecord = {
          targetGroupArn: report.targetGroupArn, id: report.targetId, port: report.port, state: report.state,
          ...(report.reasonCode !== undefined ? { reasonCode: report.reasonCode } : {}),
          ...(report.description !== undefined ? { description: report.description } : {}),
          since: previous && previous.state === report.state ? previous.since : now,
        };
        state.healths.set(key, { scope: target.scope, record });
        writes.push({ kind: 'put-health', scope: target.scope, record });
        break;
      }
      case 'drained': {
        const key = targetKey(report.targetGroupArn, report.targetId, report.port);
        const target = state.targets.get(key);
        // Registered again meanwhile: the drain no longer matters.
        if (!target || target.record.state !== 'draining') break;
        writes.push(...removeTarget(key, target.scope, state));
        break;
      }
      case 'bound': {
        const lbArn = loadBalancerArnOfListener(report.listenerArn);
        const lb = state.loadBalancers.get(lbArn);
        if (!lb) break;
        const ports = { ...(lb.record.boundPorts ?? {}) };
        const key = String(report.requestedPort);
        if (report.port === report.requestedPort) delete ports[key];
        else ports[key] = report.port;
        if (JSON.stringify(ports) === JSON.stringify(lb.record.boundPorts ?? {})) break;
        const { boundPorts: _old, ...rest } = lb.record;
        const record: LoadBalancerRecord = Object.keys(ports).length > 0 ? { ...rest, boundPorts: ports } : rest;
        state.loadBalancers.set(lbArn, { scope: lb.scope, record });
        writes.push({ kind: 'put-load-balancer', scope: lb.scope, record });
        break;
      }
      case 'bind-failed':
        break;
    }
  }
  return writes;
}

/** Targets whose draining ended by time, and health records left without a target. */
export function planCleanup(state: RecordState, now: Date): StoreWrite[] {
  const writes: StoreWrite[] = [];
  for (const [key, target] of [...state.targets]) {
    const until = target.record.drainUntil;
    if (target.record.state === 'draining' && until !== undefined && new Date(until).getTime() <= now.getTime()) {
      writes.push(...removeTarget(key, target.scope, state));
    }
  }
  for (const [key, health] of [...state.healths]) {
    if (state.targets.has(key)) continue;
    state.healths.delete(key);
    writes.push({ kind: 'delete-health', scope: health.scope, id: key });
  }
  return writes;
}

function removeTarget(key: string, scope: Scope, state: RecordState): StoreWrite[] {
  state.targets.delete(key);
  const writes: StoreWrite[] = [{ kind: 'delete-target', scope, id: key }];
  const health = state.healths.get(key);
  if (health) {
    state.healths.delete(key);
    writes.push({ kind: 'delete-health', scope: health.scope, id: key });
  }
  return writes;
}
