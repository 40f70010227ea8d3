// The control-plane load of the load balancer benchmark, as its own process (so its SDK work does not share
// the measuring process's event loop): `node --import tsx bench/lb-hammer-child.ts ENDPOINT CLUSTER_ARN
// CLIENTS MAX_MS` sends ECS writes (RegisterTaskDefinition and TagResource, alternately) from CLIENTS closed
// loops until SIGTERM or MAX_MS, prints "ready" after its first answer and one JSON summary line at the end.
import { Agent } from 'node:http';
import { ECSClient, RegisterTaskDefinitionCommand, TagResourceCommand } from '@aws-sdk/client-ecs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { errorKind } from './load.ts';

export interface HammerSummary {
  writes: number;
  errors: number;
  errorKinds: Record<string, number>;
  elapsedMs: number;
}

const [endpoint, clusterArn, clientsText, maxMsText] = process.argv.slice(2);
const clients = Number(clientsText);
const maxMs = Number(maxMsText);
if (endpoint === undefined || clusterArn === undefined || !(clients >= 1 && clients <= 64) || !(maxMs > 0 && maxMs <= 3_600_000)) {
  console.error('usage: lb-hammer-child.ts ENDPOINT CLUSTER_ARN CLIENTS(1-64) MAX_MS');
  process.exit(2);
}

const ecs = new ECSClient({
  endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1,
  requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: clients }), connectionTimeout: 5_000, requestTimeout: 30_000 }),
});
let stopping = false;
process.once('SIGTERM', () => {
  stopping = true;
});

const summary: HammerSummary = { writes: 0, errors: 0, errorKinds: {}, elapsedMs: 0 };
const start = performance.now();
let announced = false;

/** Worker `id`'s n-th write: a new revision of a small task definition, or a tag (one key per worker: a resource holds at most 50). */
async function write(id: number, n: number): Promise<void> {
  if (n % 2 === 0) {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'bench-control-plane-load', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/docker/library/busybox:latest', essential: true, environment: [{ name: 'N', value: `${id}-${n}` }] }],
    }));
  } else {
    await ecs.send(new TagResourceCommand({ resourceArn: clusterArn, tags: [{ key: `bench-load-${id}`, value: String(n) }] }));
  }
}

await Promise.all(Array.from({ length: clients }, async (_, id) => {
  for (let n = 0; !stopping && performance.now() - start < maxMs; n++) {
    try {
      await write(id, n);
      summary.writes++;
      if (!announced) {
        announced = true;
        console.log('ready');
      }
    } catch (error) {
      summary.errors++;
      const kind = errorKind(error);
      summary.errorKinds[kind] = (summary.errorKinds[kind] ?? 0) + 1;
    }
  }
}));
summary.elapsedMs = performance.now() - start;
console.log(JSON.stringify(summary));
ecs.destroy();
