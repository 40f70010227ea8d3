// The load balancer data plane's contract: the configuration the control plane hands it (a whole
// snapshot, level-based, built from the store by src/controllers/load-balancers/) and what it
// reports back (target health, finished drains, the ports its listeners really bound). The data
// plane never reads the store and never waits on the control plane (DESIGN.md rule 6).
import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';

export interface PlaneConfig {
  loadBalancers: PlaneLoadBalancer[];
  targetGroups: PlaneTargetGroup[];
}

export interface PlaneLoadBalancer {
  arn: string;
  name: string;
  type: 'application' | 'network';
  /** The name clients use (`<name>-<id>.<region>.elb.localhost`): listeners dispatch on it (the Host header). */
  dnsName: string;
  /** idle_timeout.timeout_seconds (default 60): a request whose target says nothing for this long gets 504. */
  idleTimeoutSeconds: number;
  /**
   * The load balancer's own addresses (its ENIs) by VPC subnet: connections to a target in that subnet's VPC
   * leave from one of them, so security groups see the load balancer's address. Empty: the host picks.
   */
  sourceAddresses: string[];
  listeners: PlaneListener[];
}

export interface PlaneListener {
  arn: string;
  port: number;
  protocol: 'HTTP' | 'HTTPS' | 'TCP' | 'TLS' | 'UDP' | 'TCP_UDP';
  tls?: { certificatePem: string; privateKeyPem: string };
  defaultActions: Action[];
  /** Non-default rules; evaluated in ascending priority, first match wins, then the default actions. */
  rules: PlaneRule[];
}

export interface PlaneRule {
  arn: string;
  priority: number;
  conditions: RuleCondition[];
  actions: Action[];
}

export interface PlaneHealthCheck {
  enabled: boolean;
  protocol: 'HTTP' | 'HTTPS' | 'TCP';
  /** A port number or 'traffic-port'. */
  port: string;
  path: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  /** The Matcher's HttpCode: "200", "200,302", "200-299". */
  httpCodes: string;
}

export interface PlaneTarget {
  id: string;
  port: number;
  /** Where to connect. */
  address: string;
  state: 'registered' | 'draining';
  /**
   * When this registration began (epoch ms). A target registered again under the same id and port (a new task
   * given a stopped task's address) is a new target: its health starts over at initial.
   */
  registeredAt: number;
  /** With 'draining': epoch ms when draining ends whatever is still in flight. */
  drainUntil?: number;
  /**
   * The load balancer's own address (one of its sourceAddresses, in the target's VPC) that traffic and health
   * checks to this target leave from, so the target's security groups see the load balancer. Absent: the host picks.
   */
  sourceAddress?: string;
}

export interface PlaneTargetGroup {
  arn: string;
  protocol: string;
  healthCheck: PlaneHealthCheck;
  /** The target group's attributes, AWS's defaults filled in (see TargetGroupRecord). */
  attributes: Record<string, string>;
  targets: PlaneTarget[];
}

/** A change the data plane observed; sent only when something changed. */
export type PlaneReport =
  | {
    kind: 'health';
    targetGroupArn: string;
    targetId: string;
    port: number;
    state: 'initial' | 'healthy' | 'unhealthy';
    reasonCode?: string;
    description?: string;
  }
  /** A draining target has no request or connection left (or drainUntil passed): its deregistration is complete. */
  | { kind: 'drained'; targetGroupArn: string; targetId: string; port: number }
  /** Where a listener really listens: `port` unless it could not be bound (e.g. 80 without root). */
  | { kind: 'bound'; listenerArn: string; requestedPort: number; port: number; address: string }
  | { kind: 'bind-failed'; listenerArn: string; requestedPort: number; message: string };

export interface LoadBalancerPlane {
  /** Replaces the whole configuration; listeners open and close to match. */
  apply(config: PlaneConfig): void;
  /** Called with each batch of reports. */
  onReports(listener: (reports: PlaneReport[]) => void): void;
  close(): Promise<void>;
}
