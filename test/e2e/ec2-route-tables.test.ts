// EC2 route tables through the official SDK: the main table, default ACL and DHCP options every VPC comes with
// (what Terraform's aws_vpc reads), CreateRouteTable/associations/routes, DeleteVpc cleaning them up, tags,
// filters, pages, DryRun and AWS's error codes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AssociateRouteTableCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeDhcpOptionsCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  DisassociateRouteTableCommand,
  EC2Client,
  ReplaceRouteCommand,
  ReplaceRouteTableAssociationCommand,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { rejectsWith } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let ec2: EC2Client;
before(async () => {
  server = await startTestServer();
  ec2 = new EC2Client(server.clientConfig);
});
after(async () => { await server.stop(); });

function inRegion(region: string): EC2Client {
  return new EC2Client(server.clientConfigFor({ accessKeyId: 'test', secretAccessKey: 'test' }, region));
}

async function newVpc(client: EC2Client, cidr: string): Promise<string> {
  return (await client.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc?.VpcId ?? '';
}

async function mainTable(client: EC2Client, vpcId: string): Promise<RouteTable | undefined> {
  const { RouteTables } = await client.send(new DescribeRouteTablesCommand({
    Filters: [{ Name: 'association.main', Values: ['true'] }, { Name: 'vpc-id', Values: [vpcId] }],
  }));
  assert.equal(RouteTables?.length, 1);
  return RouteTables?.[0];
}

test('a new VPC has a main route table, a default ACL and the region default DHCP options, as Terraform reads them', async () => {
  const vpcId = await newVpc(ec2, '10.10.0.0/16');
  const table = await mainTable(ec2, vpcId);
  assert.match(table?.RouteTableId ?? '', /^rtb-[0-9a-f]{17}$/);
  assert.equal(table?.OwnerId, '123456789012');
  assert.deepEqual(table?.Routes, [{ DestinationCidrBlock: '10.10.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }]);
  assert.equal(table?.Associations?.length, 1);
  assert.equal(table?.Associations?.[0]?.Main, true);
  assert.match(table?.Associations?.[0]?.RouteTableAssociationId ?? '', /^rtbassoc-[0-9a-f]{17}$/);
  assert.equal(table?.Associations?.[0]?.SubnetId, undefined);

  const { NetworkAcls } = await ec2.send(new DescribeNetworkAclsCommand({
    Filters: [{ Name: 'default', Values: ['true'] }, { Name: 'vpc-id', Values: [vpcId] }],
  }));
  assert.equal(NetworkAcls?.length, 1);
  const acl = NetworkAcls?.[0];
  assert.match(acl?.NetworkAclId ?? '', /^acl-/);
  assert.equal(acl?.IsDefault, true);
  assert.deepEqual(acl?.Entries?.map((e) => [e.Egress, e.RuleNumber, e.RuleAction, e.Protocol, e.CidrBlock]), [
    [true, 100, 'allow', '-1', '0.0.0.0/0'], [true, 32767, 'deny', '-1', '0.0.0.0/0'],
    [false, 100, 'allow', '-1', '0.0.0.0/0'], [false, 32767, 'deny', '-1', '0.0.0.0/0'],
  ]);

  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({}));
  const dhcpIds = new Set(Vpcs?.map((vpc) => vpc.DhcpOptionsId));
  assert.equal(dhcpIds.size, 1, 'every VPC of the region uses the default set');
  const { DhcpOptions } = await ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [...dhcpIds].map(String) }));
  assert.deepEqual(DhcpOptions?.[0]?.DhcpConfigurations, [
    { Key: 'domain-name', Values: [{ Value: 'ec2.internal' }] },
    { Key: 'domain-name-servers', Values: [{ Value: 'AmazonProvidedDNS' }] },
  ]);
  const west = await inRegion('eu-west-3').send(new DescribeDhcpOptionsCommand({ Filters: [{ Name: 'key', Values: ['domain-name'] }] }));
  assert.equal(west.DhcpOptions?.[0]?.DhcpConfigurations?.[0]?.Values?.[0]?.Value, 'eu-west-3.compute.internal');
  await rejectsWith(ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: ['dopt-0123456789abcdef0'] })), 'InvalidDhcpOptionID.NotFound');
});

test('the default VPC routes 0.0.0.0/0 to its internet gateway, and its default subnets are in its default ACL', async () => {
  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
  const vpcId = Vpcs?.[0]?.VpcId ?? '';
  const table = await mainTable(ec2, vpcId);
  const toInternet = table?.Routes?.find((route) => route.DestinationCidrBlock === '0.0.0.0/0');
  assert.match(toInternet?.GatewayId ?? '', /^igw-/);
  assert.equal(toInternet?.State, 'active');
  // Default subnets use the main table implicitly: AWS lists only the Main association.
  assert.deepEqual(table?.Associations?.map((a) => a.Main), [true]);
  const { NetworkAcls } = await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  assert.equal(NetworkAcls?.[0]?.Associations?.length, 6, 'one association per default subnet of us-east-1');
  assert.match(NetworkAcls?.[0]?.Associations?.[0]?.NetworkAclAssociationId ?? '', /^aclassoc-/);
});

test('a route table is created, routed, associated, disassociated and deleted, with AWS errors on the way', async () => {
  const vpcId = await newVpc(ec2, '10.20.0.0/16');
  const { RouteTable: created } = await ec2.send(new CreateRouteTableCommand({
    VpcId: vpcId, TagSpecifications: [{ ResourceType: 'route-table', Tags: [{ Key: 'Name', Value: 'public' }] }],
  }));
  const tableId = created?.RouteTableId ?? '';
  assert.deepEqual(created?.Associations, []);
  assert.deepEqual(created?.Tags, [{ Key: 'Name', Value: 'public' }]);
  assert.deepEqual(created?.Routes?.map((r) => r.GatewayId), ['local']);

  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.0/24' }));
  const subnetId = Subnet?.SubnetId ?? '';
  const { AssociationId, AssociationState } = await ec2.send(new AssociateRouteTableCommand({ RouteTableId: tableId, SubnetId: subnetId }));
  assert.match(AssociationId ?? '', /^rtbassoc-/);
  assert.equal(AssociationState?.State, 'associated');
  await rejectsWith(ec2.send(new AssociateRouteTableCommand({ RouteTableId: tableId, SubnetId: subnetId })), 'Resource.AlreadyAssociated', 400,
    `the specified association for route table ${tableId} conflicts with an existing association`);
  const { RouteTables } = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }));
  assert.deepEqual(RouteTables?.map((t) => t.RouteTableId), [tableId]);

  const otherVpc = await newVpc(ec2, '10.21.0.0/16');
  const { Subnet: foreign } = await ec2.send(new CreateSubnetCommand({ VpcId: otherVpc, CidrBlock: '10.21.1.0/24' }));
  await rejectsWith(ec2.send(new AssociateRouteTableCommand({ RouteTableId: tableId, SubnetId: foreign?.SubnetId })), 'InvalidParameterValue', 400,
    /belong to different networks/);

  await rejectsWith(ec2.send(new DeleteRouteTableCommand({ RouteTableId: tableId })), 'DependencyViolation', 400,
    `The routeTable '${tableId}' has dependencies and cannot be deleted.`);
  await rejectsWith(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), 'DependencyViolation');
  await ec2.send(new DisassociateRouteTableCommand({ AssociationId }));
  await rejectsWith(ec2.send(new DisassociateRouteTableCommand({ AssociationId })), 'InvalidAssociationID.NotFound');
  await ec2.send(new DeleteRouteTableCommand({ RouteTableId: tableId }));
  await rejectsWith(ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [tableId] })), 'InvalidRouteTableID.NotFound', 400,
    `The routeTable ID '${tableId}' does not exist`);
  await rejectsWith(ec2.send(new DeleteRouteTableCommand({ RouteTableId: 'my-table' })), 'InvalidRouteTableId.Malformed');

  // The main table cannot be deleted or disassociated; DeleteVpc takes it, and the default ACL, along.
  const main = await mainTable(ec2, vpcId);
  await rejectsWith(ec2.send(new DeleteRouteTableCommand({ RouteTableId: main?.RouteTableId })), 'DependencyViolation');
  const mainAssociation = main?.Associations?.[0]?.RouteTableAssociationId ?? '';
  await rejectsWith(ec2.send(new DisassociateRouteTableCommand({ AssociationId: mainAssociation })), 'InvalidParameterValue', 400,
    `cannot disassociate the main route table association ${mainAssociation}`);
  await ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
  await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
  const left = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  assert.deepEqual(left.RouteTables, []);
  const acls = await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  assert.deepEqual(acls.NetworkAcls, []);
});

test('CreateRoute, ReplaceRoute and DeleteRoute keep one route per destination and protect the local route', async () => {
  const vpcId = await newVpc(ec2, '10.30.0.0/16');
  const { RouteTable } = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }));
  const RouteTableId = RouteTable?.RouteTableId ?? '';

  await rejectsWith(ec2.send(new CreateRouteCommand({ RouteTableId, DestinationCidrBlock: '10.30.0.0/16', GatewayId: 'local' })),
    'RouteAlreadyExists', 400, 'The route identified by 10.30.0.0/16 already exists.');
  await rejectsWith(ec2.send(new CreateRouteCommand({ RouteTableId, GatewayId: 'igw-0123456789abcdef0' })), 'MissingParameter', 400,
    'The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock');
  await rejectsWith(ec2.send(new CreateRouteCommand({ RouteTableId, DestinationCidrBlock: '::/0', GatewayId: 'igw-0123456789abcdef0' })),
    'InvalidParameterValue', 400, 'Value (::/0) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.');
  await rejectsWith(ec2.send(new CreateRouteCommand({ RouteTableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0123456789abcdef0' })),
    'InvalidGatewayID.NotFound', 400, "The gateway ID 'igw-0123456789abcdef0' does not exist");
  await rejectsWith(ec2.send(new CreateRouteCommand({ RouteTableId, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0123456789abcdef0' })),
    'NotImplemented', 501);
  await rejectsWith(ec2.send(new CreateRouteCommand({ RouteTableId: 'rtb-0123456789abcdef0', DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'local' })),
    'InvalidRouteTableID.NotFound');

  await rejectsWith(ec2.send(new DeleteRouteCommand({ RouteTableId, DestinationCidrBlock: '10.30.0.0/16' })), 'InvalidParameterValue', 400,
    /cannot remove local route/);
  await rejectsWith(ec2.send(new DeleteRouteCommand({ RouteTableId, DestinationCidrBlock: '0.0.0.0/0' })), 'InvalidRoute.NotFound');
  await rejectsWith(ec2.send(new ReplaceRouteCommand({ RouteTableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'local' })), 'InvalidParameterValue');
  // Resetting the local route to its own target is allowed.
  await ec2.send(new ReplaceRouteCommand({ RouteTableId, DestinationCidrBlock: '10.30.0.0/16', LocalTarget: true }));
  const { RouteTables } = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [RouteTableId] }));
  assert.deepEqual(RouteTables?.[0]?.Routes?.map((r) => [r.DestinationCidrBlock, r.GatewayId]), [['10.30.0.0/16', 'local']]);
});

test('ReplaceRouteTableAssociation on the main association makes another table the main one', async () => {
  const vpcId = await newVpc(ec2, '10.40.0.0/16');
  const original = await mainTable(ec2, vpcId);
  const { RouteTable } = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }));
  const { NewAssociationId } = await ec2.send(new ReplaceRouteTableAssociationCommand({
    AssociationId: original?.Associations?.[0]?.RouteTableAssociationId, RouteTableId: RouteTable?.RouteTableId,
  }));
  assert.match(NewAssociationId ?? '', /^rtbassoc-/);
  const now = await mainTable(ec2, vpcId);
  assert.equal(now?.RouteTableId, RouteTable?.RouteTableId);
  assert.equal(now?.Associations?.[0]?.RouteTableAssociationId, NewAssociationId);
  // The old main table is now an ordinary one, and may be deleted.
  await ec2.send(new DeleteRouteTableCommand({ RouteTableId: original?.RouteTableId }));

  const otherVpc = await newVpc(ec2, '10.41.0.0/16');
  const foreign = await mainTable(ec2, otherVpc);
  await rejectsWith(ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: NewAssociationId, RouteTableId: foreign?.RouteTableId })),
    'InvalidParameterValue', 400, /belong to different networks/);
});

test('route tables, ACLs and DHCP options take tags, filters, pages and DryRun', async () => {
  const region = inRegion('ap-south-1');
  const vpcId = await newVpc(region, '10.50.0.0/16');
  for (let i = 0; i < 5; i++) await region.send(new CreateRouteTableCommand({ VpcId: vpcId }));
  const first = await region.send(new DescribeRouteTablesCommand({ MaxResults: 5 }));
  assert.equal(first.RouteTables?.length, 5);
  const second = await region.send(new DescribeRouteTablesCommand({ MaxResults: 5, NextToken: first.NextToken }));
  assert.equal(second.RouteTables?.length, 2, 'two main tables and five more');
  assert.equal(second.NextToken, undefined);
  await rejectsWith(region.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })), 'InvalidParameterValue', 400,
    /The filter 'colour' is invalid/);

  const table = await mainTable(region, vpcId);
  const { NetworkAcls } = await region.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  const { DhcpOptions } = await region.send(new DescribeDhcpOptionsCommand({}));
  const ids = [table?.RouteTableId ?? '', NetworkAcls?.[0]?.NetworkAclId ?? '', DhcpOptions?.[0]?.DhcpOptionsId ?? ''];
  await region.send(new CreateTagsCommand({ Resources: ids, Tags: [{ Key: 'env', Value: 'lab' }] }));
  const { Tags } = await region.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['env'] }] }));
  assert.deepEqual(Tags?.map((t) => [t.ResourceType, t.ResourceId]).sort(), [
    ['dhcp-options', ids[2]], ['network-acl', ids[1]], ['route-table', ids[0]],
  ]);
  const tagged = await region.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'tag:env', Values: ['lab'] }] }));
  assert.deepEqual(tagged.RouteTables?.map((t) => t.RouteTableId), [ids[0]]);

  await rejectsWith(region.send(new CreateRouteTableCommand({ VpcId: vpcId, DryRun: true })), 'DryRunOperation', 412);
  await rejectsWith(region.send(new DescribeNetworkAclsCommand({ DryRun: true })), 'DryRunOperation', 412);
  const after = await region.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  assert.equal(after.RouteTables?.length, 6);
});
