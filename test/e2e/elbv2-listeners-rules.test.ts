// ELBv2 listeners and rules through the AWS SDK: HTTP and HTTPS listeners (self-signed certificates), default
// actions (forward, weighted forward, fixed-response, redirect), DuplicateListener, one load balancer per
// target group, rules with every condition type, priorities, SetRulePriorities and the default rule.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddListenerCertificatesCommand, CreateListenerCommand, CreateLoadBalancerCommand, CreateRuleCommand, CreateTargetGroupCommand, DeleteListenerCommand,
  DeleteRuleCommand, DescribeListenerAttributesCommand, DescribeListenerCertificatesCommand, DescribeListenersCommand, DescribeRulesCommand,
  DescribeSSLPoliciesCommand, ModifyListenerAttributesCommand, ModifyListenerCommand, ModifyRuleCommand, SetRulePrioritiesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { rejects } from './aws-errors.ts';
import { createTestVpc, startElbv2Lab, type Elbv2Lab } from './elbv2-support.ts';

const ACM_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/0d3c1e5a-1111-2222-3333-444455556666';

describe('ELBv2 listeners and rules', () => {
  let lab: Elbv2Lab;
  let lbArn = '';
  let groupA = '';
  let groupB = '';
  before(async () => {
    lab = await startElbv2Lab();
    const vpc = await createTestVpc(lab.ec2, 3);
    const lb = (await lab.elb.send(new CreateLoadBalancerCommand({ Name: 'rules-alb', Subnets: vpc.subnets }))).LoadBalancers?.[0];
    lbArn = lb?.LoadBalancerArn ?? '';
    const group = async (name: string) => (await lab.elb.send(new CreateTargetGroupCommand({
      Name: name, Protocol: 'HTTP', Port: 8080, VpcId: vpc.vpcId, TargetType: 'ip',
    }))).TargetGroups?.[0]?.TargetGroupArn ?? '';
    groupA = await group('blue');
    groupB = await group('green');
  });
  after(async () => lab.stop());

  test('an HTTP listener forwarding to a group, as the seed lab creates it', async () => {
    const out = await lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: groupA }] }));
    const listener = out.Listeners?.[0];
    assert.match(listener?.ListenerArn ?? '', new RegExp(`^${lbArn.replace(':loadbalancer/', ':listener/')}/[0-9a-f]{16}$`));
    assert.deepEqual(listener?.DefaultActions, [{
      Type: 'forward', TargetGroupArn: groupA,
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: groupA, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } },
    }]);
    const again = await lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: groupA }] }));
    assert.equal(again.Listeners?.[0]?.ListenerArn, listener?.ListenerArn);
    await rejects(lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80,
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }] })),
    'DuplicateListener', `A listener already exists on this port for this load balancer '${lbArn}'`);
    const listed = await lab.elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }));
    assert.deepEqual(listed.Listeners?.map((l) => l.Port), [80]);
    const attrs = await lab.elb.send(new DescribeListenerAttributesCommand({ ListenerArn: listener?.ListenerArn }));
    assert.equal(attrs.Attributes?.find((a) => a.Key === 'routing.http.response.server.enabled')?.Value, 'true');
    const changed = await lab.elb.send(new ModifyListenerAttributesCommand({ ListenerArn: listener?.ListenerArn, Attributes: [{ Key: 'routing.http.response.server.enabled', Value: 'false' }] }));
    assert.equal(changed.Attributes?.find((a) => a.Key === 'routing.http.response.server.enabled')?.Value, 'false');

    // The default rule mirrors the default actions.
    const rules = await lab.elb.send(new DescribeRulesCommand({ ListenerArn: listener?.ListenerArn }));
    assert.equal(rules.Rules?.length, 1);
    assert.equal(rules.Rules?.[0]?.IsDefault, true);
    assert.equal(rules.Rules?.[0]?.Priority, 'default');
    assert.deepEqual(rules.Rules?.[0]?.Actions, listener?.DefaultActions);
    await rejects(lab.elb.send(new DeleteRuleCommand({ RuleArn: rules.Rules?.[0]?.RuleArn })), 'OperationNotPermitted');
  });

  test('HTTPS listeners need a certificate and serve a self-signed one for the load balancer name', async () => {
    await rejects(lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTPS', Port: 443, DefaultActions: [{ Type: 'forward', TargetGroupArn: groupA }] })),
      'ValidationError', 'A certificate must be specified for HTTPS listeners');
    await rejects(lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 81, Certificates: [{ CertificateArn: ACM_ARN }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: groupA }] })), 'ValidationError', 'A certificate cannot be specified for HTTP listeners');
    await rejects(lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: 'not-an-arn' }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: groupA }] })), 'CertificateNotFound');
    await rejects(lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'TCP', Port: 443,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: groupA }] })), 'UnsupportedProtocol');
    const https = (await lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: ACM_ARN }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: groupA }] }))).Listeners?.[0];
    assert.equal(https?.SslPolicy, 'ELBSecurityPolicy-2016-08');
    assert.deepEqual(https?.Certificates, [{ CertificateArn: ACM_ARN }]);
    const certs = await lab.elb.send(new DescribeListenerCertificatesCommand({ ListenerArn: https?.ListenerArn }));
    assert.deepEqual(certs.Certificates, [{ CertificateArn: ACM_ARN, IsDefault: true }]);
    const extra = ACM_ARN.replace('6666', '7777');
    await lab.elb.send(new AddListenerCertificatesCommand({ ListenerArn: https?.ListenerArn, Certificates: [{ CertificateArn: extra }] }));
    assert.equal((await lab.elb.send(new DescribeListenerCertificatesCommand({ ListenerArn: https?.ListenerArn }))).Certificates?.length, 2);
    const policies = await lab.elb.send(new DescribeSSLPoliciesCommand({ Names: ['ELBSecurityPolicy-2016-08'] }));
    assert.ok(policies.SslPolicies?.[0]?.SslProtocols?.includes('TLSv1.2'));
    await rejects(lab.elb.send(new DescribeSSLPoliciesCommand({ Names: ['nope'] })), 'SSLPolicyNotFound');
    await lab.elb.send(new DeleteListenerCommand({ ListenerArn: https?.ListenerArn }));
  });

  test('default actions: weighted forward, fixed-response, redirect, and their validation', async () => {
    const weighted = (await lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 8081, DefaultActions: [{
      Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: groupA, Weight: 80 }, { TargetGroupArn: groupB, Weight: 20 }],
        TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 } },
    }] }))).Listeners?.[0];
    assert.deepEqual(weighted?.DefaultActions, [{ Type: 'forward', ForwardConfig: {
      TargetGroups: [{ TargetGroupArn: groupA, Weight: 80 }, { TargetGroupArn: groupB, Weight: 20 }],
      TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
    } }]);
    const fixed = (await lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 8082, DefaultActions: [{
      Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain', MessageBody: 'down' },
    }] }))).Listeners?.[0];
    assert.deepEqual(fixed?.DefaultActions?.[0]?.FixedResponseConfig, { StatusCode: '503', ContentType: 'text/plain', MessageBody: 'down' });
    const redirect = (await lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 8083, DefaultActions: [{
      Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' },
    }] }))).Listeners?.[0];
    assert.deepEqual(redirect?.DefaultActions?.[0]?.RedirectConfig, { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' });
    await rejects(lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 8084, DefaultActions: [{
      Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_302' } }] })), 'InvalidLoadBalancerAction');
    await rejects(lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 8084, DefaultActions: [{
      Type: 'fixed-response', FixedResponseConfig: { StatusCode: '302' } }] })), 'ValidationError');
    await rejects(lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 8084, DefaultActions: [{
      Type: 'forward', TargetGroupArn: groupA.replace(/[0-9a-f]{16}$/, '0000000000000000') }] })), 'TargetGroupNotFound');

    // A target group serves one load balancer.
    const vpc = await createTestVpc(lab.ec2, 4);
    const other = (await lab.elb.send(new CreateLoadBalancerCommand({ Name: 'other-alb', Subnets: vpc.subnets }))).LoadBalancers?.[0];
    await rejects(lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: other?.LoadBalancerArn, Protocol: 'HTTP', Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: groupA }] })),
    'TargetGroupAssociationLimit', `The following target groups cannot be associated with more than one load balancer: ${groupA}`);

    // ModifyListener: port clash, then new default actions.
    await rejects(lab.elb.send(new ModifyListenerCommand({ ListenerArn: fixed?.ListenerArn, Port: 8081 })), 'ValidationError', "Listener port '8081' is already in use");
    const modified = await lab.elb.send(new ModifyListenerCommand({ ListenerArn: fixed?.ListenerArn, Port: 8085, DefaultActions: [{ Type: 'forward', TargetGroupArn: groupB }] }));
    assert.equal(modified.Listeners?.[0]?.Port, 8085);
    assert.equal(modified.Listeners?.[0]?.DefaultActions?.[0]?.TargetGroupArn, groupB);
    for (const listener of [weighted, fixed, redirect]) await lab.elb.send(new DeleteListenerCommand({ ListenerArn: listener?.ListenerArn }));
  });

  test('rules: conditions, priorities, SetRulePriorities, ModifyRule, DeleteRule', async () => {
    const listenerArn = (await lab.elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))).Listeners?.find((l) => l.Port === 80)?.ListenerArn ?? '';
    const forwardB = [{ Type: 'forward' as const, TargetGroupArn: groupB }];
    const one = (await lab.elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 10, Actions: forwardB, Conditions: [
      { Field: 'path-pattern', Values: ['/api/*'] },
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Env', Values: ['green'] } },
    ] }))).Rules?.[0];
    assert.equal(one?.Priority, '10');
    assert.equal(one?.IsDefault, false);
    assert.deepEqual(one?.Conditions?.[0], { Field: 'path-pattern', Values: ['/api/*'], PathPatternConfig: { Values: ['/api/*'] } });
    const two = (await lab.elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 20, Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '403' } }], Conditions: [
      { Field: 'host-header', HostHeaderConfig: { Values: ['admin.example.com'] } },
      { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['POST'] } },
      { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'debug', Value: 'true' }] } },
      { Field: 'source-ip', SourceIpConfig: { Values: ['10.71.0.0/16'] } },
    ] }))).Rules?.[0];
    assert.equal(two?.Conditions?.length, 4);
    await rejects(lab.elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 10, Actions: forwardB, Conditions: [{ Field: 'path-pattern', Values: ['/x'] }] })),
      'PriorityInUse', "Priority '10' is currently in use");
    await rejects(lab.elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 30, Actions: forwardB, Conditions: [{ Field: 'host-header', Values: ['nodot'] }] })), 'ValidationError');
    await rejects(lab.elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 30, Actions: forwardB, Conditions: [{ Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.1'] } }] })), 'ValidationError');
    await rejects(lab.elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 30, Actions: forwardB, Conditions: [{ Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['get'] } }] })), 'ValidationError');
    await rejects(lab.elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 30, Actions: forwardB, Conditions: [
      { Field: 'path-pattern', PathPatternConfig: { Values: ['/a', '/b', '/c'] } }, { Field: 'host-header', HostHeaderConfig: { Values: ['a.example.com', 'b.example.com', 'c.example.com'] } },
    ] })), 'ValidationError');
    await rejects(lab.elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 30, Actions: forwardB, Conditions: [{ Field: 'path-pattern', Values: ['/a'] }, { Field: 'path-pattern', Values: ['/b'] }] })), 'ValidationError');

    const described = await lab.elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
    assert.deepEqual(described.Rules?.map((r) => r.Priority), ['10', '20', 'default']);
    const swapped = await lab.elb.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: one?.RuleArn, Priority: 20 }, { RuleArn: two?.RuleArn, Priority: 10 }] }));
    assert.equal(swapped.Rules?.length, 2);
    assert.deepEqual((await lab.elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules?.map((r) => r.RuleArn), [two?.RuleArn, one?.RuleArn, described.Rules?.[2]?.RuleArn]);
    await rejects(lab.elb.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: one?.RuleArn, Priority: 10 }] })), 'PriorityInUse', "Priority '10' is currently in use");
    const modified = await lab.elb.send(new ModifyRuleCommand({ RuleArn: one?.RuleArn, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/v2/*'] } }] }));
    assert.deepEqual(modified.Rules?.[0]?.Conditions?.[0]?.Values, ['/v2/*']);
    await lab.elb.send(new DeleteRuleCommand({ RuleArn: two?.RuleArn }));
    await rejects(lab.elb.send(new DeleteRuleCommand({ RuleArn: two?.RuleArn })), 'RuleNotFound', 'One or more rules not found');
    await lab.elb.send(new DeleteRuleCommand({ RuleArn: one?.RuleArn }));
    await rejects(lab.elb.send(new DescribeRulesCommand({ RuleArns: [one?.RuleArn ?? ''] })), 'RuleNotFound');
  });
});
