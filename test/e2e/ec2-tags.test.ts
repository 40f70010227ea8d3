// EC2 tags through the official SDK: CreateTags/DeleteTags on VPCs, subnets, groups and rules,
// DescribeTags' filters and pages, tag: filters on Describe calls, and AWS's errors for bad ids and keys.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteTagsCommand,
  DeleteVpcCommand,
  DescribeSecurityGroupsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { rejectsWith } from './aws-errors.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let ec2: EC2Client;
before(async () => {
  server = await startTestServer();
  ec2 = new EC2Client(server.clientConfig);
});
after(async () => { await server.stop(); });

async function tagsOf(resourceId: string): Promise<[string | undefined, string | undefined][] | undefined> {
  const { Tags } = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [resourceId] }] }));
  return Tags?.map((t) => [t.Key, t.Value]);
}

test('CreateTags tags VPCs, subnets, groups and rules; DescribeTags reports each with its type', async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = Vpc?.VpcId ?? '';
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24' }));
  const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'tagged', Description: 'tagged', VpcId: vpcId }));
  const { SecurityGroupRules } = await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  }));
  const ruleId = SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? '';
  const resources = [vpcId, Subnet?.SubnetId ?? '', GroupId ?? '', ruleId];

  await ec2.send(new CreateTagsCommand({ Resources: resources, Tags: [{ Key: 'env', Value: 'lab' }, { Key: 'empty' }] }));
  const { Tags } = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['env'] }] }));
  assert.deepEqual(Tags?.map((t) => [t.ResourceId, t.ResourceType, t.Value]), [
    [vpcId, 'vpc', 'lab'], [Subnet?.SubnetId, 'subnet', 'lab'], [GroupId, 'security-group', 'lab'], [ruleId, 'security-group-rule', 'lab'],
  ]);
  assert.deepEqual(await tagsOf(vpcId), [['env', 'lab'], ['empty', '']], 'a tag without a value gets ""');
  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
  assert.deepEqual(Vpcs?.[0]?.Tags, [{ Key: 'env', Value: 'lab' }, { Key: 'empty', Value: '' }]);

  // CreateTags overwrites a key's value and keeps the others.
  await ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'env', Value: 'prod' }] }));
  assert.deepEqual(await tagsOf(vpcId), [['env', 'prod'], ['empty', '']]);

  const byType = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['security-group*'] }, { Name: 'key', Values: ['env'] }] }));
  assert.deepEqual(byType.Tags?.map((t) => t.ResourceId), [GroupId, ruleId]);
  const byValue = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'value', Values: ['pro?'] }] }));
  assert.deepEqual(byValue.Tags?.map((t) => t.ResourceId), [vpcId]);
  const tagFilter = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'tag:env', Values: ['lab'] }] }));
  assert.equal(tagFilter.Tags?.length, 3);
  const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:env', Values: ['lab'] }] }));
  assert.deepEqual(groups.SecurityGroups?.map((g) => g.GroupId), [GroupId]);
});

test('DeleteTags removes a key, a key only with its value, or every tag', async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({
    CidrBlock: '10.1.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }, { Key: 'c', Value: '' }] }],
  }));
  const vpcId = Vpc?.VpcId ?? '';
  await ec2.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'a', Value: 'other' }] }));
  assert.deepEqual(await tagsOf(vpcId), [['a', '1'], ['b', '2'], ['c', '']], 'a value that does not match deletes nothing');
  await ec2.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'a', Value: '1' }, { Key: 'c', Value: '' }] }));
  assert.deepEqual(await tagsOf(vpcId), [['b', '2']]);
  await ec2.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'b' }] }));
  assert.deepEqual(await tagsOf(vpcId), []);
  await ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'x', Value: '1' }, { Key: 'y', Value: '2' }] }));
  await ec2.send(new DeleteTagsCommand({ Resources: [vpcId] }));
  assert.deepEqual(await tagsOf(vpcId), []);
  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
  assert.equal(Vpcs?.[0]?.Tags, undefined, 'an untagged VPC has no tag set');
});

test('tags on an unknown or malformed id, and invalid keys, are refused', async () => {
  await rejectsWith(ec2.send(new CreateTagsCommand({ Resources: ['vpc-0000000000000000a'], Tags: [{ Key: 'k', Value: 'v' }] })),
    'InvalidVpcID.NotFound', 400, /The vpc ID 'vpc-0000000000000000a' does not exist/);
  await rejectsWith(ec2.send(new CreateTagsCommand({ Resources: ['my-vpc'], Tags: [{ Key: 'k', Value: 'v' }] })),
    'InvalidID', 400, /The ID 'my-vpc' is not valid/);
  await rejectsWith(ec2.send(new CreateTagsCommand({ Resources: ['sg-0000000000000000a'], Tags: [{ Key: 'k', Value: 'v' }] })), 'InvalidGroup.NotFound');
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }));
  const vpcId = Vpc?.VpcId ?? '';
  await rejectsWith(ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'aws:reserved', Value: 'v' }] })), 'InvalidTagKey.Malformed');
  await rejectsWith(ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] })), 'InvalidParameterValue');
  await rejectsWith(ec2.send(new CreateTagsCommand({
    Resources: [vpcId], Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })),
  })), 'TagLimitExceeded');
  // A request that fails tags nothing, even the resources named before the bad one.
  await rejectsWith(ec2.send(new CreateTagsCommand({ Resources: [vpcId, 'vpc-0000000000000000b'], Tags: [{ Key: 'k', Value: 'v' }] })), 'InvalidVpcID.NotFound');
  assert.deepEqual(await tagsOf(vpcId), []);
  await rejectsWith(ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'owner', Values: ['me'] }] })), 'InvalidParameterValue');
  await rejectsWith(ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'k', Value: 'v' }], DryRun: true })), 'DryRunOperation', 412);
  assert.deepEqual(await tagsOf(vpcId), []);
});

test('DescribeTags pages, even through one resource\'s tags', async () => {
  const region = new EC2Client(server.clientConfigFor({ accessKeyId: 'test', secretAccessKey: 'test' }, 'eu-north-1'));
  const { Vpc } = await region.send(new CreateVpcCommand({
    CidrBlock: '10.3.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: Array.from({ length: 7 }, (_, i) => ({ Key: `k${i}`, Value: `${i}` })) }],
  }));
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const page = await region.send(new DescribeTagsCommand({ MaxResults: 5, NextToken: token }));
    seen.push(...(page.Tags ?? []).map((t) => `${t.ResourceId ?? ''}:${t.Key ?? ''}`));
    token = page.NextToken;
  } while (token);
  assert.deepEqual(seen, Array.from({ length: 7 }, (_, i) => `${Vpc?.VpcId ?? ''}:k${i}`));
  await rejectsWith(region.send(new DescribeTagsCommand({ MaxResults: 2 })), 'InvalidParameterValue');
  await region.send(new DeleteVpcCommand({ VpcId: Vpc?.VpcId }));
  assert.deepEqual((await region.send(new DescribeTagsCommand({}))).Tags, [], 'a deleted resource\'s tags go with it');
});
