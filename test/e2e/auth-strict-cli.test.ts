// Strict mode with the real AWS CLI (botocore's signer): every protocol family accepts its signatures,
// and a wrong secret is still refused. botocore signs fewer headers than the JS SDK (no
// x-amz-content-sha256 for JSON and Query services), which the verifier once added on its own.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.ts';
import { AwsCli, detectAwsCli } from './seed-cli/aws-cli.ts';

const detection = await detectAwsCli();
const skip = detection.ok ? false : detection.reason;
if (skip && process.env.CI) test('strict auth with the AWS CLI (the AWS CLI is required in CI)', () => assert.fail(skip));

let server: TestServer;
let cli: AwsCli;
let workDir: string;
before(async () => {
  if (!detection.ok) return;
  server = await startTestServer({ strictAuth: true });
  workDir = mkdtempSync(join(tmpdir(), 'berth-strict-cli-'));
  cli = new AwsCli({ info: detection.info, endpoint: server.url, workDir });
});
after(async () => {
  if (!detection.ok) return;
  await server.stop();
  rmSync(workDir, { recursive: true, force: true });
});

const calls: [string, string[]][] = [
  ['JSON 1.1 (ECS)', ['ecs', 'list-clusters']],
  ['JSON 1.1 (ECR)', ['ecr', 'describe-repositories']],
  ['Query (STS)', ['sts', 'get-caller-identity']],
  ['Query (IAM)', ['iam', 'list-users']],
  ['EC2', ['ec2', 'describe-vpcs']],
  ['JSON 1.1 (Logs)', ['logs', 'describe-log-groups']],
];

for (const [family, args] of calls) {
  test(`a CLI request signed with the root keys is accepted: ${family}`, { skip }, async () => {
    const result = await cli.aws(...args);
    assert.equal(result.code, 0, `${result.command}: ${result.stderr}`);
  });
}

test('a CLI request with a wrong secret is refused with InvalidSignatureException', { skip }, async () => {
  const result = await cli.sh('aws ecs list-clusters', { AWS_SECRET_ACCESS_KEY: 'wrong' });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /InvalidSignatureException/);
});
