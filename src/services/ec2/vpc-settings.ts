// The parts of a VPC Berth makes but does not let users change yet: DescribeNetworkAcls (each VPC's default
// ACL) and DescribeDhcpOptions (the region's default option set).
import type {
  DhcpOptions,
  DescribeDhcpOptionsRequest,
  DescribeDhcpOptionsResult,
  DescribeNetworkAclsRequest,
  DescribeNetworkAclsResult,
  NetworkAcl,
} from '@aws-sdk/client-ec2';
import type { ServiceOperations } from '../../aws/service.ts';
import { keepFiltered, pageOf, selectByIds } from './describe.ts';
import { DHCP_OPTIONS_IDS, NETWORK_ACL_IDS } from './lookups.ts';
import { readNetwork, type Ec2Env } from './network-call.ts';
import type { DhcpOptionsRecord, NetworkAclRecord } from './records.ts';
import { filterDhcpOptions, filterNetworkAcls } from './routing-filters.ts';

/** Typed as the SDK's shapes, so the filters take them. */
function aclView(record: NetworkAclRecord): NetworkAcl {
  return { ...record };
}

function dhcpOptionsView(record: DhcpOptionsRecord): DhcpOptions {
  return { ...record };
}

export function vpcSettingOperations(env: Ec2Env) {
  return {
    DescribeNetworkAcls: async (input: DescribeNetworkAclsRequest, ctx) => readNetwork(env, ctx, input.DryRun, async (call) => {
      const rows = selectByIds(await call.tx.list('ec2.network-acl', call.scope), input.NetworkAclIds, NETWORK_ACL_IDS);
      const entries = rows.map((row) => ({ seq: row.seq, item: aclView(row.body) }));
      const page = pageOf(keepFiltered(entries, (acls) => filterNetworkAcls(acls, input.Filters)), input.MaxResults, input.NextToken);
      return { NetworkAcls: page.items, NextToken: page.nextToken };
    }),

    DescribeDhcpOptions: async (input: DescribeDhcpOptionsRequest, ctx) => readNetwork(env, ctx, input.DryRun, async (call) => {
      const rows = selectByIds(await call.tx.list('ec2.dhcp-options', call.scope), input.DhcpOptionsIds, DHCP_OPTIONS_IDS);
      const entries = rows.map((row) => ({ seq: row.seq, item: dhcpOptionsView(row.body) }));
      const page = pageOf(keepFiltered(entries, (sets) => filterDhcpOptions(sets, input.Filters)), input.MaxResults, input.NextToken);
      return { DhcpOptions: page.items, NextToken: page.nextToken };
    }),
  } satisfies ServiceOperations<{
    DescribeNetworkAcls: [DescribeNetworkAclsRequest, DescribeNetworkAclsResult];
    DescribeDhcpOptions: [DescribeDhcpOptionsRequest, DescribeDhcpOptionsResult];
  }>;
}
