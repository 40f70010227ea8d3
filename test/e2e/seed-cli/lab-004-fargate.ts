// Seed 004's Fargate lab with a real task (shared/seeds/004, Steps 8–9, Validation, Troubleshooting's
// checks and the Cleanup, L533–612), typed as the reader types it, after the steps it builds on
// (L446–529) typed with what this host needs instead:
//   - a VPC of our own (10.79.64.0/18) instead of the default VPC (L426): the default VPC's 172.31.0.0/16
//     would be a bridge beside other Berth servers' on the same host;
//   - the security group opens 8080 (not 80) to MY_IP=203.0.113.10/32, a stand-in for what L443's
//     checkip.amazonaws.com would say (no internet here): the host's curl to the public IP stands for the
//     internet, so a rule for the user's own address admits it, as on AWS (src/network/LIMITATIONS.md);
//   - busybox httpd on 8080 (test/images, image `httpd`, pushed to Berth's ECR) instead of nginx on 80 from
//     public.ecr.aws, with `-v` so it logs each request as nginx does, and stopTimeout 2.
// Step names start with the seed's line number.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { ACCOUNT, REGION, assertHas, json, ok, parseTable, transcript } from './expect.ts';
import type { LabShell } from './lab-shell.ts';

const CLUSTER_NAME = 'fargate-lab-cluster';
const SERVICE_NAME = 'nginx-fargate-svc';
const LOG_GROUP = '/ecs/fargate-nginx-lab';
const SUBNETS = ['SUBNET_1'];

export async function lab004Fargate(t: TestContext, shell: LabShell): Promise<void> {
  const { lab } = shell;
  shell.export('AWS_REGION', REGION);

  await lab.step(t, '(setup, instead of 004:426–438\'s default VPC) a VPC 10.79.64.0/18, SUBNET_1 in us-east-1a, an internet gateway; the image pushed to ECR', [], async () => {
    await shell.createVpc('10.79.64.0/18', { SUBNET_1: { third: 1, zone: 'us-east-1a' } });
    await shell.pushImage('httpd', 'fargate-lab/httpd', 'latest');
  });

  await lab.step(t, '004:446 export SG_ID="$(aws ec2 create-security-group --group-name fargate-nginx-sg … --vpc-id "$VPC_ID" --query \'GroupId\' --output text)"', ['VPC_ID'], async () => {
    await shell.capture('SG_ID', `aws ec2 create-security-group \\
  --group-name fargate-nginx-sg \\
  --description "Allow HTTP to Fargate Nginx (lab)" \\
  --vpc-id "$VPC_ID" \\
  --query 'GroupId' --output text`);
  });

  await lab.step(t, '004:453 aws ec2 authorize-security-group-ingress --group-id "$SG_ID" --ip-permissions "IpProtocol=tcp,FromPort=8080,ToPort=8080,IpRanges=[{CidrIp=$MY_IP,…}]" (8080, MY_IP=203.0.113.10/32)', ['SG_ID'], async () => {
    shell.export('MY_IP', '203.0.113.10/32');
    ok(await shell.sh(`aws ec2 authorize-security-group-ingress \\
  --group-id "$SG_ID" \\
  --ip-permissions "IpProtocol=tcp,FromPort=8080,ToPort=8080,IpRanges=[{CidrIp=$MY_IP,Description='My IP'}]"`));
  });

  await lab.step(t, '004:464 export CLUSTER_NAME="fargate-lab-cluster"; aws ecs create-cluster --cluster-name "$CLUSTER_NAME"', [], async () => {
    shell.export('CLUSTER_NAME', CLUSTER_NAME);
    ok(await shell.sh('aws ecs create-cluster --cluster-name "$CLUSTER_NAME"'));
  });

  await lab.step(t, "004:472 cat > trust-policy.json <<'EOF' …; 004:485 aws iam create-role --role-name ecsTaskExecutionRole --assume-role-policy-document file://trust-policy.json; 004:488 aws iam attach-role-policy … AmazonECSTaskExecutionRolePolicy", [], async () => {
    ok(await shell.sh(`cat > trust-policy.json <<'EOF'\n${lab.fixture('004-trust-policy.json')}EOF\n`));
    // The other shell's lab (seed 002) makes the same role on this server: made here only when it is missing, as 004:469's check does.
    ok(await shell.sh('aws iam get-role --role-name ecsTaskExecutionRole >/dev/null 2>&1 || aws iam create-role --role-name ecsTaskExecutionRole --assume-role-policy-document file://trust-policy.json'));
    ok(await shell.sh('aws iam attach-role-policy --role-name ecsTaskExecutionRole --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'));
  });

  await lab.step(t, '004:493 export LOG_GROUP="/ecs/fargate-nginx-lab"; aws logs create-log-group --log-group-name "$LOG_GROUP" 2>/dev/null || true; aws logs put-retention-policy --log-group-name "$LOG_GROUP" --retention-in-days 7', [], async () => {
    shell.export('LOG_GROUP', LOG_GROUP);
    ok(await shell.sh('aws logs create-log-group --log-group-name "$LOG_GROUP" 2>/dev/null || true'));
    ok(await shell.sh('aws logs put-retention-policy --log-group-name "$LOG_GROUP" --retention-in-days 7'));
  });

  await lab.step(t, "004:500 cat > taskdef-nginx.json <<EOF … (our image on 8080); 004:529 export TASKDEF_ARN=\"$(aws ecs register-task-definition --cli-input-json file://taskdef-nginx.json --query 'taskDefinition.taskDefinitionArn' --output text)\"", ['LOG_GROUP', 'IMAGE'], async () => {
    const document = lab.fixture('004-taskdef-nginx.json')
      .replace('"public.ecr.aws/docker/library/nginx:latest",', `"${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/fargate-lab/httpd:latest",
      "command": ["/bin/httpd", "-f", "-v", "-p", "8080", "-h", "/www"],
      "stopTimeout": 2,`)
      .replace('{ "containerPort": 80, "protocol": "tcp" }', '{ "containerPort": 8080, "protocol": "tcp" }');
    assert.ok(document.includes('fargate-lab/httpd') && document.includes('8080'), 'the seed\'s document changed');
    ok(await shell.sh(`cat > taskdef-nginx.json <<EOF\n${document}EOF\n`));
    const arn = await shell.capture('TASKDEF_ARN', `aws ecs register-task-definition \\
  --cli-input-json file://taskdef-nginx.json \\
  --query 'taskDefinition.taskDefinitionArn' --output text`);
    assert.equal(arn, `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/fargate-nginx-lab:1`);
  });

  await lab.step(t, '004:536 export SERVICE_NAME="nginx-fargate-svc"; 004:537 aws ecs create-service … --network-configuration "awsvpcConfiguration={subnets=[$SUBNET_1],securityGroups=[$SG_ID],assignPublicIp=ENABLED}"', ['TASKDEF_ARN', 'SG_ID', 'SUBNET_1'], async () => {
    shell.export('SERVICE_NAME', SERVICE_NAME);
    const r = await shell.sh(`aws ecs create-service \\
  --cluster "$CLUSTER_NAME" \\
  --service-name "$SERVICE_NAME" \\
  --task-definition "$TASKDEF_ARN" \\
  --desired-count 1 \\
  --launch-type FARGATE \\
  --network-configuration "awsvpcConfiguration={subnets=[$SUBNET_1],securityGroups=[$SG_ID],assignPublicIp=ENABLED}"`);
    const { service } = json<{ service?: Record<string, unknown> }>(r);
    assertHas(service, {
      serviceName: SERVICE_NAME, serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER_NAME}/${SERVICE_NAME}`, status: 'ACTIVE',
      desiredCount: 1, launchType: 'FARGATE', taskDefinition: shell.vars.TASKDEF_ARN,
      networkConfiguration: { awsvpcConfiguration: { subnets: [shell.vars.SUBNET_1], securityGroups: [shell.vars.SG_ID], assignPublicIp: 'ENABLED' } },
    }, 'service', r);
    shell.export('SERVICE', SERVICE_NAME);
  });

  await lab.step(t, '004:545 aws ecs wait services-stable --cluster "$CLUSTER_NAME" --services "$SERVICE_NAME"', ['SERVICE'], async () => {
    ok(await shell.sh('aws ecs wait services-stable --cluster "$CLUSTER_NAME" --services "$SERVICE_NAME"'));
    await shell.rememberTasks(CLUSTER_NAME, SERVICE_NAME);
  });

  await lab.step(t, "004:549 export TASK_ARN=\"$(aws ecs list-tasks --cluster \"$CLUSTER_NAME\" --service-name \"$SERVICE_NAME\" --query 'taskArns[0]' --output text)\"", ['SERVICE'], async () => {
    const arn = await shell.capture('TASK_ARN', `aws ecs list-tasks \\
  --cluster "$CLUSTER_NAME" \\
  --service-name "$SERVICE_NAME" \\
  --query 'taskArns[0]' --output text`);
    assert.match(arn, new RegExp(`^arn:aws:ecs:${REGION}:${ACCOUNT}:task/${CLUSTER_NAME}/[0-9a-f]{32}$`));
  });

  await lab.step(t, "004:555 export ENI_ID=\"$(aws ecs describe-tasks --cluster \"$CLUSTER_NAME\" --tasks \"$TASK_ARN\" --query \"tasks[0].attachments[0].details[?name=='networkInterfaceId'].value | [0]\" --output text)\"", ['TASK_ARN'], async () => {
    const eni = await shell.capture('ENI_ID', `aws ecs describe-tasks \\
  --cluster "$CLUSTER_NAME" \\
  --tasks "$TASK_ARN" \\
  --query "tasks[0].attachments[0].details[?name=='networkInterfaceId'].value | [0]" \\
  --output text`);
    assert.match(eni, /^eni-[0-9a-f]{17}$/);
  });

  await lab.step(t, "004:562 export PUBLIC_IP=\"$(aws ec2 describe-network-interfaces --network-interface-ids \"$ENI_ID\" --query 'NetworkInterfaces[0].Association.PublicIp' --output text)\"", ['ENI_ID'], async () => {
    const ip = await shell.capture('PUBLIC_IP', `aws ec2 describe-network-interfaces \\
  --network-interface-ids "$ENI_ID" \\
  --query 'NetworkInterfaces[0].Association.PublicIp' --output text`);
    assert.match(ip, /^10\.79\.65\.\d+$/, 'the address the host reaches the task at');
  });

  await lab.step(t, '004:569 curl -i "http://$PUBLIC_IP:8080/" → HTTP 200 and the page', ['PUBLIC_IP'], async () => {
    const r = ok(await shell.sh('curl -sS -i --max-time 5 "http://$PUBLIC_IP:8080/"'));
    assert.match(r.stdout, /^HTTP\/1\.[01] 200 OK\r\n/, transcript(r));
    assert.ok(r.stdout.endsWith('\r\n\r\nhello from bth httpd\n'), transcript(r));
  });

  await lab.step(t, '004:572 aws logs describe-log-streams --log-group-name "$LOG_GROUP" --order-by LastEventTime --descending --max-items 5', ['TASK_ARN'], async () => {
    const taskId = shell.vars.TASK_ARN?.split('/').pop() ?? '';
    const r = await shell.sh('aws logs describe-log-streams --log-group-name "$LOG_GROUP" --order-by LastEventTime --descending --max-items 5');
    const names = (json<{ logStreams?: { logStreamName?: string }[] }>(r).logStreams ?? []).map((s) => s.logStreamName);
    assert.ok(names.includes(`nginx/nginx/${taskId}`), `the task's stream nginx/nginx/${taskId}\n${transcript(r)}`);
    shell.export('STREAM_NAME', `nginx/nginx/${taskId}`); // 004:574, REPLACE_ME replaced as the seed asks
  });

  await lab.step(t, '004:575 aws logs get-log-events --log-group-name "$LOG_GROUP" --log-stream-name "$STREAM_NAME" --limit 20 → the request curl made', ['STREAM_NAME'], async () => {
    const deadline = Date.now() + 15_000;
    let r = await shell.sh('aws logs get-log-events --log-group-name "$LOG_GROUP" --log-stream-name "$STREAM_NAME" --limit 20');
    const served = () => (json<{ events?: { message?: string }[] }>(r).events ?? []).some((e) => e.message?.endsWith('response:200'));
    while (!served() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      r = await shell.sh('aws logs get-log-events --log-group-name "$LOG_GROUP" --log-stream-name "$STREAM_NAME" --limit 20');
    }
    assert.ok(served(), `httpd logged the request\n${transcript(r)}`);
  });

  await lab.step(t, "004:581 aws ecs describe-services --cluster \"$CLUSTER_NAME\" --services \"$SERVICE_NAME\" --query 'services[0].events[0:10].[createdAt,message]' --output table", ['TASK_ARN'], async () => {
    const r = ok(await shell.sh(`aws ecs describe-services --cluster "$CLUSTER_NAME" --services "$SERVICE_NAME" \\
       --query 'services[0].events[0:10].[createdAt,message]' --output table`));
    const table = parseTable(r.stdout);
    assert.equal(table.title, 'DescribeServices', transcript(r));
    const messages = [table.header, ...table.rows].map((row) => row[1]);
    const taskId = shell.vars.TASK_ARN?.split('/').pop() ?? '';
    // "has reached a steady state." comes once the task counts as healthy: without a load balancer or health check, 40 s after RUNNING.
    assert.ok(messages.includes(`(service ${SERVICE_NAME}) has started 1 tasks: (task ${taskId}).`), transcript(r));
  });

  await lab.step(t, "004:585 aws ecs describe-tasks --cluster \"$CLUSTER_NAME\" --tasks \"$TASK_ARN\" --query 'tasks[0].[lastStatus,desiredStatus,stopCode,stoppedReason]' --output table", ['TASK_ARN'], async () => {
    const r = ok(await shell.sh(`aws ecs describe-tasks --cluster "$CLUSTER_NAME" --tasks "$TASK_ARN" \\
       --query 'tasks[0].[lastStatus,desiredStatus,stopCode,stoppedReason]' --output table`));
    const cells = r.stdout.split('\n').filter((l) => l.startsWith('|')).map((l) => l.split('|')[1]?.trim());
    assert.deepEqual(cells, ['DescribeTasks', 'RUNNING', 'RUNNING', 'None', 'None'], transcript(r));
  });

  await lab.step(t, '004:603 aws ecs update-service --cluster "$CLUSTER_NAME" --service "$SERVICE_NAME" --desired-count 0', ['SERVICE'], async () => {
    const r = await shell.sh('aws ecs update-service --cluster "$CLUSTER_NAME" --service "$SERVICE_NAME" --desired-count 0');
    assertHas(json<{ service?: unknown }>(r).service, { serviceName: SERVICE_NAME, desiredCount: 0, status: 'ACTIVE' }, 'service', r);
  });

  await lab.step(t, '004:604 aws ecs delete-service --cluster "$CLUSTER_NAME" --service "$SERVICE_NAME" --force', ['SERVICE'], async () => {
    const r = await shell.sh('aws ecs delete-service --cluster "$CLUSTER_NAME" --service "$SERVICE_NAME" --force');
    const { service } = json<{ service?: { status?: string; desiredCount?: number } }>(r);
    assert.ok(service?.status === 'DRAINING' || service?.status === 'INACTIVE', transcript(r));
    assert.equal(service?.desiredCount, 0, transcript(r));
  });

  await lab.step(t, '(not in the seed: the task stops within its stopTimeout; 004:610 needs its ENI gone) aws ecs wait tasks-stopped --cluster "$CLUSTER_NAME" --tasks "$TASK_ARN"', ['TASK_ARN'], async () => {
    ok(await shell.sh('aws ecs wait tasks-stopped --cluster "$CLUSTER_NAME" --tasks "$TASK_ARN"'));
    await shell.rememberTasks(CLUSTER_NAME, SERVICE_NAME).catch(() => []);
  });

  await lab.step(t, '004:606 aws ecs delete-cluster --cluster "$CLUSTER_NAME"', ['CLUSTER_NAME'], async () => {
    const r = await shell.sh('aws ecs delete-cluster --cluster "$CLUSTER_NAME"');
    assertHas(json<{ cluster?: unknown }>(r).cluster, { clusterName: CLUSTER_NAME, status: 'INACTIVE' }, 'cluster', r);
  });

  await lab.step(t, '004:608 aws logs delete-log-group --log-group-name "$LOG_GROUP"', ['LOG_GROUP'], async () => {
    const r = ok(await shell.sh('aws logs delete-log-group --log-group-name "$LOG_GROUP"'));
    assert.equal(r.stdout, '', transcript(r));
  });

  await lab.step(t, '004:610 aws ec2 delete-security-group --group-id "$SG_ID"', ['SG_ID'], async () => {
    const r = await shell.whenReleased('aws ec2 delete-security-group --group-id "$SG_ID"');
    assert.deepEqual(json(r), { Return: true, GroupId: shell.vars.SG_ID }, transcript(r));
  });

  await lab.step(t, '(teardown of the setup) the internet gateway, subnet and VPC; the repository', ['VPC_ID'], async () => {
    await shell.deleteVpc(SUBNETS);
    ok(await shell.sh('aws ecr delete-repository --repository-name fargate-lab/httpd --force'));
  });
}

export const FARGATE_LAB = { cluster: CLUSTER_NAME, service: SERVICE_NAME };
