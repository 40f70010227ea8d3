// What the ELBv2 API tests share: a server, the ELBv2 and EC2 clients, and a VPC of their own inside
// 10.71.0.0/16 (this suite's block) with an internet gateway and subnets in two Availability Zones.
import {
  AttachInternetGatewayCommand, CreateInternetGatewayCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client,
} from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startTestServer, type TestServer } from './harness.ts';

export interface Elbv2Lab {
  server: TestServer;
  elb: ElasticLoadBalancingV2Client;
  ec2: EC2Client;
  stop(): Promise<void>;
}

export async function startElbv2Lab(): Promise<Elbv2Lab> {
  const server = await startTestServer();
  const elb = new ElasticLoadBalancingV2Client(server.clientConfig);
  const ec2 = new EC2Client(server.clientConfig);
  return { server, elb, ec2, stop: () => server.stop() };
}

export interface TestVpc {
  vpcId: string;
  /** Two subnets, in us-east-1a and us-east-1b. */
  subnets: [string, string];
  /** A third subnet, in us-east-1a again. */
  sameZoneSubnet: string;
  securityGroupId: string;
}

/**
 * A VPC 10.71.<n>.0/24-sliced: `index` picks a /20 of 10.71.0.0/16 so tests in one file don't collide.
 * With `gateway` (default) it gets an attached internet gateway, as internet-facing load balancers need.
 */
export async function createTestVpc(ec2: EC2Client, index: number, gateway = true): Promise<TestVpc> {
  const base = index * 16;
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: `10.71.${base}.0/20` }));
  const vpcId = vpc.Vpc?.VpcId ?? '';
  if (gateway) {
    const igw = await ec2.send(new CreateInternetGatewayCommand({}));
    await ec2.send(new AttachInternetGatewayCommand({ VpcId: vpcId, InternetGatewayId: igw.InternetGateway?.InternetGatewayId ?? '' }));
  }
  const subnet = async (third: number, zone: string) => (await ec2.send(new CreateSubnetCommand({
    VpcId: vpcId, CidrBlock: `10.71.${base + third}.0/24`, AvailabilityZone: zone,
  }))).Subnet?.SubnetId ?? '';
  const a = await subnet(0, 'us-east-1a');
  const b = await subnet(1, 'us-east-1b');
  const c = await subnet(2, 'us-east-1a');
  const group = await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: `alb-${index}`, Description: 'load balancer' }));
  return { vpcId, subnets: [a, b], sameZoneSubnet: c, securityGroupId: group.GroupId ?? '' };
}
