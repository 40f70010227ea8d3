// Restart safety of the task runner with the real kernel and runc: a task RUNNING when the server
// stops is, after a restart on the same data directory, recorded STOPPED with a clear reason, and
// nothing of it is left on the host. Needs root, runc, iproute2 and busybox-static (see
// task-runner.test.ts); skips with the reason, except under CI=true.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { DEFAULT_SETTINGS } from '../../src/config/settings.ts';
import { startBerth } from '../../src/main.ts';
import { LOST_TASK_REASON } from '../../src/controllers/task-runner/planner.ts';
import { Cgroups } from '../../src/runtime/drivers/runc/cgroups.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { createSubnet, pushTestImages, taskHostSkipReason, waitForTask, writeTask } from './task-runner-support.ts';


const reason = await taskHostSkipReason('task runner restart test');

test('a task running when Berth stops is recorded STOPPED after the restart, with nothing left behind', { skip: reason ?? false }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bth-restart-'));
  const logs: string[] = [];
  const settings = { ...DEFAULT_SETTINGS, port: 0, dataDir };
  const options = { log: (m: string) => logs.push(m), taskRunnerIntervalMs: 100 };
  let berth = await startBerth(settings, options);
  const store = await openSqliteStore(dataDir);
  try {
    const config = { endpoint: berth.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
    const ecr = new ECRClient(config);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'restart' }));
    ecr.destroy();
    await pushTestImages(berth.url, 'restart', join(dataDir, 'layout'));
    const ec2 = new EC2Client(config);
    const subnet = await createSubnet(ec2, '10.242.0.0/16', '10.242.1.0/24');
    ec2.destroy();
    const taskId = await writeTask(store, subnet, 'loop', [{ name: 'loop', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/restart:loop' }]);
    const running = await waitForTask(store, taskId, (r) => r.task.lastStatus === 'RUNNING' || r.task.lastStatus === 'STOPPED');
    assert.equal(running.task.lastStatus, 'RUNNING', running.task.stoppedReason);

    await berth.stop();
    berth = await startBerth(settings, options);
    const stopped = await waitForTask(store, taskId, (r) => r.task.lastStatus === 'STOPPED');
    assert.equal(stopped.task.stoppedReason, LOST_TASK_REASON);
    assert.equal(stopped.task.stopCode, 'EssentialContainerExited');
    assert.equal(stopped.task.containers?.[0]?.lastStatus, 'STOPPED');
    assert.match(stopped.task.containers?.[0]?.reason ?? '', /^ContainerRuntimeError: /);

    assert.ok(!execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).includes(`bth-${taskId}`));
    assert.ok(!execFileSync('runc', ['list', '-q'], { encoding: 'utf8' }).includes(`bth-${taskId}`));
    assert.equal(await new Cgroups().taskExists(taskId), false);
    assert.deepEqual(execFileSync('mount', [], { encoding: 'utf8' }).split('\n').filter((m) => m.includes(dataDir)), []);
  } finally {
    await store.close();
    await berth.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  assert.deepEqual(logs.filter((l) => l.startsWith('internal error')), []);
});
