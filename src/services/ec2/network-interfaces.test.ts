// The interfaces the runtime creates: addresses from the subnet, the subnet's free count, the groups they
// hold on to, and DescribeNetworkInterfaces over them. Runs the EC2 operations against a real store.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type {
  CreateSecurityGroupResult,
  CreateSubnetResult,
  CreateVpcResult,
  DescribeNetworkInterfacesResult,
  DescribeSubnetsResult,
} from '@aws-sdk/client-ec2';
import type { RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import type { AwsService } from '../../aws/service.ts';
import { cryptoIds } from '../../platform/ids.ts';
import type { Store } from '../../store/store.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import { regionalScope } from '../common/scope.ts';
import { createEc2Service } from './index.ts';
import { createNetworkInterface, deleteNetworkInterface, type NetworkInterfaceSpec } from './network-interfaces.ts';
import type { NetworkInterfaceRecord } from './records.ts';

let dataDir: string;
let store: Store;
let ec2: AwsService;
let subnetId: string;
let groupId: string;
let vpcId: string;

const ctx: RequestContext = {
  requestId: 'test',
  region: 'us-east-1',
  now: new Date('2025-01-01T00:00:00Z'),
  principal: { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root', userId: '123456789012', accessKeyId: 'test', kind: 'root' },
};

async function call<T>(operation: string, input: object): Promise<T> {
  const handler = ec2.operations[operation];
  if (!handler) throw new Error(`no operation ${operation}`);
  return (await handler(input as never, ctx)) as T;
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof AwsError && error.code === code);
}

function create(spec: Partial<NetworkInterfaceSpec> = {}): Promise<NetworkInterfaceRecord> {
  return store.write((tx) => createNetworkInterface(tx, regionalScope(ctx), { subnetId, groupIds: [groupId], ...spec }, cryptoIds));
}

/** Deletes inside a transaction, as the runtime calls it. */
async function deleteNetworkInterfaceIn(eni: NetworkInterfaceRecord): Promise<void> {
  await store.write((tx) => deleteNetworkInterface(tx, regionalScope(ctx), eni.NetworkInterfaceId));
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-eni-'));
  store = await openSqliteStore(dataDir);
  ec2 = createEc2Service({ store, ids: cryptoIds, defaultAccountId: '123456789012' });
  vpcId = (await call<CreateVpcResult>('CreateVpc', { CidrBlock: '10.0.0.0/16' })).Vpc?.VpcId ?? '';
  // A /28: 16 addresses, 11 usable (10.0.1.4 – 10.0.1.14).
  subnetId = (await call<CreateSubnetResult>('CreateSubnet', { VpcId: vpcId, CidrBlock: '10.0.1.0/28', AvailabilityZone: 'us-east-1a' })).Subnet?.SubnetId ?? '';
  groupId = (await call<CreateSecurityGroupResult>('CreateSecurityGroup', { GroupName: 'tasks', Description: 'tasks', VpcId: vpcId })).GroupId ?? '';
});

after(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function availableCount(): Promise<number | undefined> {
  return (await call<DescribeSubnetsResult>('DescribeSubnets', { SubnetIds: [subnetId] })).Subnets?.[0]?.AvailableIpAddressCount;
}

test('an interface takes the subnet\'s lowest free address and lowers its free count', async () => {
  assert.equal(await availableCount(), 11);
  const eni = await create({ description: 'arn:aws:ecs:us-east-1:123456789012:attachment/abc', requesterId: '578734482556' });
  assert.match(eni.NetworkInterfaceId, /^eni-[0-9a-f]{17}$/);
  assert.equal(eni.PrivateIpAddress, '10.0.1.4', '.0–.3 are AWS\'s');
  assert.equal(eni.PrivateDnsName, 'ip-10-0-1-4.ec2.internal');
  assert.match(eni.MacAddress ?? '', /^02(:[0-9a-f]{2}){5}$/);
  assert.deepEqual(eni.Groups, [{ GroupId: groupId, GroupName: 'tasks' }]);
  assert.equal(eni.VpcId, vpcId);
  assert.equal(eni.AvailabilityZone, 'us-east-1a');
  assert.equal(eni.RequesterManaged, true);
  assert.equal(eni.Status, 'available');
  assert.equal(await availableCount(), 10);

  const described = await call<DescribeNetworkInterfacesResult>('DescribeNetworkInterfaces', { NetworkInterfaceIds: [eni.NetworkInterfaceId] });
  assert.equal(described.NetworkInterfaces?.[0]?.PrivateIpAddress, '10.0.1.4');
  assert.equal(described.NetworkInterfaces?.[0]?.Description, 'arn:aws:ecs:us-east-1:123456789012:attachment/abc');
  await deleteNetworkInterfaceIn(eni);
});

test('a requested address must be in the subnet, not reserved and free', async () => {
  const chosen = await create({ privateIpAddress: '10.0.1.9', macAddress: '0a:58:0a:00:01:09' });
  assert.equal(chosen.MacAddress, '0a:58:0a:00:01:09');
  await rejectsWith(create({ privateIpAddress: '10.0.1.9' }), 'InvalidIPAddress.InUse');
  await rejectsWith(create({ privateIpAddress: '10.0.1.1' }), 'InvalidIPAddress.InUse');
  await rejectsWith(create({ privateIpAddress: '10.0.1.15' }), 'InvalidIPAddress.InUse');
  await rejectsWith(create({ privateIpAddress: '10.0.2.9' }), 'InvalidParameterValue');
  await rejectsWith(create({ subnetId: 'subnet-0000000000000000a' }), 'InvalidSubnetID.NotFound');
  await rejectsWith(create({ groupIds: ['sg-0000000000000000a'] }), 'InvalidGroup.NotFound');
  const otherVpc = (await call<CreateVpcResult>('CreateVpc', { CidrBlock: '10.1.0.0/16' })).Vpc?.VpcId ?? '';
  const elsewhere = (await call<CreateSecurityGroupResult>('CreateSecurityGroup', { GroupName: 'elsewhere', Description: 'x', VpcId: otherVpc })).GroupId ?? '';
  await rejectsWith(create({ groupIds: [elsewhere] }), 'InvalidGroup.NotFound');
  await deleteNetworkInterfaceIn(chosen);
});

test('without groups an interface gets its VPC\'s default group; a full subnet refuses more', async () => {
  const made: NetworkInterfaceRecord[] = [];
  const first = await create({ groupIds: [] });
  made.push(first);
  assert.deepEqual(first.Groups?.map((g) => g.GroupName), ['default']);
  for (let i = 1; i < 11; i++) made.push(await create());
  assert.deepEqual(made.map((eni) => eni.PrivateIpAddress), Array.from({ length: 11 }, (_, i) => `10.0.1.${i + 4}`));
  assert.equal(await availableCount(), 0);
  await rejectsWith(create(), 'InsufficientFreeAddressesInSubnet');
  // A freed address is handed out again.
  const fifth = made[4];
  assert.ok(fifth);
  await deleteNetworkInterfaceIn(fifth);
  assert.equal((await create()).PrivateIpAddress, '10.0.1.8');
});

test('interfaces keep their subnet, groups and VPC from being deleted, and are filtered by them', async () => {
  const filtered = await call<DescribeNetworkInterfacesResult>('DescribeNetworkInterfaces', {
    Filters: [{ Name: 'group-id', Values: [groupId] }, { Name: 'private-ip-address', Values: ['10.0.1.1?'] }],
  });
  assert.deepEqual(filtered.NetworkInterfaces?.map((n) => n.PrivateIpAddress), ['10.0.1.10', '10.0.1.11', '10.0.1.12', '10.0.1.13', '10.0.1.14']);
  const page = await call<DescribeNetworkInterfacesResult>('DescribeNetworkInterfaces', { Filters: [{ Name: 'subnet-id', Values: [subnetId] }], MaxResults: 5 });
  assert.equal(page.NetworkInterfaces?.length, 5);
  assert.ok(page.NextToken);

  await rejectsWith(call('DeleteSubnet', { SubnetId: subnetId }), 'DependencyViolation');
  await rejectsWith(call('DeleteSecurityGroup', { GroupId: groupId }), 'DependencyViolation');
  await rejectsWith(call('DeleteVpc', { VpcId: vpcId }), 'DependencyViolation');
  await rejectsWith(call('DescribeNetworkInterfaces', { NetworkInterfaceIds: ['eni-0000000000000000a'] }), 'InvalidNetworkInterfaceID.NotFound');
  await rejectsWith(store.write((tx) => deleteNetworkInterface(tx, regionalScope(ctx), 'eni-0000000000000000a')), 'InvalidNetworkInterfaceID.NotFound');

  const all = await call<DescribeNetworkInterfacesResult>('DescribeNetworkInterfaces', {});
  for (const eni of all.NetworkInterfaces ?? []) {
    await store.write((tx) => deleteNetworkInterface(tx, regionalScope(ctx), eni.NetworkInterfaceId ?? ''));
  }
  await call('DeleteSecurityGroup', { GroupId: groupId });
  await call('DeleteSubnet', { SubnetId: subnetId });
  await call('DeleteVpc', { VpcId: vpcId });
});
