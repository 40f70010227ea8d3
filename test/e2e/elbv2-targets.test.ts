// ELBv2 targets through the AWS SDK: RegisterTargets (ip targets in the VPC or a private range, their zone
// and port), DescribeTargetHealth (unused, initial, draining, not registered), DeregisterTargets (draining
// for a group in use, at once otherwise) and the instance targets Berth cannot have.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DeregisterTargetsCommand, DescribeTargetHealthCommand,
  ModifyTargetGroupAttributesCommand, RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { rejects } from './aws-errors.ts';
import { createTestVpc, startElbv2Lab, type Elbv2Lab, type TestVpc } from './elbv2-support.ts';

describe('ELBv2 targets and target health', () => {
  let lab: Elbv2Lab;
  let vpc: TestVpc;
  let groupArn = '';
  before(async () => {
    lab = await startElbv2Lab();
    vpc = await createTestVpc(lab.ec2, 5);
    groupArn = (await lab.elb.send(new CreateTargetGroupCommand({ Name: 'web', Protocol: 'HTTP', Port: 8080, VpcId: vpc.vpcId, TargetType: 'ip' }))).TargetGroups?.[0]?.TargetGroupArn ?? '';
  });
  after(async () => lab.stop());

  const health = async (targets?: { Id: string; Port?: number }[]) =>
    (await lab.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: groupArn, Targets: targets }))).TargetHealthDescriptions ?? [];

  test('registered targets of a group no listener uses are unused; not registered ones say so', async () => {
    // 10.71.80.0/20 is this VPC: .80.x is us-east-1a, .81.x us-east-1b.
    await lab.elb.send(new RegisterTargetsCommand({ TargetGroupArn: groupArn, Targets: [{ Id: '10.71.80.10' }, { Id: '10.71.81.20', Port: 9090 }] }));
    const all = await health();
    assert.deepEqual(all.map((d) => [d.Target?.Id, d.Target?.Port, d.Target?.AvailabilityZone, d.HealthCheckPort]), [
      ['10.71.80.10', 8080, 'us-east-1a', '8080'], ['10.71.81.20', 9090, 'us-east-1b', '9090'],
    ]);
    for (const d of all) {
      assert.deepEqual(d.TargetHealth, { State: 'unused', Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' });
    }
    const stranger = await health([{ Id: '10.71.80.99' }]);
    assert.deepEqual(stranger[0]?.TargetHealth, { State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' });
    assert.equal(stranger[0]?.Target?.Port, 8080);
    // Deregistering from a group nobody uses removes the target at once.
    await lab.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: groupArn, Targets: [{ Id: '10.71.81.20', Port: 9090 }] }));
    assert.deepEqual((await health()).map((d) => d.Target?.Id), ['10.71.80.10']);
  });

  test('once a listener forwards to the group, targets start initial and drain on deregistration', async () => {
    const lb = (await lab.elb.send(new CreateLoadBalancerCommand({ Name: 'targets-alb', Subnets: vpc.subnets }))).LoadBalancers?.[0];
    await lab.elb.send(new CreateListenerCommand({ LoadBalancerArn: lb?.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: groupArn }] }));
    // Initial: registering until the data plane reports its first checks (then Elb.InitialHealthChecking).
    const [first] = await health();
    assert.equal(first?.TargetHealth?.State, 'initial');
    if (first?.TargetHealth?.Reason === 'Elb.RegistrationInProgress') assert.equal(first.TargetHealth.Description, 'Target registration is in progress');
    else assert.equal(first?.TargetHealth?.Reason, 'Elb.InitialHealthChecking');
    await lab.elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: groupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }] }));
    await lab.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: groupArn, Targets: [{ Id: '10.71.80.10' }] }));
    // Draining, until the data plane reports it has no connection left (then the controller removes it): a
    // target that no request uses may already be gone.
    const [draining] = await health();
    if (draining) {
      assert.deepEqual(draining.TargetHealth, { State: 'draining', Reason: 'Target.DeregistrationInProgress', Description: 'Target deregistration is in progress' });
    }
    // Registering it again ends the draining: it starts over.
    await lab.elb.send(new RegisterTargetsCommand({ TargetGroupArn: groupArn, Targets: [{ Id: '10.71.80.10' }] }));
    assert.equal((await health())[0]?.TargetHealth?.State, 'initial');
  });

  test('RegisterTargets and DeregisterTargets refuse what AWS refuses', async () => {
    await rejects(lab.elb.send(new RegisterTargetsCommand({ TargetGroupArn: groupArn, Targets: [{ Id: '192.168.5.5' }] })),
      'ValidationError', "The Availability Zone is required for IP address '192.168.5.5' because it is not in the VPC");
    await lab.elb.send(new RegisterTargetsCommand({ TargetGroupArn: groupArn, Targets: [{ Id: '192.168.5.5', AvailabilityZone: 'all' }] }));
    assert.equal((await health([{ Id: '192.168.5.5' }]))[0]?.Target?.AvailabilityZone, 'all');
    await rejects(lab.elb.send(new RegisterTargetsCommand({ TargetGroupArn: groupArn, Targets: [{ Id: '10.71.80.11', AvailabilityZone: 'all' }] })),
      'ValidationError', "The IP address '10.71.80.11' is within the VPC, and cannot have its Availability Zone overridden to 'all' from 'us-east-1a'");
    await rejects(lab.elb.send(new RegisterTargetsCommand({ TargetGroupArn: groupArn, Targets: [{ Id: '8.8.8.8', AvailabilityZone: 'all' }] })), 'InvalidTarget');
    await rejects(lab.elb.send(new RegisterTargetsCommand({ TargetGroupArn: groupArn, Targets: [{ Id: 'not-an-ip' }] })), 'ValidationError');
    await rejects(lab.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: groupArn, Targets: [{ Id: '10.71.80.77' }] })), 'InvalidTarget');
    await rejects(lab.elb.send(new RegisterTargetsCommand({ TargetGroupArn: groupArn.replace(/[0-9a-f]{16}$/, '0000000000000000'), Targets: [{ Id: '10.71.80.5' }] })),
      'TargetGroupNotFound', 'One or more target groups not found');

    const instances = (await lab.elb.send(new CreateTargetGroupCommand({ Name: 'by-instance', Protocol: 'HTTP', Port: 80, VpcId: vpc.vpcId }))).TargetGroups?.[0]?.TargetGroupArn;
    await rejects(lab.elb.send(new RegisterTargetsCommand({ TargetGroupArn: instances, Targets: [{ Id: '10.71.80.5' }] })), 'ValidationError', "Instance ID '10.71.80.5' is not valid");
    await rejects(lab.elb.send(new RegisterTargetsCommand({ TargetGroupArn: instances, Targets: [{ Id: 'i-0123456789abcdef0' }] })),
      'InvalidTarget', "The following instances do not exist: 'i-0123456789abcdef0'");
  });
});
