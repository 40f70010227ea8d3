// The seed documents' two labs that run real tasks, typed through the real `aws` (and curl) against
// `berth server` run as a child process: seed 004's Fargate lab (a service with a public IP, curl the
// task; test/e2e/seed-cli/lab-004-fargate.ts) and seed 002's exercise (a service of 2 tasks behind an
// ALB, curl through it, scale to 0, delete everything; test/e2e/seed-cli/lab-002-alb.ts), in two shells
// at once. Every step is a subtest named "<seed>:<line> <command>"; failures print the full transcript.
// The server's load balancers listen on 127.79.1.1, this file's own loopback address.
//
// Without `aws`, curl or what real tasks need (root, runc, conmon, iproute2, busybox-static) the file
// skips with the reason — unless CI is set, where it fails.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildTestImages } from '../images/test-images.ts';
import { BerthProcess } from '../support/berth-process.ts';
import { AwsCli, detectAwsCli } from './seed-cli/aws-cli.ts';
import { ALB_LAB, lab002Alb } from './seed-cli/lab-002-alb.ts';
import { FARGATE_LAB, lab004Fargate } from './seed-cli/lab-004-fargate.ts';
import { Lab } from './seed-cli/lab.ts';
import { LabShell } from './seed-cli/lab-shell.ts';
import { taskLeftovers } from './seed-labs-support.ts';
import { commandWorks, taskHostSkipReason } from './task-runner-support.ts';

const LOAD_BALANCER_HOST = '127.79.1.1';

const detection = await detectAwsCli();
const hostReason = await taskHostSkipReason('the seed labs through the AWS CLI');
const reason = !detection.ok ? `the AWS CLI is not usable here: ${detection.reason}`
  : !commandWorks('curl', ['--version']) ? 'curl is not installed (apt-get install curl)'
    : hostReason;

if (reason !== undefined || !detection.ok) {
  if (process.env.CI) {
    test('seed labs through the AWS CLI (the AWS CLI, curl and real tasks are required in CI)', () => {
      assert.fail(`${reason ?? 'no AWS CLI'}. .ci/run installs them.`);
    });
  } else {
    console.log(`seed-cli-labs: skipping — ${reason ?? 'no AWS CLI'}`);
    test('seed labs through the AWS CLI', { skip: reason ?? 'no AWS CLI' }, () => {});
  }
} else {
  const { info } = detection;
  const root = mkdtempSync(join(tmpdir(), 'berth-seed-cli-labs-'));
  let server: BerthProcess | undefined;
  const shells: LabShell[] = [];
  const shell = (index: number): LabShell => shells[index] ?? assert.fail('the Berth server did not start');

  before(async () => {
    const dataDir = join(root, 'data');
    const layoutDir = join(root, 'layout');
    mkdirSync(dataDir);
    mkdirSync(layoutDir);
    await buildTestImages(layoutDir);
    server = await BerthProcess.start(dataDir, ['--load-balancer-host', LOAD_BALANCER_HOST]);
    for (const name of ['shell-1', 'shell-2']) {
      const workDir = join(root, name);
      mkdirSync(workDir);
      shells.push(new LabShell(new Lab(new AwsCli({ info, endpoint: server.url, workDir, timeoutMs: 90_000 }), workDir), server.url, layoutDir));
    }
    console.log(`seed-cli-labs: ${info.executable} (${info.version}); berth pid ${server.pid} at ${server.url}`);
  });

  after(async () => {
    // A failed step may have left a service running: its tasks would outlive the server (they run under conmon).
    await shells[0]?.abandon(FARGATE_LAB.cluster, FARGATE_LAB.service);
    await shells[1]?.abandon(ALB_LAB.cluster, ALB_LAB.service);
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  describe('the labs, typed into two shells at once', { concurrency: 2 }, () => {
    test('shell 1: seed 004, the Fargate lab (service with a public IP, curl the task, logs, cleanup)', { timeout: 180_000 }, async (t) => {
      await lab004Fargate(t, shell(0));
    });

    test('shell 2: seed 002, the ALB exercise (ALB, target group, listener, service of 2 tasks, curl through the ALB, cleanup)', { timeout: 180_000 }, async (t) => {
      await lab002Alb(t, shell(1), LOAD_BALANCER_HOST);
    });
  });

  test('nothing of the labs\' tasks is left on the host', async () => {
    const arns = shells.flatMap((s) => [...s.taskArns]);
    assert.equal(arns.length, 3, 'one task in the Fargate lab, two in the ALB lab');
    assert.deepEqual(await taskLeftovers(arns.map((arn) => arn.split('/').pop() ?? '')), []);
  });

  test('the server logged no internal errors', () => {
    const internal = (server?.log() ?? '').split('\n').filter((line) => line.includes('internal error'));
    assert.deepEqual(internal, [], `berth's stderr:\n${server?.log() ?? ''}`);
  });
}
