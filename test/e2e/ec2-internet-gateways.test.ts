// EC2 internet gateways through the official SDK: create, attach, route to, detach and delete, with the
// errors AWS answers for each wrong order, tags, filters and DryRun.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DeleteVpcCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DetachInternetGatewayCommand,
  EC2Client,
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

async function newVpc(cidr: string): Promise<string> {
  return (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc?.VpcId ?? '';
}

async function newGateway(name?: string): Promise<string> {
  const tags = name === undefined ? undefined : [{ ResourceType: 'internet-gateway' as const, Tags: [{ Key: 'Name', Value: name }] }];
  return (await ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: tags }))).InternetGateway?.InternetGatewayId ?? '';
}

test('CreateInternetGateway answers a detached gateway with its tags; Describe finds it by id and filters', async () => {
  const { InternetGateway } = await ec2.send(new CreateInternetGatewayCommand({
    TagSpecifications: [{ ResourceType: 'internet-gateway', Tags: [{ Key: 'Name', Value: 'edge' }] }],
  }));
  const gatewayId = InternetGateway?.InternetGatewayId ?? '';
  assert.match(gatewayId, /^igw-[0-9a-f]{17}$/);
  assert.deepEqual(InternetGateway?.Attachments, []);
  assert.equal(InternetGateway?.OwnerId, '123456789012');
  assert.deepEqual(InternetGateway?.Tags, [{ Key: 'Name', Value: 'edge' }]);
  const untagged = await ec2.send(new CreateInternetGatewayCommand({}));
  assert.deepEqual(untagged.InternetGateway?.Tags, []);

  const byId = await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [gatewayId] }));
  assert.equal(byId.InternetGateways?.[0]?.InternetGatewayId, gatewayId);
  const byTag = await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'tag:Name', Values: ['ed*'] }] }));
  assert.deepEqual(byTag.InternetGateways?.map((g) => g.InternetGatewayId), [gatewayId]);
  await rejectsWith(ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: ['igw-0123456789abcdef0'] })),
    'InvalidInternetGatewayID.NotFound', 400, "The internetGateway ID 'igw-0123456789abcdef0' does not exist");
  await rejectsWith(ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: ['gateway'] })), 'InvalidInternetGatewayId.Malformed');
  await rejectsWith(ec2.send(new CreateInternetGatewayCommand({ DryRun: true })), 'DryRunOperation', 412);
});

test('a gateway attaches to one VPC, a VPC takes one gateway, and neither goes while attached', async () => {
  const vpcId = await newVpc('10.60.0.0/16');
  const gatewayId = await newGateway('main');
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: gatewayId, VpcId: vpcId }));
  const { InternetGateways } = await ec2.send(new DescribeInternetGatewaysCommand({
    Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }, { Name: 'attachment.state', Values: ['available'] }],
  }));
  assert.deepEqual(InternetGateways?.[0]?.Attachments, [{ VpcId: vpcId, State: 'available' }]);

  await rejectsWith(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: gatewayId, VpcId: vpcId })), 'Resource.AlreadyAssociated', 400,
    `resource ${gatewayId} is already attached to network ${vpcId}`);
  const second = await newGateway();
  await rejectsWith(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: second, VpcId: vpcId })), 'InvalidParameterValue', 400,
    `Network ${vpcId} already has an internet gateway attached`);
  await rejectsWith(ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: gatewayId })), 'DependencyViolation', 400,
    `The internetGateway '${gatewayId}' has dependencies and cannot be deleted.`);
  await rejectsWith(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), 'DependencyViolation');

  const otherVpc = await newVpc('10.61.0.0/16');
  await rejectsWith(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: gatewayId, VpcId: otherVpc })), 'Gateway.NotAttached');
  await rejectsWith(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: second, VpcId: 'vpc-0123456789abcdef0' })), 'InvalidVpcID.NotFound');

  await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: gatewayId, VpcId: vpcId }));
  await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: gatewayId }));
  await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
  await rejectsWith(ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: gatewayId })), 'InvalidInternetGatewayID.NotFound');
});

test('a route to a gateway needs it attached to the table VPC, and turns blackhole when it is detached', async () => {
  const vpcId = await newVpc('10.70.0.0/16');
  const { RouteTable } = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }));
  const RouteTableId = RouteTable?.RouteTableId ?? '';
  const gatewayId = await newGateway();
  await rejectsWith(ec2.send(new CreateRouteCommand({ RouteTableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: gatewayId })),
    'InvalidParameterValue', 400, `route table ${RouteTableId} and network gateway ${gatewayId} belong to different networks`);
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: gatewayId, VpcId: vpcId }));
  const { Return } = await ec2.send(new CreateRouteCommand({ RouteTableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: gatewayId }));
  assert.equal(Return, true);
  await rejectsWith(ec2.send(new CreateRouteCommand({ RouteTableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: gatewayId })),
    'RouteAlreadyExists', 400, 'The route identified by 0.0.0.0/0 already exists.');
  // Inside the VPC's own block only interfaces may be targets.
  await rejectsWith(ec2.send(new CreateRouteCommand({ RouteTableId, DestinationCidrBlock: '10.70.1.0/24', GatewayId: gatewayId })),
    'InvalidParameterValue');

  const routes = async () => (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [RouteTableId] }))).RouteTables?.[0]?.Routes;
  assert.deepEqual((await routes())?.[1], { DestinationCidrBlock: '0.0.0.0/0', GatewayId: gatewayId, Origin: 'CreateRoute', State: 'active' });
  const { RouteTables } = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'route.gateway-id', Values: [gatewayId] }] }));
  assert.deepEqual(RouteTables?.map((t) => t.RouteTableId), [RouteTableId]);

  await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: gatewayId, VpcId: vpcId }));
  assert.equal((await routes())?.[1]?.State, 'blackhole');
});
