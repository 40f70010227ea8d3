// Seed 002 ("Module 1.7: Elastic Container Service (ECS) & Fargate"): the IAM roles and inline
// policies, the task definition walkthrough, the clusters, and the hands-on exercise's security
// groups, task definition, CodeDeploy role and cleanup. Step names start with the seed's line number.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { assertNewCluster, assertRole, assertTaskDefinition, type TaskDefinitionInput } from './checks.ts';
import { ACCOUNT, ID, REGION, assertHas, assertRecent, awsError, captured, json, silent, transcript } from './expect.ts';
import type { Lab } from './lab.ts';

const EXECUTION_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';
const CODEDEPLOY_POLICY = 'arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS';
const CLUSTER_NAME = 'kubedojo-exercise'; // L664

/** L250–276 and L662–983: the task definition walkthrough, the clusters and the hands-on exercise. */
export async function seed002(t: TestContext, lab: Lab): Promise<void> {
  await taskDefinitionWalkthrough(t, lab);
  await exercise(t, lab);
}

/**
 * L183–246 and L456–475: the execution role, the task role and their policies. The role is
 * seed 004's too, so this runs after seed 004 has deleted its own.
 */
export async function seed002Roles(t: TestContext, lab: Lab): Promise<void> {
  const { cli } = lab;
  await lab.step(t, "002:185 aws iam create-role --role-name ecsTaskExecutionRole --assume-role-policy-document '{…ecs-tasks.amazonaws.com…}'", [], async () => {
    const r = await cli.aws('iam', 'create-role', '--role-name', 'ecsTaskExecutionRole',
      '--assume-role-policy-document', lab.inlineArgument('002-ecsTaskExecutionRole-trust.json'));
    assertRole(json<{ Role?: unknown }>(r).Role, 'ecsTaskExecutionRole', lab.document('002-ecsTaskExecutionRole-trust.json'), r);
    lab.set('EXECUTION_ROLE', 'ecsTaskExecutionRole');
  });
  await lab.step(t, '002:196 aws iam attach-role-policy --role-name ecsTaskExecutionRole --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy', ['EXECUTION_ROLE'], async () => {
    silent(await cli.aws('iam', 'attach-role-policy', '--role-name', 'ecsTaskExecutionRole', '--policy-arn', EXECUTION_POLICY));
  });
  await lab.step(t, "002:200 aws iam put-role-policy --role-name ecsTaskExecutionRole --policy-name SecretsAccess --policy-document '{…}'", ['EXECUTION_ROLE'], async () => {
    silent(await cli.aws('iam', 'put-role-policy', '--role-name', 'ecsTaskExecutionRole', '--policy-name', 'SecretsAccess',
      '--policy-document', lab.inlineArgument('002-SecretsAccess.json')));
  });
  await lab.step(t, "002:218 aws iam create-role --role-name api-task-role --assume-role-policy-document '{…}'", [], async () => {
    const r = await cli.aws('iam', 'create-role', '--role-name', 'api-task-role',
      '--assume-role-policy-document', lab.inlineArgument('002-api-task-role-trust.json'));
    assertRole(json<{ Role?: unknown }>(r).Role, 'api-task-role', lab.document('002-api-task-role-trust.json'), r);
    lab.set('TASK_ROLE', 'api-task-role');
  });
  await lab.step(t, "002:229 aws iam put-role-policy --role-name api-task-role --policy-name AppPermissions --policy-document '{…}'", ['TASK_ROLE'], async () => {
    silent(await cli.aws('iam', 'put-role-policy', '--role-name', 'api-task-role', '--policy-name', 'AppPermissions',
      '--policy-document', lab.inlineArgument('002-AppPermissions.json')));
    lab.set('APP_PERMISSIONS', 'AppPermissions');
  });
  await lab.step(t, "002:458 aws iam put-role-policy --role-name api-task-role --policy-name ECSExecPermissions --policy-document '{…ssmmessages…}'", ['TASK_ROLE'], async () => {
    silent(await cli.aws('iam', 'put-role-policy', '--role-name', 'api-task-role', '--policy-name', 'ECSExecPermissions',
      '--policy-document', lab.inlineArgument('002-ECSExecPermissions.json')));
  });
  await lab.step(t, '(check, not in the seed) aws iam get-role-policy --role-name api-task-role --policy-name AppPermissions', ['APP_PERMISSIONS'], async () => {
    const r = await cli.aws('iam', 'get-role-policy', '--role-name', 'api-task-role', '--policy-name', 'AppPermissions');
    // The CLI decodes the URL-encoded PolicyDocument IAM sends back into the JSON the user wrote.
    assert.deepEqual(json(r), { RoleName: 'api-task-role', PolicyName: 'AppPermissions', PolicyDocument: lab.document('002-AppPermissions.json') }, transcript(r));
  });
}

/** L250–276: register, list and describe the api-service task definition; the production cluster. */
async function taskDefinitionWalkthrough(t: TestContext, lab: Lab): Promise<void> {
  const { cli } = lab;
  const input = lab.document('002-task-definition.json') as TaskDefinitionInput;
  await lab.step(t, '002:252 aws ecs register-task-definition --cli-input-json file://task-definition.json (the L93–150 document)', [], async () => {
    lab.copyFixture('002-task-definition.json', 'task-definition.json');
    const r = await cli.aws('ecs', 'register-task-definition', '--cli-input-json', 'file://task-definition.json');
    assertTaskDefinition(json<{ taskDefinition?: unknown }>(r).taskDefinition, input, 1, r);
    lab.set('API_SERVICE_TD', 'api-service:1');
  });
  await lab.step(t, '002:255 aws ecs list-task-definitions --family-prefix api-service', ['API_SERVICE_TD'], async () => {
    const r = await cli.aws('ecs', 'list-task-definitions', '--family-prefix', 'api-service');
    assert.deepEqual(json(r), { taskDefinitionArns: [`arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/api-service:1`] }, transcript(r));
  });
  await lab.step(t, '002:258 aws ecs describe-task-definition --task-definition api-service', ['API_SERVICE_TD'], async () => {
    const r = await cli.aws('ecs', 'describe-task-definition', '--task-definition', 'api-service');
    assertTaskDefinition(json<{ taskDefinition?: unknown }>(r).taskDefinition, input, 1, r);
  });
  await lab.step(t, '002:258 describe-task-definition of a revision that does not exist (api-service:2) → ClientException', ['API_SERVICE_TD'], async () => {
    awsError(await cli.aws('ecs', 'describe-task-definition', '--task-definition', 'api-service:2'), 'ClientException', 'DescribeTaskDefinition', 'Unable to describe task definition.');
  });
  await lab.step(t, "002:265 aws ecs create-cluster --cluster-name production --settings name=containerInsights,value=enabled --configuration '{…OVERRIDE…}'", [], async () => {
    const r = await cli.aws('ecs', 'create-cluster', '--cluster-name', 'production', '--settings', 'name=containerInsights,value=enabled',
      '--configuration', lab.inlineArgument('002-production-configuration.json'));
    const cluster = json<{ cluster?: unknown }>(r).cluster;
    assertNewCluster(cluster, 'production', r);
    assertHas(cluster, {
      settings: [{ name: 'containerInsights', value: 'enabled' }],
      configuration: lab.document('002-production-configuration.json'),
    }, 'cluster', r);
  });
}

/** L662–983: the hands-on exercise, minus its load balancer, service, exec, autoscaling and CodeDeploy lines. */
async function exercise(t: TestContext, lab: Lab): Promise<void> {
  const { cli } = lab;
  await lab.step(t, '002:670 export ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)', [], async () => {
    const r = await cli.aws('sts', 'get-caller-identity', '--query', 'Account', '--output', 'text');
    assert.equal(captured(r), ACCOUNT, transcript(r));
    lab.set('ACCOUNT_ID', captured(r));
  });
  await lab.step(t, "002:675 aws ecs create-cluster --cluster-name ${CLUSTER_NAME} --settings name=containerInsights,value=enabled --configuration '{…DEFAULT…}'", [], async () => {
    const r = await cli.aws('ecs', 'create-cluster', '--cluster-name', CLUSTER_NAME, '--settings', 'name=containerInsights,value=enabled',
      '--configuration', lab.inlineArgument('002-kubedojo-exercise-configuration.json'));
    const cluster = json<{ cluster?: unknown }>(r).cluster;
    assertNewCluster(cluster, CLUSTER_NAME, r);
    assertHas(cluster, { configuration: lab.document('002-kubedojo-exercise-configuration.json') }, 'cluster', r);
    lab.set('CLUSTER_NAME', CLUSTER_NAME);
  });
  await lab.step(t, "002:684 aws ecs describe-clusters --clusters ${CLUSTER_NAME} --query 'clusters[0].{Name:clusterName,Status:status,Settings:settings}'", ['CLUSTER_NAME'], async () => {
    const r = await cli.aws('ecs', 'describe-clusters', '--clusters', CLUSTER_NAME, '--query', 'clusters[0].{Name:clusterName,Status:status,Settings:settings}');
    // AWS leaves settings empty unless the request says --include SETTINGS (aws/aws-cli#6404,
    // aws-containers/ecsworkshop#31), so the seed's reader sees "Settings": [] here.
    assert.deepEqual(json(r), { Name: CLUSTER_NAME, Status: 'ACTIVE', Settings: [] }, transcript(r));
  });
  await lab.step(t, "(check, not in the seed) the same describe-clusters with --include SETTINGS", ['CLUSTER_NAME'], async () => {
    const r = await cli.aws('ecs', 'describe-clusters', '--clusters', CLUSTER_NAME, '--include', 'SETTINGS', '--query', 'clusters[0].{Name:clusterName,Status:status,Settings:settings}');
    assert.deepEqual(json(r), { Name: CLUSTER_NAME, Status: 'ACTIVE', Settings: [{ name: 'containerInsights', value: 'enabled' }] }, transcript(r));
  });
  // L665 sets VPC_ID to a placeholder ("replace with your actual values"); the reader's real value
  // is their default VPC, found the way seed 004 (L426) finds it.
  await lab.step(t, "002:665 VPC_ID=$(aws ec2 describe-vpcs --filters Name=isDefault,Values=true --query 'Vpcs[0].VpcId' --output text)", [], async () => {
    const r = await cli.aws('ec2', 'describe-vpcs', '--filters', 'Name=isDefault,Values=true', '--query', 'Vpcs[0].VpcId', '--output', 'text');
    assert.match(captured(r), ID.vpc, transcript(r));
    lab.set('VPC_ID', captured(r));
  });
  await lab.step(t, "002:689 ALB_SG=$(aws ec2 create-security-group --group-name ecs-alb-sg --description \"Security group for ECS ALB\" --vpc-id ${VPC_ID} --query 'GroupId' --output text)", ['VPC_ID'], async () => {
    const r = await cli.aws('ec2', 'create-security-group', '--group-name', 'ecs-alb-sg', '--description', 'Security group for ECS ALB',
      '--vpc-id', lab.get('VPC_ID'), '--query', 'GroupId', '--output', 'text');
    assert.match(captured(r), ID.sg, transcript(r));
    lab.set('ALB_SG', captured(r));
  });
  await lab.step(t, '002:694 aws ec2 authorize-security-group-ingress --group-id ${ALB_SG} --protocol tcp --port 80 --cidr 0.0.0.0/0', ['ALB_SG'], async () => {
    const albSg = lab.get('ALB_SG');
    const r = await cli.aws('ec2', 'authorize-security-group-ingress', '--group-id', albSg, '--protocol', 'tcp', '--port', '80', '--cidr', '0.0.0.0/0');
    const out = json<{ Return?: boolean; SecurityGroupRules?: Record<string, unknown>[] }>(r);
    assert.equal(out.Return, true, transcript(r));
    assertHas(out.SecurityGroupRules?.[0], { GroupId: albSg, GroupOwnerId: ACCOUNT, IsEgress: false, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '0.0.0.0/0' }, 'SecurityGroupRules[0]', r);
    assert.match(String(out.SecurityGroupRules?.[0]?.SecurityGroupRuleId), ID.sgr, transcript(r));
  });
  await lab.step(t, "002:698 TASK_SG=$(aws ec2 create-security-group --group-name ecs-tasks-sg --description \"Security group for ECS tasks\" --vpc-id ${VPC_ID} --query 'GroupId' --output text)", ['VPC_ID'], async () => {
    const r = await cli.aws('ec2', 'create-security-group', '--group-name', 'ecs-tasks-sg', '--description', 'Security group for ECS tasks',
      '--vpc-id', lab.get('VPC_ID'), '--query', 'GroupId', '--output', 'text');
    assert.match(captured(r), ID.sg, transcript(r));
    lab.set('TASK_SG', captured(r));
  });
  await lab.step(t, '002:703 aws ec2 authorize-security-group-ingress --group-id ${TASK_SG} --protocol tcp --port 8080 --source-group ${ALB_SG}', ['TASK_SG', 'ALB_SG'], async () => {
    const taskSg = lab.get('TASK_SG');
    const r = await cli.aws('ec2', 'authorize-security-group-ingress', '--group-id', taskSg, '--protocol', 'tcp', '--port', '8080', '--source-group', lab.get('ALB_SG'));
    const out = json<{ Return?: boolean; SecurityGroupRules?: Record<string, unknown>[] }>(r);
    assert.equal(out.Return, true, transcript(r));
    assertHas(out.SecurityGroupRules?.[0], {
      GroupId: taskSg, GroupOwnerId: ACCOUNT, IsEgress: false, IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080,
      ReferencedGroupInfo: { GroupId: lab.get('ALB_SG'), UserId: ACCOUNT },
    }, 'SecurityGroupRules[0]', r);
    lab.set('TASK_SG_REFERENCES_ALB_SG', 'yes');
  });
  await lab.step(t, '002:742 cat > /tmp/task-def.json <<EOF …; 002:786 aws ecs register-task-definition --cli-input-json file:///tmp/task-def.json', ['ACCOUNT_ID'], async () => {
    const accountId = lab.get('ACCOUNT_ID');
    const path = await lab.heredoc('002-task-def.json', 'task-def.json', {
      ACCOUNT_ID: accountId, REGION, REGISTRY: `${accountId}.dkr.ecr.${REGION}.amazonaws.com`, // L670–672
    });
    const input = JSON.parse(readFileSync(path, 'utf8')) as TaskDefinitionInput;
    assert.equal(input.containerDefinitions[0]?.image, `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/kubedojo/ecr-exercise:v1.0.0`);
    const r = await cli.aws('ecs', 'register-task-definition', '--cli-input-json', `file://${path}`);
    assertTaskDefinition(json<{ taskDefinition?: unknown }>(r).taskDefinition, input, 1, r);
    lab.set('EXERCISE_TD', 'ecs-exercise:1');
  });
  await lab.step(t, "002:904 cat > /tmp/cd-trust.json <<EOF …; 002:916 CD_ROLE_ARN=$(aws iam create-role --role-name ECSCodeDeployRole --assume-role-policy-document file:///tmp/cd-trust.json --query 'Role.Arn' --output text)", [], async () => {
    const path = await lab.heredoc('002-cd-trust.json', 'cd-trust.json', {});
    const r = await cli.aws('iam', 'create-role', '--role-name', 'ECSCodeDeployRole', '--assume-role-policy-document', `file://${path}`, '--query', 'Role.Arn', '--output', 'text');
    assert.equal(captured(r), `arn:aws:iam::${ACCOUNT}:role/ECSCodeDeployRole`, transcript(r));
    lab.set('CD_ROLE_ARN', captured(r));
  });
  await lab.step(t, '002:917 aws iam attach-role-policy --role-name ECSCodeDeployRole --policy-arn arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS', ['CD_ROLE_ARN'], async () => {
    silent(await cli.aws('iam', 'attach-role-policy', '--role-name', 'ECSCodeDeployRole', '--policy-arn', CODEDEPLOY_POLICY));
  });

  // Cleanup (L946–983), in the seed's order.
  await lab.step(t, '002:950 aws iam detach-role-policy --role-name ECSCodeDeployRole --policy-arn arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS', ['CD_ROLE_ARN'], async () => {
    silent(await cli.aws('iam', 'detach-role-policy', '--role-name', 'ECSCodeDeployRole', '--policy-arn', CODEDEPLOY_POLICY));
  });
  await lab.step(t, '002:951 aws iam delete-role --role-name ECSCodeDeployRole', ['CD_ROLE_ARN'], async () => {
    silent(await cli.aws('iam', 'delete-role', '--role-name', 'ECSCodeDeployRole'));
  });
  await lab.step(t, '002:967 aws ecs delete-cluster --cluster ${CLUSTER_NAME}', ['CLUSTER_NAME'], async () => {
    const r = await cli.aws('ecs', 'delete-cluster', '--cluster', CLUSTER_NAME);
    assertHas(json<{ cluster?: unknown }>(r).cluster, { clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${CLUSTER_NAME}`, status: 'INACTIVE' }, 'cluster', r);
  });
  await lab.step(t, '002:980 delete-security-group ${ALB_SG} before 002:979 deletes ${TASK_SG}, whose rule references it → DependencyViolation', ['ALB_SG', 'TASK_SG_REFERENCES_ALB_SG'], async () => {
    const albSg = lab.get('ALB_SG');
    awsError(await cli.aws('ec2', 'delete-security-group', '--group-id', albSg), 'DependencyViolation', 'DeleteSecurityGroup', `resource ${albSg} has a dependent object`);
  });
  await lab.step(t, '002:979 aws ec2 delete-security-group --group-id ${TASK_SG}', ['TASK_SG'], async () => {
    const taskSg = lab.get('TASK_SG');
    const r = await cli.aws('ec2', 'delete-security-group', '--group-id', taskSg);
    assert.deepEqual(json(r), { Return: true, GroupId: taskSg }, transcript(r));
  });
  await lab.step(t, '002:980 aws ec2 delete-security-group --group-id ${ALB_SG}', ['ALB_SG'], async () => {
    const albSg = lab.get('ALB_SG');
    const r = await cli.aws('ec2', 'delete-security-group', '--group-id', albSg);
    assert.deepEqual(json(r), { Return: true, GroupId: albSg }, transcript(r));
  });
  await lab.step(t, '002:982 aws ecs deregister-task-definition --task-definition ecs-exercise:1', ['EXERCISE_TD'], async () => {
    const r = await cli.aws('ecs', 'deregister-task-definition', '--task-definition', 'ecs-exercise:1');
    const td = json<{ taskDefinition?: Record<string, unknown> }>(r).taskDefinition;
    assertHas(td, { taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/ecs-exercise:1`, revision: 1, status: 'INACTIVE' }, 'taskDefinition', r);
    assertRecent(td?.deregisteredAt, 'taskDefinition.deregisteredAt', r);
  });
}
