// kill -9 in the middle of a burst of writes: every write the server acknowledged is still there
// after a restart, and the store opens consistent.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  CreateClusterCommand, DescribeClustersCommand, DescribeTaskDefinitionCommand, ECSClient,
  ListTaskDefinitionsCommand, RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { BerthProcess } from '../support/berth-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'berth-durability-'));
const servers: BerthProcess[] = [];

after(async () => {
  for (const server of servers) await server.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

async function spawnBerth(): Promise<BerthProcess> {
  const server = await BerthProcess.start(dataDir);
  servers.push(server);
  return server;
}

function client(url: string): ECSClient {
  return new ECSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
}

const TASK_DEFINITION = {
  family: 'burst',
  networkMode: 'awsvpc' as const,
  requiresCompatibilities: ['FARGATE' as const],
  cpu: '256',
  memory: '512',
  containerDefinitions: [{ name: 'app', image: 'busybox', essential: true }],
};

test('every acknowledged write survives SIGKILL during a burst', { timeout: 120_000 }, async () => {
  const first = await spawnBerth();
  const ecs = client(first.url);
  const ackedRevisions: number[] = [];
  const ackedClusters: string[] = [];
  let killed = false;
  let dead: Promise<void> | undefined;
  let sent = 0;

  // 8 writers in a closed loop, bounded by count; the server is killed once 120 writes are acknowledged.
  const writer = async (w: number): Promise<void> => {
    for (let i = 0; !killed && i < 200; i++) {
      sent++;
      try {
        if (i % 4 === 0) {
          const name = `burst-${w}-${i}`;
          await ecs.send(new CreateClusterCommand({ clusterName: name }));
          ackedClusters.push(name);
        } else {
          const out = await ecs.send(new RegisterTaskDefinitionCommand(TASK_DEFINITION));
          ackedRevisions.push(out.taskDefinition?.revision ?? -1);
        }
      } catch (error) {
        if (!killed) throw error;
      }
      if (!killed && ackedRevisions.length + ackedClusters.length >= 120) {
        killed = true;
        dead = first.kill();
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
  ecs.destroy();
  assert.ok(killed, 'the server was killed mid-burst');
  assert.ok(sent > ackedRevisions.length + ackedClusters.length, 'some writes were in flight when the server died');
  await dead;

  const second = await spawnBerth();
  const restarted = client(second.url);
  try {
    for (const revision of ackedRevisions) {
      const out = await restarted.send(new DescribeTaskDefinitionCommand({ taskDefinition: `burst:${revision}` }));
      assert.equal(out.taskDefinition?.revision, revision);
    }
    for (let i = 0; i < ackedClusters.length; i += 100) {
      const names = ackedClusters.slice(i, i + 100);
      const out = await restarted.send(new DescribeClustersCommand({ clusters: names }));
      assert.deepEqual(out.failures, []);
      assert.equal(out.clusters?.length, names.length);
    }
    // Consistent: revisions are unique and the next one continues after every stored revision.
    const listed: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await restarted.send(new ListTaskDefinitionsCommand({ familyPrefix: 'burst', ...(nextToken ? { nextToken } : {}) }));
      listed.push(...(page.taskDefinitionArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.equal(new Set(listed).size, listed.length);
    const stored = listed.map((arn) => Number(arn.split(':').at(-1)));
    const next = await restarted.send(new RegisterTaskDefinitionCommand(TASK_DEFINITION));
    assert.equal(next.taskDefinition?.revision, Math.max(...stored) + 1);
  } finally {
    restarted.destroy();
    await second.stop();
  }
});
