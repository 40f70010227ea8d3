// ELBv2 load balancers through the AWS SDK: create (application and network, internet-facing and internal),
// describe (ARNs, names, paging), attributes, security groups, subnets, ENIs, deletion protection, delete.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateSecurityGroupCommand, DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand, DeleteLoadBalancerCommand, DescribeLoadBalancerAttributesCommand, DescribeLoadBalancersCommand,
  ModifyLoadBalancerAttributesCommand, SetIpAddressTypeCommand, SetSecurityGroupsCommand, SetSubnetsCommand, waitUntilLoadBalancerAvailable,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { rejects } from './aws-errors.ts';
import { createTestVpc, startElbv2Lab, type Elbv2Lab, type TestVpc } from './elbv2-support.ts';

describe('ELBv2 load balancers', () => {
  let lab: Elbv2Lab;
  let vpc: TestVpc;
  before(async () => {
    lab = await startElbv2Lab();
    vpc = await createTestVpc(lab.ec2, 0);
  });
  after(async () => lab.stop());

  test('CreateLoadBalancer answers an application load balancer that becomes active', async () => {
    const out = await lab.elb.send(new CreateLoadBalancerCommand({
      Name: 'api-alb', Subnets: vpc.subnets, SecurityGroups: [vpc.securityGroupId], Scheme: 'internet-facing', Type: 'application',
      Tags: [{ Key: 'team', Value: 'web' }],
    }));
    assert.equal(out.$metadata.httpStatusCode, 200);
    const lb = out.LoadBalancers?.[0];
    assert.ok(lb);
    assert.match(lb.LoadBalancerArn ?? '', /^arn:aws:elasticloadbalancing:us-east-1:\d{12}:loadbalancer\/app\/api-alb\/[0-9a-f]{16}$/);
    assert.match(lb.DNSName ?? '', /^api-alb-[1-9]\d{9}\.us-east-1\.elb\.localhost$/);
    assert.equal(lb.CanonicalHostedZoneId, 'Z35SXDOTRQ7X7K');
    assert.equal(lb.State?.Code, 'provisioning');
    assert.equal(lb.Scheme, 'internet-facing');
    assert.equal(lb.VpcId, vpc.vpcId);
    assert.equal(lb.IpAddressType, 'ipv4');
    assert.deepEqual(lb.SecurityGroups, [vpc.securityGroupId]);
    assert.deepEqual(lb.AvailabilityZones?.map((z) => [z.ZoneName, z.SubnetId]), [['us-east-1a', vpc.subnets[0]], ['us-east-1b', vpc.subnets[1]]]);
    assert.ok(lb.CreatedTime instanceof Date);

    const started = Date.now();
    await waitUntilLoadBalancerAvailable({ client: lab.elb, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { LoadBalancerArns: [lb.LoadBalancerArn ?? ''] });
    assert.ok(Date.now() - started < 10_000);
    const described = await lab.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb.LoadBalancerArn ?? ''] }));
    assert.equal(described.LoadBalancers?.[0]?.State?.Code, 'active');

    // One ELB-managed interface per subnet, with the load balancer's groups.
    const enis = await lab.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.vpcId] }] }));
    const mine = (enis.NetworkInterfaces ?? []).filter((eni) => eni.Description === `ELB app/api-alb/${lb.LoadBalancerArn?.split('/').pop() ?? ''}`);
    assert.equal(mine.length, 2);
    for (const eni of mine) {
      assert.equal(eni.RequesterId, 'amazon-elb');
      assert.equal(eni.RequesterManaged, true);
      assert.equal(eni.InterfaceType, 'interface');
      assert.equal(eni.Status, 'in-use');
      assert.deepEqual(eni.Groups?.map((g) => g.GroupId), [vpc.securityGroupId]);
    }

    // Creating it again with the same settings answers the same load balancer; different settings are refused.
    const again = await lab.elb.send(new CreateLoadBalancerCommand({ Name: 'api-alb', Subnets: vpc.subnets, SecurityGroups: [vpc.securityGroupId] }));
    assert.equal(again.LoadBalancers?.[0]?.LoadBalancerArn, lb.LoadBalancerArn);
    await rejects(lab.elb.send(new CreateLoadBalancerCommand({ Name: 'api-alb', Subnets: vpc.subnets, Scheme: 'internal' })),
      'DuplicateLoadBalancerName', "A load balancer with the same name 'api-alb' exists, but with different settings");
  });

  test('an internal ALB without security groups gets the VPC default group; a network load balancer its own zone', async () => {
    const internal = (await lab.elb.send(new CreateLoadBalancerCommand({ Name: 'inner', Subnets: vpc.subnets, Scheme: 'internal' }))).LoadBalancers?.[0];
    assert.match(internal?.DNSName ?? '', /^internal-inner-\d{10}\.us-east-1\.elb\.localhost$/);
    assert.equal(internal?.SecurityGroups?.length, 1);
    assert.match(internal?.SecurityGroups?.[0] ?? '', /^sg-/);
    assert.notEqual(internal?.SecurityGroups?.[0], vpc.securityGroupId);
    const attrs = await lab.elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: internal?.LoadBalancerArn }));
    assert.equal(attrs.Attributes?.find((a) => a.Key === 'ipv6.deny_all_igw_traffic')?.Value, 'true');

    const nlb = (await lab.elb.send(new CreateLoadBalancerCommand({ Name: 'tcp-nlb', Type: 'network', SubnetMappings: [{ SubnetId: vpc.subnets[0] }] }))).LoadBalancers?.[0];
    assert.match(nlb?.LoadBalancerArn ?? '', /:loadbalancer\/net\/tcp-nlb\/[0-9a-f]{16}$/);
    assert.equal(nlb?.CanonicalHostedZoneId, 'Z26RNL4JYFTOTI');
    assert.equal(nlb?.Type, 'network');
    assert.equal(nlb?.SecurityGroups, undefined);
    const nlbAttrs = await lab.elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: nlb?.LoadBalancerArn }));
    assert.equal(nlbAttrs.Attributes?.find((a) => a.Key === 'load_balancing.cross_zone.enabled')?.Value, 'false');
    assert.equal(nlbAttrs.Attributes?.find((a) => a.Key === 'idle_timeout.timeout_seconds'), undefined);
    await lab.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: nlb?.LoadBalancerArn }));
    await lab.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: internal?.LoadBalancerArn }));
  });

  test('CreateLoadBalancer refuses what AWS refuses', async () => {
    await rejects(lab.elb.send(new CreateLoadBalancerCommand({ Name: 'one-zone', Subnets: [vpc.subnets[0]] })),
      'ValidationError', 'At least two subnets in two different Availability Zones must be specified');
    await rejects(lab.elb.send(new CreateLoadBalancerCommand({ Name: 'same-zone', Subnets: [vpc.subnets[0], vpc.sameZoneSubnet] })),
      'InvalidConfigurationRequest', 'A load balancer cannot be attached to multiple subnets in the same Availability Zone');
    await rejects(lab.elb.send(new CreateLoadBalancerCommand({ Name: 'nosubnet', Subnets: [vpc.subnets[0], 'subnet-0123456789abcdef0'] })),
      'SubnetNotFound', 'InvalidSubnetID.NotFound');
    await rejects(lab.elb.send(new CreateLoadBalancerCommand({ Name: 'nosg', Subnets: vpc.subnets, SecurityGroups: ['sg-0123456789abcdef0'] })),
      'InvalidSecurityGroup', "The security group 'sg-0123456789abcdef0' does not exist");
    await rejects(lab.elb.send(new CreateLoadBalancerCommand({ Name: '-bad', Subnets: vpc.subnets })), 'ValidationError');
    const closed = await createTestVpc(lab.ec2, 1, false);
    await rejects(lab.elb.send(new CreateLoadBalancerCommand({ Name: 'no-igw', Subnets: closed.subnets })),
      'InvalidSubnet', `VPC ${closed.vpcId} has no internet gateway`);
  });

  test('DescribeLoadBalancers finds by ARN and name, pages, and says what it cannot find', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await lab.elb.send(new CreateLoadBalancerCommand({ Name: name, Subnets: vpc.subnets, Scheme: 'internal' }));
    const byName = await lab.elb.send(new DescribeLoadBalancersCommand({ Names: ['page-b'] }));
    assert.deepEqual(byName.LoadBalancers?.map((lb) => lb.LoadBalancerName), ['page-b']);
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await lab.elb.send(new DescribeLoadBalancersCommand({ PageSize: 2, Marker: marker }));
      assert.ok((page.LoadBalancers?.length ?? 0) <= 2);
      seen.push(...(page.LoadBalancers ?? []).map((lb) => lb.LoadBalancerName ?? ''));
      marker = page.NextMarker;
    } while (marker);
    for (const name of ['api-alb', 'page-a', 'page-b', 'page-c']) assert.ok(seen.includes(name), name);
    await rejects(lab.elb.send(new DescribeLoadBalancersCommand({ Names: ['nope'] })), 'LoadBalancerNotFound', "Load balancers '[nope]' not found");
    const arn = byName.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    await rejects(lab.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn.replace(/[0-9a-f]{16}$/, '0000000000000000')] })),
      'LoadBalancerNotFound', 'One or more load balancers not found');
  });

  test('attributes: defaults, changes, unknown keys, and deletion protection', async () => {
    const lb = (await lab.elb.send(new CreateLoadBalancerCommand({ Name: 'guarded', Subnets: vpc.subnets }))).LoadBalancers?.[0];
    const arn = lb?.LoadBalancerArn ?? '';
    const attrs = new Map((await lab.elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn }))).Attributes?.map((a) => [a.Key, a.Value]));
    assert.equal(attrs.get('idle_timeout.timeout_seconds'), '60');
    assert.equal(attrs.get('deletion_protection.enabled'), 'false');
    assert.equal(attrs.get('routing.http2.enabled'), 'true');
    assert.equal(attrs.get('load_balancing.cross_zone.enabled'), 'true');
    const modified = await lab.elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [
      { Key: 'idle_timeout.timeout_seconds', Value: '120' }, { Key: 'deletion_protection.enabled', Value: 'true' },
    ] }));
    assert.equal(modified.Attributes?.find((a) => a.Key === 'idle_timeout.timeout_seconds')?.Value, '120');
    await rejects(lab.elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [{ Key: 'no.such.key', Value: '1' }] })),
      'ValidationError', "Load balancer attribute key 'no.such.key' is not recognized");
    await rejects(lab.elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '0' }] })),
      'ValidationError');
    await rejects(lab.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn })),
      'OperationNotPermitted', `Load balancer '${arn}' cannot be deleted because deletion protection is enabled`);
    await lab.elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'false' }] }));
    await lab.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    // Deleting again succeeds, as AWS documents; describing it does not.
    await lab.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    await rejects(lab.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] })), 'LoadBalancerNotFound');
    const enis = await lab.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.vpcId] }] }));
    assert.equal((enis.NetworkInterfaces ?? []).filter((eni) => eni.Description?.startsWith('ELB app/guarded/')).length, 0);
  });

  test('SetSecurityGroups, SetSubnets and SetIpAddressType', async () => {
    const lb = (await lab.elb.send(new CreateLoadBalancerCommand({ Name: 'movable', Subnets: vpc.subnets, SecurityGroups: [vpc.securityGroupId] }))).LoadBalancers?.[0];
    const arn = lb?.LoadBalancerArn ?? '';
    const other = await lab.ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc.vpcId, GroupName: 'second', Description: 'x' }));
    const set = await lab.elb.send(new SetSecurityGroupsCommand({ LoadBalancerArn: arn, SecurityGroups: [other.GroupId ?? ''] }));
    assert.deepEqual(set.SecurityGroupIds, [other.GroupId]);
    const enis = await lab.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.vpcId] }] }));
    for (const eni of (enis.NetworkInterfaces ?? []).filter((e) => e.Description?.startsWith('ELB app/movable/'))) {
      assert.deepEqual(eni.Groups?.map((g) => g.GroupId), [other.GroupId]);
    }
    await rejects(lab.elb.send(new SetSubnetsCommand({ LoadBalancerArn: arn, Subnets: [vpc.subnets[0]] })),
      'ValidationError', 'At least two subnets in two different Availability Zones must be specified');
    const moved = await lab.elb.send(new SetSubnetsCommand({ LoadBalancerArn: arn, Subnets: [vpc.sameZoneSubnet, vpc.subnets[1]] }));
    assert.deepEqual(moved.AvailabilityZones?.map((z) => z.SubnetId), [vpc.sameZoneSubnet, vpc.subnets[1]]);
    const ip = await lab.elb.send(new SetIpAddressTypeCommand({ LoadBalancerArn: arn, IpAddressType: 'ipv4' }));
    assert.equal(ip.IpAddressType, 'ipv4');
    await rejects(lab.elb.send(new SetIpAddressTypeCommand({ LoadBalancerArn: arn, IpAddressType: 'dualstack' })), 'ValidationError');
    await lab.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
  });
});
