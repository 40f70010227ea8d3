// The runc driver against real runc, overlayfs and cgroups, with images built by test/images.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cryptoIds } from '../../src/platform/ids.ts';
import { NodeProcessRunner } from '../../src/platform/processes.ts';
import { ImageStore, type PulledImage } from '../../src/runtime/images/image-store.ts';
import { OciLayoutSource } from '../../src/runtime/images/oci.ts';
import { Cgroups } from '../../src/runtime/drivers/runc/cgroups.ts';
import type { ContainerLaunch } from '../../src/runtime/drivers/driver.ts';
import { RuncDriver, type RuncContainer, type RuncDriverOptions } from '../../src/runtime/drivers/runc/runc-driver.ts';
import { CONTAINERS_SECCOMP_PROFILE, readSeccompProfile } from '../../src/runtime/drivers/runc/seccomp.ts';
import { busyboxAvailable, buildTestImages, TEST_IMAGE_TAGS, type TestImageTag } from '../images/test-images.ts';

function which(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function skipReason(): Promise<string | null> {
  if (process.platform !== 'linux') return 'runc needs Linux';
  if (process.getuid?.() !== 0) return 'runc driver tests need root';
  for (const cmd of ['runc', 'setfattr', 'conmon']) if (!which(cmd)) return `${cmd} is not installed (apt-get install runc attr conmon)`;
  if (!(await busyboxAvailable())) return 'busybox-static is not installed (apt-get install busybox-static)';
  return null;
}

const reason = await skipReason();
if (reason && process.env.CI === 'true') throw new Error(`runc driver tests cannot run in CI: ${reason}`);
if (reason) console.log(`# skipping runc driver tests: ${reason}`);

const INIT = '/usr/bin/tini-static';
const run = `bth-t${process.pid}`;

describe('runc driver', { skip: reason ?? false }, () => {
  let dataDir = '';
  let driver: RuncDriver;
  let cgroups: Cgroups;
  const images = {} as Record<TestImageTag, PulledImage>;
  const live: RuncContainer[] = [];
  const tasks = new Set<string>();

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bth-runc-'));
    const processes = new NodeProcessRunner();
    const store = new ImageStore({ dataDir, processes, ids: cryptoIds });
    await buildTestImages(join(dataDir, 'layout'));
    const source = new OciLayoutSource(join(dataDir, 'layout'));
    for (const tag of TEST_IMAGE_TAGS) images[tag] = await store.pull(source, tag);
    cgroups = new Cgroups();
    driver = new RuncDriver({ dataDir, processes, images: store, cgroups, initPath: which('tini-static') ? INIT : undefined });
  });

  after(async () => {
    for (const c of live) if (c.state !== 'removed') await c.remove().catch(() => undefined);
    for (const t of tasks) await cgroups.removeTask(t).catch(() => undefined);
    const umount = new NodeProcessRunner();
    await umount.run('umount', ['-R', join(dataDir, 'runtime', 'containers')]);
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A second driver over the same data directory, as a restarted Berth builds one. */
  function anotherDriver(extra: Partial<RuncDriverOptions> = {}): RuncDriver {
    const processes = new NodeProcessRunner();
    return new RuncDriver({ dataDir, processes, images: new ImageStore({ dataDir, processes, ids: cryptoIds }), cgroups, ...extra });
  }

  let n = 0;
  async function start(tag: TestImageTag, launch: Partial<ContainerLaunch> = {}, lines: string[] = []): Promise<RuncContainer> {
    const taskId = launch.taskId ?? `${run}-task${++n}`;
    if (!tasks.has(taskId)) {
      await driver.createTask(taskId, { cpu: 256, memory: 512 });
      tasks.add(taskId);
    }
    const c = await driver.start({
      taskId, containerId: `${taskId}-c${++n}`, image: images[tag], definition: {},
      onOutput: (line) => lines.push(line.text), ...launch,
    }) as RuncContainer;
    live.push(c);
    return c;
  }

  async function until(check: () => boolean, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  test('the shell loop runs and its stdout arrives line by line', async () => {
    const lines: string[] = [];
    const c = await start('loop', {}, lines);
    assert.equal(c.state, 'running');
    await until(() => lines.length >= 3);
    assert.deepEqual(lines.slice(0, 3), ['tick 0', 'tick 1', 'tick 2']);
    // Kernel fact: PID 1 of a PID namespace gets no default action for signals it has no handler
    // for, so sh as PID 1 ignores SIGTERM and is killed when the stop timeout runs out.
    assert.deepEqual(await c.stop(300), { exitCode: 137, oomKilled: false });
    await c.remove();
  });

  test('with initProcessEnabled, tini forwards SIGTERM and the loop exits with 143', { skip: !which('tini-static') && 'tini-static missing' }, async () => {
    const lines: string[] = [];
    const c = await start('loop', { definition: { linuxParameters: { initProcessEnabled: true } } }, lines);
    await until(() => lines.length >= 1);
    assert.deepEqual(await c.stop(5000), { exitCode: 143, oomKilled: false });
    await c.remove();
  });

  test('environment, user, working directory, hostname and nofile ulimit are applied', async () => {
    const lines: string[] = [];
    const c = await start('shell', {
      hostname: 'bth-host',
      definition: {
        command: ['echo "$IMAGE_VAR $DEF_VAR $OVR_VAR"; id; pwd; hostname; ulimit -n; ulimit -Hn; cat /etc/hosts | grep bth-host'],
        environment: [{ name: 'DEF_VAR', value: 'def' }, { name: 'OVR_VAR', value: 'def' }],
      },
      overrides: { environment: [{ name: 'OVR_VAR', value: 'override' }] },
    }, lines);
    assert.equal((await c.waitExit()).exitCode, 0);
    await until(() => lines.length >= 7);
    assert.equal(lines[0], 'from-image def override');
    assert.match(lines[1] ?? '', /^uid=1000\(app\) gid=1000\(app\) groups=.*2000\(extra\)/);
    assert.deepEqual(lines.slice(2, 6), ['/app', 'bth-host', '1024', '4096']);
    assert.match(lines[6] ?? '', /bth-host/);
    await c.remove();
  });

  test('a numeric user and a definition working directory override the image', async () => {
    const lines: string[] = [];
    const c = await start('shell', { definition: { user: '65534:65534', workingDirectory: '/tmp', command: ['id -u; id -g; pwd'] } }, lines);
    assert.equal((await c.waitExit()).exitCode, 0);
    await until(() => lines.length >= 3);
    assert.deepEqual(lines, ['65534', '65534', '/tmp']);
    await c.remove();
  });

  test('the exit code of sh -c "exit 3" is 3', async () => {
    const c = await start('shell', { definition: { command: ['exit 3'] } });
    assert.deepEqual(await c.waitExit(), { exitCode: 3, oomKilled: false });
    await c.remove();
  });

  test('a process that ignores SIGTERM is killed after stopTimeout with 137', async () => {
    const lines: string[] = [];
    const c = await start('ignore-term', {}, lines);
    await until(() => lines.includes('ready'));
    const t0 = Date.now();
    const exit = await c.stop(2000);
    const took = Date.now() - t0;
    assert.deepEqual(exit, { exitCode: 137, oomKilled: false });
    assert.ok(took >= 1900 && took < 6000, `stopped after ${took} ms`);
    await c.remove();
  });

  test('initProcessEnabled runs tini as PID 1 and the exit code still passes through', { skip: !which('tini-static') && 'tini-static missing' }, async () => {
    const lines: string[] = [];
    const c = await start('shell', { definition: { command: ['cat /proc/1/cmdline | tr "\\0" " "; echo; exit 5'], linuxParameters: { initProcessEnabled: true } } }, lines);
    assert.equal((await c.waitExit()).exitCode, 5);
    await until(() => lines.length >= 1);
    assert.match(lines[0] ?? '', /^\/dev\/init -- /);
    await c.remove();
  });

  test('memory limit 16 MiB with the allocator: OOM detected, exit 137', async () => {
    const c = await start('alloc', { definition: { memory: 16 } });
    const exit = await c.waitExit();
    assert.deepEqual(exit, { exitCode: 137, oomKilled: true });
    await c.remove();
  });

  test('a read-only root filesystem refuses writes outside tmpfs', async () => {
    const lines: string[] = [];
    const c = await start('shell', { definition: { readonlyRootFilesystem: true, command: ['touch /x 2>/dev/null && echo wrote || echo refused; echo ok > /dev/shm/y && echo shm'] } }, lines);
    assert.equal((await c.waitExit()).exitCode, 0);
    await until(() => lines.length >= 2);
    assert.deepEqual(lines, ['refused', 'shm']);
    await c.remove();
  });

  test('two containers sharing one network namespace reach each other on localhost', async () => {
    const taskId = `${run}-shared`;
    const server = await start('httpd', { taskId });
    const state = JSON.parse(execFileSync('runc', ['state', server.id], { encoding: 'utf8' })) as { pid: number };
    const lines: string[] = [];
    const client = await start('shell', {
      taskId, network: { kind: 'netns', path: `/proc/${state.pid}/ns/net` },
      definition: { command: ['for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://127.0.0.1:8080/ && exit 0; sleep 0.2; done; exit 1'] },
    }, lines);
    assert.equal((await client.waitExit()).exitCode, 0);
    await until(() => lines.length >= 1);
    assert.equal(lines[0], 'hello from bth httpd');
    await client.remove();
    await server.stop(2000);
    await server.remove();
  });

  test('a container outlives its driver: another driver re-attaches it and resumes after the acknowledged line', async () => {
    const lines: { text: string; cursor: string }[] = [];
    const taskId = `${run}-again`;
    await driver.createTask(taskId, { cpu: 256, memory: 512 });
    tasks.add(taskId);
    const first = await driver.start({
      taskId, containerId: `${taskId}-0`, image: images.loop, definition: {}, onOutput: (line) => lines.push(line),
    }) as RuncContainer;
    live.push(first);
    await until(() => lines.length >= 3);
    const acknowledged = lines[1];
    assert.ok(acknowledged);
    first.acknowledge(acknowledged.cursor);
    // The first driver goes away (as Berth does at a restart); the container runs on.
    await first.release();
    await new Promise((r) => setTimeout(r, 1500));
    const again: string[] = [];
    const successor = anotherDriver();
    assert.equal(await successor.reattach({ taskId: 'another-task', containerId: first.id }), undefined);
    const second = await successor.reattach({ taskId, containerId: first.id, onOutput: (line) => again.push(line.text) }) as RuncContainer;
    assert.ok(second, 're-attached');
    live.push(second);
    await until(() => again.length >= 3);
    // tick 0 and tick 1 were delivered; the next line is tick 2, written while nobody was reading.
    assert.deepEqual(again.slice(0, 2), ['tick 2', 'tick 3']);
    assert.deepEqual(await second.stop(300), { exitCode: 137, oomKilled: false });
    await second.remove();
  });

  test('an exit that happened while no driver watched is reported on re-attach', async () => {
    const taskId = `${run}-exited`;
    await driver.createTask(taskId, { cpu: 256, memory: 512 });
    tasks.add(taskId);
    const c = await driver.start({ taskId, containerId: `${taskId}-0`, image: images.shell, definition: { command: ['echo bye; exit 4'] } }) as RuncContainer;
    await c.release();
    await new Promise((r) => setTimeout(r, 500));
    const lines: string[] = [];
    const back = await driver.reattach({ taskId, containerId: c.id, onOutput: (line) => lines.push(line.text) }) as RuncContainer;
    live.push(back);
    assert.deepEqual(await back.waitExit(), { exitCode: 4, oomKilled: false });
    assert.deepEqual(lines, ['bye']);
    await back.remove();
    assert.equal(await driver.reattach({ taskId, containerId: c.id }), undefined);
  });

  test('when conmon truncates a full log the output keeps flowing from the new file', async () => {
    const small = anotherDriver({ logSizeMax: 4096 });
    const taskId = `${run}-rotate`;
    await small.createTask(taskId, { cpu: 256, memory: 512 });
    tasks.add(taskId);
    const lines: string[] = [];
    const c = await small.start({
      taskId, containerId: `${taskId}-0`, image: images.shell, onOutput: (line) => lines.push(line.text),
      definition: { command: ['i=0; while [ $i -lt 400 ]; do echo "line $i of a log that outgrows its file"; i=$((i+1)); sleep 0.005; done'] },
    }) as RuncContainer;
    live.push(c);
    assert.equal((await c.waitExit()).exitCode, 0);
    // Truncation may drop what conmon wrote between reads, never reorder or duplicate.
    const numbers = lines.map((line) => Number(/^line (\d+)/.exec(line)?.[1]));
    assert.ok(numbers.length > 100, `${numbers.length} lines arrived`);
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b));
    assert.equal(new Set(numbers).size, numbers.length);
    assert.equal(numbers.at(-1), 399);
    await c.remove();
  });

  test('with the default seccomp profile the kernel filters the container\'s syscalls; without one it does not', async () => {
    const profile = await readSeccompProfile(CONTAINERS_SECCOMP_PROFILE);
    if (!profile) {
      if (process.env.CI === 'true') throw new Error(`${CONTAINERS_SECCOMP_PROFILE} is missing (apt-get install golang-github-containers-common)`);
      return;
    }
    // /proc/self/status `Seccomp:` is 2 in filter mode, 0 without a filter (proc(5)).
    const attempt = async (with_: RuncDriver) => {
      const lines: string[] = [];
      const taskId = `${run}-sec${++n}`;
      await with_.createTask(taskId, { cpu: 256, memory: 512 });
      tasks.add(taskId);
      const c = await with_.start({ taskId, containerId: `${taskId}-0`, image: images.shell, definition: { command: ['grep "^Seccomp:" /proc/self/status'] }, onOutput: (line) => lines.push(line.text) }) as RuncContainer;
      live.push(c);
      await c.waitExit();
      await c.remove();
      return lines.join('|');
    };
    const plain = await attempt(driver);
    const filtered = await attempt(anotherDriver({ seccomp: profile }));
    assert.equal(plain, 'Seccomp:\t0');
    assert.equal(filtered, 'Seccomp:\t2');
  });

  test('afterwards no bth container, mount or cgroup of this run remains', async () => {
    for (const c of live) if (c.state !== 'removed') await c.remove();
    for (const t of tasks) await cgroups.removeTask(t);
    const list = execFileSync('runc', ['list', '-q'], { encoding: 'utf8' });
    assert.deepEqual(list.split('\n').filter((id) => id.startsWith(run)), []);
    const mounts = execFileSync('mount', [], { encoding: 'utf8' });
    assert.deepEqual(mounts.split('\n').filter((m) => m.includes(dataDir)), []);
    for (const t of tasks) assert.equal(await cgroups.taskExists(t), false, `cgroup of ${t} remains`);
  });
});
