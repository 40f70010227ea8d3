// What the store keeps for Elastic Load Balancing v2: load balancers, target groups, listeners, rules,
// target registrations and the target health the load balancer's data plane observes. The ELBv2
// operations (src/services/elbv2/) write the first five; the task runner registers and drains ECS
// service tasks' targets; the load-balancer controller (src/controllers/load-balancers/) writes
// target health back from the data plane (src/lb/) and removes targets whose draining has ended.
// Which scopes hold load balancers: the operations call recordTaskScope (src/services/ecs/task-scopes.ts)
// when they create one, so controllers find every scope with taskScopes().
import type { Action, Listener, LoadBalancer, Rule, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scope, StoreTx } from '../../store/store.ts';

export interface LoadBalancerRecord {
  /** Exactly what DescribeLoadBalancers answers (DNSName, State, AvailabilityZones, SecurityGroups…). */
  loadBalancer: LoadBalancer;
  /** Attributes by key (idle_timeout.timeout_seconds, deletion_protection.enabled, …), AWS's defaults filled in. */
  attributes: Record<string, string>;
  /**
   * The load balancer's network interfaces, one per subnet, as EC2 shows them (`ELB app/<name>/<id>`):
   * the addresses the data plane connects to targets from, so security groups can name the load
   * balancer's own groups as a source.
   */
  interfaces: { networkInterfaceId: string; subnetId: string; privateIpv4Address: string }[];
  /**
   * Written by the load-balancer controller: where listeners really listen when that differs from their
   * port (80 could not be bound without root). DescribeLoadBalancers then shows it in DNSName (`name:port`).
   */
  boundPorts?: Record<string, number>;
}

export interface TargetGroupRecord {
  /** Exactly what DescribeTargetGroups answers (health check settings, Matcher, LoadBalancerArns…). */
  targetGroup: TargetGroup;
  /**
   * Attributes by key, AWS's defaults filled in: deregistration_delay.timeout_seconds (300),
   * slow_start.duration_seconds (0), stickiness.enabled/type/lb_cookie.duration_seconds,
   * load_balancing.algorithm.type (round_robin | least_outstanding_requests), …
   */
  attributes: Record<string, string>;
}

export interface ListenerRecord {
  /** Exactly what DescribeListeners answers (Port, Protocol, DefaultActions, Certificates…). */
  listener: Listener;
  /** For HTTPS: the PEM certificate chain and key the data plane serves (given as files, or generated self-signed). */
  tls?: { certificatePem: string; privateKeyPem: string };
}

export interface RuleRecord {
  /** Exactly what DescribeRules answers; the default rule (IsDefault) mirrors the listener's default actions. */
  rule: Rule;
}

/** The registration states ELBv2 itself tracks; health (initial/healthy/unhealthy) is observed by the data plane. */
export type TargetRegistrationState = 'registered' | 'draining';

export interface TargetRecord {
  targetGroupArn: string;
  /** An IP address (target-type ip) or an instance id (target-type instance). */
  id: string;
  port: number;
  availabilityZone?: string;
  /** The address the data plane connects to (the id for ip targets; resolved for instance targets). */
  address: string;
  registeredAt: Date;
  state: TargetRegistrationState;
  /** Set with state 'draining': DeregisterTargets (or the task runner) began it; it ends at drainUntil at the latest. */
  drainingSince?: Date;
  drainUntil?: Date;
  /** The ECS task this target is (service tasks), so the runner and the scheduler find their targets. */
  taskArn?: string;
}

export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy';

/** What the data plane last observed of a registered target (written by the load-balancer controller). */
export interface TargetHealthRecord {
  targetGroupArn: string;
  id: string;
  port: number;
  state: TargetHealthState;
  /** AWS's reason code when not healthy, e.g. Elb.RegistrationInProgress, Target.ResponseCodeMismatch, Target.Timeout, Target.FailedHealthChecks. */
  reasonCode?: string;
  /** AWS's description, e.g. "Health checks failed with these codes: [404]". */
  description?: string;
  /** When the state last changed. */
  since: Date;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    /** id = load balancer id (the ARN's last part), name = load balancer name (unique per account and region). */
    'elbv2.load-balancer': LoadBalancerRecord;
    /** id = target group id, name = target group name (unique per account and region). */
    'elbv2.target-group': TargetGroupRecord;
    /** id = listener id, parent = load balancer ARN. */
    'elbv2.listener': ListenerRecord;
    /** id = rule id, parent = listener ARN, name = priority ('default' for the default rule). */
    'elbv2.rule': RuleRecord;
    /** id = targetKey(), parent = target group ARN, name = task ARN ('' when not a task), state = registration state. */
    'elbv2.target': TargetRecord;
    /** id = targetKey(), parent = target group ARN, state = health state. */
    'elbv2.target-health': TargetHealthRecord;
  }
}

/** The store id of a target (and of its health): target group id, target id and port. */
export function targetKey(targetGroupArn: string, id: string, port: number): string {
  return `${targetGroupArn.slice(targetGroupArn.lastIndexOf('/') + 1)}|${id}|${port}`;
}

/** Every writer of 'elbv2.target' goes through here, so the lookup keys the kind documents stay right. */
export async function putTarget(tx: StoreTx, scope: Scope, record: TargetRecord): Promise<void> {
  await tx.put('elbv2.target', scope, {
    id: targetKey(record.targetGroupArn, record.id, record.port),
    parent: record.targetGroupArn,
    name: record.taskArn ?? '',
    state: record.state,
    body: record,
  });
}

/** Every writer of 'elbv2.target-health' goes through here. */
export async function putTargetHealth(tx: StoreTx, scope: Scope, record: TargetHealthRecord): Promise<void> {
  await tx.put('elbv2.target-health', scope, {
    id: targetKey(record.targetGroupArn, record.id, record.port),
    parent: record.targetGroupArn,
    state: record.state,
    body: record,
  });
}

/** The target-group id at the end of its ARN (`…:targetgroup/<name>/<id>`). */
export function targetGroupIdOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

export type { Action };
