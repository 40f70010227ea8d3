// The task endpoints over real sockets on loopback: the server listens on 127.0.0.10 and two "tasks"
// connect from 127.0.0.11 and 127.0.0.12 (http.request's localAddress), so isolation by source address is
// exercised as the kernel reports it. Traffic: loopback only.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { fakeTaskRecord, FAKE_TASK_ID } from './fake-task.ts';
import { cleanPath, sourceAddress } from './handler.ts';
import { metadataIdFor } from './metadata-id.ts';
import type { ContainerStatsSource, IssuedTaskCredentials, MetadataTarget, StatsTarget, TaskCredentialsDirectory, TaskMetadataDirectory } from './port.ts';
import { TaskEndpointServer } from './server.ts';
import { StoreMetadataDirectory } from './store-directory.ts';

const SERVER = '127.0.0.10';
const TASK_A = '127.0.0.11';
const TASK_B = '127.0.0.12';
const OTHER_TASK = 'ab000000000000000000000000000001';

const recordA = fakeTaskRecord({ privateIp: TASK_A });
const recordB = fakeTaskRecord({ privateIp: TASK_B, taskId: OTHER_TASK });
const idA = metadataIdFor(FAKE_TASK_ID, 'curl');
const idB = metadataIdFor(OTHER_TASK, 'curl');

/** The same lookup StoreMetadataDirectory does, over two records in memory. */
const metadata: TaskMetadataDirectory = {
  async taskForMetadataId(id: string): Promise<MetadataTarget | undefined> {
    for (const record of [recordA, recordB]) {
      const taskId = record.task.taskArn?.split('/').pop() ?? '';
      const container = record.task.containers?.find((c) => metadataIdFor(taskId, c.name ?? '') === id);
      if (container) return { record, containerName: container.name ?? '' };
    }
    return undefined;
  },
};

const credentialsA: IssuedTaskCredentials = {
  taskPrivateIp: TASK_A,
  credentials: {
    accessKeyId: 'ASIAEXAMPLEEXAMPLE01', secretAccessKey: 'secret/key+A', sessionToken: 'token-A',
    expiration: new Date('2024-01-15T16:23:45.678Z'), roleArn: 'arn:aws:iam::111122223333:role/api-task-role',
  },
};
const credentials: TaskCredentialsDirectory = {
  async credentials(id) {
    if (id === 'boom') throw new Error('store down');
    return id === '7c6a2f1e-0b5a-4c1e-9d0f-3a2b1c0d9e8f' ? credentialsA : undefined;
  },
};

const statsCalls: StatsTarget[] = [];
const stats: ContainerStatsSource = {
  async stats(target) {
    statsCalls.push(target);
    if (!target.runtimeId.endsWith('-0')) return undefined; // the sidecar has exited
    return { read: '2024-01-01T00:00:00Z', name: target.name, id: target.runtimeId, memory_stats: { usage: 1n << 60n } };
  },
  async startedAt(target) {
    return target.runtimeId.endsWith('-0') ? new Date('2020-10-08T20:09:11.445Z') : undefined;
  },
};

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function get(from: string, path: string, port: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: SERVER, port, path, localAddress: from, agent: false, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('task endpoint server', () => {
  const server = new TaskEndpointServer({ metadata, credentials, stats });
  let port = 0;
  before(async () => {
    port = (await server.listen(SERVER, 0)).port;
  });
  after(async () => {
    await server.close();
  });

  test('GET /v4/<id>: the caller\'s container', async () => {
    const answer = await get(TASK_A, `/v4/${idA}`, port);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'application/json');
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    assert.equal(body['Name'], 'curl');
    assert.equal(body['DockerId'], `bth-${FAKE_TASK_ID}-0`);
    assert.equal(body['StartedAt'], '2020-10-08T20:09:11.445Z');
  });

  test('GET /v4/<id>/task: the task with both containers', async () => {
    const answer = await get(TASK_A, `/v4/${idA}/task`, port);
    assert.equal(answer.status, 200);
    const body = JSON.parse(answer.body) as { TaskARN: string; Containers: { Name: string; StartedAt?: string }[] };
    assert.equal(body.TaskARN, recordA.task.taskArn);
    assert.deepEqual(body.Containers.map((c) => [c.Name, c.StartedAt]), [['curl', '2020-10-08T20:09:11.445Z'], ['sidecar', undefined]]);
  });

  test('GET /v4/<id>/stats: the container\'s stats, exact 64-bit numbers', async () => {
    const answer = await get(TASK_A, `/v4/${idA}/stats`, port);
    assert.equal(answer.status, 200);
    assert.match(answer.body, /"usage":1152921504606846976/);
    assert.deepEqual(statsCalls.at(-1), { taskId: FAKE_TASK_ID, runtimeId: `bth-${FAKE_TASK_ID}-0`, name: 'curl' });
  });

  test('GET /v4/<id>/task/stats: every started container by DockerId, {} for one without stats', async () => {
    const answer = await get(TASK_A, `/v4/${idA}/task/stats`, port);
    assert.equal(answer.status, 200);
    const body = JSON.parse(answer.body) as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(body), [`bth-${FAKE_TASK_ID}-0`, `bth-${FAKE_TASK_ID}-1`]);
    assert.equal(body[`bth-${FAKE_TASK_ID}-0`]?.['name'], 'curl');
    assert.deepEqual(body[`bth-${FAKE_TASK_ID}-1`], {});
  });

  test('stats of an exited container: the agent\'s 500', async () => {
    const sidecar = metadataIdFor(FAKE_TASK_ID, 'sidecar');
    const answer = await get(TASK_A, `/v4/${sidecar}/stats`, port);
    assert.equal(answer.status, 500);
    assert.equal(JSON.parse(answer.body), `Unable to get container stats for: bth-${FAKE_TASK_ID}-1`);
  });

  test('an unknown id: the agent\'s 404 and message on each path', async () => {
    const unknown = `${'f'.repeat(32)}-0000000001`;
    const expected: [string, string][] = [
      ['', `V4 container metadata handler: unable to get container ID from request: unable to get docker ID from v3 endpoint ID: ${unknown}`],
      ['/task', `V4 task metadata handler: unable to get task arn from request: unable to get task Arn from v3 endpoint ID: ${unknown}`],
      ['/stats', `V4 container stats handler: unable to get task arn from request: unable to get task Arn from v3 endpoint ID: ${unknown}`],
      ['/task/stats', `V4 task stats handler: unable to get task arn from request: unable to get task Arn from v3 endpoint ID: ${unknown}`],
    ];
    for (const [suffix, message] of expected) {
      const answer = await get(TASK_A, `/v4/${unknown}${suffix}`, port);
      assert.equal(answer.status, 404, suffix);
      assert.equal(answer.headers['content-type'], 'application/json');
      assert.equal(JSON.parse(answer.body), message);
    }
  });

  test('isolation: another task\'s metadata id answers exactly as an unknown id does', async () => {
    // An id of the right form that no task has, with the same digits: its answer is the template.
    const unknown = `${'f'.repeat(32)}${idB.slice(32)}`;
    for (const suffix of ['', '/task', '/stats', '/task/stats']) {
      const theirs = await get(TASK_A, `/v4/${idB}${suffix}`, port);
      const missing = await get(TASK_A, `/v4/${unknown}${suffix}`, port);
      const own = await get(TASK_B, `/v4/${idB}${suffix}`, port);
      assert.equal(theirs.status, 404, suffix);
      assert.equal(theirs.status, missing.status);
      assert.deepEqual(theirs.headers['content-type'], missing.headers['content-type']);
      assert.equal(theirs.body, missing.body.replace(unknown, idB));
      assert.equal(own.status, 200, suffix);
    }
    // From the host (neither task's address) nothing is served either.
    assert.equal((await get('127.0.0.1', `/v4/${idA}`, port)).status, 404);
  });

  test('GET /v2/credentials/<id>: exactly the five members, Expiration in whole seconds', async () => {
    const answer = await get(TASK_A, '/v2/credentials/7c6a2f1e-0b5a-4c1e-9d0f-3a2b1c0d9e8f', port);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(answer.body), {
      RoleArn: 'arn:aws:iam::111122223333:role/api-task-role', AccessKeyId: 'ASIAEXAMPLEEXAMPLE01', SecretAccessKey: 'secret/key+A',
      Token: 'token-A', Expiration: '2024-01-15T16:23:45Z',
    });
  });

  test('credentials: another task\'s id, an unknown id and no id answer as the agent does', async () => {
    const notFound = { code: 'InvalidIdInRequest', message: 'CredentialsV2Request: Credentials not found' };
    const theirs = await get(TASK_B, '/v2/credentials/7c6a2f1e-0b5a-4c1e-9d0f-3a2b1c0d9e8f', port);
    assert.equal(theirs.status, 400);
    assert.deepEqual(JSON.parse(theirs.body), notFound);
    const unknown = await get(TASK_A, '/v2/credentials/00000000-0000-0000-0000-000000000000', port);
    assert.equal(unknown.status, 400);
    assert.deepEqual(JSON.parse(unknown.body), notFound);
    const none = await get(TASK_A, '/v2/credentials/', port);
    assert.equal(none.status, 400);
    assert.deepEqual(JSON.parse(none.body), { code: 'NoIdInRequest', message: 'CredentialsV2Request: No Credential ID in the request' });
    const failing = await get(TASK_A, '/v2/credentials/boom', port);
    assert.equal(failing.status, 500);
    assert.deepEqual(JSON.parse(failing.body), { code: 'InternalServerError', message: 'Internal server error' });
  });

  test('anything else: gorilla/mux\'s 404 page; unclean paths are redirected', async () => {
    for (const path of ['/', '/v3/x', '/v2/credentials', `/v4/${idA}/`, `/v4/${idA}/taskWithTags`, `/v4/${idA}/task/stats/x`]) {
      const answer = await get(TASK_A, path, port);
      assert.equal(answer.status, 404, path);
      assert.equal(answer.body, '404 page not found\n');
      assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8');
    }
    const redirect = await get(TASK_A, `//v4//${idA}?x=1`, port);
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.location, `/v4/${idA}?x=1`);
  });
});

describe('source addresses', () => {
  test('an IPv4-mapped IPv6 source is its IPv4 address', () => {
    const req = (remoteAddress: string) => ({ socket: { remoteAddress } }) as unknown as IncomingMessage;
    assert.equal(sourceAddress(req('::ffff:10.84.1.23')), '10.84.1.23');
    assert.equal(sourceAddress(req('::FFFF:10.84.1.23')), '10.84.1.23');
    assert.equal(sourceAddress(req('10.84.1.23')), '10.84.1.23');
    assert.equal(sourceAddress(req('fe80::1')), 'fe80::1');
  });

  test('a server on a dual-stack socket sees IPv4 tasks as theirs', async (t) => {
    const server = new TaskEndpointServer({ metadata, credentials, stats });
    let port: number;
    try {
      port = (await server.listen('::', 0)).port;
    } catch {
      t.skip('no IPv6 on this host');
      return;
    }
    try {
      const answer = await get(TASK_A, `/v4/${idA}`, port);
      assert.equal(answer.status, 200);
    } finally {
      await server.close();
    }
  });

  test('path cleaning as Go does it', () => {
    assert.equal(cleanPath('/v4/a'), '/v4/a');
    assert.equal(cleanPath('//v4//a/'), '/v4/a/');
    assert.equal(cleanPath('/v4/./a/../b'), '/v4/b');
    assert.equal(cleanPath(''), '/');
  });
});

describe('store directory', () => {
  test('finds the task in whichever scope holds it, and only containers it has', async () => {
    const scopes = [{ account: '111122223333', region: 'eu-west-1' }, { account: '111122223333', region: 'us-west-2' }];
    const rows = new Map([[`us-west-2/${FAKE_TASK_ID}`, recordA]]);
    const store = {
      read: async <T>(fn: (tx: { get: (kind: string, scope: { region: string }, id: string) => Promise<unknown> }) => Promise<T>) =>
        fn({ get: async (_kind, scope, id) => rows.get(`${scope.region}/${id}`) }),
    };
    const directory = new StoreMetadataDirectory({ store: store as never, scopes: async () => scopes });
    const found = await directory.taskForMetadataId(metadataIdFor(FAKE_TASK_ID, 'sidecar'));
    assert.equal(found?.containerName, 'sidecar');
    assert.equal(found?.record, recordA);
    assert.equal(await directory.taskForMetadataId(metadataIdFor(FAKE_TASK_ID, 'other')), undefined);
    assert.equal(await directory.taskForMetadataId(metadataIdFor(OTHER_TASK, 'curl')), undefined);
    assert.equal(await directory.taskForMetadataId('not-an-id'), undefined);
  });
});
