// The Docker driver's pieces (images, task network, containers) against Debian's docker.io engine, which this
// file starts on its own socket (test/support/dockerd.ts), with test images pushed to a Berth test server's
// registry and pulled by the engine from there. The same semantics the runc driver's tests check: process,
// environment, user, limits, exit codes, OOM, stop signals, shared network namespace, output line by line.
// Needs root, dockerd and busybox-static; skips with the reason, except under CI=true.
// Traffic goes only to loopback and to the 10.251.0.0/16 network this file creates (10.254.7.0/24 is a
// blackhole route it adds and removes, to see a VPC that overlaps a host route refused).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { systemClock } from '../../src/platform/clock.ts';
import { cryptoIds } from '../../src/platform/ids.ts';
import type { ContainerLaunch, OutputLine } from '../../src/runtime/drivers/driver.ts';
import { createDockerDriver, dockerUnavailable, type DockerDriver } from '../../src/runtime/drivers/docker/index.ts';
import type { DockerContainer } from '../../src/runtime/drivers/docker/docker-container.ts';
import { DockerContainers } from '../../src/runtime/drivers/docker/docker-containers.ts';
import { LogCursors } from '../../src/runtime/drivers/docker/log-cursors.ts';
import type { PulledImage } from '../../src/runtime/images/image-store.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { buildTestImages, busyboxAvailable, TEST_IMAGE_TAGS, type TestImageTag } from '../images/test-images.ts';
import { dockerdSkipReason, TestDockerd } from '../support/dockerd.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { RegistryClient } from './registry-client.ts';

const reason = dockerdSkipReason('Docker driver tests') ?? (await busyboxAvailable() ? undefined : 'busybox-static is not installed');
if (reason === 'busybox-static is not installed' && process.env['CI'] === 'true') throw new Error(`Docker driver tests cannot run in CI: ${reason}`);

const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-images';
const VPC = { vpcId: 'vpc-0d0c4e7d71e5a1b2c', vpcCidrBlocks: ['10.251.0.0/16'], subnetCidr: '10.251.1.0/24', gatewayIp: '10.251.1.1' };

/**
 * Pushes every test image of the OCI layout to `repository`, tagged by name, with `docker login`'s Basic
 * credentials (the server runs with strict auth, so the engine's pulls must authenticate too).
 */
async function pushWithAuth(registry: RegistryClient, repository: string, layoutDir: string): Promise<void> {
  const blob = (digest: string) => readFile(join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length)));
  const index = JSON.parse(await readFile(join(layoutDir, 'index.json'), 'utf8')) as { manifests: { digest: string; mediaType: string; annotations?: Record<string, string> }[] };
  for (const tag of TEST_IMAGE_TAGS) {
    const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag) ?? assert.fail(`no ${tag} in the layout`);
    const manifest = await blob(entry.digest);
    const parsed = JSON.parse(manifest.toString('utf8')) as { config: { digest: string }; layers: { digest: string }[] };
    for (const digest of [parsed.config.digest, ...parsed.layers.map((l) => l.digest)]) assert.equal((await registry.pushBlob(repository, await blob(digest))).status, 201);
    assert.equal((await registry.putManifest(repository, tag, manifest.toString('utf8'), entry.mediaType)).status, 201);
  }
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('Docker driver', { skip: reason ?? false }, () => {
  let dockerd: TestDockerd;
  let server: TestServer;
  let store: Store;
  let driver: DockerDriver;
  let dataDir = '';
  let layoutDir = '';
  let port = 0;
  const images = {} as Record<TestImageTag, PulledImage>;
  const tasks = new Set<string>();
  let n = 0;

  const newDriver = () => createDockerDriver({
    dockerHost: dockerd.host, dataDir, store, ids: cryptoIds, clock: systemClock,
    addressing: { defaultAccountId: '123456789012', defaultRegion: 'us-east-1', endpoint: () => `127.0.0.1:${port}` },
  });

  before(async () => {
    dockerd = await TestDockerd.start();
    // Strict auth: the registry refuses anonymous pulls, so the engine's pulls prove the X-Registry-Auth it is given.
    server = await startTestServer({ strictAuth: true });
    port = Number(new URL(server.url).port);
    store = await openSqliteStore(server.dataDir);
    const ecr = new ECRClient(server.clientConfig);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'docker-images' }));
    const token = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0]?.authorizationToken ?? '';
    ecr.destroy();
    layoutDir = await mkdtemp(join(tmpdir(), 'bth-docker-layout-'));
    await buildTestImages(layoutDir);
    await pushWithAuth(new RegistryClient(server.url, { authorization: `Basic ${token}` }), 'docker-images', layoutDir);
    dataDir = await mkdtemp(join(tmpdir(), 'bth-docker-data-'));
    driver = await newDriver();
  });

  after(async () => {
    for (const taskId of tasks) {
      await driver?.containers.cleanupTask(taskId).catch(() => undefined);
      await driver?.network.detachTask({ taskId }).catch(() => undefined);
    }
    await driver?.network.removeVpc(VPC.vpcId).catch(() => undefined);
    await driver?.close();
    await store?.close();
    await server?.stop();
    await dockerd?.stop();
    await rm(layoutDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  function newTask(): string {
    const taskId = cryptoIds.bytes(16).toString('hex');
    tasks.add(taskId);
    return taskId;
  }

  async function start(tag: TestImageTag, launch: Partial<ContainerLaunch> = {}, lines: OutputLine[] = []): Promise<DockerContainer> {
    const taskId = launch.taskId ?? newTask();
    if (!launch.taskId) await driver.containers.createTask(taskId, { cpu: 256, memory: 512 });
    return driver.containers.start({
      taskId, containerId: `bth-${taskId}-${n++}`, image: images[tag], definition: {}, onOutput: (line) => lines.push(line), ...launch,
    });
  }

  const texts = (lines: OutputLine[]) => lines.map((l) => l.text);

  test('the engine is found usable, and a missing socket is said to be missing', async () => {
    assert.equal(await dockerUnavailable(dockerd.host), undefined);
    assert.match(await dockerUnavailable(`unix://${join(dataDir, 'nothing.sock')}`) ?? '', /no Docker Engine socket at .*nothing\.sock/);
    assert.match(driver.description, /^Docker Engine \S+ at unix:\/\/.* \(API 1\.4\d, \w+\); task cpu\/memory (as a cgroup envelope|applied per container)/);
  });

  test('images are pulled by the engine from Berth\'s registry by digest, then come from its cache', async () => {
    for (const tag of TEST_IMAGE_TAGS) images[tag] = await driver.images.pull(`${REPO}:${tag}`);
    const httpd = images.httpd;
    assert.match(httpd.manifestDigest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(httpd.engineReference, `127.0.0.1:${port}/docker-images@${httpd.manifestDigest}`);
    assert.deepEqual(httpd.layerDirs, []);
    assert.deepEqual(httpd.config.config?.Cmd, ['/bin/httpd', '-f', '-p', '8080', '-h', '/www']);
    assert.equal(images.shell.config.config?.User, 'app');
    const t0 = Date.now();
    const again = await driver.images.pull(`${REPO}@${httpd.manifestDigest}`);
    assert.equal(again.engineReference, httpd.engineReference);
    assert.ok(Date.now() - t0 < 2_000, 'a cached image is not pulled again');
  });

  test('an image the registry lacks, and another registry\'s image, fail with CannotPullContainerError', async () => {
    await assert.rejects(driver.images.pull(`${REPO}:nope`), {
      name: 'CannotPullContainerError',
      message: `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${REPO}:nope: ${REPO}:nope: not found`,
    });
    await assert.rejects(driver.images.pull('httpd:2.4'), (error: Error) => {
      assert.equal(error.name, 'CannotPullContainerError');
      assert.match(error.message, /^CannotPullContainerError: pull image manifest has been retried 5 time\(s\): failed to resolve ref docker\.io\/library\/httpd:2\.4: remote pulls are disabled/);
      return true;
    });
  });

  test('a task network: the sandbox has the ENI\'s IP and MAC, containers share it, the host reaches it', async () => {
    const taskId = newTask();
    const handle = await driver.network.attachTask({ ...VPC, taskId, privateIp: '10.251.1.10', macAddress: '02:51:00:00:00:0a', assignPublicIp: 'ENABLED', hostname: 'ip-10-251-1-10.ec2.internal' });
    assert.equal(handle.join.kind, 'container');
    assert.equal(handle.publicIp, '10.251.1.10');
    const again = await driver.network.attachTask({ ...VPC, taskId, privateIp: '10.251.1.10', macAddress: '02:51:00:00:00:0a', assignPublicIp: 'ENABLED' });
    assert.deepEqual(again.join, handle.join, 'attaching again keeps the sandbox');
    assert.deepEqual((await driver.network.attached()).get(taskId), handle.join);
    // Another VPC with the same block would take this one's traffic: refused, as on the runc path.
    await assert.rejects(driver.network.attachTask({ ...VPC, vpcId: 'vpc-0e1d2c3b4a5968778', taskId: newTask(), privateIp: '10.251.1.11', macAddress: '02:51:00:00:00:0b', assignPublicIp: 'DISABLED' }),
      { name: 'DockerNetworkError', message: /block 10\.251\.0\.0\/16 overlaps the host's route 10\.251\.0\.0\/16 dev br-/ });

    await driver.containers.createTask(taskId, { cpu: 512, memory: 256 });
    const web = await start('httpd', { taskId, network: handle.join, definition: { linuxParameters: { initProcessEnabled: true } } });
    const page = await (async () => {
      for (let i = 0; i < 50; i++) {
        const answer = await fetch('http://10.251.1.10:8080/', { signal: AbortSignal.timeout(1000) }).then((r) => r.text(), () => undefined);
        if (answer !== undefined) return answer;
        await new Promise((r) => setTimeout(r, 100));
      }
      return undefined;
    })();
    assert.equal(page, 'hello from bth httpd\n');

    const lines: OutputLine[] = [];
    const client = await start('shell', {
      taskId, network: handle.join,
      definition: { command: ['wget -qO- http://127.0.0.1:8080/; hostname; cat /sys/class/net/eth0/address; ip -4 addr show eth0 2>/dev/null | grep -o "inet [0-9./]*" || true'] },
    }, lines);
    assert.deepEqual(await client.waitExit(), { exitCode: 0, oomKilled: false });
    assert.deepEqual(texts(lines).slice(0, 3), ['hello from bth httpd', 'ip-10-251-1-10.ec2.internal', '02:51:00:00:00:0a']);
    await client.remove();

    // tini (initProcessEnabled → the engine's init) forwards SIGTERM to httpd: 128 + 15.
    assert.deepEqual(await web.stop(5_000), { exitCode: 143, oomKilled: false });
    await web.remove();
    await driver.containers.cleanupTask(taskId);
    await assert.rejects(driver.network.removeVpc(VPC.vpcId), { name: 'VpcInUseError' });
    await driver.network.detachTask({ taskId });
    assert.equal((await driver.network.attached()).has(taskId), false);
    await driver.network.removeVpc(VPC.vpcId);
    assert.deepEqual(await dockerd.networkNames(), []);
  });

  test('a VPC block that overlaps a host route is refused, and nothing is made', async () => {
    // A blackhole route in a range only this file uses: it carries no traffic, and goes at the end.
    execFileSync('ip', ['route', 'add', 'blackhole', '10.254.7.0/24']);
    try {
      await assert.rejects(driver.network.attachTask({
        vpcId: 'vpc-0f1e2d3c4b5a69788', vpcCidrBlocks: ['10.254.0.0/16'], subnetCidr: '10.254.1.0/24', gatewayIp: '10.254.1.1',
        taskId: newTask(), privateIp: '10.254.1.10', macAddress: '02:54:00:00:00:0a', assignPublicIp: 'DISABLED',
      }), { name: 'DockerNetworkError', message: /block 10\.254\.0\.0\/16 overlaps the host's route 10\.254\.7\.0\/24;/ });
    } finally {
      execFileSync('ip', ['route', 'del', 'blackhole', '10.254.7.0/24']);
    }
    assert.deepEqual(await dockerd.networkNames(), []);
  });

  test('environment (image → definition → overrides), user, working directory and Fargate\'s nofile are applied', async () => {
    const lines: OutputLine[] = [];
    const c = await start('shell', {
      definition: {
        command: ['echo "$IMAGE_VAR $DEF_VAR $OVR_VAR"; id; pwd; ulimit -n; ulimit -Hn'],
        environment: [{ name: 'DEF_VAR', value: 'def' }, { name: 'OVR_VAR', value: 'def' }],
      },
      overrides: { environment: [{ name: 'OVR_VAR', value: 'override' }] },
    }, lines);
    assert.equal((await c.waitExit()).exitCode, 0);
    assert.equal(texts(lines)[0], 'from-image def override');
    assert.match(texts(lines)[1] ?? '', /^uid=1000\(app\) gid=1000\(app\) groups=.*2000\(extra\)/);
    assert.deepEqual(texts(lines).slice(2, 5), ['/app', '1024', '4096']);
    assert.ok(lines.every((l) => l.stream === 'stdout' && l.timestamp instanceof Date));
    await c.remove();
  });

  test('a numeric user, a working directory, ulimits, capabilities and a read-only root filesystem', async () => {
    const lines: OutputLine[] = [];
    const c = await start('shell', {
      definition: {
        user: '0', workingDirectory: '/tmp', readonlyRootFilesystem: true,
        ulimits: [{ name: 'nofile', softLimit: 2048, hardLimit: 8192 }],
        linuxParameters: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
        command: ['id -u; pwd; ulimit -n; ulimit -Hn; grep CapBnd /proc/self/status; touch /x 2>/dev/null && echo wrote || echo refused; echo e >&2'],
      },
    }, lines);
    assert.equal((await c.waitExit()).exitCode, 0);
    // CAP_NET_BIND_SERVICE is bit 10: 0x400. stdout and stderr are two pipes: their relative order is not kept.
    assert.deepEqual(texts(lines.filter((l) => l.stream === 'stdout')), ['0', '/tmp', '2048', '8192', 'CapBnd:\t0000000000000400', 'refused']);
    assert.deepEqual(texts(lines.filter((l) => l.stream === 'stderr')), ['e']);
    await c.remove();
  });

  test('exit codes pass through, and a container over its memory limit is OOM-killed: 137', async () => {
    const three = await start('shell', { definition: { command: ['exit 3'] } });
    assert.deepEqual(await three.waitExit(), { exitCode: 3, oomKilled: false });
    await three.remove();
    const own = await start('alloc', { definition: { memory: 16 } });
    assert.deepEqual(await own.waitExit(), { exitCode: 137, oomKilled: true });
    await own.remove();
    // No container limit: the task's envelope (32 MiB) stops it (or, without an envelope, the same limit on the container).
    const taskId = newTask();
    await driver.containers.createTask(taskId, { memory: 32 });
    const enveloped = await start('alloc', { taskId });
    assert.deepEqual(await enveloped.waitExit(), { exitCode: 137, oomKilled: true });
    await enveloped.remove();
    await driver.containers.cleanupTask(taskId);
    // Where the engine cannot nest cgroups (Docker Desktop, rootless): the task's limit on each container.
    const perContainer = new DockerContainers({ engine: driver.engine, cursors: new LogCursors(dataDir) });
    assert.equal(perContainer.envelope, false);
    const other = newTask();
    await perContainer.createTask(other, { memory: 32 });
    const capped = await perContainer.start({ taskId: other, containerId: `bth-${other}-0`, image: images.alloc, definition: {} });
    assert.deepEqual(await capped.waitExit(), { exitCode: 137, oomKilled: true });
    await perContainer.cleanupTask(other);
    assert.equal(existsSync(join('/sys/fs/cgroup', 'memory', 'bth-docker', other)), false, 'no envelope was made');
  });

  test('stop: the image\'s stop signal, then SIGKILL when the timeout runs out', async () => {
    const lines: OutputLine[] = [];
    const c = await start('ignore-term', {}, lines);
    await until(() => texts(lines).includes('ready'));
    const t0 = Date.now();
    assert.deepEqual(await c.stop(1_500), { exitCode: 137, oomKilled: false });
    const took = Date.now() - t0;
    assert.ok(took >= 1_400 && took < 6_000, `stopped after ${took} ms`);
    assert.ok(texts(lines).includes('got TERM'), 'the trap saw SIGTERM first');
    await c.remove();
  });

  test('after a restart: re-attached, output resumes after the last acknowledged line; an exit while down is seen', async () => {
    const taskId = newTask();
    await driver.containers.createTask(taskId, { memory: 256 });
    const lines: OutputLine[] = [];
    const loop = await start('loop', { taskId }, lines);
    const gone = await start('loop', { taskId });
    await until(() => lines.length >= 4);
    loop.acknowledge(lines[2]?.cursor ?? '');
    await driver.close(); // Berth stops: cursors written, containers left running
    await dockerd.api('POST', `/containers/${gone.id}/kill?signal=KILL`);

    driver = await newDriver();
    const listed = await driver.containers.list();
    assert.deepEqual(listed.filter((id) => id.startsWith(`bth-${taskId}-`)).sort(), [loop.id, gone.id].sort());
    const resumed: OutputLine[] = [];
    const again = await driver.containers.reattach({ taskId, containerId: loop.id, onOutput: (line) => resumed.push(line) });
    assert.ok(again);
    await until(() => resumed.length >= 2);
    assert.equal(resumed[0]?.text, 'tick 3', 'resumes right after the acknowledged tick 2');
    const dead = await driver.containers.reattach({ taskId, containerId: gone.id });
    assert.deepEqual(await dead?.waitExit(), { exitCode: 137, oomKilled: false });
    assert.equal(await driver.containers.reattach({ taskId, containerId: `bth-${taskId}-99` }), undefined);
    await driver.containers.cleanupTask(taskId);
    assert.deepEqual((await driver.containers.list()).filter((id) => id.startsWith(`bth-${taskId}-`)), []);
  });

  test('afterwards no container, network, cgroup or cursor of this file remains', async () => {
    for (const taskId of tasks) {
      await driver.containers.cleanupTask(taskId);
      await driver.network.detachTask({ taskId });
      for (const hierarchy of ['memory', 'cpu']) assert.equal(existsSync(join('/sys/fs/cgroup', hierarchy, 'bth-docker', taskId)), false, `cgroup of ${taskId} remains`);
    }
    await driver.network.removeVpc(VPC.vpcId);
    assert.deepEqual((await dockerd.containerNames()).filter((name) => name.startsWith('bth-')), []);
    assert.deepEqual(await dockerd.networkNames(), []);
    const cursors = join(dataDir, 'runtime', 'docker', 'cursors');
    assert.deepEqual(existsSync(cursors) ? readdirSync(cursors) : [], []);
  });
});
