// Load balancers: CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer, SetSecurityGroups,
// SetSubnets and SetIpAddressType. The data plane (src/lb/) listens for them; this only records intent.
import type {
  CreateLoadBalancerInput, CreateLoadBalancerOutput, DeleteLoadBalancerInput, DeleteLoadBalancerOutput,
  DescribeLoadBalancersInput, DescribeLoadBalancersOutput, IpAddressType, LoadBalancer, SetIpAddressTypeInput, SetIpAddressTypeOutput,
  SetSecurityGroupsInput, SetSecurityGroupsOutput, SetSubnetsInput, SetSubnetsOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import type { SubnetRecord } from '../ec2/records.ts';
import { recordTaskScope } from '../ecs/task-scopes.ts';
import {
  canonicalHostedZoneId, idOf, loadBalancerArn, loadBalancerDnsName, newElbId, type LoadBalancerType,
} from './arns.ts';
import { removeListener } from './cascade.ts';
import {
  DuplicateLoadBalancerNameException, LoadBalancerNotFoundException, OperationNotPermittedException,
  TooManyLoadBalancersException, ValidationError,
} from './errors.ts';
import { limitOf } from './limits.ts';
import { defaultLoadBalancerAttributes } from './load-balancer-attributes.ts';
import {
  availabilityZonesOf, deleteInterfaces, placeSecurityGroups, placeSubnets, requestedSubnets, setInterfaceGroups, syncInterfaces,
} from './load-balancer-network.ts';
import { findLoadBalancer, refreshTargetGroupAssociations, requireLoadBalancer } from './lookups.ts';
import { checkLoadBalancerName } from './names.ts';
import { elbPage } from './paging.ts';
import type { LoadBalancerRecord } from './records.ts';
import { addTags, checkTags, deleteTags } from './tags.ts';
import { putLoadBalancer } from './writes.ts';

/** How long a new load balancer reports `provisioning` before `active` (AWS takes minutes; Berth's listeners open at once). */
export const PROVISIONING_MS = 1000;

/**
 * A load balancer as DescribeLoadBalancers shows it at `now`. The store keeps State `active`; for its first
 * second a new one reports `provisioning`, as AWS's do while they come up. When the data plane could not
 * bind the HTTP port-80 listener (no root), DNSName carries the port it listens on instead (`name:port`).
 */
export function loadBalancerView(record: LoadBalancerRecord, now: Date): LoadBalancer {
  const created = record.loadBalancer.CreatedTime?.getTime() ?? 0;
  const provisioning = now.getTime() - created < PROVISIONING_MS;
  const fallback = record.boundPorts?.['80'];
  const dnsName = record.loadBalancer.DNSName ?? '';
  return {
    ...record.loadBalancer,
    DNSName: fallback !== undefined && fallback !== 80 ? `${dnsName}:${fallback}` : dnsName,
    State: provisioning ? { Code: 'provisioning' } : record.loadBalancer.State,
  };
}

function typeOf(record: LoadBalancerRecord): LoadBalancerType {
  return record.loadBalancer.Type === 'network' ? 'network' : 'application';
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** Refuses IpAddressType values Berth's IPv4-only VPCs cannot carry (dualstack needs IPv6 subnets). */
function checkIpAddressType(value: IpAddressType | undefined, subnets: readonly SubnetRecord[]): IpAddressType {
  const type = value ?? 'ipv4';
  if (type !== 'ipv4' && subnets.some((subnet) => (subnet.Ipv6CidrBlockAssociationSet ?? []).length === 0)) {
    // Not verified: the wording; AWS refuses dualstack on subnets without an IPv6 block.
    throw new ValidationError('You must specify subnets with an associated IPv6 CIDR block.');
  }
  return type;
}

export function loadBalancerOperations(deps: ServiceDeps): ServiceOperations<{
  CreateLoadBalancer: [CreateLoadBalancerInput, CreateLoadBalancerOutput];
  DescribeLoadBalancers: [DescribeLoadBalancersInput, DescribeLoadBalancersOutput];
  DeleteLoadBalancer: [DeleteLoadBalancerInput, DeleteLoadBalancerOutput];
  SetSecurityGroups: [SetSecurityGroupsInput, SetSecurityGroupsOutput];
  SetSubnets: [SetSubnetsInput, SetSubnetsOutput];
  SetIpAddressType: [SetIpAddressTypeInput, SetIpAddressTypeOutput];
}> {
  const { store, ids } = deps;
  const changed = () => deps.taskEvents?.changed();

  /** Replaces a load balancer's subnets and security groups and re-syncs its interfaces. */
  async function replacePlacement(tx: StoreTx, scope: Scope, record: LoadBalancerRecord, subnets: SubnetRecord[], groups: string[]): Promise<LoadBalancerRecord> {
    const interfaces = await syncInterfaces(tx, scope, ids, record, subnets, groups);
    const next: LoadBalancerRecord = {
      ...record,
      interfaces,
      loadBalancer: { ...record.loadBalancer, AvailabilityZones: availabilityZonesOf(subnets), ...(groups.length > 0 ? { SecurityGroups: groups } : {}) },
    };
    await putLoadBalancer(tx, scope, next);
    return next;
  }

  return {
    CreateLoadBalancer: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const name = input.Name ?? '';
      checkLoadBalancerName(name);
      const requestedType = input.Type ?? 'application';
      // Berth's data plane serves HTTP(S) and TCP listeners; gateway load balancers (GENEVE appliances) have no counterpart.
      if (requestedType === 'gateway') throw new ValidationError('Berth does not serve gateway load balancers (see its ELBv2 LIMITATIONS)');
      const type: LoadBalancerType = requestedType === 'network' ? 'network' : 'application';
      const scheme = input.Scheme ?? 'internet-facing';
      const tags = checkTags(input.Tags);
      const subnetIds = requestedSubnets(input.Subnets, input.SubnetMappings);
      const created = await store.write(async (tx) => {
        const placed = await placeSubnets(tx, scope, subnetIds, type, scheme);
        const groups = await placeSecurityGroups(tx, scope, placed.vpcId, input.SecurityGroups, type);
        const ipAddressType = checkIpAddressType(input.IpAddressType, placed.subnets);
        const [existing] = await tx.list('elbv2.load-balancer', scope, { name, limit: 1 });
        if (existing) {
          const lb = existing.body.loadBalancer;
          // "If you attempt to create multiple load balancers with the same name, the call succeeds if the settings match" (API reference).
          const same = lb.Type === type && lb.Scheme === scheme && lb.IpAddressType === ipAddressType
            && sameSet((lb.AvailabilityZones ?? []).map((zone) => zone.SubnetId ?? ''), subnetIds)
            && (input.SecurityGroups === undefined || sameSet(lb.SecurityGroups ?? [], groups));
          // Not verified: the wording (DuplicateTargetGroupName's, which is verified, for load balancers).
          if (!same) throw new DuplicateLoadBalancerNameException(`A load balancer with the same name '${name}' exists, but with different settings`);
          return { record: existing.body, isNew: false };
        }
        const ofType = (await tx.list('elbv2.load-balancer', scope)).filter((row) => typeOf(row.body) === type).length;
        const quota = limitOf(type === 'application' ? 'application-load-balancers' : 'network-load-balancers');
        // Not verified: the wording; the code and the default quota are AWS's.
        if (ofType >= quota) throw new TooManyLoadBalancersException(`You have reached the maximum number of load balancers of type '${type}' (${quota})`);
        const id = newElbId(ids);
        const arn = loadBalancerArn(scope, type, name, id);
        const blank: LoadBalancerRecord = {
          loadBalancer: {
            LoadBalancerArn: arn,
            DNSName: loadBalancerDnsName(name, scheme, scope.region, ids),
            CanonicalHostedZoneId: canonicalHostedZoneId(type, scope.region),
            CreatedTime: ctx.now,
            LoadBalancerName: name,
            Scheme: scheme,
            VpcId: placed.vpcId,
            State: { Code: 'active' },
            Type: type,
            AvailabilityZones: [],
            ...(groups.length > 0 ? { SecurityGroups: groups } : {}),
            IpAddressType: ipAddressType,
          },
          attributes: defaultLoadBalancerAttributes(type, scheme),
          interfaces: [],
        };
        const record = await replacePlacement(tx, scope, blank, placed.subnets, groups);
        await addTags(tx, scope, arn, tags);
        await recordTaskScope(tx, scope);
        return { record, isNew: true };
      });
      if (created.isNew) changed();
      return { LoadBalancers: [loadBalancerView(created.record, ctx.now)] };
    },

    DescribeLoadBalancers: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const arns = input.LoadBalancerArns ?? [];
      const names = input.Names ?? [];
      // Not verified: the wording; AWS takes ARNs or names, not both.
      if (arns.length > 0 && names.length > 0) throw new ValidationError('Load balancer names and load balancer ARNs cannot be specified at the same time');
      const rows = await store.read((tx) => tx.list('elbv2.load-balancer', scope));
      let selected = rows;
      if (arns.length > 0) {
        selected = rows.filter((row) => arns.includes(row.body.loadBalancer.LoadBalancerArn ?? ''));
        // Verified (hashicorp/terraform-provider-aws #15214): "One or more load balancers not found".
        if (arns.some((arn) => !selected.some((row) => row.body.loadBalancer.LoadBalancerArn === arn))) throw new LoadBalancerNotFoundException();
      } else if (names.length > 0) {
        selected = rows.filter((row) => names.includes(row.name));
        const missing = names.filter((name) => !selected.some((row) => row.name === name));
        // Verified (hashicorp/terraform-provider-aws #10669): "Load balancers '[name]' not found".
        if (missing.length > 0) throw new LoadBalancerNotFoundException(`Load balancers '[${missing.join(', ')}]' not found`);
      }
      const page = elbPage(selected.map((row) => ({ seq: row.seq, item: loadBalancerView(row.body, ctx.now) })), input.Marker, input.PageSize);
      return { LoadBalancers: page.items, NextMarker: page.nextMarker };
    },

    DeleteLoadBalancer: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const arn = input.LoadBalancerArn ?? '';
      const deleted = await store.write(async (tx) => {
        const record = await findLoadBalancer(tx, scope, arn);
        // "If the load balancer does not exist or has already been deleted, the call succeeds." (API reference)
        if (!record) return false;
        if (record.attributes['deletion_protection.enabled'] === 'true') {
          // Verified (rebuy-de/aws-nuke #258, aws-cloudformation/rain #187).
          throw new OperationNotPermittedException(`Load balancer '${arn}' cannot be deleted because deletion protection is enabled`);
        }
        const groups: string[] = [];
        for (const row of await tx.list('elbv2.listener', scope, { parent: arn })) groups.push(...await removeListener(tx, scope, row.body));
        await deleteInterfaces(tx, scope, record);
        await tx.delete('elbv2.load-balancer', scope, idOf(arn));
        await deleteTags(tx, scope, arn);
        await refreshTargetGroupAssociations(tx, scope, groups);
        return true;
      });
      if (deleted) changed();
      return {};
    },

    SetSecurityGroups: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const groups = await store.write(async (tx) => {
        const record = await requireLoadBalancer(tx, scope, input.LoadBalancerArn ?? '');
        const type = typeOf(record);
        // Not verified: the wording; a network load balancer created without security groups cannot be given any.
        if (type === 'network' && (record.loadBalancer.SecurityGroups ?? []).length === 0 && (input.SecurityGroups ?? []).length > 0) {
          throw new ValidationError('You cannot set security groups on a Network Load Balancer which was created without any security groups.');
        }
        const placed = await placeSecurityGroups(tx, scope, record.loadBalancer.VpcId ?? '', input.SecurityGroups, 'network');
        await setInterfaceGroups(tx, scope, record, placed);
        await putLoadBalancer(tx, scope, { ...record, loadBalancer: { ...record.loadBalancer, SecurityGroups: placed } });
        return placed;
      });
      changed();
      return { SecurityGroupIds: groups };
    },

    SetSubnets: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const zones = await store.write(async (tx) => {
        const record = await requireLoadBalancer(tx, scope, input.LoadBalancerArn ?? '');
        const placed = await placeSubnets(tx, scope, requestedSubnets(input.Subnets, input.SubnetMappings), typeOf(record), record.loadBalancer.Scheme ?? '');
        // Not verified: the wording; a load balancer stays in its VPC.
        if (placed.vpcId !== record.loadBalancer.VpcId) throw new ValidationError(`The subnets must belong to the load balancer's VPC '${record.loadBalancer.VpcId ?? ''}'`);
        const next = await replacePlacement(tx, scope, record, placed.subnets, record.loadBalancer.SecurityGroups ?? []);
        return next.loadBalancer.AvailabilityZones ?? [];
      });
      changed();
      return { AvailabilityZones: zones };
    },

    SetIpAddressType: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const type = await store.write(async (tx) => {
        const record = await requireLoadBalancer(tx, scope, input.LoadBalancerArn ?? '');
        const subnets: SubnetRecord[] = [];
        for (const zone of record.loadBalancer.AvailabilityZones ?? []) {
          const subnet = await tx.get('ec2.subnet', scope, zone.SubnetId ?? '');
          if (subnet) subnets.push(subnet);
        }
        const ipAddressType = checkIpAddressType(input.IpAddressType, subnets);
        await putLoadBalancer(tx, scope, { ...record, loadBalancer: { ...record.loadBalancer, IpAddressType: ipAddressType } });
        return ipAddressType;
      });
      changed();
      return { IpAddressType: type };
    },
  };
}
