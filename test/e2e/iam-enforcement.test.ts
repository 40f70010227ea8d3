// IAM policy evaluation at the API: requests signed with a role session's credentials (AssumeRole) and an IAM
// user's keys are allowed or denied by their policies, with AWS's error codes and texts per protocol; the
// account's root credentials stay unrestricted; `--iam-enforcement false` turns it all off.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient, ListClustersCommand, CreateClusterCommand } from '@aws-sdk/client-ecs';
import {
  AttachRolePolicyCommand, CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, ListRolesCommand, PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateSecretCommand, GetSecretValueCommand, PutResourcePolicyCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startTestServer, type TestServer } from './harness.ts';

const ACCOUNT = '123456789012';

/** The error an SDK call rejects with: its AWS code, HTTP status and message. */
async function failure(call: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new assert.AssertionError({ message: 'the call succeeded' });
}

async function roleSession(server: TestServer, roleName: string, policies: Record<string, object>, sessionName = 'lab'): Promise<TestServer['clientConfig']> {
  const iam = new IAMClient(server.clientConfig);
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] };
  await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust) }));
  for (const [name, document] of Object.entries(policies)) {
    await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: name, PolicyDocument: JSON.stringify(document) }));
  }
  iam.destroy();
  const sts = new STSClient(server.clientConfig);
  const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`, RoleSessionName: sessionName }));
  sts.destroy();
  const c = assumed.Credentials;
  return server.clientConfigFor({ accessKeyId: c?.AccessKeyId ?? '', secretAccessKey: c?.SecretAccessKey ?? '', sessionToken: c?.SessionToken ?? '' });
}

describe('IAM enforcement at the API', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    const sm = new SecretsManagerClient(server.clientConfig);
    await sm.send(new CreateSecretCommand({ Name: 'prod/db-url', SecretString: 'postgres://db' }));
    await sm.send(new CreateSecretCommand({ Name: 'prod/other', SecretString: 'x' }));
    sm.destroy();
  });
  after(async () => { await server?.stop(); });

  test('a role session is allowed what its policies allow and denied the rest, with AWS\'s texts per protocol', async () => {
    const config = await roleSession(server, 'reader', {
      Secrets: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:*:*:secret:prod/db-url-*' }] },
      Ecs: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecs:List*', Resource: '*' }] },
    });
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/reader/lab`;
    const sm = new SecretsManagerClient(config);
    const ecs = new ECSClient(config);
    const ec2 = new EC2Client(config);
    const iam = new IAMClient(config);
    const sts = new STSClient(config);
    try {
      assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'prod/db-url' }))).SecretString, 'postgres://db');
      const other = await failure(sm.send(new GetSecretValueCommand({ SecretId: 'prod/other' })));
      assert.equal(other.name, 'AccessDeniedException');
      assert.match(other.message, new RegExp(`^User: ${session} is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/other-\\w{6} because no identity-based policy allows the secretsmanager:GetSecretValue action$`));
      await ecs.send(new ListClustersCommand({}));
      const create = await failure(ecs.send(new CreateClusterCommand({ clusterName: 'nope' })));
      assert.equal(create.name, 'AccessDeniedException');
      assert.match(create.message, /is not authorized to perform: ecs:CreateCluster on resource: arn:aws:ecs:us-east-1:123456789012:cluster\/nope because no identity-based policy allows the ecs:CreateCluster action$/);
      const vpcs = await failure(ec2.send(new DescribeVpcsCommand({})));
      assert.equal(vpcs.name, 'UnauthorizedOperation');
      const roles = await failure(iam.send(new ListRolesCommand({})));
      assert.equal(roles.name, 'AccessDenied');
      assert.equal(roles.status, 403);
      // GetCallerIdentity needs no permission ("No permissions are required to perform this operation").
      assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Arn, session);
    } finally {
      for (const client of [sm, ecs, ec2, iam, sts]) client.destroy();
    }
  });

  test('an explicit Deny wins over Allow; NotAction; a managed policy; a resource policy can deny', async () => {
    const config = await roleSession(server, 'mixed', {
      All: { Version: '2012-10-17', Statement: [
        { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
        { Effect: 'Deny', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringLike: { 'secretsmanager:SecretId': '*prod/other*' } } },
      ] },
    });
    const sm = new SecretsManagerClient(config);
    const iam = new IAMClient(config);
    try {
      assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'prod/db-url' }))).SecretString, 'postgres://db');
      const denied = await failure(sm.send(new GetSecretValueCommand({ SecretId: 'prod/other' })));
      assert.match(denied.message, / with an explicit deny in an identity-based policy$/);
      assert.equal((await failure(iam.send(new ListRolesCommand({})))).name, 'AccessDenied');
      // The secret's own policy denies this role: a resource-based explicit deny.
      const root = new SecretsManagerClient(server.clientConfig);
      await root.send(new PutResourcePolicyCommand({ SecretId: 'prod/db-url', ResourcePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/mixed` }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
      }) }));
      root.destroy();
      const byResource = await failure(sm.send(new GetSecretValueCommand({ SecretId: 'prod/db-url' })));
      assert.match(byResource.message, / with an explicit deny in a resource-based policy$/);
      // The root credentials are never restricted.
      const asRoot = new SecretsManagerClient(server.clientConfig);
      assert.equal((await asRoot.send(new GetSecretValueCommand({ SecretId: 'prod/db-url' }))).SecretString, 'postgres://db');
      asRoot.destroy();
    } finally {
      sm.destroy();
      iam.destroy();
    }
  });

  test('an IAM user\'s keys are checked against the user\'s policies; AWS managed policies count', async () => {
    const iam = new IAMClient(server.clientConfig);
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'ecs', PolicyDocument: JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecs:ListClusters', Resource: '*' }],
    }) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey;
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] };
    await iam.send(new CreateRoleCommand({ RoleName: 'admin', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    iam.destroy();
    const alice = new ECSClient(server.clientConfigFor({ accessKeyId: key?.AccessKeyId ?? '', secretAccessKey: key?.SecretAccessKey ?? '' }));
    try {
      await alice.send(new ListClustersCommand({}));
      const denied = await failure(alice.send(new CreateClusterCommand({ clusterName: 'alice' })));
      assert.match(denied.message, /^User: arn:aws:iam::123456789012:user\/alice is not authorized to perform: ecs:CreateCluster on resource: /);
    } finally {
      alice.destroy();
    }
    const sts = new STSClient(server.clientConfig);
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/admin`, RoleSessionName: 'ops' }));
    sts.destroy();
    const c = assumed.Credentials;
    const admin = new ECSClient(server.clientConfigFor({ accessKeyId: c?.AccessKeyId ?? '', secretAccessKey: c?.SecretAccessKey ?? '', sessionToken: c?.SessionToken ?? '' }));
    await admin.send(new CreateClusterCommand({ clusterName: 'by-admin' }));
    admin.destroy();
  });
});

describe('--iam-enforcement false', () => {
  test('a role session without any policy is allowed everything', async () => {
    const server = await startTestServer({ iamEnforcement: false });
    try {
      const config = await roleSession(server, 'nothing', {});
      const ecs = new ECSClient(config);
      await ecs.send(new CreateClusterCommand({ clusterName: 'free' }));
      ecs.destroy();
    } finally {
      await server.stop();
    }
  });
});
