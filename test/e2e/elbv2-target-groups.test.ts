// ELBv2 target groups through the AWS SDK: create with AWS's defaults per protocol, health-check settings
// and matcher validation, describe, modify, attributes, duplicates and deletion while in use.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DeleteListenerCommand, DeleteTargetGroupCommand,
  DescribeTargetGroupAttributesCommand, DescribeTargetGroupsCommand, ModifyTargetGroupAttributesCommand, ModifyTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { rejects } from './aws-errors.ts';
import { createTestVpc, startElbv2Lab, type Elbv2Lab, type TestVpc } from './elbv2-support.ts';

describe('ELBv2 target groups', () => {
  let lab: Elbv2Lab;
  let vpc: TestVpc;
  before(async () => {
    lab = await startElbv2Lab();
    vpc = await createTestVpc(lab.ec2, 2);
  });
  after(async () => lab.stop());

  test('the seed lab target group, with its health-check settings and AWS defaults for the rest', async () => {
    const out = await lab.elb.send(new CreateTargetGroupCommand({
      Name: 'api-targets', Protocol: 'HTTP', Port: 8080, VpcId: vpc.vpcId, TargetType: 'ip', HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 15, HealthyThresholdCount: 2, UnhealthyThresholdCount: 3,
    }));
    const group = out.TargetGroups?.[0];
    assert.match(group?.TargetGroupArn ?? '', /^arn:aws:elasticloadbalancing:us-east-1:\d{12}:targetgroup\/api-targets\/[0-9a-f]{16}$/);
    assert.deepEqual({ ...group, TargetGroupArn: undefined }, {
      TargetGroupArn: undefined, TargetGroupName: 'api-targets', Protocol: 'HTTP', Port: 8080, VpcId: vpc.vpcId,
      HealthCheckProtocol: 'HTTP', HealthCheckPort: 'traffic-port', HealthCheckEnabled: true, HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 15, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 2, UnhealthyThresholdCount: 3,
      Matcher: { HttpCode: '200' }, LoadBalancerArns: [], TargetType: 'ip', ProtocolVersion: 'HTTP1', IpAddressType: 'ipv4',
    });
    const attrs = new Map((await lab.elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group?.TargetGroupArn }))).Attributes?.map((a) => [a.Key, a.Value]));
    assert.equal(attrs.get('deregistration_delay.timeout_seconds'), '300');
    assert.equal(attrs.get('slow_start.duration_seconds'), '0');
    assert.equal(attrs.get('stickiness.enabled'), 'false');
    assert.equal(attrs.get('stickiness.type'), 'lb_cookie');
    assert.equal(attrs.get('stickiness.lb_cookie.duration_seconds'), '86400');
    assert.equal(attrs.get('stickiness.app_cookie.duration_seconds'), '86400');
    assert.equal(attrs.get('load_balancing.algorithm.type'), 'round_robin');

    // Same settings: the same group. Other settings: DuplicateTargetGroupName.
    const again = await lab.elb.send(new CreateTargetGroupCommand({
      Name: 'api-targets', Protocol: 'HTTP', Port: 8080, VpcId: vpc.vpcId, TargetType: 'ip', HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 15, HealthyThresholdCount: 2, UnhealthyThresholdCount: 3,
    }));
    assert.equal(again.TargetGroups?.[0]?.TargetGroupArn, group?.TargetGroupArn);
    await rejects(lab.elb.send(new CreateTargetGroupCommand({ Name: 'api-targets', Protocol: 'HTTP', Port: 9090, VpcId: vpc.vpcId, TargetType: 'ip' })),
      'DuplicateTargetGroupName', "A target group with the same name 'api-targets' exists, but with different settings");
  });

  test('TCP groups get the network defaults', async () => {
    const group = (await lab.elb.send(new CreateTargetGroupCommand({ Name: 'tcp-targets', Protocol: 'TCP', Port: 5432, VpcId: vpc.vpcId, TargetType: 'ip' }))).TargetGroups?.[0];
    assert.equal(group?.HealthCheckProtocol, 'TCP');
    assert.equal(group?.HealthCheckTimeoutSeconds, 10);
    assert.equal(group?.HealthCheckIntervalSeconds, 30);
    assert.equal(group?.HealthyThresholdCount, 5);
    assert.equal(group?.HealthCheckPath, undefined);
    assert.equal(group?.Matcher, undefined);
    assert.equal(group?.ProtocolVersion, undefined);
    const attrs = new Map((await lab.elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group?.TargetGroupArn }))).Attributes?.map((a) => [a.Key, a.Value]));
    assert.equal(attrs.get('stickiness.type'), 'source_ip');
    assert.equal(attrs.get('preserve_client_ip.enabled'), 'false');
    assert.equal(attrs.get('slow_start.duration_seconds'), undefined);
    const http = (await lab.elb.send(new CreateTargetGroupCommand({ Name: 'tcp-http-check', Protocol: 'TCP', Port: 80, VpcId: vpc.vpcId, HealthCheckProtocol: 'HTTP' }))).TargetGroups?.[0];
    assert.deepEqual(http?.Matcher, { HttpCode: '200-399' });
    assert.equal(http?.TargetType, 'instance');
  });

  test('health-check settings and matchers are validated', async () => {
    const base = { Protocol: 'HTTP' as const, Port: 80, VpcId: vpc.vpcId, TargetType: 'ip' as const };
    const ok = await lab.elb.send(new CreateTargetGroupCommand({ ...base, Name: 'codes', Matcher: { HttpCode: '200-299,302' } }));
    assert.deepEqual(ok.TargetGroups?.[0]?.Matcher, { HttpCode: '200-299,302' });
    await rejects(lab.elb.send(new CreateTargetGroupCommand({ ...base, Name: 'bad-code', Matcher: { HttpCode: '600' } })), 'ValidationError');
    await rejects(lab.elb.send(new CreateTargetGroupCommand({ ...base, Name: 'bad-range', Matcher: { HttpCode: '300-200' } })), 'ValidationError');
    await rejects(lab.elb.send(new CreateTargetGroupCommand({ ...base, Name: 'bad-list', Matcher: { HttpCode: '200,abc' } })), 'ValidationError');
    await rejects(lab.elb.send(new CreateTargetGroupCommand({ ...base, Name: 'slow', HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 6 })),
      'ValidationError', 'Health check interval must be greater than the timeout.');
    await rejects(lab.elb.send(new CreateTargetGroupCommand({ ...base, Name: 'tcp-check', HealthCheckProtocol: 'TCP' })), 'ValidationError');
    await rejects(lab.elb.send(new CreateTargetGroupCommand({ ...base, Name: 'lambda', TargetType: 'lambda' })), 'ValidationError', /lambda/);
    await rejects(lab.elb.send(new CreateTargetGroupCommand({ ...base, Name: 'x'.repeat(33) })), 'ValidationError');
    await rejects(lab.elb.send(new CreateTargetGroupCommand({ ...base, Name: 'novpc', VpcId: 'vpc-0123456789abcdef0' })), 'ValidationError');
  });

  test('ModifyTargetGroup and ModifyTargetGroupAttributes', async () => {
    const arn = (await lab.elb.send(new CreateTargetGroupCommand({ Name: 'mutable', Protocol: 'HTTP', Port: 80, VpcId: vpc.vpcId, TargetType: 'ip' }))).TargetGroups?.[0]?.TargetGroupArn ?? '';
    const modified = await lab.elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, HealthCheckPath: '/ready', Matcher: { HttpCode: '204' }, HealthCheckIntervalSeconds: 10 }));
    assert.equal(modified.TargetGroups?.[0]?.HealthCheckPath, '/ready');
    assert.deepEqual(modified.TargetGroups?.[0]?.Matcher, { HttpCode: '204' });
    assert.equal(modified.TargetGroups?.[0]?.HealthCheckIntervalSeconds, 10);
    const attrs = await lab.elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [
      { Key: 'deregistration_delay.timeout_seconds', Value: '5' }, { Key: 'load_balancing.algorithm.type', Value: 'least_outstanding_requests' },
      { Key: 'stickiness.enabled', Value: 'true' }, { Key: 'slow_start.duration_seconds', Value: '30' },
    ] }));
    const map = new Map(attrs.Attributes?.map((a) => [a.Key, a.Value]));
    assert.equal(map.get('deregistration_delay.timeout_seconds'), '5');
    assert.equal(map.get('load_balancing.algorithm.type'), 'least_outstanding_requests');
    await rejects(lab.elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: 'slow_start.duration_seconds', Value: '10' }] })), 'ValidationError');
    await rejects(lab.elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: 'stickiness.type', Value: 'source_ip' }] })), 'ValidationError');
    await rejects(lab.elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: 'nope', Value: '1' }] })),
      'ValidationError', "Target group attribute key 'nope' is not recognized");
  });

  test('DescribeTargetGroups by name, ARN and load balancer; DeleteTargetGroup refuses a group in use', async () => {
    const group = (await lab.elb.send(new CreateTargetGroupCommand({ Name: 'in-use', Protocol: 'HTTP', Port: 80, VpcId: vpc.vpcId, TargetType: 'ip' }))).TargetGroups?.[0];
    const arn = group?.TargetGroupArn ?? '';
    const lb = (await lab.elb.send(new CreateLoadBalancerCommand({ Name: 'tg-lb', Subnets: vpc.subnets }))).LoadBalancers?.[0];
    const listener = (await lab.elb.send(new CreateListenerCommand({
      LoadBalancerArn: lb?.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: arn }],
    }))).Listeners?.[0];
    const byLb = await lab.elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
    assert.deepEqual(byLb.TargetGroups?.map((g) => g.TargetGroupName), ['in-use']);
    assert.deepEqual(byLb.TargetGroups?.[0]?.LoadBalancerArns, [lb?.LoadBalancerArn]);
    const byName = await lab.elb.send(new DescribeTargetGroupsCommand({ Names: ['in-use'] }));
    assert.equal(byName.TargetGroups?.[0]?.TargetGroupArn, arn);
    await rejects(lab.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn.replace(/[0-9a-f]{16}$/, '0000000000000000')] })),
      'TargetGroupNotFound', 'One or more target groups not found');
    await rejects(lab.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn })),
      'ResourceInUse', `Target group '${arn}' is currently in use by a listener or a rule`);
    await lab.elb.send(new DeleteListenerCommand({ ListenerArn: listener?.ListenerArn }));
    const freed = await lab.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }));
    assert.deepEqual(freed.TargetGroups?.[0]?.LoadBalancerArns, []);
    await lab.elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    await rejects(lab.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] })), 'TargetGroupNotFound');
  });
});
