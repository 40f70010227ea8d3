// VPCs: CreateVpc, DescribeVpcs, DeleteVpc, CreateDefaultVpc, and the DNS attributes
// (ModifyVpcAttribute, DescribeVpcAttribute).
import type {
  CreateDefaultVpcRequest,
  CreateDefaultVpcResult,
  CreateVpcRequest,
  CreateVpcResult,
  DeleteVpcRequest,
  DescribeVpcAttributeRequest,
  DescribeVpcAttributeResult,
  DescribeVpcsRequest,
  DescribeVpcsResult,
  ModifyVpcAttributeRequest,
  Vpc,
} from '@aws-sdk/client-ec2';
import type { ServiceOperations } from '../../aws/service.ts';
import { formatIpv4Cidr, validateVpcCidrBlock } from './cidr.ts';
import { createDefaultNetwork, createVpcDefaultSecurityGroup, findDefaultVpc, vpcAttributes } from './default-network.ts';
import { createVpcComponents, ensureDefaultDhcpOptions } from './vpc-components.ts';
import { DEFAULT_SECURITY_GROUP_NAME } from './default-vpc.ts';
import { keepFiltered, pageOf, selectByIds } from './describe.ts';
import { invalidParameterValue, missingParameter, vpcDependencyViolation } from './errors.ts';
import { filterVpcs } from './filters.ts';
import { requireVpc, VPC_IDS } from './lookups.ts';
import { readNetwork, writeNetwork, type Ec2Env, type NetworkCall } from './network-call.ts';
import { MAIN_KEY, putVpc, type VpcAttributes, type VpcRecord } from './records.ts';
import { defaultVpcAlreadyExists, unsupportedParameter } from './request-errors.ts';
import { tagMember, tagsFromSpecifications } from './tags.ts';

/** CreateVpc parameters for features Berth does not have (IPv6, IPAM pools, encryption control). */
const UNSUPPORTED_CREATE_VPC = [
  'AmazonProvidedIpv6CidrBlock', 'Ipv6Pool', 'Ipv6CidrBlock', 'Ipv6CidrBlockNetworkBorderGroup', 'Ipv4IpamPoolId',
  'Ipv4NetmaskLength', 'Ipv6IpamPoolId', 'Ipv6NetmaskLength', 'VpcEncryptionControl',
] as const satisfies readonly (keyof CreateVpcRequest)[];

/** The VPC as Describe shows it. */
function vpcView(record: VpcRecord): Vpc {
  return { ...record.vpc };
}

/**
 * The checks DeleteVpc makes: "You must detach or delete all gateways and resources that are associated with
 * the VPC before you can delete it … delete all security groups associated with the VPC (except the default
 * one), delete all route tables associated with the VPC (except the default one)" (DeleteVpc docs). An
 * attached internet gateway counts, even the default VPC's (hashicorp/terraform-provider-aws#23488).
 */
async function assertDeletable(call: NetworkCall, vpcId: string): Promise<void> {
  if (await call.tx.count('ec2.subnet', call.scope, { parent: vpcId }) > 0) throw vpcDependencyViolation(vpcId);
  const groups = await call.tx.list('ec2.security-group', call.scope, { parent: vpcId });
  if (groups.some((group) => group.name !== DEFAULT_SECURITY_GROUP_NAME)) throw vpcDependencyViolation(vpcId);
  if (await call.tx.count('ec2.network-interface', call.scope, { name: vpcId }) > 0) throw vpcDependencyViolation(vpcId);
  const tables = await call.tx.list('ec2.route-table', call.scope, { parent: vpcId });
  if (tables.some((table) => table.name !== MAIN_KEY)) throw vpcDependencyViolation(vpcId);
  if (await call.tx.count('ec2.internet-gateway', call.scope, { parent: vpcId }) > 0) throw vpcDependencyViolation(vpcId);
}

/**
 * Deletes what the VPC was created with ("When you delete the VPC, it deletes the default security group,
 * network ACL, and route table for the VPC", DeleteVpc docs), then the VPC.
 */
async function deleteVpcRecords(call: NetworkCall, vpcId: string): Promise<void> {
  for (const group of await call.tx.list('ec2.security-group', call.scope, { parent: vpcId })) {
    for (const rule of await call.tx.list('ec2.security-group-rule', call.scope, { parent: group.id })) {
      await call.tx.delete('ec2.security-group-rule', call.scope, rule.id);
    }
    await call.tx.delete('ec2.security-group', call.scope, group.id);
  }
  for (const table of await call.tx.list('ec2.route-table', call.scope, { parent: vpcId })) await call.tx.delete('ec2.route-table', call.scope, table.id);
  for (const acl of await call.tx.list('ec2.network-acl', call.scope, { parent: vpcId })) await call.tx.delete('ec2.network-acl', call.scope, acl.id);
  await call.tx.delete('ec2.vpc', call.scope, vpcId);
}

/** Each attribute's DescribeVpcAttribute name (`Attribute`) and its member in Modify/DescribeVpcAttribute. */
const ATTRIBUTE_MEMBERS: readonly (readonly [keyof VpcAttributes, 'EnableDnsSupport' | 'EnableDnsHostnames' | 'EnableNetworkAddressUsageMetrics'])[] = [
  ['enableDnsSupport', 'EnableDnsSupport'],
  ['enableDnsHostnames', 'EnableDnsHostnames'],
  ['enableNetworkAddressUsageMetrics', 'EnableNetworkAddressUsageMetrics'],
];

export function vpcOperations(env: Ec2Env) {
  return {
    CreateVpc: async (input: CreateVpcRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const unsupported = UNSUPPORTED_CREATE_VPC.find((name) => input[name] !== undefined);
      if (unsupported !== undefined) throw unsupportedParameter('CreateVpc', unsupported);
      if (input.CidrBlock === undefined) throw missingParameter('cidrBlock');
      const cidrBlock = formatIpv4Cidr(validateVpcCidrBlock(input.CidrBlock));
      const tags = tagsFromSpecifications(input.TagSpecifications, 'vpc');
      const vpcId = call.newId('vpc');
      const record: VpcRecord = {
        vpc: {
          VpcId: vpcId,
          OwnerId: call.accountId,
          CidrBlock: cidrBlock,
          // A new VPC uses the region's default DHCP option set, as the default VPC does.
          DhcpOptionsId: await ensureDefaultDhcpOptions(call),
          State: 'available',
          InstanceTenancy: input.InstanceTenancy ?? 'default',
          IsDefault: false,
          CidrBlockAssociationSet: [
            { AssociationId: call.newId('vpc-cidr-assoc'), CidrBlock: cidrBlock, CidrBlockState: { State: 'associated' } },
          ],
          Ipv6CidrBlockAssociationSet: [],
          BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
          ...tagMember(tags),
        },
        attributes: vpcAttributes(false),
      };
      await putVpc(call.tx, call.scope, record);
      // "When you create a VPC, it automatically comes with a default security group" (Amazon VPC User Guide).
      await createVpcDefaultSecurityGroup(call, vpcId);
      await createVpcComponents(call, vpcId, cidrBlock);
      // CreateVpc answers "State": "pending" and "Tags": [] even without tags (awscli/examples/ec2/create-vpc.rst).
      return { Vpc: { ...vpcView(record), State: 'pending', Tags: tags } };
    }),

    DescribeVpcs: async (input: DescribeVpcsRequest, ctx) => readNetwork(env, ctx, input.DryRun, async (call) => {
      const rows = selectByIds(await call.tx.list('ec2.vpc', call.scope), input.VpcIds, VPC_IDS);
      const entries = rows.map((row) => ({ seq: row.seq, item: vpcView(row.body) }));
      const page = pageOf(keepFiltered(entries, (vpcs) => filterVpcs(vpcs, input.Filters)), input.MaxResults, input.NextToken);
      return { Vpcs: page.items, NextToken: page.nextToken };
    }),

    DeleteVpc: async (input: DeleteVpcRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const vpcId = input.VpcId ?? '';
      await requireVpc(call, vpcId);
      await assertDeletable(call, vpcId);
      await deleteVpcRecords(call, vpcId);
      return {};
    }),

    CreateDefaultVpc: async (input: CreateDefaultVpcRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      // "You cannot have more than one default VPC per Region." (CreateDefaultVpc docs)
      if (await findDefaultVpc(call)) throw defaultVpcAlreadyExists();
      const { vpc } = await createDefaultNetwork(call);
      return { Vpc: { ...vpcView(vpc), State: 'pending' } };
    }),

    ModifyVpcAttribute: async (input: ModifyVpcAttributeRequest, ctx) => writeNetwork(env, ctx, undefined, async (call) => {
      const record = await requireVpc(call, input.VpcId ?? '');
      const attributes = { ...record.attributes };
      for (const [attribute, member] of ATTRIBUTE_MEMBERS) {
        const value = input[member]?.Value;
        if (value !== undefined) attributes[attribute] = value;
      }
      await putVpc(call.tx, call.scope, { ...record, attributes });
      return {};
    }),

    DescribeVpcAttribute: async (input: DescribeVpcAttributeRequest, ctx) => readNetwork(env, ctx, input.DryRun, async (call) => {
      const record = await requireVpc(call, input.VpcId ?? '');
      const entry = ATTRIBUTE_MEMBERS.find(([attribute]) => attribute === input.Attribute);
      if (!entry) throw invalidParameterValue(`Value (${String(input.Attribute)}) for parameter attribute is invalid.`);
      const [attribute, member] = entry;
      return { VpcId: record.vpc.VpcId, [member]: { Value: record.attributes[attribute] } };
    }),
  } satisfies ServiceOperations<{
    CreateVpc: [CreateVpcRequest, CreateVpcResult];
    DescribeVpcs: [DescribeVpcsRequest, DescribeVpcsResult];
    DeleteVpc: [DeleteVpcRequest, object];
    CreateDefaultVpc: [CreateDefaultVpcRequest, CreateDefaultVpcResult];
    ModifyVpcAttribute: [ModifyVpcAttributeRequest, object];
    DescribeVpcAttribute: [DescribeVpcAttributeRequest, DescribeVpcAttributeResult];
  }>;
}
