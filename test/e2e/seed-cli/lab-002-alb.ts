// Seed 002's hands-on exercise with real tasks behind a real ALB (shared/seeds/002, L662–835 and the
// cleanup L955–983), typed as the reader types them. What differs from the seed, and why:
//   - the VPC and its public and private subnets (which the seed says you need, L660) are made first
//     with the CLI, in 10.79.0.0/18, this test's own range; the image is pushed to Berth's ECR as the
//     seed's ${REGISTRY}/kubedojo/ecr-exercise:v1.0.0 (busybox httpd on 8080, test/images `httpd`);
//   - the target group checks every 5 s (L722 says 15) with a 2 s timeout (ALB wants it below the
//     interval; its default is 5) and drains for 2 s (an extra modify-target-group-attributes);
//   - the task definition's health check runs every 5 s from 10 s (L768–773 say 30 and 30), stopTimeout 2;
//   - curl reaches the load balancer at this server's own loopback address (--connect-to), since
//     127.0.0.1:80 is shared with the other Berth servers tests run at the same time;
//   - L974 (the green target group of Task 7) and L978 (sleep 30) are left out: Task 7 is not typed, and
//     the security groups are deleted as soon as EC2 lets them go.
// Step names start with the seed's line number.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { ACCOUNT, REGION, assertHas, captured, json, ok, transcript } from './expect.ts';
import type { LabShell } from './lab-shell.ts';

const CLUSTER_NAME = 'kubedojo-exercise';
const SERVICE = 'api-service';
const SUBNETS = ['PUBLIC_SUBNET_1', 'PUBLIC_SUBNET_2', 'PRIVATE_SUBNET_1', 'PRIVATE_SUBNET_2'];

export async function lab002Alb(t: TestContext, shell: LabShell, loadBalancerHost: string): Promise<void> {
  const { lab } = shell;
  // `curl http://${ALB_DNS}/` as typed, plus where this server's listeners are (see the header).
  const curl = (path: string) => shell.sh(`curl -sS --max-time 5 --connect-to ::${loadBalancerHost}: http://\${ALB_DNS}${path}`);

  await lab.step(t, '(setup, L660 "You need a VPC with public and private subnets") VPC 10.79.0.0/18, two public and two private subnets in us-east-1a/b, an internet gateway; the image pushed to ECR', [], async () => {
    shell.export('CLUSTER_NAME', CLUSTER_NAME); // L664
    await shell.createVpc('10.79.0.0/18', {
      PUBLIC_SUBNET_1: { third: 1, zone: 'us-east-1a' }, PUBLIC_SUBNET_2: { third: 2, zone: 'us-east-1b' },
      PRIVATE_SUBNET_1: { third: 11, zone: 'us-east-1a' }, PRIVATE_SUBNET_2: { third: 12, zone: 'us-east-1b' },
    });
    await shell.pushImage('httpd', 'kubedojo/ecr-exercise', 'v1.0.0');
  });

  await lab.step(t, '002:670 export ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text); REGION; REGISTRY', [], async () => {
    assert.equal(await shell.capture('ACCOUNT_ID', 'aws sts get-caller-identity --query Account --output text'), ACCOUNT);
    shell.export('REGION', REGION);
    shell.export('REGISTRY', `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`);
  });

  await lab.step(t, "002:185 aws iam create-role --role-name ecsTaskExecutionRole … (unless the other shell made it); 002:196 aws iam attach-role-policy … AmazonECSTaskExecutionRolePolicy; 002:218 aws iam create-role --role-name api-task-role …", [], async () => {
    // The other shell's lab (seed 004) creates the same role on this server: made here only when it is missing.
    ok(await shell.sh(`aws iam get-role --role-name ecsTaskExecutionRole >/dev/null 2>&1 || aws iam create-role --role-name ecsTaskExecutionRole --assume-role-policy-document '${lab.fixture('002-ecsTaskExecutionRole-trust.json')}'`));
    ok(await shell.sh('aws iam attach-role-policy --role-name ecsTaskExecutionRole --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'));
    ok(await shell.sh(`aws iam create-role --role-name api-task-role --assume-role-policy-document '${lab.fixture('002-api-task-role-trust.json')}'`));
  });

  // Not in the seed: its task definition sets awslogs-create-group, which needs logs:CreateLogGroup on the execution
  // role (AmazonECSTaskExecutionRolePolicy has only CreateLogStream and PutLogEvents); without it the task stops with
  // "failed to create Cloudwatch log group: AccessDeniedException", on AWS as on Berth.
  await lab.step(t, "(not in the seed) aws iam put-role-policy --role-name ecsTaskExecutionRole --policy-name CreateLogGroup (awslogs-create-group needs it)", [], async () => {
    ok(await shell.sh(`aws iam put-role-policy --role-name ecsTaskExecutionRole --policy-name CreateLogGroup --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:CreateLogGroup","Resource":"*"}]}'`));
  });

  await lab.step(t, "002:675 aws ecs create-cluster --cluster-name ${CLUSTER_NAME} --settings name=containerInsights,value=enabled --configuration '{…}'", [], async () => {
    ok(await shell.sh(`aws ecs create-cluster \\
--cluster-name \${CLUSTER_NAME} \\
--settings name=containerInsights,value=enabled \\
--configuration '{
"executeCommandConfiguration": {
"logging": "DEFAULT"
}
}'`));
  });

  await lab.step(t, "002:684 aws ecs describe-clusters --clusters ${CLUSTER_NAME} --query 'clusters[0].{Name:clusterName,Status:status,Settings:settings}'", [], async () => {
    const r = await shell.sh(`aws ecs describe-clusters --clusters \${CLUSTER_NAME} \\
--query 'clusters[0].{Name:clusterName,Status:status,Settings:settings}'`);
    // AWS leaves settings empty unless the request says --include SETTINGS (see seed-002.ts).
    assert.deepEqual(json(r), { Name: CLUSTER_NAME, Status: 'ACTIVE', Settings: [] }, transcript(r));
  });

  await lab.step(t, '002:689 ALB_SG=$(aws ec2 create-security-group --group-name ecs-alb-sg …); 002:694 authorize-security-group-ingress --protocol tcp --port 80 --cidr 0.0.0.0/0', ['VPC_ID'], async () => {
    await shell.capture('ALB_SG', `aws ec2 create-security-group \\
--group-name ecs-alb-sg \\
--description "Security group for ECS ALB" \\
--vpc-id \${VPC_ID} \\
--query 'GroupId' --output text`);
    ok(await shell.sh(`aws ec2 authorize-security-group-ingress \\
--group-id \${ALB_SG} \\
--protocol tcp --port 80 --cidr 0.0.0.0/0`));
  });

  await lab.step(t, '002:698 TASK_SG=$(aws ec2 create-security-group --group-name ecs-tasks-sg …); 002:703 authorize-security-group-ingress --protocol tcp --port 8080 --source-group ${ALB_SG}', ['ALB_SG'], async () => {
    await shell.capture('TASK_SG', `aws ec2 create-security-group \\
--group-name ecs-tasks-sg \\
--description "Security group for ECS tasks" \\
--vpc-id \${VPC_ID} \\
--query 'GroupId' --output text`);
    ok(await shell.sh(`aws ec2 authorize-security-group-ingress \\
--group-id \${TASK_SG} \\
--protocol tcp --port 8080 --source-group \${ALB_SG}`));
  });

  await lab.step(t, "002:707 ALB_ARN=$(aws elbv2 create-load-balancer --name ecs-exercise-alb --subnets ${PUBLIC_SUBNET_1} ${PUBLIC_SUBNET_2} --security-groups ${ALB_SG} --scheme internet-facing --type application --query 'LoadBalancers[0].LoadBalancerArn' --output text)", ['ALB_SG', 'PUBLIC_SUBNET_2'], async () => {
    const arn = await shell.capture('ALB_ARN', `aws elbv2 create-load-balancer \\
--name ecs-exercise-alb \\
--subnets \${PUBLIC_SUBNET_1} \${PUBLIC_SUBNET_2} \\
--security-groups \${ALB_SG} \\
--scheme internet-facing \\
--type application \\
--query 'LoadBalancers[0].LoadBalancerArn' --output text`);
    assert.match(arn, new RegExp(`^arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/ecs-exercise-alb/[0-9a-f]{16}$`));
  });

  await lab.step(t, "002:715 TG_ARN=$(aws elbv2 create-target-group --name ecs-exercise-targets --protocol HTTP --port 8080 --vpc-id ${VPC_ID} --target-type ip --health-check-path /health --health-check-interval-seconds 5 --health-check-timeout-seconds 2 --healthy-threshold-count 2 …)", ['VPC_ID'], async () => {
    const arn = await shell.capture('TG_ARN', `aws elbv2 create-target-group \\
--name ecs-exercise-targets \\
--protocol HTTP \\
--port 8080 \\
--vpc-id \${VPC_ID} \\
--target-type ip \\
--health-check-path /health \\
--health-check-interval-seconds 5 \\
--health-check-timeout-seconds 2 \\
--healthy-threshold-count 2 \\
--query 'TargetGroups[0].TargetGroupArn' --output text`);
    assert.match(arn, new RegExp(`^arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/ecs-exercise-targets/[0-9a-f]{16}$`));
    ok(await shell.sh('aws elbv2 modify-target-group-attributes --target-group-arn ${TG_ARN} --attributes Key=deregistration_delay.timeout_seconds,Value=2'));
  });

  await lab.step(t, '002:726 aws elbv2 create-listener --load-balancer-arn ${ALB_ARN} --protocol HTTP --port 80 --default-actions Type=forward,TargetGroupArn=${TG_ARN}', ['ALB_ARN', 'TG_ARN'], async () => {
    const r = await shell.sh(`aws elbv2 create-listener \\
--load-balancer-arn \${ALB_ARN} \\
--protocol HTTP --port 80 \\
--default-actions Type=forward,TargetGroupArn=\${TG_ARN}`);
    const listener = json<{ Listeners?: unknown[] }>(r).Listeners?.[0];
    assertHas(listener, { LoadBalancerArn: shell.vars.ALB_ARN, Port: 80, Protocol: 'HTTP' }, 'Listeners[0]', r);
  });

  await lab.step(t, "002:731 ALB_DNS=$(aws elbv2 describe-load-balancers --load-balancer-arns ${ALB_ARN} --query 'LoadBalancers[0].DNSName' --output text); echo \"ALB DNS: ${ALB_DNS}\"", ['ALB_ARN'], async () => {
    const dns = await shell.capture('ALB_DNS', `aws elbv2 describe-load-balancers \\
--load-balancer-arns \${ALB_ARN} \\
--query 'LoadBalancers[0].DNSName' --output text`);
    assert.match(dns, /^ecs-exercise-alb-\d+\.us-east-1\.elb\.localhost$/, 'port 80 was bound: the name has no port');
    assert.equal(captured(await shell.sh('echo "ALB DNS: ${ALB_DNS}"')), `ALB DNS: ${dns}`);
  });

  await lab.step(t, '002:742 cat > /tmp/task-def.json <<EOF … (health checks every 5 s, stopTimeout 2); 002:786 aws ecs register-task-definition --cli-input-json file:///tmp/task-def.json', ['REGISTRY', 'IMAGE'], async () => {
    const document = lab.fixture('002-task-def.json')
      .replace('"interval": 30,', '"interval": 5,').replace('"startPeriod": 30', '"startPeriod": 10')
      .replace('"essential": true,', '"essential": true,\n"stopTimeout": 2,');
    assert.ok(document.includes('"interval": 5,') && document.includes('"startPeriod": 10') && document.includes('"stopTimeout": 2'), 'the seed\'s document changed');
    // The lab's own directory instead of /tmp, which other tests' shells share.
    ok(await shell.sh(`cat > task-def.json <<EOF\n${document}EOF\n`));
    const written = JSON.parse(readFileSync(`${lab.workDir}/task-def.json`, 'utf8')) as { containerDefinitions: { image: string }[] };
    assert.equal(written.containerDefinitions[0]?.image, `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/kubedojo/ecr-exercise:v1.0.0`);
    const r = await shell.sh('aws ecs register-task-definition --cli-input-json file://task-def.json');
    assertHas(json<{ taskDefinition?: unknown }>(r).taskDefinition, { family: 'ecs-exercise', revision: 1, status: 'ACTIVE' }, 'taskDefinition', r);
    shell.export('TASK_DEFINITION', 'ecs-exercise:1');
  });

  await lab.step(t, "002:788 aws ecs create-service --cluster ${CLUSTER_NAME} --service-name api-service --task-definition ecs-exercise:1 --desired-count 2 … --load-balancers '[…]' --enable-execute-command --deployment-configuration '{…}'", ['TASK_DEFINITION', 'TG_ARN', 'TASK_SG', 'PRIVATE_SUBNET_2'], async () => {
    const r = await shell.sh(`aws ecs create-service \\
--cluster \${CLUSTER_NAME} \\
--service-name api-service \\
--task-definition ecs-exercise:1 \\
--desired-count 2 \\
--launch-type FARGATE \\
--network-configuration '{
"awsvpcConfiguration": {
"subnets": ["'"\${PRIVATE_SUBNET_1}"'", "'"\${PRIVATE_SUBNET_2}"'"],
"securityGroups": ["'"\${TASK_SG}"'"],
"assignPublicIp": "DISABLED"
}
}' \\
--load-balancers '[{
"targetGroupArn": "'"\${TG_ARN}"'",
"containerName": "api",
"containerPort": 8080
}]' \\
--enable-execute-command \\
--deployment-configuration '{
"maximumPercent": 200,
"minimumHealthyPercent": 100,
"deploymentCircuitBreaker": {"enable": true, "rollback": true}
}'`);
    assertHas(json<{ service?: unknown }>(r).service, {
      serviceName: SERVICE, status: 'ACTIVE', desiredCount: 2, enableExecuteCommand: true,
      loadBalancers: [{ targetGroupArn: shell.vars.TG_ARN, containerName: 'api', containerPort: 8080 }],
    }, 'service', r);
    shell.export('SERVICE', SERVICE);
  });

  await lab.step(t, '002:819 aws ecs wait services-stable --cluster ${CLUSTER_NAME} --services api-service', ['SERVICE'], async () => {
    ok(await shell.sh(`aws ecs wait services-stable \\
--cluster \${CLUSTER_NAME} \\
--services api-service`));
    assert.equal((await shell.rememberTasks(CLUSTER_NAME, SERVICE)).length, 2);
  });

  await lab.step(t, "002:823 aws ecs describe-services --cluster ${CLUSTER_NAME} --services api-service --query 'services[0].{DesiredCount:desiredCount,RunningCount:runningCount,Status:status,Events:events[:3]}'", ['SERVICE'], async () => {
    const r = await shell.sh(`aws ecs describe-services \\
--cluster \${CLUSTER_NAME} \\
--services api-service \\
--query 'services[0].{DesiredCount:desiredCount,RunningCount:runningCount,Status:status,Events:events[:3]}'`);
    const out = json<{ DesiredCount?: number; RunningCount?: number; Status?: string; Events?: { id?: string; createdAt?: number; message?: string }[] }>(r);
    assertHas(out, { DesiredCount: 2, RunningCount: 2, Status: 'ACTIVE' }, 'service', r);
    assert.equal(out.Events?.length, 3, transcript(r));
    // What ECS says while a service behind a target group starts (the steady state may come after the wait).
    const said = [
      /^\(service api-service\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/,
      /^\(service api-service\) registered [12] targets in \(target-group arn:aws:elasticloadbalancing:us-east-1:\d{12}:targetgroup\/ecs-exercise-targets\/[0-9a-f]{16}\)$/,
      /^\(service api-service\) has reached a steady state\.$/,
      /^\(service api-service\) \(deployment ecs-svc\/\d{19}\) deployment completed\.$/,
    ];
    for (const event of out.Events ?? []) {
      assert.match(event.id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, transcript(r));
      assert.ok(said.some((pattern) => pattern.test(event.message ?? '')), `unexpected event ${event.message ?? ''}\n${transcript(r)}`);
    }
  });

  await lab.step(t, '(not in the seed) aws elbv2 wait target-in-service --target-group-arn ${TG_ARN}: services-stable counts RUNNING tasks, not healthy targets', ['TG_ARN', 'SERVICE'], async () => {
    ok(await shell.sh('aws elbv2 wait target-in-service --target-group-arn ${TG_ARN}'));
  });

  await lab.step(t, '002:828 curl http://${ALB_DNS}/', ['ALB_DNS', 'SERVICE'], async () => {
    const r = ok(await curl('/'));
    assert.equal(r.stdout, 'hello from bth httpd\n', transcript(r));
  });

  await lab.step(t, '002:829 curl http://${ALB_DNS}/health', ['ALB_DNS', 'SERVICE'], async () => {
    const r = ok(await curl('/health'));
    assert.equal(r.stdout, 'ok\n', transcript(r));
  });

  await lab.step(t, '002:955 aws ecs update-service --cluster ${CLUSTER_NAME} --service api-service --desired-count 0', ['SERVICE'], async () => {
    const r = await shell.sh(`aws ecs update-service \\
--cluster \${CLUSTER_NAME} \\
--service api-service \\
--desired-count 0`);
    assertHas(json<{ service?: unknown }>(r).service, { serviceName: SERVICE, desiredCount: 0 }, 'service', r);
  });

  await lab.step(t, '002:960 aws ecs wait services-stable --cluster ${CLUSTER_NAME} --services api-service', ['SERVICE'], async () => {
    ok(await shell.sh(`aws ecs wait services-stable \\
--cluster \${CLUSTER_NAME} \\
--services api-service`));
    await shell.rememberTasks(CLUSTER_NAME, SERVICE);
    const r = await shell.sh("aws ecs list-tasks --cluster ${CLUSTER_NAME} --service-name api-service --query 'taskArns' --output json");
    assert.deepEqual(json(r), [], `no task left running\n${transcript(r)}`);
  });

  await lab.step(t, '002:964 aws ecs delete-service --cluster ${CLUSTER_NAME} --service api-service --force', ['SERVICE'], async () => {
    const r = await shell.sh(`aws ecs delete-service \\
--cluster \${CLUSTER_NAME} \\
--service api-service \\
--force`);
    const status = json<{ service?: { status?: string } }>(r).service?.status;
    assert.ok(status === 'DRAINING' || status === 'INACTIVE', transcript(r));
  });

  await lab.step(t, '002:967 aws ecs delete-cluster --cluster ${CLUSTER_NAME}', ['SERVICE'], async () => {
    const r = await shell.sh('aws ecs delete-cluster --cluster ${CLUSTER_NAME}');
    assertHas(json<{ cluster?: unknown }>(r).cluster, { clusterName: CLUSTER_NAME, status: 'INACTIVE' }, 'cluster', r);
  });

  await lab.step(t, "002:969 aws elbv2 delete-listener --listener-arn $(aws elbv2 describe-listeners --load-balancer-arn ${ALB_ARN} --query 'Listeners[0].ListenerArn' --output text)", ['ALB_ARN'], async () => {
    const r = ok(await shell.sh(`aws elbv2 delete-listener \\
--listener-arn $(aws elbv2 describe-listeners \\
--load-balancer-arn \${ALB_ARN} \\
--query 'Listeners[0].ListenerArn' --output text)`));
    assert.equal(r.stdout, '', transcript(r));
  });

  await lab.step(t, '002:973 aws elbv2 delete-target-group --target-group-arn ${TG_ARN}', ['TG_ARN'], async () => {
    ok(await shell.sh('aws elbv2 delete-target-group --target-group-arn ${TG_ARN}'));
  });

  await lab.step(t, '002:975 aws elbv2 delete-load-balancer --load-balancer-arn ${ALB_ARN}', ['ALB_ARN'], async () => {
    ok(await shell.sh('aws elbv2 delete-load-balancer --load-balancer-arn ${ALB_ARN}'));
    const r = await shell.sh('aws elbv2 describe-load-balancers --names ecs-exercise-alb');
    assert.match(r.stderr, /LoadBalancerNotFound/, transcript(r));
    // Nothing answers for the name any more (curl: connection refused, exit 7).
    const deadline = Date.now() + 10_000;
    let gone = await curl('/');
    while (gone.code === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      gone = await curl('/');
    }
    assert.equal(gone.code, 7, transcript(gone));
  });

  await lab.step(t, '002:979 aws ec2 delete-security-group --group-id ${TASK_SG}; 002:980 aws ec2 delete-security-group --group-id ${ALB_SG} (without L978\'s sleep 30)', ['TASK_SG', 'ALB_SG'], async () => {
    await shell.whenReleased('aws ec2 delete-security-group --group-id ${TASK_SG}');
    await shell.whenReleased('aws ec2 delete-security-group --group-id ${ALB_SG}');
  });

  await lab.step(t, '002:982 aws ecs deregister-task-definition --task-definition ecs-exercise:1; echo "Cleanup complete"', ['TASK_DEFINITION'], async () => {
    const r = await shell.sh('aws ecs deregister-task-definition --task-definition ecs-exercise:1');
    assertHas(json<{ taskDefinition?: unknown }>(r).taskDefinition, { family: 'ecs-exercise', revision: 1, status: 'INACTIVE' }, 'taskDefinition', r);
    assert.equal(captured(await shell.sh('echo "Cleanup complete"')), 'Cleanup complete');
  });

  await lab.step(t, '(teardown of the setup) the internet gateway, subnets and VPC; the repository', ['VPC_ID'], async () => {
    await shell.deleteVpc(SUBNETS);
    ok(await shell.sh('aws ecr delete-repository --repository-name kubedojo/ecr-exercise --force'));
  });
}

export const ALB_LAB = { cluster: CLUSTER_NAME, service: SERVICE };
