import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeNetworkKernel } from '../platform/netlink-fake.ts';
import { BridgeLoadBalancerAddresses } from './lb-addresses.ts';
import type { TaskAttachment } from './model.ts';
import { bridgeName } from './names.ts';
import { TaskNetwork } from './task-network.ts';

const VPC = 'vpc-0a1b2c3d4e5f60718';
const HOST_LINKS = [{ name: 'lo', kind: '', mac: '00:00:00:00:00:00', up: true, addresses: ['127.0.0.1/8'] }];
const TASK: TaskAttachment = {
  taskId: '0123456789abcdef0123456789abcdef', vpcId: VPC, vpcCidrBlocks: ['10.75.0.0/16'], subnetCidr: '10.75.1.0/24',
  gatewayIp: '10.75.1.1', privateIp: '10.75.1.4', macAddress: '02:11:22:33:44:55', assignPublicIp: 'DISABLED',
};
const LB = { vpcId: VPC, subnetCidr: '10.75.2.0/24', ip: '10.75.2.9' };

async function bridgeAddresses(kernel: FakeNetworkKernel): Promise<string[] | undefined> {
  return (await kernel.listLinks()).find((link) => link.name === bridgeName(VPC))?.addresses;
}

test('ensure answers false without a bridge, then adds ip/32 once; release removes it', async () => {
  const kernel = new FakeNetworkKernel({ hostLinks: HOST_LINKS });
  const addresses = new BridgeLoadBalancerAddresses(kernel);
  assert.equal(await addresses.ensure(LB), false);
  const network = new TaskNetwork(kernel);
  await network.attachTask(TASK);
  assert.equal(await addresses.ensure(LB), true);
  const calls = kernel.calls.length;
  assert.equal(await addresses.ensure(LB), true);
  assert.equal(kernel.calls.length, calls, 'idempotent: nothing done the second time');
  assert.deepEqual(await bridgeAddresses(kernel), ['10.75.1.1/24', '10.75.2.9/32']);
  assert.deepEqual(await addresses.list(), [{ vpcId: VPC, ip: '10.75.2.9' }]);
  await addresses.release('10.75.2.9');
  await addresses.release('10.75.2.9');
  assert.deepEqual(await bridgeAddresses(kernel), ['10.75.1.1/24']);
  await assert.rejects(addresses.ensure({ ...LB, ip: '10.75.3.9' }), RangeError);
});

test('reconcile and ensureVpc leave load balancer addresses alone; removing the VPC still works with them on it', async () => {
  const kernel = new FakeNetworkKernel({ hostLinks: HOST_LINKS });
  const network = new TaskNetwork(kernel);
  const addresses = new BridgeLoadBalancerAddresses(kernel);
  await network.attachTask(TASK);
  assert.equal(await addresses.ensure(LB), true);
  const result = await network.reconcile({ vpcs: [], tasks: [TASK] });
  assert.deepEqual(result.plan.ensureVpcs, [], 'a /32 on the bridge is not drift');
  assert.deepEqual(result.errors, []);
  await network.ensureVpc({ vpcId: VPC, subnets: [{ subnetCidr: '10.75.1.0/24', gatewayIp: '10.75.1.1' }] });
  assert.deepEqual(await bridgeAddresses(kernel), ['10.75.1.1/24', '10.75.2.9/32']);
  await network.detachTask(TASK);
  await network.removeVpc(VPC);
  assert.equal(await bridgeAddresses(kernel), undefined);
  assert.equal(await addresses.ensure(LB), false, 'the bridge went with its last task');
});

test('a bridge labelled for another VPC is not used', async () => {
  const kernel = new FakeNetworkKernel({ hostLinks: HOST_LINKS });
  await kernel.createBridge(bridgeName(VPC), '02:00:00:00:00:09', 'vpc-0a1b2c3d4e5f6ffff');
  assert.equal(await new BridgeLoadBalancerAddresses(kernel).ensure(LB), false);
});
