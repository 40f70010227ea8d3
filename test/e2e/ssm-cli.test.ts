// The Parameter Store commands typed into the real AWS CLI: put a SecureString, read it back decrypted.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './harness.ts';
import { AwsCli, detectAwsCli } from './seed-cli/aws-cli.ts';

const detection = await detectAwsCli();
const skip = detection.ok ? false : detection.reason;
if (skip && process.env.CI) test('Parameter Store with the AWS CLI (the AWS CLI is required in CI)', () => assert.fail(skip));

let server: TestServer;
let cli: AwsCli;
let workDir: string;
before(async () => {
  if (!detection.ok) return;
  server = await startTestServer();
  workDir = mkdtempSync(join(tmpdir(), 'berth-ssm-cli-'));
  cli = new AwsCli({ info: detection.info, endpoint: server.url, workDir });
});
after(async () => {
  if (!detection.ok) return;
  await server.stop();
  rmSync(workDir, { recursive: true, force: true });
});

test('aws ssm put-parameter --type SecureString, then get-parameter --with-decryption', { skip }, async () => {
  const put = await cli.sh("aws ssm put-parameter --name /prod/api-key --type SecureString --value 's3cr3t'");
  assert.equal(put.code, 0, `${put.command}: ${put.stderr}`);
  assert.deepEqual(JSON.parse(put.stdout), { Version: 1, Tier: 'Standard' });
  const got = await cli.sh('aws ssm get-parameter --name /prod/api-key --with-decryption');
  assert.equal(got.code, 0, `${got.command}: ${got.stderr}`);
  const parameter = (JSON.parse(got.stdout) as { Parameter: Record<string, unknown> }).Parameter;
  assert.equal(parameter.Name, '/prod/api-key');
  assert.equal(parameter.Type, 'SecureString');
  assert.equal(parameter.Value, 's3cr3t');
  assert.match(String(parameter.ARN), /^arn:aws:ssm:us-east-1:\d{12}:parameter\/prod\/api-key$/);
  const again = await cli.sh("aws ssm put-parameter --name /prod/api-key --type SecureString --value 'x'");
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /ParameterAlreadyExists/);
  const missing = await cli.sh('aws ssm get-parameter --name /prod/nothing');
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /An error occurred \(ParameterNotFound\) when calling the GetParameter operation/);
});
