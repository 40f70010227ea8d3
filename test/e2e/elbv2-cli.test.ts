// The seed lab's ELBv2 commands (002:707–733 and 002:969–975) typed through the real AWS CLI against Berth:
// create-load-balancer, create-target-group, create-listener, describe-load-balancers (the DNS name),
// wait load-balancer-available, describe-listeners, then the clean-up's delete-* lines. The VPC, subnets and
// security group come from the CLI too, inside 10.71.0.0/16. Skips without `aws` on PATH (fails in CI).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AwsCli, detectAwsCli, type CliResult } from './seed-cli/aws-cli.ts';
import { startTestServer, type TestServer } from './harness.ts';

const detection = await detectAwsCli();

function ok(result: CliResult): string {
  assert.equal(result.code, 0, `${result.command}\n${result.stdout}${result.stderr}`);
  return result.stdout.trim();
}

if (!detection.ok) {
  const reason = `the AWS CLI is not usable here: ${detection.reason}`;
  if (process.env.CI) test('elbv2 CLI lab (the AWS CLI is required in CI)', () => assert.fail(reason));
  else test('elbv2 CLI lab', { skip: reason }, () => {});
} else {
  const { info } = detection;
  describe('the seed lab ALB commands through the AWS CLI', () => {
    let server: TestServer;
    let cli: AwsCli;
    let workDir = '';
    const vars: Record<string, string> = {};
    before(async () => {
      server = await startTestServer();
      workDir = mkdtempSync(join(tmpdir(), 'berth-elbv2-cli-'));
      cli = new AwsCli({ info, endpoint: server.url, workDir, timeoutMs: 60_000 });
      vars.VPC_ID = ok(await cli.aws('ec2', 'create-vpc', '--cidr-block', '10.71.128.0/20', '--query', 'Vpc.VpcId', '--output', 'text'));
      const igw = ok(await cli.aws('ec2', 'create-internet-gateway', '--query', 'InternetGateway.InternetGatewayId', '--output', 'text'));
      ok(await cli.aws('ec2', 'attach-internet-gateway', '--vpc-id', vars.VPC_ID, '--internet-gateway-id', igw));
      vars.PUBLIC_SUBNET_1 = ok(await cli.aws('ec2', 'create-subnet', '--vpc-id', vars.VPC_ID, '--cidr-block', '10.71.128.0/24',
        '--availability-zone', 'us-east-1a', '--query', 'Subnet.SubnetId', '--output', 'text'));
      vars.PUBLIC_SUBNET_2 = ok(await cli.aws('ec2', 'create-subnet', '--vpc-id', vars.VPC_ID, '--cidr-block', '10.71.129.0/24',
        '--availability-zone', 'us-east-1b', '--query', 'Subnet.SubnetId', '--output', 'text'));
      vars.ALB_SG = ok(await cli.aws('ec2', 'create-security-group', '--group-name', 'ecs-alb-sg', '--description', 'Security group for ECS ALB',
        '--vpc-id', vars.VPC_ID, '--query', 'GroupId', '--output', 'text'));
    });
    after(async () => {
      await server.stop();
      rmSync(workDir, { recursive: true, force: true });
    });

    test('create, describe, wait and delete as the lab types them', async () => {
      // 002:707
      vars.ALB_ARN = ok(await cli.sh(`aws elbv2 create-load-balancer \\
--name ecs-exercise-alb \\
--subnets \${PUBLIC_SUBNET_1} \${PUBLIC_SUBNET_2} \\
--security-groups \${ALB_SG} \\
--scheme internet-facing \\
--type application \\
--query 'LoadBalancers[0].LoadBalancerArn' --output text`, vars));
      assert.match(vars.ALB_ARN, /^arn:aws:elasticloadbalancing:us-east-1:\d{12}:loadbalancer\/app\/ecs-exercise-alb\/[0-9a-f]{16}$/);
      // 002:715
      vars.TG_ARN = ok(await cli.sh(`aws elbv2 create-target-group \\
--name ecs-exercise-targets \\
--protocol HTTP \\
--port 8080 \\
--vpc-id \${VPC_ID} \\
--target-type ip \\
--health-check-path /health \\
--health-check-interval-seconds 15 \\
--healthy-threshold-count 2 \\
--query 'TargetGroups[0].TargetGroupArn' --output text`, vars));
      assert.match(vars.TG_ARN, /:targetgroup\/ecs-exercise-targets\/[0-9a-f]{16}$/);
      // 002:726
      const listener = JSON.parse(ok(await cli.sh(`aws elbv2 create-listener \\
--load-balancer-arn \${ALB_ARN} \\
--protocol HTTP --port 80 \\
--default-actions Type=forward,TargetGroupArn=\${TG_ARN}`, vars))) as { Listeners: { Port: number; DefaultActions: { TargetGroupArn: string }[] }[] };
      assert.equal(listener.Listeners[0]?.Port, 80);
      assert.equal(listener.Listeners[0]?.DefaultActions[0]?.TargetGroupArn, vars.TG_ARN);
      ok(await cli.aws('elbv2', 'wait', 'load-balancer-available', '--load-balancer-arns', vars.ALB_ARN ?? ''));
      // 002:731
      const dns = ok(await cli.sh(`ALB_DNS=$(aws elbv2 describe-load-balancers \\
--load-balancer-arns \${ALB_ARN} \\
--query 'LoadBalancers[0].DNSName' --output text)
echo "ALB DNS: \${ALB_DNS}"`, vars));
      assert.match(dns, /^ALB DNS: ecs-exercise-alb-\d{10}\.us-east-1\.elb\.localhost(:\d+)?$/);
      const health = JSON.parse(ok(await cli.aws('elbv2', 'describe-target-health', '--target-group-arn', vars.TG_ARN))) as { TargetHealthDescriptions: unknown[] };
      assert.deepEqual(health.TargetHealthDescriptions, []);
      // 002:969–975 (the clean-up), with the lab's $(describe-listeners …) idiom.
      ok(await cli.sh(`aws elbv2 delete-listener \\
--listener-arn $(aws elbv2 describe-listeners \\
--load-balancer-arn \${ALB_ARN} \\
--query 'Listeners[0].ListenerArn' --output text)
aws elbv2 delete-target-group --target-group-arn \${TG_ARN}
aws elbv2 delete-load-balancer --load-balancer-arn \${ALB_ARN}`, vars));
      const gone = await cli.aws('elbv2', 'describe-load-balancers', '--load-balancer-arns', vars.ALB_ARN);
      assert.notEqual(gone.code, 0);
      assert.match(gone.stderr, /LoadBalancerNotFound/);
      // With the load balancer's interfaces gone, its security group can be deleted (002:980).
      ok(await cli.aws('ec2', 'delete-security-group', '--group-id', vars.ALB_SG ?? ''));
    });
  });
}
