// What the load-balancer controller reads of the store in one pass: every scope's load balancers, listeners,
// rules, target groups, targets and target health, and the subnets the load balancers' interfaces are in.
import type { Scope, Store, StoreTx } from '../../store/store.ts';
import type { SubnetRecord } from '../../services/ec2/records.ts';
import type {
  ListenerRecord,
  LoadBalancerRecord,
  RuleRecord,
  TargetGroupRecord,
  TargetHealthRecord,
  TargetRecord,
} from '../../services/elbv2/records.ts';

export interface Scoped<T> {
  scope: Scope;
  /** The row's parent key (a rule's listener ARN, a listener's load balancer ARN…). */
  parent: string;
  record: T;
}

export interface Snapshot {
  loadBalancers: Scoped<LoadBalancerRecord>[];
  listeners: Scoped<ListenerRecord>[];
  rules: Scoped<RuleRecord>[];
  targetGroups: Scoped<TargetGroupRecord>[];
  targets: Scoped<TargetRecord>[];
  healths: Scoped<TargetHealthRecord>[];
  /** Subnet id → its VPC and block (only the subnets load balancers have interfaces in). */
  subnets: Map<string, { vpcId: string; cidr: string }>;
  /** VPC id → its IPv4 blocks (the VPCs of those subnets). */
  vpcs: Map<string, string[]>;
}

export function emptySnapshot(): Snapshot {
  return { loadBalancers: [], listeners: [], rules: [], targetGroups: [], targets: [], healths: [], subnets: new Map(), vpcs: new Map() };
}

/** One consistent read of every scope. */
export async function readSnapshot(store: Store, scopes: readonly Scope[]): Promise<Snapshot> {
  return store.read(async (tx) => {
    const snapshot = emptySnapshot();
    for (const scope of scopes) await readScope(tx, scope, snapshot);
    return snapshot;
  });
}

async function readScope(tx: StoreTx, scope: Scope, into: Snapshot): Promise<void> {
  const scoped = <T>(rows: { body: T; parent: string }[]) => rows.map((row) => ({ scope, parent: row.parent, record: row.body }));
  const loadBalancers = scoped(await tx.list('elbv2.load-balancer', scope));
  into.loadBalancers.push(...loadBalancers);
  into.listeners.push(...scoped(await tx.list('elbv2.listener', scope)));
  into.rules.push(...scoped(await tx.list('elbv2.rule', scope)));
  into.targetGroups.push(...scoped(await tx.list('elbv2.target-group', scope)));
  into.targets.push(...scoped(await tx.list('elbv2.target', scope)));
  into.healths.push(...scoped(await tx.list('elbv2.target-health', scope)));
  for (const { record } of loadBalancers) {
    for (const eni of record.interfaces) {
      if (into.subnets.has(eni.subnetId)) continue;
      const subnet: SubnetRecord | undefined = await tx.get('ec2.subnet', scope, eni.subnetId);
      if (!subnet) continue;
      into.subnets.set(eni.subnetId, { vpcId: subnet.VpcId, cidr: subnet.CidrBlock });
      if (into.vpcs.has(subnet.VpcId)) continue;
      const vpc = await tx.get('ec2.vpc', scope, subnet.VpcId);
      const blocks = (vpc?.vpc.CidrBlockAssociationSet ?? []).flatMap((a) => (a.CidrBlock ? [a.CidrBlock] : []));
      into.vpcs.set(subnet.VpcId, vpc ? [...new Set([vpc.vpc.CidrBlock, ...blocks])] : []);
    }
  }
}
