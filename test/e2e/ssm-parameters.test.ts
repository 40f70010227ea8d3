// SSM Parameter Store through the official SDK: PutParameter (types, Overwrite, versions, tiers, patterns, names),
// GetParameter(s) with selectors and WithDecryption, history, labels, deletion, and SecureString values at rest.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  DeleteParameterCommand, DeleteParametersCommand, GetParameterCommand, GetParameterHistoryCommand, GetParametersCommand,
  LabelParameterVersionCommand, PutParameterCommand, SSMClient, UnlabelParameterVersionCommand,
} from '@aws-sdk/client-ssm';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let ssm: SSMClient;
let account: string;
before(async () => {
  server = await startTestServer();
  ssm = new SSMClient(server.clientConfig);
  await ssm.send(new PutParameterCommand({ Name: '/probe/account', Value: 'x', Type: 'String' }));
  const probe = await ssm.send(new GetParameterCommand({ Name: '/probe/account' }));
  account = probe.Parameter?.ARN?.split(':')[4] ?? '';
});
after(async () => {
  ssm.destroy();
  await server.stop();
});

test('PutParameter then GetParameter: version 1, ARN without the leading slash, data type, date', async () => {
  const before = Date.now();
  const put = await ssm.send(new PutParameterCommand({ Name: '/app/db/host', Value: 'db.local', Type: 'String', Description: 'host' }));
  assert.equal(put.$metadata.httpStatusCode, 200);
  assert.deepEqual({ Version: put.Version, Tier: put.Tier }, { Version: 1, Tier: 'Standard' });
  const { Parameter: p } = await ssm.send(new GetParameterCommand({ Name: '/app/db/host' }));
  assert.match(account, /^\d{12}$/);
  assert.deepEqual({ ...p, LastModifiedDate: undefined }, {
    Name: '/app/db/host', Type: 'String', Value: 'db.local', Version: 1, DataType: 'text', LastModifiedDate: undefined,
    ARN: `arn:aws:ssm:us-east-1:${account}:parameter/app/db/host`,
  });
  assert.ok((p?.LastModifiedDate?.getTime() ?? 0) >= before - 1000);
  await rejects(ssm.send(new PutParameterCommand({ Name: '/app/db/host', Value: 'other', Type: 'String' })), 'ParameterAlreadyExists',
    'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
  await rejects(ssm.send(new GetParameterCommand({ Name: '/app/db/missing' })), 'ParameterNotFound');
  await rejects(ssm.send(new PutParameterCommand({ Name: '/app/new', Value: 'v' })), 'ValidationException', /type is required/);
});

test('Overwrite adds versions; selectors pick a version or a label; GetParameters lists the names it could not read', async () => {
  await ssm.send(new PutParameterCommand({ Name: '/sel/p', Value: 'one', Type: 'StringList' }));
  const second = await ssm.send(new PutParameterCommand({ Name: '/sel/p', Value: 'two,2', Overwrite: true }));
  assert.equal(second.Version, 2);
  const v1 = await ssm.send(new GetParameterCommand({ Name: '/sel/p:1' }));
  assert.deepEqual([v1.Parameter?.Name, v1.Parameter?.Value, v1.Parameter?.Version, v1.Parameter?.Selector, v1.Parameter?.Type],
    ['/sel/p', 'one', 1, ':1', 'StringList']);
  await rejects(ssm.send(new GetParameterCommand({ Name: '/sel/p:7' })), 'ParameterVersionNotFound',
    'Systems Manager could not find version 7 of /sel/p. Verify the version and try again.');
  const labelled = await ssm.send(new LabelParameterVersionCommand({ Name: '/sel/p', ParameterVersion: 1, Labels: ['stable', '9lives', 'awsish'] }));
  assert.deepEqual(labelled.InvalidLabels, ['9lives', 'awsish']);
  assert.equal(labelled.ParameterVersion, 1);
  assert.equal((await ssm.send(new GetParameterCommand({ Name: '/sel/p:stable' }))).Parameter?.Value, 'one');
  // Labelling the latest (no version given) moves the label.
  assert.equal((await ssm.send(new LabelParameterVersionCommand({ Name: '/sel/p', Labels: ['stable'] }))).ParameterVersion, 2);
  const byLabel = await ssm.send(new GetParameterCommand({ Name: `arn:aws:ssm:us-east-1:${account}:parameter/sel/p:stable` }));
  assert.deepEqual([byLabel.Parameter?.Value, byLabel.Parameter?.Selector], ['two,2', ':stable']);
  const many = await ssm.send(new GetParametersCommand({ Names: ['/sel/p', '/sel/p:1', '/sel/none', '/sel/p:9', '/sel/p:nolabel'] }));
  assert.deepEqual(many.Parameters?.map((p) => [p.Name, p.Version]), [['/sel/p', 2], ['/sel/p', 1]]);
  assert.deepEqual(many.InvalidParameters, ['/sel/none', '/sel/p:9', '/sel/p:nolabel']);
  const unlabel = await ssm.send(new UnlabelParameterVersionCommand({ Name: '/sel/p', ParameterVersion: 2, Labels: ['stable', 'other'] }));
  assert.deepEqual([unlabel.RemovedLabels, unlabel.InvalidLabels], [['stable'], ['other']]);
  await rejects(ssm.send(new LabelParameterVersionCommand({ Name: '/sel/p', ParameterVersion: 5, Labels: ['x'] })), 'ParameterVersionNotFound');
  await rejects(ssm.send(new LabelParameterVersionCommand({ Name: '/sel/none', Labels: ['x'] })), 'ParameterNotFound');
  await ssm.send(new LabelParameterVersionCommand({ Name: '/sel/p', ParameterVersion: 1, Labels: Array.from({ length: 9 }, (_, i) => `l${i}`) }));
  await rejects(ssm.send(new LabelParameterVersionCommand({ Name: '/sel/p', ParameterVersion: 1, Labels: ['l9', 'l10'] })), 'ParameterVersionLabelLimitExceeded');
});

test('SecureString: KeyId defaults to alias/aws/ssm; the value comes back only WithDecryption, and is sealed at rest', async () => {
  const secret = 'pl41n-text-needle-7d1e';
  await ssm.send(new PutParameterCommand({ Name: '/sec/api-key', Value: secret, Type: 'SecureString' }));
  const sealed = await ssm.send(new GetParameterCommand({ Name: '/sec/api-key' }));
  assert.equal(sealed.Parameter?.Type, 'SecureString');
  assert.notEqual(sealed.Parameter?.Value, secret);
  assert.ok(!(sealed.Parameter?.Value ?? '').includes(secret));
  assert.equal((await ssm.send(new GetParameterCommand({ Name: '/sec/api-key', WithDecryption: true }))).Parameter?.Value, secret);
  await ssm.send(new PutParameterCommand({ Name: '/sec/api-key', Value: `${secret}-v2`, Overwrite: true, KeyId: 'alias/my-key' }));
  const history = await ssm.send(new GetParameterHistoryCommand({ Name: '/sec/api-key', WithDecryption: true }));
  assert.deepEqual(history.Parameters?.map((h) => [h.Version, h.KeyId, h.Value]), [[1, 'alias/aws/ssm', secret], [2, 'alias/my-key', `${secret}-v2`]]);
  await rejects(ssm.send(new PutParameterCommand({ Name: '/sec/plain', Value: 'x', Type: 'String', KeyId: 'alias/aws/ssm' })), 'ValidationException');
  await rejects(ssm.send(new PutParameterCommand({ Name: '/sec/bad-key', Value: 'x', Type: 'SecureString', KeyId: 'not a key!' })), 'ValidationException');
  await rejects(ssm.send(new PutParameterCommand({ Name: '/sec/bad-key', Value: 'x', Type: 'SecureString', KeyId: 'key/abc' })), 'InvalidKeyId');
  // A String value is stored as given: the same scan finds it, so the scan can see what the store wrote.
  const control = 'pl41n-control-needle-93af';
  await ssm.send(new PutParameterCommand({ Name: '/sec/control', Value: control, Type: 'String' }));
  const files = ['berth.db', 'berth.db-wal'].map((f) => join(server.dataDir, f)).filter((f) => existsSync(f));
  assert.ok(files.some((f) => readFileSync(f).includes(Buffer.from(control, 'utf8'))), 'the control value is in the database files');
  for (const file of files) assert.equal(readFileSync(file).includes(Buffer.from(secret, 'utf8')), false, `${file} holds the value in clear`);
});

test('names: reserved prefixes, bad characters and hierarchy depth are refused', async () => {
  await rejects(ssm.send(new PutParameterCommand({ Name: 'awsconfig', Value: 'x', Type: 'String' })), 'ValidationException',
    'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).');
  await rejects(ssm.send(new PutParameterCommand({ Name: '/ssm/x', Value: 'x', Type: 'String' })), 'ValidationException');
  await rejects(ssm.send(new PutParameterCommand({ Name: '/aws/x', Value: 'x', Type: 'String' })), 'AccessDeniedException');
  await rejects(ssm.send(new PutParameterCommand({ Name: 'no/leading', Value: 'x', Type: 'String' })), 'ValidationException');
  await rejects(ssm.send(new PutParameterCommand({ Name: '/a b', Value: 'x', Type: 'String' })), 'ValidationException');
  const deep = `/${Array.from({ length: 16 }, (_, i) => `d${i}`).join('/')}`;
  await rejects(ssm.send(new PutParameterCommand({ Name: deep, Value: 'x', Type: 'String' })), 'HierarchyLevelLimitExceededException');
  // "/flat" and "flat" are one parameter (they share an ARN).
  await ssm.send(new PutParameterCommand({ Name: 'flat', Value: 'x', Type: 'String' }));
  await rejects(ssm.send(new PutParameterCommand({ Name: '/flat', Value: 'y', Type: 'String' })), 'ParameterAlreadyExists');
});

test('AllowedPattern, tiers, data types and tags with Overwrite', async () => {
  await rejects(ssm.send(new PutParameterCommand({ Name: '/pat/n', Value: 'abc', Type: 'String', AllowedPattern: '^\\d+$' })), 'ParameterPatternMismatchException');
  await ssm.send(new PutParameterCommand({ Name: '/pat/n', Value: '42', Type: 'String', AllowedPattern: '^\\d+$' }));
  // The pattern stays with the parameter when Overwrite leaves it out.
  await rejects(ssm.send(new PutParameterCommand({ Name: '/pat/n', Value: 'x', Overwrite: true })), 'ParameterPatternMismatchException');
  await rejects(ssm.send(new PutParameterCommand({ Name: '/pat/bad', Value: 'x', Type: 'String', AllowedPattern: '(' })), 'InvalidAllowedPatternException');
  const big = 'x'.repeat(5000);
  await rejects(ssm.send(new PutParameterCommand({ Name: '/tier/big', Value: big, Type: 'String' })), 'ValidationException', /4096/);
  assert.equal((await ssm.send(new PutParameterCommand({ Name: '/tier/big', Value: big, Type: 'String', Tier: 'Intelligent-Tiering' }))).Tier, 'Advanced');
  assert.equal((await ssm.send(new PutParameterCommand({ Name: '/tier/small', Value: 'x', Type: 'String', Tier: 'Intelligent-Tiering' }))).Tier, 'Standard');
  await rejects(ssm.send(new PutParameterCommand({ Name: '/tier/big', Value: 'x', Overwrite: true, Tier: 'Standard' })), 'ValidationException', /downgrade/);
  await rejects(ssm.send(new PutParameterCommand({ Name: '/tier/huge', Value: 'x'.repeat(9000), Type: 'String', Tier: 'Advanced' })), 'ValidationException');
  await ssm.send(new PutParameterCommand({ Name: '/dt/ami', Value: 'ami-0123456789abcdef0', Type: 'String', DataType: 'aws:ec2:image' }));
  assert.equal((await ssm.send(new GetParameterCommand({ Name: '/dt/ami' }))).Parameter?.DataType, 'aws:ec2:image');
  await rejects(ssm.send(new PutParameterCommand({ Name: '/dt/bad', Value: 'x', Type: 'String', DataType: 'Text' })), 'ValidationException', /data type is not supported/);
  await rejects(ssm.send(new PutParameterCommand({ Name: '/dt/ami', Value: 'x', Overwrite: true, Tags: [{ Key: 'a', Value: 'b' }] })), 'ValidationException', /tags and overwrite/);
  await assert.rejects(ssm.send(new PutParameterCommand({ Name: '/pol/p', Value: 'x', Type: 'String', Policies: '[{"Type":"Expiration"}]' })),
    (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.name === 'NotImplemented' && e.$metadata?.httpStatusCode === 501);
});

test('100 versions are kept; the oldest goes unless it carries a label (ParameterMaxVersionLimitExceeded)', async () => {
  await ssm.send(new PutParameterCommand({ Name: '/ver/p', Value: 'v1', Type: 'String' }));
  await ssm.send(new LabelParameterVersionCommand({ Name: '/ver/p', ParameterVersion: 1, Labels: ['first'] }));
  for (let i = 2; i <= 100; i += 1) await ssm.send(new PutParameterCommand({ Name: '/ver/p', Value: `v${i}`, Overwrite: true }));
  await rejects(ssm.send(new PutParameterCommand({ Name: '/ver/p', Value: 'v101', Overwrite: true })), 'ParameterMaxVersionLimitExceeded',
    "You attempted to create a new version of /ver/p by calling the PutParameter API with the overwrite flag. Version 1, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.");
  await ssm.send(new LabelParameterVersionCommand({ Name: '/ver/p', ParameterVersion: 100, Labels: ['first'] }));
  assert.equal((await ssm.send(new PutParameterCommand({ Name: '/ver/p', Value: 'v101', Overwrite: true }))).Version, 101);
  const page1 = await ssm.send(new GetParameterHistoryCommand({ Name: '/ver/p', MaxResults: 50 }));
  assert.equal(page1.Parameters?.[0]?.Version, 2);
  const page2 = await ssm.send(new GetParameterHistoryCommand({ Name: '/ver/p', MaxResults: 50, NextToken: page1.NextToken }));
  assert.equal(page2.NextToken, undefined);
  assert.deepEqual([page2.Parameters?.[0]?.Version, page2.Parameters?.at(-1)?.Version, page2.Parameters?.at(-2)?.Labels], [52, 101, ['first']]);
  await rejects(ssm.send(new GetParameterHistoryCommand({ Name: '/ver/p', NextToken: 'garbage' })), 'InvalidNextToken');
  await rejects(ssm.send(new GetParameterHistoryCommand({ Name: '/ver/none' })), 'ParameterNotFound');
});

test('DeleteParameter and DeleteParameters', async () => {
  await ssm.send(new PutParameterCommand({ Name: '/del/a', Value: 'x', Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/del/b', Value: 'x', Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/del/c', Value: 'x', Type: 'String' }));
  assert.equal((await ssm.send(new DeleteParameterCommand({ Name: '/del/a' }))).$metadata.httpStatusCode, 200);
  await rejects(ssm.send(new DeleteParameterCommand({ Name: '/del/a' })), 'ParameterNotFound');
  const deleted = await ssm.send(new DeleteParametersCommand({ Names: ['/del/b', '/del/a', '/del/c'] }));
  assert.deepEqual([deleted.DeletedParameters, deleted.InvalidParameters], [['/del/b', '/del/c'], ['/del/a']]);
  await rejects(ssm.send(new GetParameterCommand({ Name: '/del/c' })), 'ParameterNotFound');
  // A deleted name starts again at version 1.
  assert.equal((await ssm.send(new PutParameterCommand({ Name: '/del/c', Value: 'again', Type: 'String' }))).Version, 1);
});
