// Secrets into real tasks: values from Secrets Manager (whole, and a JSON key) and Parameter Store (a SecureString)
// reach the container's environment (its echo lands in CloudWatch Logs) but never DescribeTasks or the database
// file; a missing secret stops the task with TaskFailedToStart and ECS's ResourceInitializationError.
// Needs root, runc, iproute2 and busybox-static; skips with the reason, except under CI=true.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CloudWatchLogsClient, CreateLogGroupCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { createSubnet, pushTestImages, taskHostSkipReason, waitForTask, writeTask, type TestSubnet } from './task-runner-support.ts';

const reason = await taskHostSkipReason('task runner secrets tests');

const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/secret-images';
const terminal = (record: { task: { lastStatus?: string } }) => record.task.lastStatus === 'STOPPED';
const DB_URL = 'postgres://app:hunter2@db.internal:5432/app';
const DB_PASSWORD = 'pw-Zq8vK2xL';
const API_KEY = 's3cr3t-api-key-91x';

describe('secrets into tasks', { skip: reason ?? false }, () => {
  let server: TestServer;
  let store: Store;
  let subnet: TestSubnet;
  let layoutDir = '';
  let urlArn = '';
  let dbArn = '';

  before(async () => {
    server = await startTestServer({}, { taskRunnerIntervalMs: 100 });
    store = await openSqliteStore(server.dataDir);
    const ecr = new ECRClient(server.clientConfig);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'secret-images' }));
    ecr.destroy();
    layoutDir = await mkdtemp(join(tmpdir(), 'bth-secrets-layout-'));
    await pushTestImages(server.url, 'secret-images', layoutDir);
    const ec2 = new EC2Client(server.clientConfig);
    subnet = await createSubnet(ec2, '10.83.0.0/16', '10.83.1.0/24');
    ec2.destroy();
    const ecs = new ECSClient(server.clientConfig);
    await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
    ecs.destroy();
    const sm = new SecretsManagerClient(server.clientConfig);
    urlArn = (await sm.send(new CreateSecretCommand({ Name: 'prod/db-url', SecretString: DB_URL }))).ARN ?? '';
    dbArn = (await sm.send(new CreateSecretCommand({ Name: 'prod/db', SecretString: JSON.stringify({ username: 'app', password: DB_PASSWORD }) }))).ARN ?? '';
    sm.destroy();
    const ssm = new SSMClient(server.clientConfig);
    await ssm.send(new PutParameterCommand({ Name: '/prod/api-key', Type: 'SecureString', Value: API_KEY }));
    ssm.destroy();
    const logs = new CloudWatchLogsClient(server.clientConfig);
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/secrets' }));
    logs.destroy();
  });

  after(async () => {
    await store?.close();
    await server?.stop();
    await rm(layoutDir, { recursive: true, force: true });
  });

  test('secrets and parameters reach the environment, not DescribeTasks nor the database file', async () => {
    const taskId = await writeTask(store, subnet, 'secrets', [{
      name: 'app', image: `${REPO}:shell`, command: ['echo "url=$DATABASE_URL pw=$DB_PASSWORD key=$API_KEY env=$PLAIN"'],
      // A secret wins over an `environment` entry of the same name (ECS sets secrets last).
      environment: [{ name: 'PLAIN', value: 'plain' }, { name: 'API_KEY', value: 'not-the-secret' }],
      secrets: [
        { name: 'DATABASE_URL', valueFrom: urlArn },
        { name: 'DB_PASSWORD', valueFrom: `${dbArn}:password:AWSCURRENT:` },
        { name: 'API_KEY', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/prod/api-key' },
      ],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/secrets', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 's' } },
    }]);
    const stopped = await waitForTask(store, taskId, terminal);
    assert.equal(stopped.task.containers?.[0]?.exitCode, 0, stopped.task.stoppedReason);

    const logs = new CloudWatchLogsClient(server.clientConfig);
    let messages: string[] = [];
    const deadline = Date.now() + 10_000;
    while (messages.length === 0 && Date.now() < deadline) {
      const events = await logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/secrets', logStreamName: `s/app/${taskId}`, startFromHead: true }));
      messages = (events.events ?? []).map((e) => e.message ?? '');
      if (messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    logs.destroy();
    assert.deepEqual(messages, [`url=${DB_URL} pw=${DB_PASSWORD} key=${API_KEY} env=plain`]);

    const ecs = new ECSClient(server.clientConfig);
    const described = JSON.stringify(await ecs.send(new DescribeTasksCommand({ cluster: 'default', tasks: [taskId] })));
    ecs.destroy();
    assert.match(described, new RegExp(taskId));
    for (const value of [DB_URL, DB_PASSWORD, API_KEY]) assert.ok(!described.includes(value), `DescribeTasks shows ${value}`);

    // The database files (the log events excepted, which the container itself wrote) hold no value in clear.
    const record = JSON.stringify(await store.read((tx) => tx.get('ecs.task', { account: '123456789012', region: 'us-east-1' }, taskId)));
    for (const value of [DB_URL, DB_PASSWORD, API_KEY]) assert.ok(!record.includes(value), `the task record holds ${value}`);
    const files = (await readdir(server.dataDir)).filter((f) => f.startsWith('berth.db'));
    assert.ok(files.length > 0, 'no database file found');
    for (const file of files) {
      const bytes = await readFile(join(server.dataDir, file));
      assert.ok(!bytes.includes(DB_PASSWORD) || bytes.includes(`pw=${DB_PASSWORD}`), `${file} holds the password outside the log event`);
    }
  });

  test('a missing secret stops the task before any container starts, with ECS reason', async () => {
    const missing = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/none-AbCdEf';
    const taskId = await writeTask(store, subnet, 'nosecret', [
      { name: 'first', image: `${REPO}:shell`, command: ['sleep 30'], essential: false },
      { name: 'app', image: `${REPO}:shell`, command: ['echo hi'], secrets: [{ name: 'X', valueFrom: missing }] },
    ]);
    const stopped = await waitForTask(store, taskId, terminal);
    assert.equal(stopped.task.stopCode, 'TaskFailedToStart');
    assert.equal(stopped.task.stoppedReason, 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: '
      + 'unable to retrieve secret from asm: service call has been retried 1 time(s): '
      + `failed to fetch secret ${missing} from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.`);
    // No container ran: the sidecar without secrets did not start either.
    for (const c of stopped.task.containers ?? []) assert.equal(c.runtimeId, undefined, `${c.name ?? ''} started`);
  });

  test('a missing parameter and a missing JSON key stop the task with their own reasons', async () => {
    const noParam = await writeTask(store, subnet, 'noparam', [{ name: 'app', image: `${REPO}:shell`, command: ['echo hi'], secrets: [{ name: 'X', valueFrom: 'prod/absent' }] }]);
    const noKey = await writeTask(store, subnet, 'nokey', [{ name: 'app', image: `${REPO}:shell`, command: ['echo hi'], secrets: [{ name: 'X', valueFrom: `${dbArn}:nokey::` }] }]);
    const a = await waitForTask(store, noParam, terminal);
    assert.equal(a.task.stopCode, 'TaskFailedToStart');
    assert.match(a.task.stoppedReason ?? '', /^ResourceInitializationError: unable to pull secrets or registry auth: .*unable to retrieve secrets from ssm: .*invalid parameters: prod\/absent$/);
    const b = await waitForTask(store, noKey, terminal);
    assert.equal(b.task.stopCode, 'TaskFailedToStart');
    assert.match(b.task.stoppedReason ?? '', /unable to retrieve secret from asm: .*did not contain json key nokey$/);
  });
});
