import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { iamRequestsFor } from '../../aws/authz/iam-request.ts';
import type { AwsService } from '../../aws/service.ts';
import { cryptoIds } from '../../platform/ids.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';
import { ACCOUNT, assertEveryOperationMaps, REGION, resultWithDeny, roleContext } from '../../../test/support/service-iam-checks.ts';
import { createEc2Service } from '../ec2/index.ts';
import { ecsIam } from './iam-requests.ts';
import { createEcsService } from './index.ts';

const ECS = `arn:aws:ecs:${REGION}:${ACCOUNT}:`;
const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`;
const TASK_ROLE = `arn:aws:iam::${ACCOUNT}:role/app/api-task-role`;
const TASK_ID = '0123456789abcdef0123456789abcdef';
const PASS = { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' };
const ctx = roleContext();

let dir: string;
let store: Store;
let service: AwsService;
let iam: ReturnType<typeof ecsIam>;
let subnet = '';

async function call(target: AwsService, operation: string, input: object): Promise<Record<string, unknown>> {
  const handler = target.operations[operation] ?? assert.fail(`no operation ${operation}`);
  return (await handler(input as never, ctx)) as Record<string, unknown>;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-ecs-iam-'));
  store = await openSqliteStore(dir);
  const deps = { store, ids: cryptoIds, defaultAccountId: ACCOUNT };
  service = createEcsService(deps);
  iam = ecsIam(deps);
  const ec2 = createEc2Service(deps);
  const vpc = (await call(ec2, 'CreateVpc', { CidrBlock: '10.0.0.0/16' })) as { Vpc?: { VpcId?: string } };
  subnet = ((await call(ec2, 'CreateSubnet', { VpcId: vpc.Vpc?.VpcId, CidrBlock: '10.0.1.0/24' })) as { Subnet?: { SubnetId?: string } }).Subnet?.SubnetId ?? '';
  await call(service, 'CreateCluster', { clusterName: 'prod' });
  for (let i = 0; i < 2; i++) {
    await call(service, 'RegisterTaskDefinition', {
      family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      executionRoleArn: EXEC_ROLE, taskRoleArn: TASK_ROLE, containerDefinitions: [{ name: 'app', image: 'busybox:latest' }],
    });
  }
  await call(service, 'CreateService', {
    cluster: 'prod', serviceName: 'api', taskDefinition: 'web:1', desiredCount: 0, launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } },
  });
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function representativeInputs(): Record<string, object> {
  const cluster = { cluster: 'prod' };
  const tags = [{ key: 'team', value: 'web' }];
  const network = { awsvpcConfiguration: { subnets: [subnet], assignPublicIp: 'ENABLED' } };
  const deployment = `${ECS}service-deployment/prod/api/abcdef0123456789`;
  return {
    CreateCluster: { clusterName: 'new', tags, capacityProviders: ['FARGATE'] },
    DescribeClusters: { clusters: ['prod', `${ECS}cluster/other`] },
    DeleteCluster: cluster,
    UpdateCluster: { ...cluster, settings: [] },
    UpdateClusterSettings: { ...cluster, settings: [{ name: 'containerInsights', value: 'enabled' }] },
    PutClusterCapacityProviders: { ...cluster, capacityProviders: ['FARGATE', 'FARGATE_SPOT'], defaultCapacityProviderStrategy: [] },
    ListClusters: {},
    CreateCapacityProvider: { name: 'cp', autoScalingGroupProvider: { autoScalingGroupArn: 'x' }, tags },
    UpdateCapacityProvider: { name: 'cp', autoScalingGroupProvider: {} },
    DeleteCapacityProvider: { capacityProvider: 'cp' },
    DescribeCapacityProviders: { capacityProviders: ['FARGATE'] },
    RegisterTaskDefinition: {
      family: 'web', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', executionRoleArn: EXEC_ROLE, taskRoleArn: 'plain-role', tags,
      containerDefinitions: [{ name: 'app', image: 'busybox', privileged: false }],
    },
    DescribeTaskDefinition: { taskDefinition: 'web' },
    DeregisterTaskDefinition: { taskDefinition: 'web:1' },
    DeleteTaskDefinitions: { taskDefinitions: ['web:1', `${ECS}task-definition/web:2`] },
    ListTaskDefinitions: {},
    ListTaskDefinitionFamilies: {},
    RunTask: {
      ...cluster, taskDefinition: 'web', count: 1, launchType: 'FARGATE', networkConfiguration: network, enableExecuteCommand: false, tags,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }], overrides: { cpu: '512', memory: '1024', taskRoleArn: 'other-role' },
    },
    StopTask: { ...cluster, task: TASK_ID },
    DescribeTasks: { ...cluster, tasks: [TASK_ID, `${ECS}task/prod/${TASK_ID.replace('0', '1')}`] },
    ListTasks: cluster,
    GetTaskProtection: { ...cluster, tasks: [TASK_ID] },
    UpdateTaskProtection: { ...cluster, tasks: [TASK_ID], protectionEnabled: true },
    CreateService: {
      ...cluster, serviceName: 'api2', taskDefinition: 'web:2', desiredCount: 1, networkConfiguration: network, tags,
      enableECSManagedTags: true, enableExecuteCommand: false, propagateTags: 'SERVICE',
    },
    UpdateService: { ...cluster, service: 'api', desiredCount: 2, taskDefinition: 'web', networkConfiguration: network },
    DeleteService: { ...cluster, service: 'api', force: true },
    DescribeServices: { ...cluster, services: ['api', `${ECS}service/prod/other`] },
    ListServices: cluster,
    ListServicesByNamespace: { namespace: `arn:aws:servicediscovery:${REGION}:${ACCOUNT}:namespace/ns-abc` },
    ListServiceDeployments: { ...cluster, service: 'api' },
    DescribeServiceDeployments: { serviceDeploymentArns: [deployment] },
    DescribeServiceRevisions: { serviceRevisionArns: [`${ECS}service-revision/prod/api/1234567890`] },
    TagResource: { resourceArn: `${ECS}cluster/prod`, tags },
    UntagResource: { resourceArn: `${ECS}service/prod/api`, tagKeys: ['team'] },
    ListTagsForResource: { resourceArn: `${ECS}task-definition/web:1` },
    PutAccountSetting: { name: 'containerInsights', value: 'enabled' },
    PutAccountSettingDefault: { name: 'containerInsights', value: 'enabled' },
    DeleteAccountSetting: { name: 'containerInsights' },
    ListAccountSettings: {},
  };
}

test('every served ECS operation maps to actions, ARNs and condition keys IAM accepts', async () => {
  // ListTasks is asked on `*` with ecs:cluster although its reference lists container-instance (cdklabs/construct-hub #1207).
  await assertEveryOperationMaps(service.operations, iam, representativeInputs(), ctx, { ListTasks: { wildcardResource: true } });
});

const resources = async (operation: string, input: object): Promise<string[]> => (await iamRequestsFor(iam, operation, input, ctx)).map((r) => r.resource);

test('short names become full ARNs in the caller\'s account and Region; the cluster defaults to `default`', async () => {
  assert.deepEqual(await resources('DescribeClusters', {}), [`${ECS}cluster/default`]);
  assert.deepEqual(await resources('DeleteCluster', { cluster: `${ECS}cluster/prod` }), [`${ECS}cluster/prod`]);
  assert.deepEqual(await resources('StopTask', { task: TASK_ID }), [`${ECS}task/default/${TASK_ID}`]);
  // The old task ARN form (no cluster) is read in the request's cluster.
  assert.deepEqual(await resources('StopTask', { cluster: 'prod', task: `${ECS}task/${TASK_ID}` }), [`${ECS}task/prod/${TASK_ID}`]);
  assert.deepEqual(await resources('DeleteService', { cluster: 'prod', service: `${ECS}service/api` }), [`${ECS}service/prod/api`]);
  assert.deepEqual(await resources('DeleteCapacityProvider', { capacityProvider: 'cp' }), [`${ECS}capacity-provider/cp`]);
});

test('operations on several resources ask once per resource, each with ecs:cluster', async () => {
  const requests = await iamRequestsFor(iam, 'DescribeServices', { cluster: 'prod', services: ['a', 'b', `${ECS}service/prod/c`] }, ctx);
  assert.deepEqual(requests, ['a', 'b', 'c'].map((name) => ({
    action: 'ecs:DescribeServices', resource: `${ECS}service/prod/${name}`, context: { 'ecs:cluster': `${ECS}cluster/prod` },
  })));
  assert.deepEqual(await resources('DescribeClusters', { clusters: ['a', 'b', 'c'] }), ['a', 'b', 'c'].map((n) => `${ECS}cluster/${n}`));
  assert.equal((await iamRequestsFor(iam, 'DescribeTasks', { cluster: 'prod', tasks: ['1', '2', '3'] }, ctx)).length, 3);
  assert.deepEqual(await iamRequestsFor(iam, 'ListTasks', { cluster: 'prod' }, ctx),
    [{ action: 'ecs:ListTasks', resource: '*', context: { 'ecs:cluster': `${ECS}cluster/prod` } }]);
});

test('task definitions: `family` is its latest ACTIVE revision, `family:revision` that revision, an unknown family `family:*`', async () => {
  assert.deepEqual(await resources('DeleteTaskDefinitions', { taskDefinitions: ['web:1', 'web', 'nope', 'nope:4'] }),
    [`${ECS}task-definition/web:1`, `${ECS}task-definition/web:2`, `${ECS}task-definition/nope:*`, `${ECS}task-definition/nope:4`]);
  // RegisterTaskDefinition names the revision it will create.
  assert.deepEqual((await resources('RegisterTaskDefinition', { family: 'web', containerDefinitions: [] }))[0], `${ECS}task-definition/web:3`);
  assert.deepEqual((await resources('RegisterTaskDefinition', { family: 'fresh', containerDefinitions: [] }))[0], `${ECS}task-definition/fresh:1`);
});

test('RunTask: the task definition, ecs:cluster, TagResource for its tags, PassRole for the roles it hands over', async () => {
  const requests = await iamRequestsFor(iam, 'RunTask', { cluster: 'prod', taskDefinition: 'web:1', tags: [{ key: 'a', value: 'b' }] }, ctx);
  assert.deepEqual(requests, [
    { action: 'ecs:RunTask', resource: `${ECS}task-definition/web:1`, context: { 'ecs:cluster': `${ECS}cluster/prod`, 'aws:RequestTag/a': 'b', 'aws:TagKeys': ['a'] } },
    { action: 'ecs:TagResource', resource: `${ECS}task/prod/*`, context: { 'ecs:CreateAction': 'RunTask', 'aws:RequestTag/a': 'b', 'aws:TagKeys': ['a'] } },
    { action: 'iam:PassRole', resource: EXEC_ROLE, context: PASS },
    { action: 'iam:PassRole', resource: TASK_ROLE, context: PASS },
  ]);
  // Overrides replace the definition's roles; a short role name is a role in the caller's account.
  const overridden = await iamRequestsFor(iam, 'RunTask', { taskDefinition: 'web', overrides: { taskRoleArn: 'other' } }, ctx);
  assert.deepEqual(overridden.filter((r) => r.action === 'iam:PassRole').map((r) => r.resource), [EXEC_ROLE, `arn:aws:iam::${ACCOUNT}:role/other`]);
  // An unknown task definition passes no role the store knows of.
  assert.deepEqual((await iamRequestsFor(iam, 'RunTask', { taskDefinition: 'nope:1' }, ctx)).map((r) => r.action), ['ecs:RunTask']);
});

test('RegisterTaskDefinition passes its roles; CreateService and UpdateService pass the roles of the definition they run', async () => {
  const register = await iamRequestsFor(iam, 'RegisterTaskDefinition', { family: 'web', executionRoleArn: EXEC_ROLE, taskRoleArn: EXEC_ROLE, containerDefinitions: [] }, ctx);
  assert.deepEqual(register.map((r) => [r.action, r.resource]), [['ecs:RegisterTaskDefinition', `${ECS}task-definition/web:3`], ['iam:PassRole', EXEC_ROLE]]);
  const create = await iamRequestsFor(iam, 'CreateService', { cluster: 'prod', serviceName: 's', taskDefinition: 'web' }, ctx);
  assert.deepEqual(create.map((r) => [r.action, r.resource]), [['ecs:CreateService', `${ECS}service/prod/s`], ['iam:PassRole', EXEC_ROLE], ['iam:PassRole', TASK_ROLE]]);
  assert.deepEqual(create[0]?.context, { 'ecs:cluster': `${ECS}cluster/prod`, 'ecs:task-definition': `${ECS}task-definition/web:2` });
  // A desired count alone still passes the roles of the definition the service runs.
  const update = await iamRequestsFor(iam, 'UpdateService', { cluster: 'prod', service: 'api', desiredCount: 3 }, ctx);
  assert.deepEqual(update.map((r) => [r.action, r.resource]), [['ecs:UpdateService', `${ECS}service/prod/api`], ['iam:PassRole', EXEC_ROLE], ['iam:PassRole', TASK_ROLE]]);
});

test('creating with tags also asks ecs:TagResource with ecs:CreateAction', async () => {
  const requests = await iamRequestsFor(iam, 'CreateCluster', { clusterName: 'c', tags: [{ key: 'team', value: 'web' }] }, ctx);
  assert.deepEqual(requests.map((r) => [r.action, r.resource, r.context?.['ecs:CreateAction']]),
    [['ecs:CreateCluster', `${ECS}cluster/c`, undefined], ['ecs:TagResource', `${ECS}cluster/c`, 'CreateCluster']]);
  assert.equal((await iamRequestsFor(iam, 'CreateCluster', { clusterName: 'c' }, ctx)).length, 1);
});

test('a Deny on the specific resource ARN denies explicitly; on another it does not', async () => {
  const [describe] = await iamRequestsFor(iam, 'DescribeClusters', { clusters: ['prod'] }, ctx);
  const [run] = await iamRequestsFor(iam, 'RunTask', { cluster: 'prod', taskDefinition: 'web' }, ctx);
  assert.ok(describe && run);
  assert.equal(await resultWithDeny(describe), 'ExplicitlyDenied');
  assert.equal(await resultWithDeny(describe, `${ECS}cluster/other`), 'Allowed');
  assert.equal(await resultWithDeny(run), 'ExplicitlyDenied');
  assert.equal(await resultWithDeny(run, `${ECS}task-definition/web:*`), 'ExplicitlyDenied');
  assert.equal(await resultWithDeny(run, `${ECS}task-definition/web:1`), 'Allowed');
});

test('accessDenied is AccessDeniedException, 400', () => {
  const error = iam.accessDenied('User: x is not authorized to perform: ecs:RunTask on resource: y');
  assert.equal(error.code, 'AccessDeniedException');
  assert.equal(error.httpStatus, 400);
});
