// ELBv2 tags (load balancers, target groups, listeners, rules) and account limits through the AWS SDK.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddTagsCommand, CreateListenerCommand, CreateLoadBalancerCommand, CreateRuleCommand, CreateTargetGroupCommand, DeleteLoadBalancerCommand,
  DescribeAccountLimitsCommand, DescribeTagsCommand, RemoveTagsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { rejects } from './aws-errors.ts';
import { createTestVpc, startElbv2Lab, type Elbv2Lab } from './elbv2-support.ts';

describe('ELBv2 tags and limits', () => {
  let lab: Elbv2Lab;
  before(async () => {
    lab = await startElbv2Lab();
  });
  after(async () => lab.stop());

  test('tags on every taggable resource: add, replace, remove, describe, and gone with the resource', async () => {
    const vpc = await createTestVpc(lab.ec2, 6);
    const lb = (await lab.elb.send(new CreateLoadBalancerCommand({ Name: 'tagged', Subnets: vpc.subnets, Tags: [{ Key: 'env', Value: 'dev' }] }))).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    const tg = (await lab.elb.send(new CreateTargetGroupCommand({ Name: 'tagged', Protocol: 'HTTP', Port: 80, VpcId: vpc.vpcId, TargetType: 'ip', Tags: [{ Key: 'tier', Value: 'web' }] }))).TargetGroups?.[0]?.TargetGroupArn ?? '';
    const listener = (await lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }], Tags: [{ Key: 'l', Value: '1' }] }))).Listeners?.[0]?.ListenerArn ?? '';
    const rule = (await lab.elb.send(new CreateRuleCommand({ ListenerArn: listener, Priority: 1, Conditions: [{ Field: 'path-pattern', Values: ['/x'] }],
      Actions: [{ Type: 'forward', TargetGroupArn: tg }], Tags: [{ Key: 'r', Value: '1' }] }))).Rules?.[0]?.RuleArn ?? '';
    await lab.elb.send(new AddTagsCommand({ ResourceArns: [lb, tg], Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'owner', Value: 'me' }] }));
    await lab.elb.send(new RemoveTagsCommand({ ResourceArns: [tg], TagKeys: ['tier'] }));
    const described = await lab.elb.send(new DescribeTagsCommand({ ResourceArns: [lb, tg, listener, rule] }));
    assert.deepEqual(described.TagDescriptions, [
      { ResourceArn: lb, Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'owner', Value: 'me' }] },
      { ResourceArn: tg, Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'owner', Value: 'me' }] },
      { ResourceArn: listener, Tags: [{ Key: 'l', Value: '1' }] },
      { ResourceArn: rule, Tags: [{ Key: 'r', Value: '1' }] },
    ]);
    await rejects(lab.elb.send(new AddTagsCommand({ ResourceArns: [lb], Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] })), 'DuplicateTagKeys');
    const many = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await rejects(lab.elb.send(new AddTagsCommand({ ResourceArns: [lb], Tags: many })), 'TooManyTags');
    await lab.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb }));
    await rejects(lab.elb.send(new DescribeTagsCommand({ ResourceArns: [lb] })), 'LoadBalancerNotFound');
    await rejects(lab.elb.send(new DescribeTagsCommand({ ResourceArns: [listener] })), 'ListenerNotFound');
    assert.deepEqual((await lab.elb.send(new DescribeTagsCommand({ ResourceArns: [tg] }))).TagDescriptions?.[0]?.Tags?.length, 2);
  });

  test('DescribeAccountLimits lists AWS default quotas, in pages', async () => {
    const all = await lab.elb.send(new DescribeAccountLimitsCommand({}));
    const limits = new Map(all.Limits?.map((l) => [l.Name, l.Max]));
    assert.equal(limits.get('application-load-balancers'), '50');
    assert.equal(limits.get('target-groups'), '3000');
    assert.equal(limits.get('targets-per-application-load-balancer'), '1000');
    assert.equal(limits.get('listeners-per-application-load-balancer'), '50');
    assert.equal(limits.get('rules-per-application-load-balancer'), '100');
    const first = await lab.elb.send(new DescribeAccountLimitsCommand({ PageSize: 5 }));
    assert.equal(first.Limits?.length, 5);
    const second = await lab.elb.send(new DescribeAccountLimitsCommand({ PageSize: 5, Marker: first.NextMarker }));
    assert.equal(second.Limits?.[0]?.Name, all.Limits?.[5]?.Name);
  });

  test('TooManyListeners past 50 listeners on one load balancer', async () => {
    const vpc = await createTestVpc(lab.ec2, 7);
    const lb = (await lab.elb.send(new CreateLoadBalancerCommand({ Name: 'crowded', Subnets: vpc.subnets, Scheme: 'internal' }))).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    const action = [{ Type: 'fixed-response' as const, FixedResponseConfig: { StatusCode: '200' } }];
    for (let port = 20000; port < 20050; port += 1) await lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: port, DefaultActions: action }));
    await rejects(lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 20050, DefaultActions: action })), 'TooManyListeners');
    await lab.elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb }));
  });
});
