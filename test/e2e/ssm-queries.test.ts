// SSM Parameter Store listings and tags through the official SDK: GetParametersByPath (recursive, filters, paging,
// decryption), DescribeParameters (Filters and ParameterFilters, paging), and Add/Remove/ListTagsForResource.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AddTagsToResourceCommand, DescribeParametersCommand, type DescribeParametersCommandInput, GetParametersByPathCommand,
  type GetParametersByPathCommandInput, LabelParameterVersionCommand, ListTagsForResourceCommand, PutParameterCommand,
  RemoveTagsFromResourceCommand, SSMClient,
} from '@aws-sdk/client-ssm';
import { rejects } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let ssm: SSMClient;
before(async () => {
  server = await startTestServer();
  ssm = new SSMClient(server.clientConfig);
  const put = (Name: string, Value: string, Type: 'String' | 'SecureString' | 'StringList', extra = {}) =>
    ssm.send(new PutParameterCommand({ Name, Value, Type, ...extra }));
  await put('/q/app/url', 'http://x', 'String', { Tags: [{ Key: 'team', Value: 'web' }] });
  await put('/q/app/key', 'k3y', 'SecureString', { KeyId: 'alias/app' });
  await put('/q/app/db/pass', 'pw', 'SecureString');
  await put('/q/app/db/hosts', 'a,b', 'StringList', { Tier: 'Advanced' });
  await put('/q/other', 'o', 'String');
  await put('flatname', 'f', 'String');
  await ssm.send(new PutParameterCommand({ Name: '/q/app/url', Value: 'http://y', Overwrite: true }));
  await ssm.send(new LabelParameterVersionCommand({ Name: '/q/app/url', ParameterVersion: 1, Labels: ['old'] }));
});
after(async () => {
  ssm.destroy();
  await server.stop();
});

async function allByPath(input: GetParametersByPathCommandInput): Promise<[string, string][]> {
  const out: [string, string][] = [];
  let NextToken: string | undefined;
  for (let page = 0; page < 20; page += 1) {
    const res = await ssm.send(new GetParametersByPathCommand({ ...input, NextToken }));
    for (const p of res.Parameters ?? []) out.push([p.Name ?? '', p.Value ?? '']);
    NextToken = res.NextToken;
    if (!NextToken) return out;
  }
  assert.fail('too many pages');
}

async function allDescribed(input: DescribeParametersCommandInput): Promise<string[]> {
  const out: string[] = [];
  let NextToken: string | undefined;
  for (let page = 0; page < 20; page += 1) {
    const res = await ssm.send(new DescribeParametersCommand({ ...input, NextToken }));
    out.push(...(res.Parameters ?? []).map((p) => p.Name ?? ''));
    NextToken = res.NextToken;
    if (!NextToken) return out;
  }
  assert.fail('too many pages');
}

test('GetParametersByPath: one level or recursive, decrypted on request, paged', async () => {
  const oneLevel = await allByPath({ Path: '/q/app' });
  assert.deepEqual(oneLevel.map(([n]) => n), ['/q/app/key', '/q/app/url']);
  assert.notEqual(oneLevel[0]?.[1], 'k3y');
  assert.deepEqual(await allByPath({ Path: '/q/app/', Recursive: true, WithDecryption: true }),
    [['/q/app/db/hosts', 'a,b'], ['/q/app/db/pass', 'pw'], ['/q/app/key', 'k3y'], ['/q/app/url', 'http://y']]);
  const first = await ssm.send(new GetParametersByPathCommand({ Path: '/q', Recursive: true, MaxResults: 2 }));
  assert.equal(first.Parameters?.length, 2);
  assert.ok(first.NextToken);
  assert.equal((await allByPath({ Path: '/q', Recursive: true, MaxResults: 2 })).length, 5);
  assert.deepEqual((await allByPath({ Path: '/', Recursive: false })).map(([n]) => n), []);
  assert.ok(!(await allByPath({ Path: '/', Recursive: true })).some(([n]) => n === 'flatname'));
  await rejects(ssm.send(new GetParametersByPathCommand({ Path: '/q', NextToken: 'nope' })), 'InvalidNextToken');
  await rejects(ssm.send(new GetParametersByPathCommand({ Path: 'q/app' })), 'ValidationException');
  await rejects(ssm.send(new GetParametersByPathCommand({ Path: '/q', MaxResults: 11 })), 'ValidationException');
});

test('GetParametersByPath filters: Type, KeyId, Label (the labelled version); other keys refused', async () => {
  const recursive = { Path: '/q', Recursive: true };
  assert.deepEqual((await allByPath({ ...recursive, ParameterFilters: [{ Key: 'Type', Values: ['SecureString'] }] })).map(([n]) => n),
    ['/q/app/db/pass', '/q/app/key']);
  assert.deepEqual((await allByPath({ ...recursive, ParameterFilters: [{ Key: 'KeyId', Values: ['alias/app'] }] })).map(([n]) => n), ['/q/app/key']);
  assert.deepEqual(await allByPath({ ...recursive, ParameterFilters: [{ Key: 'Label', Values: ['old'] }] }), [['/q/app/url', 'http://x']]);
  await rejects(ssm.send(new GetParametersByPathCommand({ ...recursive, ParameterFilters: [{ Key: 'Name', Values: ['/q'] }] })), 'InvalidFilterKey');
  await rejects(ssm.send(new GetParametersByPathCommand({ ...recursive, ParameterFilters: [{ Key: 'Type', Option: 'Recursive', Values: ['String'] }] })), 'InvalidFilterOption');
});

test('DescribeParameters: metadata, ParameterFilters, the older Filters, paging', async () => {
  const all = await allDescribed({ MaxResults: 2 });
  // In the order of the names without their leading slash (the key "/a" and "a" share).
  assert.deepEqual(all, ['flatname', '/q/app/db/hosts', '/q/app/db/pass', '/q/app/key', '/q/app/url', '/q/other']);
  const meta = (await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/q/app/key'] }] }))).Parameters?.[0];
  assert.equal(meta?.Type, 'SecureString');
  assert.equal(meta?.KeyId, 'alias/app');
  assert.equal(meta?.Tier, 'Standard');
  assert.equal(meta?.Version, 1);
  assert.match(meta?.LastModifiedUser ?? '', /^arn:aws:iam::\d{12}:root$/);
  assert.match(meta?.ARN ?? '', /:parameter\/q\/app\/key$/);
  assert.deepEqual(await allDescribed({ ParameterFilters: [{ Key: 'Path', Values: ['/q'] }] }), ['/q/other']);
  assert.deepEqual(await allDescribed({ ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: ['/q/app'] }, { Key: 'Type', Values: ['String'] }] }), ['/q/app/url']);
  assert.deepEqual(await allDescribed({ ParameterFilters: [{ Key: 'Tier', Values: ['Advanced'] }] }), ['/q/app/db/hosts']);
  assert.deepEqual(await allDescribed({ ParameterFilters: [{ Key: 'tag:team', Values: ['web'] }] }), ['/q/app/url']);
  assert.deepEqual(await allDescribed({ ParameterFilters: [{ Key: 'Name', Option: 'Contains', Values: ['flat'] }] }), ['flatname']);
  assert.deepEqual(await allDescribed({ Filters: [{ Key: 'Name', Values: ['/q/app/db'] }] }), ['/q/app/db/hosts', '/q/app/db/pass']);
  await rejects(ssm.send(new DescribeParametersCommand({ Filters: [{ Key: 'Type', Values: ['String'] }], ParameterFilters: [{ Key: 'Type', Values: ['String'] }] })), 'ValidationException');
  await rejects(ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Label', Values: ['old'] }] })), 'InvalidFilterKey');
  await rejects(ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Type', Values: ['Secret'] }] })), 'InvalidFilterValue');
  await rejects(ssm.send(new DescribeParametersCommand({ NextToken: 'nope' })), 'InvalidNextToken');
});

test('tags: added, listed, removed; the 51st refused; unknown resources are InvalidResourceId', async () => {
  const id = { ResourceType: 'Parameter' as const, ResourceId: '/q/other' };
  await ssm.send(new AddTagsToResourceCommand({ ...id, Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'owner', Value: 'me' }] }));
  await ssm.send(new AddTagsToResourceCommand({ ...id, Tags: [{ Key: 'env', Value: 'dev' }] }));
  assert.deepEqual((await ssm.send(new ListTagsForResourceCommand(id))).TagList, [{ Key: 'owner', Value: 'me' }, { Key: 'env', Value: 'dev' }]);
  await ssm.send(new RemoveTagsFromResourceCommand({ ...id, TagKeys: ['owner', 'nope'] }));
  assert.deepEqual((await ssm.send(new ListTagsForResourceCommand(id))).TagList, [{ Key: 'env', Value: 'dev' }]);
  const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  await rejects(ssm.send(new AddTagsToResourceCommand({ ...id, Tags: fifty })), 'TooManyTagsError');
  assert.deepEqual((await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/q/app/url' }))).TagList, [{ Key: 'team', Value: 'web' }]);
  await rejects(ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/q/none' })), 'InvalidResourceId');
  await rejects(ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: 'doc' })), 'InvalidResourceId');
});
