import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeNetworkKernel } from '../platform/netlink-fake.ts';
import { bridgeName, hostVethName, namespaceName } from './names.ts';
import type { TaskAttachment } from './model.ts';
import { NetworkConflictError, TaskNetwork, VpcInUseError } from './task-network.ts';

const VPC = 'vpc-0a1b2c3d4e5f60718';
const HOST_LINKS = [
  { name: 'lo', kind: '', mac: '00:00:00:00:00:00', up: true, addresses: ['127.0.0.1/8'] },
  { name: 'eth0', kind: '', mac: '02:fc:00:00:00:01', up: true, addresses: ['192.0.2.2/24'] },
];
const HOST_ROUTES = [{ destination: 'default', device: 'eth0', via: '192.0.2.1' }];

function fakeHost(defaultForwarding = false): FakeNetworkKernel {
  return new FakeNetworkKernel({ hostLinks: HOST_LINKS, hostRoutes: HOST_ROUTES, defaultForwarding });
}

function spec(overrides: Partial<TaskAttachment> = {}): TaskAttachment {
  return {
    taskId: '0123456789abcdef0123456789abcdef', vpcId: VPC, vpcCidrBlocks: ['10.0.0.0/16'], subnetCidr: '10.0.1.0/24',
    gatewayIp: '10.0.1.1', privateIp: '10.0.1.4', macAddress: '02:11:22:33:44:55', assignPublicIp: 'ENABLED', ...overrides,
  };
}

test('attachTask builds the namespace, the ENI and its routes, on a bridge that does not route', async () => {
  const kernel = fakeHost(true);
  const handle = await new TaskNetwork(kernel).attachTask(spec());
  const namespace = namespaceName(spec().taskId);
  assert.deepEqual(handle, {
    taskId: spec().taskId, vpcId: VPC, namespace, netnsPath: `/var/run/netns/${namespace}`, join: { kind: 'netns', path: `/var/run/netns/${namespace}` }, bridge: bridgeName(VPC),
    hostVeth: hostVethName(spec().taskId), interfaceName: 'eth0', privateIp: '10.0.1.4', macAddress: '02:11:22:33:44:55',
    publicIp: '10.0.1.4',
  });
  const bridge = (await kernel.listLinks()).find((link) => link.name === bridgeName(VPC));
  assert.deepEqual(bridge?.addresses, ['10.0.1.1/24']);
  assert.equal(bridge?.alias, VPC);
  assert.equal(await kernel.readForwarding(bridgeName(VPC)), false, 'even on a host whose default is to forward');
  const eth0 = (await kernel.listLinks(namespace)).find((link) => link.name === 'eth0');
  assert.deepEqual([eth0?.mac, eth0?.addresses, eth0?.up], ['02:11:22:33:44:55', ['10.0.1.4/24'], true]);
  assert.deepEqual((await kernel.listRoutes(namespace)).map((route) => `${route.destination} ${route.via ?? 'on-link'}`),
    ['10.0.1.0/24 on-link', '10.0.0.0/16 on-link', 'default 10.0.1.1']);
  assert.equal((await new TaskNetwork(kernel).attachTask(spec({ assignPublicIp: 'DISABLED' }))).publicIp, undefined);
});

test('a second attachTask changes nothing; detachTask removes everything and is idempotent', async () => {
  const kernel = fakeHost();
  const network = new TaskNetwork(kernel);
  await network.attachTask(spec());
  const before = kernel.calls.length;
  await network.attachTask(spec());
  assert.equal(kernel.calls.length, before);
  await network.detachTask(spec());
  await network.detachTask(spec());
  assert.deepEqual(await kernel.listNamespaces(), []);
  assert.deepEqual((await kernel.listLinks()).map((link) => link.name), ['lo', 'eth0', bridgeName(VPC)]);
  await network.removeVpc(VPC);
  assert.deepEqual(await kernel.listLinks(), HOST_LINKS);
});

test('concurrent attaches in one VPC share one bridge', async () => {
  const kernel = fakeHost();
  const network = new TaskNetwork(kernel);
  await Promise.all([1, 2, 3].map((n) => network.attachTask(spec({
    taskId: `${n}`.repeat(32), privateIp: `10.0.${n}.9`, subnetCidr: `10.0.${n}.0/24`, gatewayIp: `10.0.${n}.1`, macAddress: `02:00:00:00:00:0${n}`,
  }))));
  const bridge = (await kernel.listLinks()).find((link) => link.name === bridgeName(VPC));
  assert.deepEqual(bridge?.addresses.sort(), ['10.0.1.1/24', '10.0.2.1/24', '10.0.3.1/24']);
  assert.equal((await kernel.listNamespaces()).length, 3);
});

test('a subnet overlapping the host\'s own network is refused before anything is built', async () => {
  const kernel = fakeHost();
  await assert.rejects(new TaskNetwork(kernel).attachTask(spec({
    vpcCidrBlocks: ['192.0.2.0/24'], subnetCidr: '192.0.2.0/26', gatewayIp: '192.0.2.1', privateIp: '192.0.2.9',
  })), NetworkConflictError);
  assert.deepEqual(await kernel.listLinks(), HOST_LINKS);
  assert.deepEqual(await kernel.listNamespaces(), []);
});

test('removeVpc refuses while a task is attached; bad inputs are refused by name', async () => {
  const network = new TaskNetwork(fakeHost());
  await network.attachTask(spec());
  await assert.rejects(network.removeVpc(VPC), VpcInUseError);
  await assert.rejects(network.attachTask(spec({ privateIp: '10.0.2.4' })), /privateIp 10\.0\.2\.4 is not in 10\.0\.1\.0\/24/);
  await assert.rejects(network.attachTask(spec({ macAddress: '01:00:5e:00:00:01' })), /multicast/);
});

test('a failure half way through removes what was built for the task', async () => {
  const kernel = fakeHost();
  const network = new TaskNetwork(kernel);
  // Routes are the last step: namespace, veth and addresses exist when it fails.
  kernel.addRoute = () => Promise.reject(new Error('injected'));
  await assert.rejects(network.attachTask(spec()), /injected/);
  assert.deepEqual(await kernel.listNamespaces(), []);
  assert.ok(!(await kernel.listLinks()).some((link) => link.name === hostVethName(spec().taskId)));
});

test('after someone sets ip_forward=1, adoption sees the bridge forwarding and reconcile turns it off', async () => {
  const kernel = fakeHost();
  const network = new TaskNetwork(kernel);
  await network.attachTask(spec());
  kernel.writeGlobalForwarding(true);
  assert.equal((await network.adopt()).bridges[0]?.forwarding, true);
  const { plan, errors } = await network.reconcile({ vpcs: [], tasks: [spec()] });
  assert.deepEqual(errors, []);
  assert.deepEqual(plan.ensureVpcs.map((vpc) => vpc.vpcId), [VPC]);
  assert.deepEqual(plan.detachTasks, [], 'the task itself is left alone');
  assert.equal(await kernel.readForwarding(bridgeName(VPC)), false);
});

test('adopt skips a namespace or bridge removed between its listing and its reading (another Berth tearing down)', async () => {
  const kernel = fakeHost();
  const network = new TaskNetwork(kernel);
  const other = spec({
    taskId: 'fedcba9876543210fedcba9876543210', vpcId: 'vpc-0f0e0d0c0b0a09080', vpcCidrBlocks: ['10.9.0.0/16'], subnetCidr: '10.9.1.0/24',
    gatewayIp: '10.9.1.1', privateIp: '10.9.1.4', macAddress: '02:11:22:33:44:56',
  });
  await network.attachTask(spec());
  await network.attachTask(other);
  // adopt lists namespaces and links first, then reads each: the other task and its VPC go in between.
  const readForwarding = kernel.readForwarding.bind(kernel);
  kernel.readForwarding = async (link: string) => {
    if (link === bridgeName(other.vpcId)) {
      await network.detachTask(other);
      await network.removeVpc(other.vpcId);
    }
    return readForwarding(link);
  };
  const observed = await network.adopt();
  assert.deepEqual(observed.tasks.map((task) => task.taskId), [spec().taskId]);
  assert.deepEqual(observed.bridges.map((bridge) => bridge.name), [bridgeName(VPC)]);
  // Anything else that fails still fails.
  kernel.readForwarding = async () => { throw new Error('sysctl unreadable'); };
  await assert.rejects(network.adopt(), /sysctl unreadable/);
});

test('with a firewall, a new namespace is sealed before it has any interface; a failed seal removes everything', async () => {
  const kernel = fakeHost();
  const sealed: { taskId: string; path: string; links: string[] }[] = [];
  const firewall = {
    seal: async (taskId: string, path: string) => {
      sealed.push({ taskId, path, links: (await kernel.listLinks(namespaceName(taskId))).map((link) => link.name) });
    },
  };
  const network = new TaskNetwork(kernel, { firewall });
  await network.attachTask(spec());
  assert.deepEqual(sealed, [{ taskId: spec().taskId, path: `/var/run/netns/${namespaceName(spec().taskId)}`, links: ['lo'] }]);
  await network.attachTask(spec());
  assert.equal(sealed.length, 1, 'an attachment already in place is not sealed again (the controller keeps its table)');

  const refusing = new TaskNetwork(kernel, { firewall: { seal: () => Promise.reject(new Error('security groups cannot be enforced: nft is not installed')) } });
  const other = spec({ taskId: 'fedcba9876543210fedcba9876543210', privateIp: '10.0.1.5', macAddress: '02:11:22:33:44:56' });
  await assert.rejects(refusing.attachTask(other), /nft is not installed/);
  assert.deepEqual(await kernel.listNamespaces(), [namespaceName(spec().taskId)]);
});
