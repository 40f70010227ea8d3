// The task endpoints against a real task: a RunTask'd busybox container under the runc driver, its stats
// read from its real cgroup through CgroupStatsSource (CPU time that grows, memory, pids, its eth0,
// precpu_stats from the previous read), and the metadata and credentials endpoints answered to a request
// made from inside the task (busybox wget, run with runc exec) to a TaskEndpointServer on the subnet's
// gateway address, where the source address is the task's own: the task gets its metadata, the host
// (another source) gets the agent's 404.
// Needs root, runc, iproute2, conmon and busybox-static; skips with the reason, except under CI=true.
// Traffic: the task's requests go to the VPC bridge's gateway address on this host (10.84.1.1), the
// test's to loopback and to that address. VPC 10.84.0.0/16 is this test's.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { systemClock } from '../../src/platform/clock.ts';
import { Cgroups } from '../../src/runtime/drivers/runc/cgroups.ts';
import { runcExec } from '../../src/runtime/drivers/runc/runc-exec.ts';
import {
  CgroupReader, CgroupStatsSource, metadataIdFor, StoreMetadataDirectory, TaskEndpointServer, WritableLayerUsage,
} from '../../src/runtime/task-endpoints/index.ts';
import { jsonText } from '../../src/runtime/task-endpoints/go-json.ts';
import { taskScopes } from '../../src/services/ecs/task-scopes.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { createSubnet, pushTestImages, SCOPE, taskHostSkipReason, waitForTask, type TestSubnet } from './task-runner-support.ts';
import { createExecutionRole } from './task-roles.ts';

const reason = await taskHostSkipReason('task endpoint tests');

const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/endpoint-images';
const CREDENTIALS_ID = '5d8b7f64-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Stats {
  read: string;
  preread: string;
  name: string;
  id: string;
  cpu_stats: { cpu_usage: { total_usage: number; usage_in_usermode: number }; system_cpu_usage: number; online_cpus: number };
  precpu_stats: { cpu_usage: { total_usage: number } };
  memory_stats: { usage: number; limit: number; stats: Record<string, number> };
  pids_stats: { current: number };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
}

/** A GET from this host (its source address is the gateway's, not a task's). */
function hostGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('task endpoints: real cgroup stats and requests from inside a task', { skip: reason ?? false, timeout: 180_000 }, () => {
  let server: TestServer;
  let store: Store;
  let ecs: ECSClient;
  let subnet: TestSubnet;
  let layoutDir = '';
  let taskId = '';
  let privateIp = '';

  before(async () => {
    server = await startTestServer({}, { taskRunnerIntervalMs: 100 });
    store = await openSqliteStore(server.dataDir);
    const ecr = new ECRClient(server.clientConfig);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'endpoint-images' }));
    ecr.destroy();
    layoutDir = await mkdtemp(join(tmpdir(), 'bth-endpoints-layout-'));
    await pushTestImages(server.url, 'endpoint-images', layoutDir);
    const ec2 = new EC2Client(server.clientConfig);
    subnet = await createSubnet(ec2, '10.84.0.0/16', '10.84.1.0/24');
    ec2.destroy();
    ecs = new ECSClient(server.clientConfig);
    await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
    const executionRoleArn = await createExecutionRole(server.clientConfig);
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'endpoints', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', executionRoleArn,
      // A shell that counts as fast as its CPU share lets it, and keeps a 1 MiB file in its writable layer.
      containerDefinitions: [{
        name: 'app', image: `${REPO}:loop`, stopTimeout: 2,
        command: ['-c', 'dd if=/dev/zero of=/tmp/blob bs=1024 count=1024 2>/dev/null; i=0; while true; do i=$((i+1)); done'],
      }],
    }));
    const ran = await ecs.send(new RunTaskCommand({
      cluster: 'default', taskDefinition: 'endpoints', launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnet.subnetId], securityGroups: [subnet.hostAccessGroupId] } },
    }));
    const arn = ran.tasks?.[0]?.taskArn ?? assert.fail(`RunTask: ${JSON.stringify(ran.failures)}`);
    taskId = arn.slice(arn.lastIndexOf('/') + 1);
    const record = await waitForTask(store, taskId, (r) => r.task.lastStatus === 'RUNNING' || r.task.lastStatus === 'STOPPED', 60_000);
    assert.equal(record.task.lastStatus, 'RUNNING', record.task.stoppedReason);
    privateIp = record.network.privateIpv4Address;
  });

  after(async () => {
    ecs?.destroy();
    await store?.close();
    await server?.stop();
    await rm(layoutDir, { recursive: true, force: true });
  });

  const runtimeId = () => `bth-${taskId}-0`;

  test('stats from the container\'s own cgroup: CPU grows, precpu is the previous read, memory, pids, eth0', async () => {
    const source = new CgroupStatsSource({ reader: new CgroupReader({ containerPath: (t, r) => new Cgroups().containerPath(t, r) }), clock: systemClock });
    const target = { taskId, runtimeId: runtimeId(), name: 'app' };
    const read = async () => JSON.parse(jsonText((await source.stats(target)) ?? assert.fail('no stats for a running container'))) as Stats;
    const first = await read();
    await sleep(1_500);
    const second = await read();
    assert.equal(second.name, 'app');
    assert.equal(second.id, runtimeId());
    assert.ok(first.cpu_stats.cpu_usage.total_usage > 0, 'the busy shell has used CPU');
    assert.ok(second.cpu_stats.cpu_usage.total_usage > first.cpu_stats.cpu_usage.total_usage, 'and keeps using it');
    assert.equal(second.precpu_stats.cpu_usage.total_usage, first.cpu_stats.cpu_usage.total_usage);
    assert.equal(second.preread, first.read);
    assert.ok(second.cpu_stats.system_cpu_usage > 0);
    assert.equal(second.cpu_stats.online_cpus, cpus().length);
    // A quarter of a vCPU at most (the task's cpu 256 is a hard cap): at most ~0.25 s of CPU per second, with slack.
    const cpuSeconds = (second.cpu_stats.cpu_usage.total_usage - first.cpu_stats.cpu_usage.total_usage) / 1e9;
    const wallSeconds = (Date.parse(second.read) - Date.parse(first.read)) / 1000;
    assert.ok(cpuSeconds / wallSeconds < 0.4, `CPU ${cpuSeconds} s in ${wallSeconds} s exceeds the task's quarter vCPU`);
    assert.ok(second.memory_stats.usage > 0);
    assert.ok(second.memory_stats.limit > 0);
    assert.ok(second.pids_stats.current >= 1);
    assert.ok(second.networks?.['eth0'], `the task's interface: ${JSON.stringify(second.networks)}`);

    const started = await source.startedAt(target);
    assert.ok(started && started.getTime() <= Date.now() && started.getTime() > Date.now() - 120_000, `started ${started?.toISOString()}`);
  });

  test('from inside the task: its own metadata and credentials; from the host: the agent\'s 404', async () => {
    const endpoint = new TaskEndpointServer({
      metadata: new StoreMetadataDirectory({ store, scopes: () => taskScopes(store, SCOPE) }),
      credentials: {
        async credentials(id) {
          if (id !== CREDENTIALS_ID) return undefined;
          return {
            taskPrivateIp: privateIp,
            credentials: {
              accessKeyId: 'ASIATESTTESTTESTTEST', secretAccessKey: 'secret', sessionToken: 'token',
              expiration: new Date('2030-01-01T00:00:00Z'), roleArn: 'arn:aws:iam::123456789012:role/api-task-role',
            },
          };
        },
      },
      stats: new CgroupStatsSource({ reader: new CgroupReader({ containerPath: (t, r) => new Cgroups().containerPath(t, r) }), clock: systemClock }),
      disk: new WritableLayerUsage({ writableLayerOf: (id) => join(server.dataDir, 'runtime', 'containers', id, 'upper') }),
    });
    const { port } = await endpoint.listen(subnet.gatewayIp, 0);
    try {
      const base = `http://${subnet.gatewayIp}:${port}`;
      const metadataId = metadataIdFor(taskId, 'app');
      const inTask = async (path: string) => {
        const result = await runcExec({
          runc: 'runc', containerId: runtimeId(), pidFile: join(tmpdir(), `bth-endpoints-${taskId}-${Date.now()}.pid`),
          argv: ['/bin/wget', '-q', '-O', '-', `${base}${path}`],
        }, { timeoutMs: 10_000 });
        assert.equal(result.exitCode, 0, `wget ${path} in the task: ${result.output}`);
        return JSON.parse(result.output) as Record<string, unknown>;
      };

      const container = await inTask(`/v4/${metadataId}`);
      assert.equal(container['Name'], 'app');
      assert.equal(container['DockerId'], runtimeId());
      assert.equal(container['KnownStatus'], 'RUNNING');
      assert.deepEqual((container['Networks'] as { IPv4Addresses: string[] }[])[0]?.IPv4Addresses, [privateIp]);
      assert.equal(typeof container['StartedAt'], 'string');

      const task = await inTask(`/v4/${metadataId}/task`);
      assert.equal(task['TaskARN'], `arn:aws:ecs:us-east-1:123456789012:task/default/${taskId}`);
      assert.deepEqual(task['Limits'], { CPU: 0.25, Memory: 512 });
      const disk = task['EphemeralStorageMetrics'] as { Utilized: number; Reserved: number };
      assert.ok(disk.Utilized >= 1, `the 1 MiB file counts: ${JSON.stringify(disk)}`);
      assert.equal(disk.Reserved, 20 * 1024);

      const stats = await inTask(`/v4/${metadataId}/task/stats`);
      assert.deepEqual(Object.keys(stats), [runtimeId()]);

      const credentials = await inTask(`/v2/credentials/${CREDENTIALS_ID}`);
      assert.deepEqual(Object.keys(credentials).sort(), ['AccessKeyId', 'Expiration', 'RoleArn', 'SecretAccessKey', 'Token']);
      assert.equal(credentials['Expiration'], '2030-01-01T00:00:00Z');

      // The host's requests come from the gateway address, which is no task's: nothing is served.
      const fromHost = await hostGet(`${base}/v4/${metadataId}`);
      assert.equal(fromHost.status, 404);
      assert.match(JSON.parse(fromHost.body) as string, /^V4 container metadata handler: unable to get container ID from request/);
      const credentialsFromHost = await hostGet(`${base}/v2/credentials/${CREDENTIALS_ID}`);
      assert.equal(credentialsFromHost.status, 400);
    } finally {
      await endpoint.close();
    }
  });

  test('once the task has stopped its containers have no stats, and their cgroups are gone', async () => {
    await ecs.send(new StopTaskCommand({ cluster: 'default', task: taskId }));
    await waitForTask(store, taskId, (r) => r.task.lastStatus === 'STOPPED', 60_000);
    const source = new CgroupStatsSource({ reader: new CgroupReader({ containerPath: (t, r) => new Cgroups().containerPath(t, r) }), clock: systemClock });
    assert.equal(await source.stats({ taskId, runtimeId: runtimeId(), name: 'app' }), undefined);
    assert.equal(await new Cgroups().taskExists(taskId), false);
  });
});
