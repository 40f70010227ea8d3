// ECS clusters and capacity providers through the official SDK: the seeds' create-cluster forms,
// DescribeClusters' include semantics, pagination, updates, deletion, and AWS's errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  DeleteCapacityProviderCommand,
  DeleteClusterCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  ECSClient,
  ListClustersCommand,
  PutClusterCapacityProvidersCommand,
  UpdateCapacityProviderCommand,
  UpdateClusterCommand,
  UpdateClusterSettingsCommand,
  type DeleteClusterCommandInput,
} from '@aws-sdk/client-ecs';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let ecs: ECSClient;
const ACCOUNT = '123456789012';
const arnOf = (name: string): string => `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${name}`;

before(async () => {
  server = await startTestServer();
  ecs = new ECSClient(server.clientConfig);
});
after(async () => {
  ecs.destroy();
  await server.stop();
});


test('CreateCluster with a name answers the cluster as AWS does (aws-cli create-cluster example)', async () => {
  const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: 'MyCluster' }));
  assert.deepEqual(cluster, {
    clusterArn: arnOf('MyCluster'),
    clusterName: 'MyCluster',
    status: 'ACTIVE',
    registeredContainerInstancesCount: 0,
    runningTasksCount: 0,
    pendingTasksCount: 0,
    activeServicesCount: 0,
    statistics: [],
    tags: [],
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: [],
    defaultCapacityProviderStrategy: [],
  });
});

test('CreateCluster is idempotent for an ACTIVE cluster and names the cluster "default" when no name is given', async () => {
  const first = await ecs.send(new CreateClusterCommand({ clusterName: 'same', tags: [{ key: 'k', value: 'v' }] }));
  const again = await ecs.send(new CreateClusterCommand({ clusterName: 'same' }));
  assert.deepEqual(again.cluster, first.cluster);
  const unnamed = await ecs.send(new CreateClusterCommand({}));
  assert.equal(unnamed.cluster?.clusterArn, arnOf('default'));
});

test('seed 001: create-cluster --capacity-providers FARGATE FARGATE_SPOT, then a default strategy', async () => {
  const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: 'my-app', capacityProviders: ['FARGATE', 'FARGATE_SPOT'] }));
  assert.deepEqual(cluster?.capacityProviders, ['FARGATE', 'FARGATE_SPOT']);
  assert.equal(cluster?.status, 'ACTIVE');
  const put = await ecs.send(new PutClusterCapacityProvidersCommand({
    cluster: 'my-app',
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 4 }],
  }));
  assert.deepEqual(put.cluster?.defaultCapacityProviderStrategy, [
    { capacityProvider: 'FARGATE', weight: 1, base: 1 },
    { capacityProvider: 'FARGATE_SPOT', weight: 4, base: 0 },
  ]);
  await rejects(ecs.send(new PutClusterCapacityProvidersCommand({
    cluster: 'my-app', capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
  })), 'InvalidParameterException', 'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster.');
  await rejects(ecs.send(new CreateClusterCommand({ clusterName: 'asg', capacityProviders: ['my-asg-provider'] })),
    'InvalidParameterException', 'The specified capacity provider does not exist. Specify a valid name or ARN and try again.');
});

test('seed 002: create-cluster with containerInsights and an executeCommandConfiguration; describe-clusters shows settings only when included', async () => {
  const configuration = {
    executeCommandConfiguration: { logging: 'OVERRIDE' as const, logConfiguration: { cloudWatchLogGroupName: '/ecs/exec-logs', cloudWatchEncryptionEnabled: true } },
  };
  const { cluster } = await ecs.send(new CreateClusterCommand({
    clusterName: 'production', settings: [{ name: 'containerInsights', value: 'enabled' }], configuration,
  }));
  assert.deepEqual(cluster?.settings, [{ name: 'containerInsights', value: 'enabled' }]);
  assert.deepEqual(cluster?.configuration, configuration);

  // aws-cli #6404: without --include SETTINGS, settings is [] (the seed's --query shows Settings: []).
  const plain = await ecs.send(new DescribeClustersCommand({ clusters: ['production'] }));
  assert.deepEqual(plain.clusters?.[0]?.settings, []);
  assert.equal(plain.clusters?.[0]?.configuration, undefined);
  assert.deepEqual(plain.clusters?.[0]?.statistics, []);

  const full = await ecs.send(new DescribeClustersCommand({ clusters: [arnOf('production')], include: ['SETTINGS', 'CONFIGURATIONS', 'STATISTICS', 'TAGS'] }));
  const described = full.clusters?.[0];
  assert.deepEqual(described?.settings, [{ name: 'containerInsights', value: 'enabled' }]);
  assert.deepEqual(described?.configuration, configuration);
  assert.deepEqual(described?.tags, []);
  assert.equal(described?.statistics?.find((s) => s.name === 'runningFargateTasksCount')?.value, '0');

  await rejects(ecs.send(new CreateClusterCommand({
    clusterName: 'bad-exec', configuration: { executeCommandConfiguration: { logging: 'DEFAULT', logConfiguration: { s3BucketName: 'b' } } },
  })), 'InvalidParameterException', "You must set logging to 'OVERRIDE' when you supply a log configuration");
});

test('DescribeClusters reports unknown clusters as MISSING failures and describes "default" when no cluster is named', async () => {
  const out = await ecs.send(new DescribeClustersCommand({ clusters: ['production', 'nope', 'arn:aws:ecs:us-east-1:123456789012:cluster/gone'] }));
  assert.deepEqual(out.clusters?.map((c) => c.clusterName), ['production']);
  assert.deepEqual(out.failures, [
    { arn: arnOf('nope'), reason: 'MISSING' },
    { arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/gone', reason: 'MISSING' },
  ]);
  const byDefault = await ecs.send(new DescribeClustersCommand({}));
  assert.equal(byDefault.clusters?.[0]?.clusterName, 'default');
});

test('ListClusters pages with maxResults and nextToken, and rejects a token it did not mint', async () => {
  const all = await ecs.send(new ListClustersCommand({}));
  assert.ok((all.clusterArns?.length ?? 0) >= 4);
  assert.equal(all.nextToken, undefined);
  const seen: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListClustersCommand({ maxResults: 2, nextToken }));
    assert.ok((page.clusterArns?.length ?? 0) <= 2);
    seen.push(...(page.clusterArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  assert.deepEqual(seen, all.clusterArns);
  await rejects(ecs.send(new ListClustersCommand({ nextToken: 'not-a-token' })), 'InvalidParameterException');
  await rejects(ecs.send(new ListClustersCommand({ maxResults: 101 })), 'InvalidParameterException');
});

test('UpdateCluster and UpdateClusterSettings change settings and configuration; bad values are refused', async () => {
  await ecs.send(new CreateClusterCommand({ clusterName: 'upd' }));
  const settings = await ecs.send(new UpdateClusterSettingsCommand({ cluster: 'upd', settings: [{ name: 'containerInsights', value: 'enhanced' }] }));
  assert.deepEqual(settings.cluster?.settings, [{ name: 'containerInsights', value: 'enhanced' }]);
  const updated = await ecs.send(new UpdateClusterCommand({ cluster: arnOf('upd'), configuration: { executeCommandConfiguration: { logging: 'NONE' } } }));
  assert.deepEqual(updated.cluster?.configuration, { executeCommandConfiguration: { logging: 'NONE' } });
  assert.deepEqual(updated.cluster?.settings, [{ name: 'containerInsights', value: 'enhanced' }]);
  await rejects(ecs.send(new UpdateClusterCommand({ cluster: 'upd', settings: [{ name: 'containerInsights', value: 'enhaced' }] })),
    'InvalidParameterException', "Invalid setting 'value'");
  await rejects(ecs.send(new UpdateClusterCommand({ cluster: 'upd', serviceConnectDefaults: { namespace: 'test' } })), 'NamespaceNotFoundException');
  await rejects(ecs.send(new UpdateClusterSettingsCommand({ cluster: 'nope', settings: [] })), 'ClusterNotFoundException', 'Cluster not found.');
});

test('DeleteCluster leaves an INACTIVE cluster that stays describable, leaves ListClusters, and can be created again', async () => {
  await ecs.send(new CreateClusterCommand({ clusterName: 'doomed', tags: [{ key: 'team', value: 'a' }] }));
  const { cluster } = await ecs.send(new DeleteClusterCommand({ cluster: 'doomed' }));
  assert.equal(cluster?.status, 'INACTIVE');
  assert.deepEqual(cluster?.tags, [{ key: 'team', value: 'a' }]);
  const described = await ecs.send(new DescribeClustersCommand({ clusters: ['doomed'] }));
  assert.equal(described.clusters?.[0]?.status, 'INACTIVE');
  const listed = await ecs.send(new ListClustersCommand({}));
  assert.ok(!listed.clusterArns?.includes(arnOf('doomed')));
  await rejects(ecs.send(new UpdateClusterSettingsCommand({ cluster: 'doomed', settings: [] })), 'ClusterNotFoundException', 'The referenced cluster was inactive.');
  await rejects(ecs.send(new DeleteClusterCommand({ cluster: 'never-was' })), 'ClusterNotFoundException', 'Cluster not found.');
  const again = await ecs.send(new CreateClusterCommand({ clusterName: 'doomed' }));
  assert.equal(again.cluster?.status, 'ACTIVE');
  assert.deepEqual(again.cluster?.tags, []);
});

test('cluster names are checked, and a missing required member is an InvalidParameterException naming it', async () => {
  await rejects(ecs.send(new CreateClusterCommand({ clusterName: 'bad name' })), 'InvalidParameterException',
    'Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was bad name');
  await rejects(ecs.send(new UpdateClusterSettingsCommand({ cluster: 'bad/name', settings: [] })), 'InvalidParameterException', /but was bad\/name$/);
  await rejects(ecs.send(new CreateClusterCommand({ clusterName: 'x'.repeat(256) })), 'InvalidParameterException');
  await rejects(ecs.send(new DeleteClusterCommand({} as DeleteClusterCommandInput)), 'InvalidParameterException', /'cluster'/);
});

test('DescribeCapacityProviders lists FARGATE and FARGATE_SPOT with AWS ARNs; unknown names are MISSING', async () => {
  const out = await ecs.send(new DescribeCapacityProvidersCommand({}));
  assert.deepEqual(out.capacityProviders, [
    { capacityProviderArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:capacity-provider/FARGATE`, name: 'FARGATE', status: 'ACTIVE', tags: [], type: 'FARGATE' },
    { capacityProviderArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:capacity-provider/FARGATE_SPOT`, name: 'FARGATE_SPOT', status: 'ACTIVE', tags: [], type: 'FARGATE_SPOT' },
  ]);
  const some = await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: ['FARGATE_SPOT', 'mine'], maxResults: 1 }));
  assert.deepEqual(some.capacityProviders?.map((p) => p.name), ['FARGATE_SPOT']);
  assert.deepEqual(some.failures, [{ arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:capacity-provider/mine`, reason: 'MISSING' }]);
  const paged = await ecs.send(new DescribeCapacityProvidersCommand({ maxResults: 1 }));
  assert.equal(paged.capacityProviders?.length, 1);
  const rest = await ecs.send(new DescribeCapacityProvidersCommand({ maxResults: 1, nextToken: paged.nextToken }));
  assert.deepEqual(rest.capacityProviders?.map((p) => p.name), ['FARGATE_SPOT']);
  const ofCluster = await ecs.send(new DescribeCapacityProvidersCommand({ cluster: 'production' }));
  assert.deepEqual(ofCluster.capacityProviders, []);
});

test('Create/Update/DeleteCapacityProvider: Berth has no Auto Scaling groups, and the Fargate providers are reserved', async () => {
  await rejects(ecs.send(new CreateCapacityProviderCommand({
    name: 'asg-provider', autoScalingGroupProvider: { autoScalingGroupArn: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x:autoScalingGroupName/asg' },
  })), 'ClientException', /Auto Scaling group/);
  await rejects(ecs.send(new CreateCapacityProviderCommand({ name: 'fargate-mine', autoScalingGroupProvider: { autoScalingGroupArn: 'arn' } })), 'InvalidParameterException');
  await rejects(ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: 'FARGATE' })), 'InvalidParameterException', /reserved/);
  await rejects(ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: 'nope' })), 'ClientException',
    'The specified capacity provider does not exist. Specify a valid name or ARN and try again.');
  await rejects(ecs.send(new UpdateCapacityProviderCommand({ name: 'nope' })), 'ClientException');
});
