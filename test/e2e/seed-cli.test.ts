// The seed documents' AWS CLI commands (shared/seeds/*.txt), typed through the real `aws` against
// `berth server` run as a child process: the commands this stage serves — STS, IAM, EC2 networking,
// ECS clusters and task definitions — with the seeds' own JSON documents (test/fixtures/seed-cli/)
// and shell idioms ($(… --query … --output text), `>/dev/null 2>&1 && echo … || echo …`, heredocs).
// Every step is a subtest named "<seed>:<line> <command>"; failures print the full transcript.
//
// Covered (seed:line):
//   STS  004:420 configure set region, 004:421 get-caller-identity, 002:670 / 004:507 --query Account --output text
//   EC2  004:426 / 002:665 describe-vpcs isDefault → VPC_ID; 004:431 describe-subnets --output table;
//        004:446, 002:689, 002:698 create-security-group → SG ids; 004:453 ingress by --ip-permissions,
//        002:694 by --cidr, 002:703 by --source-group; 004:457 egress `2>/dev/null || true`;
//        004:610, 002:979, 002:980 delete-security-group
//   IAM  004:469 get-role idiom; 004:485, 002:185, 002:218, 002:916 create-role (file://, inline, --query);
//        004:488, 002:196, 002:917 attach-role-policy; 002:200, 002:229, 002:458 put-role-policy;
//        004:612, 002:950 detach-role-policy; 004:615, 002:951 delete-role
//   ECS  004:464, 002:265, 002:675, 001:29 create-cluster (plain, re-typed, settings + configuration,
//        capacity providers); 002:684 describe-clusters --query; 004:529, 002:252, 002:786, 001:120 (and 003's
//        document) register-task-definition --cli-input-json; 002:255 list-task-definitions;
//        002:258 describe-task-definition; 004:606, 002:967 delete-cluster; 002:982 deregister-task-definition
//   Errors a reader meets re-typing a step: NoSuchEntity, EntityAlreadyExists, DeleteConflict,
//        InvalidGroup.Duplicate, InvalidPermission.Duplicate, DependencyViolation, ClientException.
//
// The labs that run real tasks are typed in seed-cli-labs.test.ts (this file's commands stop short of
// starting anything): seed 004's Fargate lab from 004:446 to 004:610 — create-service, wait
// services-stable, list-tasks, describe-tasks, 004:562 describe-network-interfaces, curl the task, logs
// 004:494–495, 004:572–575, 004:608, the troubleshooting tables 004:581/585, update-service,
// delete-service — and seed 002's exercise 002:675–829 and 002:955–983 — elbv2 002:707–733 and
// 002:969–975, create-service 002:788 behind the ALB, wait services-stable, describe-services, curl
// through the ALB, scale to 0 and delete everything.
//
// Left for later stages (Berth does not serve them yet, or no test types them yet):
//   the other services — ecs create-service (001:126, 002:314, 002:419, 002:543, 002:582, 003:86),
//     run-task (001:192), execute-command (002:841);
//   elbv2 (002:284–308, 002:893, 002:974): the other load balancer walkthrough and Task 7's green target group;
//   logs (002:509): CloudWatch Logs queries;
//   ecr and docker login/push (000:43–47, 001:71–80): the registry;
//   application-autoscaling (001:148–169, 002:355–391, 002:858–882, 003:98–111): autoscaling;
//   servicediscovery (002:400–414): Cloud Map;
//   deploy (CodeDeploy, 002:919–949): not on Berth's roadmap; the role it needs (002:916–917) is covered.
//   004:443 `curl https://checkip.amazonaws.com` needs the internet: MY_IP is 203.0.113.10/32 instead.
//
// Without `aws` on PATH the file skips with the reason — unless CI is set, where it fails.
// BERTH_SEED_CLI_TRANSCRIPT=/tmp/seed-cli.txt appends every command and Berth's whole answer there.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AwsCli, detectAwsCli } from './seed-cli/aws-cli.ts';
import { BerthProcess } from '../support/berth-process.ts';
import { Lab } from './seed-cli/lab.ts';
import { seed001And003 } from './seed-cli/seed-001-003.ts';
import { seed002, seed002Roles } from './seed-cli/seed-002.ts';
import { seed004 } from './seed-cli/seed-004.ts';

const detection = await detectAwsCli();

if (!detection.ok) {
  const reason = `the AWS CLI is not usable here: ${detection.reason}`;
  if (process.env.CI) {
    test('seed CLI commands (the AWS CLI is required in CI)', () => {
      assert.fail(`${reason}. Install it (pip install awscli) on the CI image.`);
    });
  } else {
    console.log(`seed-cli: skipping — ${reason}`);
    test('seed CLI commands', { skip: reason }, () => {});
  }
} else {
  const { info } = detection;
  const root = mkdtempSync(join(tmpdir(), 'berth-seed-cli-'));
  let server: BerthProcess | undefined;
  const labs: Lab[] = [];

  /** A reader's terminal: its own working directory and CLI config, the shared server. */
  const shell = (index: number): Lab => labs[index] ?? assert.fail('the Berth server did not start');

  before(async () => {
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    server = await BerthProcess.start(dataDir);
    for (const name of ['shell-1', 'shell-2']) {
      const workDir = join(root, name);
      mkdirSync(workDir);
      labs.push(new Lab(new AwsCli({ info, endpoint: server.url, workDir }), workDir));
    }
    console.log(`seed-cli: ${info.executable} (${info.version}); berth pid ${server.pid} at ${server.url}`);
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  // Each CLI call costs about half a second of Python start-up, so two readers type at once.
  // They share nothing but the account and the default VPC; seed 002's roles reuse seed 004's role
  // name, so they follow seed 004 in the same shell.
  describe('the seed documents, typed into two shells at once', { concurrency: 2 }, () => {
    test('shell 1: seed 004 (the Fargate lab: identity, default VPC, security group, cluster, execution role, task definition, cleanup), then seed 002\'s roles and policies', { timeout: 120_000 }, async (t) => {
      await seed004(t, shell(0));
      await seed002Roles(t, shell(0));
    });

    test('shell 2: seed 002 (task definitions, clusters, the exercise and its cleanup), then seeds 001 and 003', { timeout: 120_000 }, async (t) => {
      await seed002(t, shell(1));
      await seed001And003(t, shell(1));
    });
  });

  test('the server logged no internal errors', () => {
    const internal = (server?.log() ?? '').split('\n').filter((line) => line.includes('internal error'));
    assert.deepEqual(internal, [], `berth's stderr:\n${server?.log() ?? ''}`);
  });
}
