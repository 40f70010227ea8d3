// Seed 004 (the "AWS Fargate" tutorial, §10 "Step-by-Step Hands-On Tutorial"): Steps 1–7 and the
// Cleanup, typed as the reader types them. Step names start with the seed's line number.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { assertNewCluster, assertRole } from './checks.ts';
import { ACCOUNT, ID, REGION, assertHas, awsError, captured, json, ok, parseTable, silent, transcript } from './expect.ts';
import type { Lab } from './lab.ts';

const CLUSTER_NAME = 'fargate-lab-cluster'; // L463
const LOG_GROUP = '/ecs/fargate-nginx-lab'; // L493
// L443 asks checkip.amazonaws.com for the reader's address; the test stays on loopback, so it
// uses a documentation address (RFC 5737) instead.
const MY_IP = '203.0.113.10/32';
const SG_NAME = 'fargate-nginx-sg';
const SG_DESCRIPTION = 'Allow HTTP to Fargate Nginx (lab)';
const EXECUTION_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';
const ROLE_CHECK = 'aws iam get-role --role-name ecsTaskExecutionRole >/dev/null 2>&1 && echo "Role exists" || echo "Role not found"'; // L469
const EGRESS_LINE = `aws ec2 authorize-security-group-egress \\
  --group-id "$SG_ID" \\
  --ip-permissions "IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0,Description='All outbound'}]" \\
  2>/dev/null || true`; // L457–460

export async function seed004(t: TestContext, lab: Lab): Promise<void> {
  const { cli } = lab;

  await lab.step(t, '004:420 aws configure set region "$AWS_REGION"', [], async () => {
    silent(await cli.aws('configure', 'set', 'region', REGION));
    assert.match(readFileSync(cli.configFile, 'utf8'), /^region = us-east-1$/m);
  });

  await lab.step(t, '004:421 aws sts get-caller-identity', [], async () => {
    const r = await cli.aws('sts', 'get-caller-identity');
    assert.deepEqual(json(r), { UserId: ACCOUNT, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` }, transcript(r));
  });

  await lab.step(t, "004:426 VPC_ID=$(aws ec2 describe-vpcs --filters Name=isDefault,Values=true --query 'Vpcs[0].VpcId' --output text)", [], async () => {
    const r = await cli.aws('ec2', 'describe-vpcs', '--filters', 'Name=isDefault,Values=true', '--query', 'Vpcs[0].VpcId', '--output', 'text');
    const vpcId = captured(r);
    assert.match(vpcId, ID.vpc, `the region's default VPC (the CLI prints None when there is none)\n${transcript(r)}`);
    lab.set('VPC_ID', vpcId);
  });

  await lab.step(t, "004:431 aws ec2 describe-subnets --filters Name=vpc-id,Values=\"$VPC_ID\" --query 'Subnets[].{SubnetId:SubnetId,AZ:AvailabilityZone,CIDR:CidrBlock}' --output table", ['VPC_ID'], async () => {
    const r = ok(await cli.aws('ec2', 'describe-subnets', '--filters', `Name=vpc-id,Values=${lab.get('VPC_ID')}`,
      '--query', 'Subnets[].{SubnetId:SubnetId,AZ:AvailabilityZone,CIDR:CidrBlock}', '--output', 'table'));
    const table = parseTable(r.stdout);
    assert.equal(table.title, 'DescribeSubnets', transcript(r));
    assert.deepEqual(table.header, ['AZ', 'CIDR', 'SubnetId'], transcript(r));
    assert.ok(table.rows.length >= 1, `the default VPC has a default subnet in each Availability Zone\n${transcript(r)}`);
    for (const [az = '', cidr = '', subnetId = ''] of table.rows) {
      assert.match(az, /^us-east-1[a-z]$/, transcript(r));
      // AWS's default VPC is 172.31.0.0/16 with a /20 default subnet per AZ (Amazon VPC User Guide, "Default VPCs").
      assert.match(cidr, /^172\.31\.\d{1,3}\.0\/20$/, transcript(r));
      assert.match(subnetId, ID.subnet, transcript(r));
    }
    assert.equal(new Set(table.rows.map((row) => row[0])).size, table.rows.length, `one default subnet per AZ\n${transcript(r)}`);
  });

  await lab.step(t, "004:446 SG_ID=$(aws ec2 create-security-group --group-name fargate-nginx-sg --description \"Allow HTTP to Fargate Nginx (lab)\" --vpc-id \"$VPC_ID\" --query 'GroupId' --output text)", ['VPC_ID'], async () => {
    const r = await cli.aws('ec2', 'create-security-group', '--group-name', SG_NAME, '--description', SG_DESCRIPTION,
      '--vpc-id', lab.get('VPC_ID'), '--query', 'GroupId', '--output', 'text');
    const sgId = captured(r);
    assert.match(sgId, ID.sg, transcript(r));
    lab.set('SG_ID', sgId);
  });

  await lab.step(t, '004:446 the same create-security-group typed again → InvalidGroup.Duplicate', ['VPC_ID', 'SG_ID'], async () => {
    const vpcId = lab.get('VPC_ID');
    const r = await cli.aws('ec2', 'create-security-group', '--group-name', SG_NAME, '--description', SG_DESCRIPTION,
      '--vpc-id', vpcId, '--query', 'GroupId', '--output', 'text');
    awsError(r, 'InvalidGroup.Duplicate', 'CreateSecurityGroup', `The security group '${SG_NAME}' already exists for VPC '${vpcId}'`);
  });

  await lab.step(t, "004:453 aws ec2 authorize-security-group-ingress --group-id \"$SG_ID\" --ip-permissions \"IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=$MY_IP,Description='My IP'}]\"", ['SG_ID'], async () => {
    const sgId = lab.get('SG_ID');
    const r = await cli.aws('ec2', 'authorize-security-group-ingress', '--group-id', sgId,
      '--ip-permissions', `IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=${MY_IP},Description='My IP'}]`);
    const out = json<{ Return?: boolean; SecurityGroupRules?: Record<string, unknown>[] }>(r);
    assert.equal(out.Return, true, transcript(r));
    assert.equal(out.SecurityGroupRules?.length, 1, transcript(r));
    const rule = out.SecurityGroupRules?.[0];
    assertHas(rule, { GroupId: sgId, GroupOwnerId: ACCOUNT, IsEgress: false, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: MY_IP, Description: 'My IP' }, 'SecurityGroupRules[0]', r);
    assert.match(String(rule?.SecurityGroupRuleId), ID.sgr, transcript(r));
  });

  await lab.step(t, "004:457 authorize-security-group-egress for 0.0.0.0/0, without the seed's 2>/dev/null → InvalidPermission.Duplicate (every new VPC security group already allows all egress)", ['SG_ID'], async () => {
    const r = await cli.aws('ec2', 'authorize-security-group-egress', '--group-id', lab.get('SG_ID'),
      '--ip-permissions', "IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0,Description='All outbound'}]");
    awsError(r, 'InvalidPermission.Duplicate', 'AuthorizeSecurityGroupEgress', 'the specified rule "peer: 0.0.0.0/0, ALL, ALLOW" already exists');
  });

  await lab.step(t, `004:457 ${EGRESS_LINE.replace(/ \\\n\s*/g, ' ')}`, ['SG_ID'], async () => {
    silent(await cli.sh(EGRESS_LINE, { SG_ID: lab.get('SG_ID') }));
  });

  await lab.step(t, '(check, not in the seed) aws ec2 describe-security-groups --group-ids "$SG_ID"', ['SG_ID', 'VPC_ID'], async () => {
    const sgId = lab.get('SG_ID');
    const r = await cli.aws('ec2', 'describe-security-groups', '--group-ids', sgId);
    const out = json<{ SecurityGroups?: unknown[] }>(r);
    assert.equal(out.SecurityGroups?.length, 1, transcript(r));
    assertHas(out.SecurityGroups?.[0], {
      GroupId: sgId, GroupName: SG_NAME, Description: SG_DESCRIPTION, VpcId: lab.get('VPC_ID'), OwnerId: ACCOUNT,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: MY_IP, Description: 'My IP' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
    }, 'SecurityGroups[0]', r);
  });

  await lab.step(t, '004:464 aws ecs create-cluster --cluster-name "$CLUSTER_NAME"', [], async () => {
    const r = await cli.aws('ecs', 'create-cluster', '--cluster-name', CLUSTER_NAME);
    assertNewCluster(json<{ cluster?: unknown }>(r).cluster, CLUSTER_NAME, r);
    lab.set('CLUSTER_NAME', CLUSTER_NAME);
  });

  await lab.step(t, '004:464 the same create-cluster typed again → the existing cluster (CreateCluster is idempotent)', ['CLUSTER_NAME'], async () => {
    // AWS returns the ACTIVE cluster of that name rather than an error (hashicorp/terraform-provider-aws#38875, #44817).
    const r = await cli.aws('ecs', 'create-cluster', '--cluster-name', CLUSTER_NAME);
    assertNewCluster(json<{ cluster?: unknown }>(r).cluster, CLUSTER_NAME, r);
  });

  await lab.step(t, "004:469 aws iam get-role --role-name ecsTaskExecutionRole, without the seed's redirections → NoSuchEntity", [], async () => {
    awsError(await cli.aws('iam', 'get-role', '--role-name', 'ecsTaskExecutionRole'), 'NoSuchEntity', 'GetRole', 'The role with name ecsTaskExecutionRole cannot be found.');
  });

  await lab.step(t, `004:469 ${ROLE_CHECK} → Role not found`, [], async () => {
    const r = await cli.sh(ROLE_CHECK);
    assert.equal(r.stdout, 'Role not found\n', transcript(r));
  });

  await lab.step(t, "004:472 cat > trust-policy.json <<'EOF' …; 004:485 aws iam create-role --role-name ecsTaskExecutionRole --assume-role-policy-document file://trust-policy.json", [], async () => {
    lab.copyFixture('004-trust-policy.json', 'trust-policy.json');
    const r = await cli.aws('iam', 'create-role', '--role-name', 'ecsTaskExecutionRole', '--assume-role-policy-document', 'file://trust-policy.json');
    assertRole(json<{ Role?: unknown }>(r).Role, 'ecsTaskExecutionRole', lab.document('004-trust-policy.json'), r);
    lab.set('ROLE', 'ecsTaskExecutionRole');
  });

  await lab.step(t, '004:485 the same create-role typed again → EntityAlreadyExists', ['ROLE'], async () => {
    const r = await cli.aws('iam', 'create-role', '--role-name', 'ecsTaskExecutionRole', '--assume-role-policy-document', 'file://trust-policy.json');
    awsError(r, 'EntityAlreadyExists', 'CreateRole', 'Role with name ecsTaskExecutionRole already exists.');
  });

  await lab.step(t, '004:488 aws iam attach-role-policy --role-name ecsTaskExecutionRole --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy', ['ROLE'], async () => {
    silent(await cli.aws('iam', 'attach-role-policy', '--role-name', 'ecsTaskExecutionRole', '--policy-arn', EXECUTION_POLICY));
    lab.set('ATTACHED', EXECUTION_POLICY);
  });

  await lab.step(t, `004:469 ${ROLE_CHECK} → Role exists`, ['ROLE'], async () => {
    const r = await cli.sh(ROLE_CHECK);
    assert.equal(r.stdout, 'Role exists\n', transcript(r));
  });

  await lab.step(t, '004:500 cat > taskdef-nginx.json <<EOF … (the shell runs $(aws sts get-caller-identity --query Account --output text) inside)', [], async () => {
    const path = await lab.heredoc('004-taskdef-nginx.json', 'taskdef-nginx.json', { LOG_GROUP, AWS_REGION: REGION });
    const written = JSON.parse(readFileSync(path, 'utf8')) as { executionRoleArn?: string; containerDefinitions?: { logConfiguration?: { options?: unknown } }[] };
    assert.equal(written.executionRoleArn, `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`);
    assert.deepEqual(written.containerDefinitions?.[0]?.logConfiguration?.options, { 'awslogs-group': LOG_GROUP, 'awslogs-region': REGION, 'awslogs-stream-prefix': 'nginx' });
    lab.set('TASKDEF_FILE', path);
  });

  await lab.step(t, "004:529 TASKDEF_ARN=$(aws ecs register-task-definition --cli-input-json file://taskdef-nginx.json --query 'taskDefinition.taskDefinitionArn' --output text)", ['TASKDEF_FILE'], async () => {
    const r = await cli.aws('ecs', 'register-task-definition', '--cli-input-json', 'file://taskdef-nginx.json',
      '--query', 'taskDefinition.taskDefinitionArn', '--output', 'text');
    assert.equal(captured(r), `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/fargate-nginx-lab:1`, transcript(r));
  });

  // Cleanup (L600–617); the service and log-group lines belong to later stages.
  await lab.step(t, '004:606 aws ecs delete-cluster --cluster "$CLUSTER_NAME"', ['CLUSTER_NAME'], async () => {
    const r = await cli.aws('ecs', 'delete-cluster', '--cluster', CLUSTER_NAME);
    assertHas(json<{ cluster?: unknown }>(r).cluster, {
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${CLUSTER_NAME}`, clusterName: CLUSTER_NAME, status: 'INACTIVE',
    }, 'cluster', r);
  });

  await lab.step(t, '004:610 aws ec2 delete-security-group --group-id "$SG_ID"', ['SG_ID'], async () => {
    const sgId = lab.get('SG_ID');
    const r = await cli.aws('ec2', 'delete-security-group', '--group-id', sgId);
    assert.deepEqual(json(r), { Return: true, GroupId: sgId }, transcript(r));
  });

  await lab.step(t, '004:615 aws iam delete-role before 004:612 detach-role-policy → DeleteConflict', ['ATTACHED'], async () => {
    awsError(await cli.aws('iam', 'delete-role', '--role-name', 'ecsTaskExecutionRole'), 'DeleteConflict', 'DeleteRole', 'Cannot delete entity, must detach all policies first.');
  });

  await lab.step(t, '004:612 aws iam detach-role-policy --role-name ecsTaskExecutionRole --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy', ['ATTACHED'], async () => {
    silent(await cli.aws('iam', 'detach-role-policy', '--role-name', 'ecsTaskExecutionRole', '--policy-arn', EXECUTION_POLICY));
  });

  await lab.step(t, '004:615 aws iam delete-role --role-name ecsTaskExecutionRole', ['ROLE'], async () => {
    silent(await cli.aws('iam', 'delete-role', '--role-name', 'ecsTaskExecutionRole'));
    const r = await cli.sh(ROLE_CHECK);
    assert.equal(r.stdout, 'Role not found\n', `after delete-role, the seed's check says the role is gone\n${transcript(r)}`);
  });
}
