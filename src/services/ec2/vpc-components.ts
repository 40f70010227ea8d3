// What every VPC is created with besides its default security group: the main route table with its `local`
// route, the default network ACL, and the region's default DHCP option set; plus, for the default VPC, an
// attached internet gateway and a 0.0.0.0/0 route to it ("Default VPCs", Amazon VPC User Guide). Recorded
// only: nothing is made in Linux here.
import type { DhcpConfiguration, NetworkAclEntry, Route } from '@aws-sdk/client-ec2';
import type { NetworkCall } from './network-call.ts';
import {
  ATTACHED,
  MAIN_KEY,
  putDhcpOptions,
  putInternetGateway,
  putNetworkAcl,
  putRouteTable,
  type DhcpOptionsRecord,
  type NetworkAclRecord,
  type RouteTableRecord,
} from './records.ts';

const SCOPE_ID = 'network';

/** The route every route table has for its VPC's block: "local", made by CreateRouteTable (awscli examples). */
export function localRoute(vpcCidrBlock: string): Route {
  return { DestinationCidrBlock: vpcCidrBlock, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' };
}

/** A new, empty route table of a VPC (CreateRouteTable, and the main table CreateVpc makes). */
export function newRouteTable(call: NetworkCall, vpcId: string, vpcCidrBlock: string): RouteTableRecord {
  return {
    RouteTableId: call.newId('rtb'),
    VpcId: vpcId,
    OwnerId: call.accountId,
    Routes: [localRoute(vpcCidrBlock)],
    Associations: [],
    PropagatingVgws: [],
  };
}

/**
 * The default ACL's entries as DescribeNetworkAcls lists them: rule 100 allows and rule 32767 ("*") denies all
 * traffic, egress first then ingress (awscli/examples/ec2/describe-network-acls.rst).
 */
export function defaultAclEntries(): NetworkAclEntry[] {
  const entries: NetworkAclEntry[] = [];
  for (const Egress of [true, false]) {
    entries.push({ CidrBlock: '0.0.0.0/0', Egress, Protocol: '-1', RuleAction: 'allow', RuleNumber: 100 });
    entries.push({ CidrBlock: '0.0.0.0/0', Egress, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 });
  }
  return entries;
}

/**
 * The default set's options: domain-name "ec2.internal" in us-east-1 and "<region>.compute.internal"
 * elsewhere, with AmazonProvidedDNS ("DHCP option sets", Amazon VPC User Guide).
 */
export function defaultDhcpConfigurations(region: string): DhcpConfiguration[] {
  const domainName = region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
  return [
    { Key: 'domain-name', Values: [{ Value: domainName }] },
    { Key: 'domain-name-servers', Values: [{ Value: 'AmazonProvidedDNS' }] },
  ];
}

/**
 * The region's default DHCP option set, made with its default network and kept when the default VPC is
 * deleted (AWS keeps it too), so every VPC of the region shares it. Made here for stores that predate it.
 */
export async function ensureDefaultDhcpOptions(call: NetworkCall): Promise<string> {
  const scope = await call.tx.get('ec2.network-scope', call.scope, SCOPE_ID);
  const existing = scope?.defaultDhcpOptionsId;
  if (existing !== undefined && (await call.tx.get('ec2.dhcp-options', call.scope, existing))) return existing;
  const record: DhcpOptionsRecord = {
    DhcpOptionsId: call.newId('dopt'),
    OwnerId: call.accountId,
    DhcpConfigurations: defaultDhcpConfigurations(call.ctx.region),
  };
  await putDhcpOptions(call.tx, call.scope, record);
  await call.tx.put('ec2.network-scope', call.scope, {
    id: SCOPE_ID,
    body: { defaultNetworkCreatedAt: scope?.defaultNetworkCreatedAt ?? call.ctx.now, defaultDhcpOptionsId: record.DhcpOptionsId },
  });
  return record.DhcpOptionsId;
}

/** Stores a new VPC's main route table and default network ACL; returns the main table. */
export async function createVpcComponents(call: NetworkCall, vpcId: string, vpcCidrBlock: string): Promise<RouteTableRecord> {
  const table = newRouteTable(call, vpcId, vpcCidrBlock);
  table.Associations.push({
    Main: true,
    RouteTableAssociationId: call.newId('rtbassoc'),
    RouteTableId: table.RouteTableId,
    AssociationState: { State: 'associated' },
  });
  await putRouteTable(call.tx, call.scope, table);
  const acl: NetworkAclRecord = {
    NetworkAclId: call.newId('acl'),
    VpcId: vpcId,
    OwnerId: call.accountId,
    IsDefault: true,
    Entries: defaultAclEntries(),
    Associations: [],
  };
  await putNetworkAcl(call.tx, call.scope, acl);
  return table;
}

/** The default VPC's internet gateway, attached, and its 0.0.0.0/0 route in the main table. */
export async function attachDefaultInternetGateway(call: NetworkCall, vpcId: string, mainTable: RouteTableRecord): Promise<void> {
  const gatewayId = call.newId('igw');
  await putInternetGateway(call.tx, call.scope, {
    InternetGatewayId: gatewayId,
    OwnerId: call.accountId,
    Attachments: [{ VpcId: vpcId, State: ATTACHED }],
  });
  const route: Route = { DestinationCidrBlock: '0.0.0.0/0', GatewayId: gatewayId, Origin: 'CreateRoute', State: 'active' };
  await putRouteTable(call.tx, call.scope, { ...mainTable, Routes: [...mainTable.Routes, route] });
}

/** The VPC's default ACL (every subnet starts in it). */
export async function findDefaultAcl(call: NetworkCall, vpcId: string): Promise<NetworkAclRecord | undefined> {
  const [row] = await call.tx.list('ec2.network-acl', call.scope, { parent: vpcId, name: MAIN_KEY, limit: 1 });
  return row?.body;
}

/** Puts a new subnet in its VPC's default ACL, with an `aclassoc-` association as AWS lists it. */
export async function associateSubnetWithDefaultAcl(call: NetworkCall, vpcId: string, subnetId: string): Promise<void> {
  const acl = await findDefaultAcl(call, vpcId);
  if (!acl) return; // a VPC stored before Berth kept ACLs
  const association = { NetworkAclAssociationId: call.newId('aclassoc'), NetworkAclId: acl.NetworkAclId, SubnetId: subnetId };
  await putNetworkAcl(call.tx, call.scope, { ...acl, Associations: [...acl.Associations, association] });
}

/** Removes a deleted subnet's ACL and route table associations (AWS drops them with the subnet). */
export async function dropSubnetAssociations(call: NetworkCall, vpcId: string, subnetId: string): Promise<void> {
  for (const row of await call.tx.list('ec2.network-acl', call.scope, { parent: vpcId })) {
    const kept = row.body.Associations.filter((association) => association.SubnetId !== subnetId);
    if (kept.length !== row.body.Associations.length) await putNetworkAcl(call.tx, call.scope, { ...row.body, Associations: kept });
  }
  for (const row of await call.tx.list('ec2.route-table', call.scope, { parent: vpcId })) {
    const kept = row.body.Associations.filter((association) => association.SubnetId !== subnetId);
    if (kept.length !== row.body.Associations.length) await putRouteTable(call.tx, call.scope, { ...row.body, Associations: kept });
  }
}
