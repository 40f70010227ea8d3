// RegisterTargets and DeregisterTargets: which IP addresses (or instances) a target group sends traffic to.
// Deregistering a target of a group in use starts its draining (deregistration_delay.timeout_seconds); the
// load-balancer controller removes it once the data plane reports it drained or drainUntil passes.
import type {
  DeregisterTargetsInput, DeregisterTargetsOutput, RegisterTargetsInput, RegisterTargetsOutput, TargetDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { cidrContainsAddress, parseIpv4Address, parseIpv4Cidr } from '../ec2/cidr.ts';
import { availabilityZonesOf } from '../ec2/default-vpc.ts';
import { InvalidTargetException, TooManyTargetsException, ValidationError } from './errors.ts';
import { limitOf } from './limits.ts';
import { findLoadBalancer, loadBalancersByTargetGroup, requireTargetGroup } from './lookups.ts';
import { putTarget, targetKey, type TargetGroupRecord, type TargetRecord } from './records.ts';

/** "the RFC 1918 range (10.0.0.0/8, 172.16.0.0/12, and 192.168.0.0/16), and the RFC 6598 range (100.64.0.0/10)" (CreateTargetGroup, TargetType ip). */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((block) => parseIpv4Cidr(block));

function inRanges(address: number): boolean {
  return PRIVATE_RANGES.some((range) => range !== undefined && cidrContainsAddress(range, address));
}

/** The Availability Zone of an ip target: its subnet's, or the caller's for an address outside the VPC. */
async function zoneOfIp(tx: StoreTx, scope: Scope, group: TargetGroupRecord, target: TargetDescription): Promise<string> {
  const id = target.Id ?? '';
  const address = parseIpv4Address(id);
  // Not verified: the wording.
  if (address === undefined) throw new ValidationError(`The IP address '${id}' is not a valid IPv4 address`);
  const vpcId = group.targetGroup.VpcId ?? '';
  for (const row of await tx.list('ec2.subnet', scope, { parent: vpcId })) {
    const cidr = parseIpv4Cidr(row.body.CidrBlock);
    if (!cidr || !cidrContainsAddress(cidr, address)) continue;
    const zone = row.body.AvailabilityZone;
    if (target.AvailabilityZone !== undefined && target.AvailabilityZone !== zone) {
      // Verified (kubernetes-sigs/aws-load-balancer-controller #561).
      throw new ValidationError(`The IP address '${id}' is within the VPC, and cannot have its Availability Zone overridden to '${target.AvailabilityZone}' from '${zone}'`);
    }
    return zone;
  }
  // Not verified: the wording; AWS takes no publicly routable address as an ip target.
  if (!inRanges(address)) throw new InvalidTargetException(`The IP address '${id}' is not a valid target: it must be in the target group's VPC or a private (RFC 1918 or RFC 6598) range`);
  // Verified (kubernetes-sigs/aws-load-balancer-controller #3714).
  if (target.AvailabilityZone === undefined) throw new ValidationError(`The Availability Zone is required for IP address '${id}' because it is not in the VPC`);
  const zones = availabilityZonesOf(scope.region).map((zone) => zone.ZoneName);
  if (target.AvailabilityZone !== 'all' && !zones.includes(target.AvailabilityZone)) {
    // Verified (kubernetes-sigs/aws-load-balancer-controller #3084).
    throw new ValidationError(`You must specify a valid Availability Zone or select 'all' for all enabled Availability zones, since the IP address '${id}' is outside the VPC`);
  }
  return target.AvailabilityZone;
}

/** Instance targets: Berth runs no EC2 instances, so no instance id names one that could receive traffic. */
function refuseInstance(target: TargetDescription): never {
  const id = target.Id ?? '';
  // Verified (ansible/ansible #30962): "Instance ID 'x' is not valid".
  if (!/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id)) throw new ValidationError(`Instance ID '${id}' is not valid`);
  // Verified (kubernetes-sigs/aws-load-balancer-controller #272): "The following instances do not exist: 'i-…'".
  throw new InvalidTargetException(`The following instances do not exist: '${id}'`);
}

function portOf(group: TargetGroupRecord, target: TargetDescription): number {
  const port = target.Port ?? group.targetGroup.Port ?? 0;
  // Not verified: the wording.
  if (port < 1 || port > 65535) throw new ValidationError(`Port '${port}' must be between 1 and 65535`);
  return port;
}

/** TooManyTargets: every load balancer the group serves counts the targets of all its groups. */
async function checkTargetQuota(tx: StoreTx, scope: Scope, groupArn: string, adding: number): Promise<void> {
  if (adding === 0) return;
  const uses = await loadBalancersByTargetGroup(tx, scope);
  for (const loadBalancerArn of uses.get(groupArn) ?? []) {
    const lb = await findLoadBalancer(tx, scope, loadBalancerArn);
    const network = lb?.loadBalancer.Type === 'network';
    const quota = limitOf(network ? 'targets-per-network-load-balancer' : 'targets-per-application-load-balancer');
    let count = 0;
    for (const [group, users] of uses) if (users.has(loadBalancerArn)) count += await tx.count('elbv2.target', scope, { parent: group });
    if (count + adding > quota) {
      // The wording follows the verified NLB one (kubernetes/cloud-provider-aws #1328), for this load balancer's type.
      throw new TooManyTargetsException(`You cannot have more than ${quota} targets per ${network ? 'network' : 'application'} load balancer`);
    }
  }
}

export function targetOperations(deps: ServiceDeps): ServiceOperations<{
  RegisterTargets: [RegisterTargetsInput, RegisterTargetsOutput];
  DeregisterTargets: [DeregisterTargetsInput, DeregisterTargetsOutput];
}> {
  const { store } = deps;
  return {
    RegisterTargets: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const groupArn = input.TargetGroupArn ?? '';
      await store.write(async (tx) => {
        const group = await requireTargetGroup(tx, scope, groupArn);
        const records: TargetRecord[] = [];
        for (const target of input.Targets ?? []) {
          if (group.targetGroup.TargetType !== 'ip') refuseInstance(target);
          const zone = await zoneOfIp(tx, scope, group, target);
          const id = target.Id ?? '';
          records.push({ targetGroupArn: groupArn, id, port: portOf(group, target), availabilityZone: zone, address: id, registeredAt: ctx.now, state: 'registered' });
        }
        let adding = 0;
        for (const record of records) {
          const key = targetKey(groupArn, record.id, record.port);
          const current = await tx.get('elbv2.target', scope, key);
          // Registering a registered target changes nothing; a draining one starts over (its health with it).
          if (current?.state === 'registered') continue;
          if (current) await tx.delete('elbv2.target-health', scope, key);
          else adding += 1;
          await putTarget(tx, scope, { ...record, ...(current?.taskArn !== undefined ? { taskArn: current.taskArn } : {}) });
        }
        await checkTargetQuota(tx, scope, groupArn, adding);
      });
      deps.taskEvents?.changed();
      return {};
    },

    DeregisterTargets: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const groupArn = input.TargetGroupArn ?? '';
      await store.write(async (tx) => {
        const group = await requireTargetGroup(tx, scope, groupArn);
        const inUse = (await loadBalancersByTargetGroup(tx, scope)).has(groupArn);
        const delaySeconds = Number(group.attributes['deregistration_delay.timeout_seconds'] ?? '300');
        const found: TargetRecord[] = [];
        const missing: string[] = [];
        for (const target of input.Targets ?? []) {
          const port = target.Port ?? group.targetGroup.Port ?? 0;
          const current = await tx.get('elbv2.target', scope, targetKey(groupArn, target.Id ?? '', port));
          if (current) found.push(current);
          else missing.push(`Id=${target.Id ?? ''},Port=${port}`);
        }
        // Not verified: the wording; AWS answers InvalidTarget for a target the group does not have.
        if (missing.length > 0) throw new InvalidTargetException(`The following targets are not registered in target group '${groupArn}': ${missing.map((m) => `'${m}'`).join(', ')}`);
        for (const target of found) {
          const key = targetKey(groupArn, target.id, target.port);
          if (!inUse) {
            // Nothing routes to a group no listener uses: its targets go at once, with no draining.
            await tx.delete('elbv2.target', scope, key);
            await tx.delete('elbv2.target-health', scope, key);
          } else if (target.state === 'registered') {
            await putTarget(tx, scope, { ...target, state: 'draining', drainingSince: ctx.now, drainUntil: new Date(ctx.now.getTime() + delaySeconds * 1000) });
          }
        }
      });
      deps.taskEvents?.changed();
      return {};
    },
  };
}
