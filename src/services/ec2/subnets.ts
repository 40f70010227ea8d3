// Subnets: CreateSubnet, DescribeSubnets, DeleteSubnet, ModifySubnetAttribute. A subnet's
// AvailableIpAddressCount is derived from the network interfaces that hold its addresses.
import type {
  AvailabilityZone,
  CreateSubnetRequest,
  CreateSubnetResult,
  DeleteSubnetRequest,
  DescribeSubnetsRequest,
  DescribeSubnetsResult,
  ModifySubnetAttributeRequest,
  Subnet,
} from '@aws-sdk/client-ec2';
import type { ServiceOperations } from '../../aws/service.ts';
import { availableIpAddressCount, formatIpv4Cidr, parseIpv4Cidr, validateSubnetCidrBlock } from './cidr.ts';
import { availabilityZonesOf } from './default-vpc.ts';
import { keepFiltered, pageOf, selectByIds } from './describe.ts';
import {
  invalidParameterCombination,
  invalidParameterValue,
  invalidSubnetAvailabilityZone,
  missingParameter,
  subnetDependencyViolation,
} from './errors.ts';
import { filterSubnets } from './filters.ts';
import { requireSubnet, requireVpc, SUBNET_IDS } from './lookups.ts';
import { readNetwork, writeNetwork, type Ec2Env, type NetworkCall } from './network-call.ts';
import { putSubnet, type SubnetRecord } from './records.ts';
import { unsupportedParameter } from './request-errors.ts';
import { tagMember, tagsFromSpecifications } from './tags.ts';
import { associateSubnetWithDefaultAcl, dropSubnetAssociations } from './vpc-components.ts';

/** CreateSubnet parameters for features Berth does not have (IPv6, IPAM pools, Outposts). */
const UNSUPPORTED_CREATE_SUBNET = [
  'Ipv6CidrBlock', 'Ipv4IpamPoolId', 'Ipv4NetmaskLength', 'Ipv6IpamPoolId', 'Ipv6NetmaskLength', 'OutpostArn',
] as const satisfies readonly (keyof CreateSubnetRequest)[];

/** The subnet as Describe shows it, given how many of its addresses network interfaces hold. */
export function subnetView(record: SubnetRecord, addressesInUse: number): Subnet {
  const cidr = parseIpv4Cidr(record.CidrBlock);
  return { ...record, AvailableIpAddressCount: cidr ? availableIpAddressCount(cidr, addressesInUse) : 0 };
}

/** How many addresses of each subnet network interfaces hold (one primary address per interface). */
export async function addressesInUseBySubnet(call: NetworkCall): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const eni of await call.tx.list('ec2.network-interface', call.scope)) counts.set(eni.parent, (counts.get(eni.parent) ?? 0) + 1);
  return counts;
}

/**
 * The zone a new subnet goes to. Named by AvailabilityZone or AvailabilityZoneId (both must then agree);
 * otherwise "we select one for you" (CreateSubnet docs): Berth takes the zone where the VPC has the fewest
 * subnets, the first such in zone order, so subnets created without a zone spread across zones.
 */
function chooseZone(region: string, input: CreateSubnetRequest, siblings: readonly SubnetRecord[]): AvailabilityZone {
  const zones = availabilityZonesOf(region);
  const names = zones.map((zone) => zone.ZoneName ?? '');
  let chosen: AvailabilityZone | undefined;
  if (input.AvailabilityZone !== undefined) {
    chosen = zones.find((zone) => zone.ZoneName === input.AvailabilityZone);
    if (!chosen) throw invalidSubnetAvailabilityZone(input.AvailabilityZone, names);
  }
  if (input.AvailabilityZoneId !== undefined) {
    const byId = zones.find((zone) => zone.ZoneId === input.AvailabilityZoneId);
    // Unverified text: AWS's availabilityZone message with the zone ids.
    if (!byId) {
      throw invalidParameterValue(`Value (${input.AvailabilityZoneId}) for parameter availabilityZoneId is invalid. `
        + `Subnets can currently only be created in the following availability zone ids: ${zones.map((zone) => zone.ZoneId ?? '').join(', ')}.`);
    }
    if (chosen && chosen !== byId) throw invalidParameterCombination('The AvailabilityZone and AvailabilityZoneId parameters name different zones.');
    chosen = byId;
  }
  if (chosen) return chosen;
  const used = (zone: AvailabilityZone) => siblings.filter((subnet) => subnet.AvailabilityZone === zone.ZoneName).length;
  const least = zones.reduce((best, zone) => (used(zone) < used(best) ? zone : best));
  return least;
}

export function subnetOperations(env: Ec2Env) {
  return {
    CreateSubnet: async (input: CreateSubnetRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const unsupported = UNSUPPORTED_CREATE_SUBNET.find((name) => input[name] !== undefined);
      if (unsupported !== undefined) throw unsupportedParameter('CreateSubnet', unsupported);
      if (input.Ipv6Native === true) throw unsupportedParameter('CreateSubnet', 'Ipv6Native');
      const vpc = await requireVpc(call, input.VpcId ?? '');
      if (input.CidrBlock === undefined) throw missingParameter('cidrBlock');
      const siblings = (await call.tx.list('ec2.subnet', call.scope, { parent: vpc.vpc.VpcId })).map((row) => row.body);
      const vpcCidrBlocks = (vpc.vpc.CidrBlockAssociationSet ?? [])
        .filter((association) => association.CidrBlockState?.State === 'associated')
        .map((association) => association.CidrBlock ?? '');
      const cidr = validateSubnetCidrBlock(input.CidrBlock, {
        vpcCidrBlocks: vpcCidrBlocks.length > 0 ? vpcCidrBlocks : [vpc.vpc.CidrBlock],
        siblingSubnetCidrBlocks: siblings.map((subnet) => subnet.CidrBlock),
      });
      const zone = chooseZone(call.ctx.region, input, siblings);
      const tags = tagsFromSpecifications(input.TagSpecifications, 'subnet');
      const subnetId = call.newId('subnet');
      const record: SubnetRecord = {
        SubnetId: subnetId,
        SubnetArn: call.arn('subnet', subnetId),
        VpcId: vpc.vpc.VpcId,
        OwnerId: call.accountId,
        State: 'available',
        CidrBlock: formatIpv4Cidr(cidr),
        AvailabilityZone: zone.ZoneName ?? '',
        AvailabilityZoneId: zone.ZoneId ?? '',
        DefaultForAz: false,
        // "By default, … nondefault subnets have the IPv4 public addressing attribute set to false" (Amazon VPC User Guide).
        MapPublicIpOnLaunch: false,
        MapCustomerOwnedIpOnLaunch: false,
        AssignIpv6AddressOnCreation: false,
        Ipv6CidrBlockAssociationSet: [],
        Ipv6Native: false,
        EnableDns64: false,
        PrivateDnsNameOptionsOnLaunch: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
        BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
        ...tagMember(tags),
      };
      await putSubnet(call.tx, call.scope, record);
      // "Each subnet … is automatically associated with the default network ACL" (Amazon VPC User Guide).
      await associateSubnetWithDefaultAcl(call, record.VpcId, subnetId);
      // CreateSubnet answers "State": "pending" (awscli/examples/ec2/create-subnet.rst); Describe shows it available.
      return { Subnet: { ...subnetView(record, 0), State: 'pending' } };
    }),

    DescribeSubnets: async (input: DescribeSubnetsRequest, ctx) => readNetwork(env, ctx, input.DryRun, async (call) => {
      const rows = selectByIds(await call.tx.list('ec2.subnet', call.scope), input.SubnetIds, SUBNET_IDS);
      const inUse = await addressesInUseBySubnet(call);
      const entries = rows.map((row) => ({ seq: row.seq, item: subnetView(row.body, inUse.get(row.id) ?? 0) }));
      const page = pageOf(keepFiltered(entries, (subnets) => filterSubnets(subnets, input.Filters)), input.MaxResults, input.NextToken);
      return { Subnets: page.items, NextToken: page.nextToken };
    }),

    DeleteSubnet: async (input: DeleteSubnetRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const subnet = await requireSubnet(call, input.SubnetId ?? '');
      // "You must terminate all running instances in the subnet before you can delete the subnet" (DeleteSubnet
      // docs): any network interface in it (a task's, a load balancer's) keeps it.
      if (await call.tx.count('ec2.network-interface', call.scope, { parent: subnet.SubnetId }) > 0) {
        throw subnetDependencyViolation(subnet.SubnetId);
      }
      await dropSubnetAssociations(call, subnet.VpcId, subnet.SubnetId);
      await call.tx.delete('ec2.subnet', call.scope, subnet.SubnetId);
      return {};
    }),

    ModifySubnetAttribute: async (input: ModifySubnetAttributeRequest, ctx) => writeNetwork(env, ctx, undefined, async (call) => {
      const subnet = await requireSubnet(call, input.SubnetId ?? '');
      if (input.AssignIpv6AddressOnCreation?.Value === true) throw unsupportedParameter('ModifySubnetAttribute', 'AssignIpv6AddressOnCreation');
      if (input.MapCustomerOwnedIpOnLaunch?.Value === true) throw unsupportedParameter('ModifySubnetAttribute', 'MapCustomerOwnedIpOnLaunch');
      for (const name of ['CustomerOwnedIpv4Pool', 'EnableLniAtDeviceIndex', 'DisableLniAtDeviceIndex'] as const) {
        if (input[name] !== undefined) throw unsupportedParameter('ModifySubnetAttribute', name);
      }
      const dns = { ...subnet.PrivateDnsNameOptionsOnLaunch };
      if (input.PrivateDnsHostnameTypeOnLaunch !== undefined) dns.HostnameType = input.PrivateDnsHostnameTypeOnLaunch;
      if (input.EnableResourceNameDnsARecordOnLaunch?.Value !== undefined) dns.EnableResourceNameDnsARecord = input.EnableResourceNameDnsARecordOnLaunch.Value;
      if (input.EnableResourceNameDnsAAAARecordOnLaunch?.Value !== undefined) dns.EnableResourceNameDnsAAAARecord = input.EnableResourceNameDnsAAAARecordOnLaunch.Value;
      await putSubnet(call.tx, call.scope, {
        ...subnet,
        MapPublicIpOnLaunch: input.MapPublicIpOnLaunch?.Value ?? subnet.MapPublicIpOnLaunch,
        EnableDns64: input.EnableDns64?.Value ?? subnet.EnableDns64,
        PrivateDnsNameOptionsOnLaunch: dns,
      });
      return {};
    }),
  } satisfies ServiceOperations<{
    CreateSubnet: [CreateSubnetRequest, CreateSubnetResult];
    DescribeSubnets: [DescribeSubnetsRequest, DescribeSubnetsResult];
    DeleteSubnet: [DeleteSubnetRequest, object];
    ModifySubnetAttribute: [ModifySubnetAttributeRequest, object];
  }>;
}
