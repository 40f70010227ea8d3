// The pure half of the load-balancer controller: from what the store holds (snapshot.ts), the PlaneConfig the
// data plane gets. Only target groups some listener or rule forwards to are given (AWS checks no other: their
// targets show `unused`), and each target gets as source address its load balancer's interface in the target's
// subnet, else one in its VPC, once that address exists on the host (`usable`).
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { PlaneConfig, PlaneHealthCheck, PlaneLoadBalancer, PlaneTarget, PlaneTargetGroup } from '../../lb/plane.ts';
import type { LoadBalancerRecord, TargetGroupRecord } from '../../services/elbv2/records.ts';
import { blockContains, parseAddress, parseBlock } from '../../network/ipv4.ts';
import type { WantedAddress } from './addresses.ts';
import type { Snapshot } from './snapshot.ts';

/** AWS's defaults: idle_timeout.timeout_seconds 60 for ALBs; NLBs keep idle TCP flows 350 seconds. */
const ALB_IDLE_SECONDS = 60;
const NLB_IDLE_SECONDS = 350;
const HEALTH_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'TCP']);
const LISTENER_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP']);

/** The load balancers' interface addresses the host should have (their subnets known). */
export function wantedAddresses(snapshot: Snapshot): WantedAddress[] {
  const wanted: WantedAddress[] = [];
  for (const { record } of liveLoadBalancers(snapshot)) {
    for (const eni of record.interfaces) {
      const subnet = snapshot.subnets.get(eni.subnetId);
      if (subnet) wanted.push({ vpcId: subnet.vpcId, subnetCidr: subnet.cidr, ip: eni.privateIpv4Address });
    }
  }
  return wanted.sort((a, b) => a.ip.localeCompare(b.ip));
}

export function buildPlaneConfig(snapshot: Snapshot, usable: ReadonlySet<string>): PlaneConfig {
  const loadBalancers: PlaneLoadBalancer[] = [];
  /** Target group ARN → the load balancer that first forwards to it (its source addresses). */
  const users = new Map<string, LoadBalancerRecord>();
  for (const { record } of liveLoadBalancers(snapshot)) {
    const lb = record.loadBalancer;
    const arn = lb.LoadBalancerArn ?? '';
    const type = lb.Type === 'network' ? 'network' : 'application';
    const listeners = snapshot.listeners.map((l) => l.record).filter((l) => l.listener.LoadBalancerArn === arn)
      .sort((a, b) => (a.listener.ListenerArn ?? '').localeCompare(b.listener.ListenerArn ?? ''))
      .map((l) => {
        const listenerArn = l.listener.ListenerArn ?? '';
        const rules = snapshot.rules.filter((r) => r.parent === listenerArn).map((r) => r.record.rule).filter((rule) => !rule.IsDefault)
          .map((rule) => ({ arn: rule.RuleArn ?? '', priority: Number(rule.Priority), conditions: rule.Conditions ?? [], actions: rule.Actions ?? [] }))
          .filter((rule) => Number.isFinite(rule.priority))
          .sort((a, b) => a.priority - b.priority);
        const defaultActions = l.listener.DefaultActions ?? [];
        for (const group of [...forwardedGroups(defaultActions), ...rules.flatMap((rule) => forwardedGroups(rule.actions))]) {
          if (!users.has(group)) users.set(group, record);
        }
        const protocol = LISTENER_PROTOCOLS.has(l.listener.Protocol ?? '') ? l.listener.Protocol as PlaneLoadBalancer['listeners'][number]['protocol'] : 'HTTP';
        return { arn: listenerArn, port: l.listener.Port ?? 80, protocol, ...(l.tls ? { tls: l.tls } : {}), defaultActions, rules };
      });
    const idle = Number(record.attributes['idle_timeout.timeout_seconds']);
    loadBalancers.push({
      arn,
      name: lb.LoadBalancerName ?? '',
      type,
      dnsName: (lb.DNSName ?? '').toLowerCase(),
      idleTimeoutSeconds: type === 'network' ? NLB_IDLE_SECONDS : Number.isFinite(idle) && idle > 0 ? idle : ALB_IDLE_SECONDS,
      sourceAddresses: record.interfaces.map((eni) => eni.privateIpv4Address).filter((ip) => usable.has(ip)).sort(),
      listeners,
    });
  }
  const targetGroups: PlaneTargetGroup[] = snapshot.targetGroups.map((g) => g.record)
    .filter((g) => users.has(g.targetGroup.TargetGroupArn ?? ''))
    .sort((a, b) => (a.targetGroup.TargetGroupArn ?? '').localeCompare(b.targetGroup.TargetGroupArn ?? ''))
    .map((g) => planeTargetGroup(g, snapshot, users.get(g.targetGroup.TargetGroupArn ?? ''), usable));
  return { loadBalancers: loadBalancers.sort((a, b) => a.arn.localeCompare(b.arn)), targetGroups };
}

/** Load balancers the data plane serves: not failed, and of a type it knows. */
function liveLoadBalancers(snapshot: Snapshot): Snapshot['loadBalancers'] {
  return snapshot.loadBalancers.filter(({ record }) => record.loadBalancer.State?.Code !== 'failed' && record.loadBalancer.Type !== 'gateway');
}

/** The target groups an action list forwards to. */
export function forwardedGroups(actions: readonly Action[]): string[] {
  return actions.flatMap((action) => {
    if (action.Type !== 'forward') return [];
    const tuples = (action.ForwardConfig?.TargetGroups ?? []).flatMap((t) => (t.TargetGroupArn ? [t.TargetGroupArn] : []));
    return tuples.length > 0 ? tuples : action.TargetGroupArn ? [action.TargetGroupArn] : [];
  });
}

function planeTargetGroup(record: TargetGroupRecord, snapshot: Snapshot, user: LoadBalancerRecord | undefined, usable: ReadonlySet<string>): PlaneTargetGroup {
  const tg = record.targetGroup;
  const arn = tg.TargetGroupArn ?? '';
  const healthCheck: PlaneHealthCheck = {
    enabled: tg.HealthCheckEnabled ?? true,
    protocol: HEALTH_PROTOCOLS.has(tg.HealthCheckProtocol ?? '') ? tg.HealthCheckProtocol as PlaneHealthCheck['protocol'] : tg.Protocol === 'HTTPS' ? 'HTTPS' : tg.Protocol === 'HTTP' ? 'HTTP' : 'TCP',
    port: tg.HealthCheckPort ?? 'traffic-port',
    path: tg.HealthCheckPath ?? '/',
    intervalSeconds: tg.HealthCheckIntervalSeconds ?? 30,
    timeoutSeconds: tg.HealthCheckTimeoutSeconds ?? 5,
    healthyThreshold: tg.HealthyThresholdCount ?? 5,
    unhealthyThreshold: tg.UnhealthyThresholdCount ?? 2,
    httpCodes: tg.Matcher?.HttpCode ?? '200',
  };
  const targets: PlaneTarget[] = snapshot.targets.map((t) => t.record).filter((t) => t.targetGroupArn === arn)
    .sort((a, b) => `${a.id}:${a.port}`.localeCompare(`${b.id}:${b.port}`))
    .map((t) => {
      const source = user === undefined ? undefined : sourceAddressFor(t.address, tg.VpcId, user, snapshot, usable);
      return {
        id: t.id, port: t.port, address: t.address, state: t.state, registeredAt: new Date(t.registeredAt).getTime(),
        ...(t.state === 'draining' && t.drainUntil ? { drainUntil: new Date(t.drainUntil).getTime() } : {}),
        ...(source !== undefined ? { sourceAddress: source } : {}),
      };
    });
  return { arn, protocol: tg.Protocol ?? 'HTTP', healthCheck, attributes: { ...record.attributes }, targets };
}

/**
 * The load balancer's usable address in the target's subnet, else in the target group's VPC; none for a target
 * outside that VPC (an IP target elsewhere is reached however the host routes to it).
 */
export function sourceAddressFor(address: string, vpcId: string | undefined, lb: LoadBalancerRecord, snapshot: Snapshot, usable: ReadonlySet<string>): string | undefined {
  const inVpc = (id: string) => (snapshot.vpcs.get(id) ?? []).some((block) => cidrContains(block, address));
  const candidates = lb.interfaces.filter((eni) => usable.has(eni.privateIpv4Address))
    .map((eni) => ({ ip: eni.privateIpv4Address, subnet: snapshot.subnets.get(eni.subnetId) }))
    .filter((c) => c.subnet !== undefined && (vpcId === undefined || c.subnet.vpcId === vpcId) && inVpc(c.subnet.vpcId));
  return (candidates.find((c) => c.subnet !== undefined && cidrContains(c.subnet.cidr, address)) ?? candidates[0])?.ip;
}

function cidrContains(cidr: string, ip: string): boolean {
  const block = parseBlock(cidr);
  const address = parseAddress(ip);
  return block !== undefined && address !== undefined && blockContains(block, address);
}
