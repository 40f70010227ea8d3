// Issue 5's story with real tasks: the execution role lets the platform start a task (pull, logs, secrets) and
// each missing permission stops it with ECS's reason; secrets land in the environment and nowhere else; a task
// role's credentials come from 169.254.170.2 inside the task and are allowed exactly what the role allows;
// a role ECS may not assume is refused at RunTask.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CloudWatchLogsClient, CreateLogGroupCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, type Task,
} from '@aws-sdk/client-ecs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startTestServer, type TestServer } from './harness.ts';
import { createSubnet, pushTestImages, taskHostSkipReason, type TestSubnet } from './task-runner-support.ts';
import { createTaskRole, EXECUTION_ROLE_POLICY_ARN } from './task-roles.ts';

const ACCOUNT = '123456789012';
const IMAGE = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/roles-images:shell`;
const GROUP = '/ecs/roles';
const DB_PASSWORD = 'hunter2-Zq8vX';
const API_KEY = 's3cr3t-Kp4Lm';
const skip = await taskHostSkipReason('task roles');

describe('execution role and task role with real tasks', { skip }, () => {
  let server: TestServer;
  let ecs: ECSClient;
  let subnet: TestSubnet;
  let layoutDir = '';
  let secretArn = '';
  const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

  before(async () => {
    server = await startTestServer({}, { taskRunnerIntervalMs: 100 });
    const config = server.clientConfig;
    const ecr = new ECRClient(config);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'roles-images' }));
    ecr.destroy();
    layoutDir = await mkdtemp(join(tmpdir(), 'bth-roles-layout-'));
    await pushTestImages(server.url, 'roles-images', layoutDir);
    const logs = new CloudWatchLogsClient(config);
    await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    logs.destroy();
    const sm = new SecretsManagerClient(config);
    secretArn = (await sm.send(new CreateSecretCommand({ Name: 'prod/db', SecretString: JSON.stringify({ username: 'app', password: DB_PASSWORD }) }))).ARN ?? '';
    sm.destroy();
    const ssm = new SSMClient(config);
    await ssm.send(new PutParameterCommand({ Name: '/prod/api-key', Type: 'SecureString', Value: API_KEY }));
    await ssm.send(new PutParameterCommand({ Name: '/app/allowed', Type: 'String', Value: 'yes' }));
    await ssm.send(new PutParameterCommand({ Name: '/app/denied', Type: 'String', Value: 'no' }));
    ssm.destroy();
    const secretsAccess = { Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn },
      { Effect: 'Allow', Action: 'ssm:GetParameters', Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/prod/*` },
    ] };
    await createTaskRole(config, 'exec-full', { managed: [EXECUTION_ROLE_POLICY_ARN], inline: { SecretsAccess: secretsAccess } });
    await createTaskRole(config, 'exec-no-secrets', { managed: [EXECUTION_ROLE_POLICY_ARN] });
    await createTaskRole(config, 'exec-no-ecr', { inline: { Logs: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] } } });
    await createTaskRole(config, 'exec-no-logs', { inline: { Ecr: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:*', Resource: '*' }] } } });
    await createTaskRole(config, 'app-role', { inline: { Params: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/allowed` }] } } });
    const ec2TrustOnly = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    await createTaskRole(config, 'wrong-trust', { managed: [EXECUTION_ROLE_POLICY_ARN], trust: ec2TrustOnly });
    const ec2 = new EC2Client(config);
    subnet = await createSubnet(ec2, '10.85.0.0/16', '10.85.1.0/24');
    ec2.destroy();
    ecs = new ECSClient(config);
    await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
  });

  after(async () => {
    ecs?.destroy();
    await server?.stop();
    await rm(layoutDir, { recursive: true, force: true });
  });

  /** Registers `family` with one container running `script` (the image's entrypoint is `sh -c`) and runs it. */
  async function run(family: string, executionRole: string, script: string, extra: { taskRole?: string; secrets?: boolean } = {}): Promise<string> {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      executionRoleArn: role(executionRole), ...(extra.taskRole ? { taskRoleArn: role(extra.taskRole) } : {}),
      containerDefinitions: [{
        name: 'app', image: IMAGE, command: [script],
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': GROUP, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': family } },
        ...(extra.secrets ? { secrets: [
          { name: 'DB_PASSWORD', valueFrom: `${secretArn}:password:AWSCURRENT:` },
          { name: 'API_KEY', valueFrom: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/prod/api-key` },
        ] } : {}),
      }],
    }));
    const ran = await ecs.send(new RunTaskCommand({
      taskDefinition: family, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnet.subnetId], securityGroups: [subnet.hostAccessGroupId] } },
    }));
    return ran.tasks?.[0]?.taskArn ?? '';
  }

  async function stopped(taskArn: string, ms = 30_000): Promise<Task> {
    const deadline = Date.now() + ms;
    for (;;) {
      const task = (await ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }))).tasks?.[0];
      if (task?.lastStatus === 'STOPPED') return task;
      if (Date.now() > deadline) throw new Error(`task ${taskArn} did not stop: ${task?.lastStatus ?? '?'}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function lines(family: string, taskArn: string): Promise<string[]> {
    const logs = new CloudWatchLogsClient(server.clientConfig);
    try {
      const stream = `${family}/app/${taskArn.split('/').pop() ?? ''}`;
      const got = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true }));
      return (got.events ?? []).map((e) => e.message ?? '');
    } finally {
      logs.destroy();
    }
  }

  test('secrets and parameters reach the environment (JSON key, version stage) and no API answer, log or database page', async () => {
    // The container compares digests, so the values are in no command line, definition or log either.
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    const check = (name: string, value: string, ok: string) => `[ "$(printf %s "$${name}" | md5sum | cut -c1-32)" = "${md5(value)}" ] && echo ${ok}`;
    const script = `${check('DB_PASSWORD', DB_PASSWORD, 'secret-ok')}; ${check('API_KEY', API_KEY, 'parameter-ok')}; true`;
    const arn = await run('with-secrets', 'exec-full', script, { secrets: true });
    const task = await stopped(arn);
    assert.equal(task.containers?.[0]?.exitCode, 0, task.stoppedReason);
    assert.deepEqual(await lines('with-secrets', arn), ['secret-ok', 'parameter-ok']);
    const described = JSON.stringify(task) + JSON.stringify(await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'with-secrets' })));
    for (const value of [DB_PASSWORD, API_KEY]) {
      assert.ok(!described.includes(value), 'a secret value in DescribeTasks/DescribeTaskDefinition');
      // The database and its write-ahead log (SQLite's WAL holds recent pages until a checkpoint).
      const db = await readFile(join(server.dataDir, 'berth.db'));
      const wal = await readFile(join(server.dataDir, 'berth.db-wal')).catch(() => Buffer.alloc(0));
      assert.ok(db.length > 0 && !db.includes(value) && !wal.includes(value), 'a secret value in the database file in clear text');
    }
  });

  test('each permission the execution role lacks stops the task with ECS\'s reason', async () => {
    const session = (name: string, arn: string) => `User: arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${arn.split('/').pop() ?? ''} is not authorized to perform:`;
    const noSecrets = await run('no-secrets', 'exec-no-secrets', 'true', { secrets: true });
    const a = await stopped(noSecrets);
    assert.equal(a.stopCode, 'TaskFailedToStart');
    assert.equal(a.stoppedReason, 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve '
      + `secret from asm: service call has been retried 1 time(s): failed to fetch secret ${secretArn} from secrets manager: AccessDeniedException: `
      + `${session('exec-no-secrets', noSecrets)} secretsmanager:GetSecretValue on resource: ${secretArn} because no identity-based policy allows the secretsmanager:GetSecretValue action`);

    const noEcr = await run('no-ecr', 'exec-no-ecr', 'true');
    const b = await stopped(noEcr);
    assert.equal(b.stoppedReason, 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr '
      + `registry auth: service call has been retried 1 time(s): AccessDeniedException: ${session('exec-no-ecr', noEcr)} ecr:GetAuthorizationToken on resource: * `
      + 'because no identity-based policy allows the ecr:GetAuthorizationToken action');

    const noLogs = await run('no-logs', 'exec-no-logs', 'true');
    const c = await stopped(noLogs);
    assert.match(c.stoppedReason ?? '', /^ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: AccessDeniedException: User: .* is not authorized to perform: logs:CreateLogStream on resource: arn:aws:logs:us-east-1:123456789012:log-group:\/ecs\/roles:log-stream:no-logs\/app\/\w+ because no identity-based policy allows the logs:CreateLogStream action$/);
  });

  test('a role whose trust policy does not admit ecs-tasks.amazonaws.com is refused at RunTask', async () => {
    await assert.rejects(run('wrong-trust', 'wrong-trust', 'true'), (error: Error) => {
      assert.equal(error.name, 'ClientException');
      assert.equal(error.message, `ECS was unable to assume the role '${role('wrong-trust')}' that was provided for this task. Please verify that the role being `
        + 'passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.');
      return true;
    });
  });

  test('the task role\'s credentials come from 169.254.170.2 and are allowed exactly what the role allows', async () => {
    const script = [
      'wget -qO- "http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"; echo',
      'wget -qO- "$ECS_CONTAINER_METADATA_URI_V4/task" | grep -q "\\"TaskARN\\"" && echo metadata-ok',
      'wget -qO- "$AWS_ENDPOINT_URL/_berth/health" | grep -q "\\"status\\":\\"ok\\"" && echo endpoint-ok',
      'echo "region=$AWS_REGION"; true',
    ].join('; ');
    const arn = await run('with-role', 'exec-full', script, { taskRole: 'app-role' });
    const task = await stopped(arn);
    assert.equal(task.containers?.[0]?.exitCode, 0, task.stoppedReason);
    const out = await lines('with-role', arn);
    assert.deepEqual(out.slice(1), ['metadata-ok', 'endpoint-ok', 'region=us-east-1']);
    const credentials = JSON.parse(out[0] ?? '{}') as Record<string, string>;
    assert.deepEqual(Object.keys(credentials).sort(), ['AccessKeyId', 'Expiration', 'RoleArn', 'SecretAccessKey', 'Token']);
    assert.equal(credentials.RoleArn, role('app-role'));
    // The SDK, signing with what the task got: allowed /app/allowed, denied /app/denied, as the session of the task.
    const ssm = new SSMClient(server.clientConfigFor({
      accessKeyId: credentials.AccessKeyId ?? '', secretAccessKey: credentials.SecretAccessKey ?? '', sessionToken: credentials.Token ?? '',
    }));
    try {
      assert.equal((await ssm.send(new GetParameterCommand({ Name: '/app/allowed' }))).Parameter?.Value, 'yes');
      await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/app/denied' })), (error: Error) => {
        assert.equal(error.name, 'AccessDeniedException');
        assert.equal(error.message, `User: arn:aws:sts::${ACCOUNT}:assumed-role/app-role/${arn.split('/').pop() ?? ''} is not authorized to perform: ssm:GetParameter `
          + `on resource: arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/denied because no identity-based policy allows the ssm:GetParameter action`);
        return true;
      });
    } finally {
      ssm.destroy();
    }
  });
});
