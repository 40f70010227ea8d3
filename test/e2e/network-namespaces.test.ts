// Task networking on the real kernel: two VPC bridges, three task namespaces (two subnets of VPC A, one of
// VPC B), pings between them and from the host, adoption by a fresh TaskNetwork (a restarted server), and
// nothing of Berth's left behind. Needs root, iproute2 with `ip netns`, and ping (iputils-ping).
// Without them the file skips with the reason, unless CI=true, where it fails.
// Traffic goes only to addresses inside the namespaces this file creates.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { IpRouteKernel } from '../../src/platform/netlink.ts';
import { bridgeName, hostVethName, namespaceName } from '../../src/network/names.ts';
import type { TaskAttachment } from '../../src/network/model.ts';
import { isEmptyPlan, planNetwork } from '../../src/network/reconcile.ts';
import { TaskNetwork } from '../../src/network/task-network.ts';

/** Exit code (0 = success) and output of a command; never throws for a non-zero exit. */
function run(file: string, args: string[], timeout = 10_000): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'utf8', timeout }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

async function missingPrerequisite(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `task networking needs Linux, this is ${process.platform}`;
  if (process.getuid?.() !== 0) return 'task networking needs root (network namespaces, bridges)';
  const netns = await run('ip', ['netns', 'list']);
  if (netns.code !== 0) return `\`ip netns\` is unavailable (install iproute2): ${netns.output.trim()}`;
  const ping = await run('ping', ['-c1', '-W1', '127.0.0.1']);
  if (ping.code !== 0) return `ping does not work (install iputils-ping): ${ping.output.trim()}`;
  return undefined;
}

const missing = await missingPrerequisite();

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

const VPC_A = `vpc-${hex(9).slice(0, 17)}`;
const VPC_B = `vpc-${hex(9).slice(0, 17)}`;
const A_BLOCK = '10.231.0.0/16';
const B_BLOCK = '10.232.0.0/16';

function task(vpcId: string, vpcBlock: string, subnet: number, host: number, assignPublicIp: 'ENABLED' | 'DISABLED'): TaskAttachment {
  const [first = '', second = ''] = vpcBlock.split('.');
  const prefix = `${first}.${second}.${subnet}`;
  return {
    taskId: hex(16), vpcId, vpcCidrBlocks: [vpcBlock], subnetCidr: `${prefix}.0/24`, gatewayIp: `${prefix}.1`,
    privateIp: `${prefix}.${host}`, macAddress: `02:${hex(5).match(/../g)?.join(':') ?? ''}`, assignPublicIp,
  };
}

const a1 = task(VPC_A, A_BLOCK, 1, 10, 'ENABLED');
const a2 = task(VPC_A, A_BLOCK, 2, 20, 'DISABLED');
const b1 = task(VPC_B, B_BLOCK, 1, 10, 'ENABLED');
const tasks = [a1, a2, b1];

/** Every name this file can create, for the final check and for cleanup after a failure. */
const ourNamespaces = tasks.map((spec) => namespaceName(spec.taskId));
const ourLinks = [bridgeName(VPC_A), bridgeName(VPC_B), ...tasks.map((spec) => hostVethName(spec.taskId))];

async function leftovers(): Promise<string[]> {
  const namespaces = (await run('ip', ['netns', 'list'])).output;
  const links = (await run('ip', ['-br', 'link'])).output;
  return [
    ...ourNamespaces.filter((name) => namespaces.includes(name)),
    ...ourLinks.filter((name) => links.split('\n').some((line) => line.startsWith(`${name} `) || line.startsWith(`${name}@`))),
  ];
}

function pingFrom(spec: TaskAttachment | 'host', address: string): Promise<{ code: number; output: string }> {
  return spec === 'host'
    ? run('ping', ['-c1', '-W1', address])
    : run('ip', ['netns', 'exec', namespaceName(spec.taskId), 'ping', '-c1', '-W1', address]);
}

if (missing !== undefined) {
  if (process.env.CI === 'true') {
    test('task network namespaces (required in CI)', () => {
      assert.fail(`${missing}. The CI image needs root, iproute2 and iputils-ping.`);
    });
  } else {
    console.log(`network-namespaces: skipping — ${missing}`);
    test('task network namespaces', { skip: missing }, () => {});
  }
} else {
  describe('task network namespaces on the real kernel', () => {
    const kernel = new IpRouteKernel();
    const network = new TaskNetwork(kernel);

    after(async () => {
      // Cleanup by recorded name only, whatever state a failed test left.
      for (const name of ourLinks.slice(2)) await run('ip', ['link', 'delete', 'dev', name]);
      for (const name of ourNamespaces) await run('ip', ['netns', 'delete', name]);
      for (const name of ourLinks.slice(0, 2)) await run('ip', ['link', 'delete', 'dev', name]);
    });

    test('attaches three tasks in two VPCs; routing and isolation are as AWS has them', async () => {
      await network.ensureVpc({ vpcId: VPC_A, subnets: [a1, a2] });
      const handles = [];
      for (const spec of tasks) handles.push(await network.attachTask(spec));
      assert.deepEqual(handles.map((handle) => handle.netnsPath), ourNamespaces.map((name) => `/var/run/netns/${name}`));
      assert.equal(handles[0]?.publicIp, a1.privateIp, 'assignPublicIp=ENABLED: the host-reachable private address');
      assert.equal(handles[1]?.publicIp, undefined);

      // The ENI inside the namespace: eth0 with the ENI's MAC and address, loopback up.
      const inside = await run('ip', ['-n', namespaceName(a1.taskId), '-br', 'addr', 'show', 'dev', 'eth0']);
      assert.match(inside.output, new RegExp(`${a1.privateIp.replaceAll('.', '\\.')}/24`));
      const mac = await run('ip', ['-n', namespaceName(a1.taskId), '-br', 'link', 'show', 'dev', 'eth0']);
      assert.match(mac.output, new RegExp(a1.macAddress));
      assert.equal((await pingFrom(a1, '127.0.0.1')).code, 0, 'localhost inside the task');

      assert.equal((await pingFrom(a1, a2.privateIp)).code, 0, 'VPC A subnet 1 → subnet 2');
      assert.equal((await pingFrom(a2, a1.privateIp)).code, 0, 'VPC A subnet 2 → subnet 1');
      assert.equal((await pingFrom(a1, a1.gatewayIp)).code, 0, 'a task reaches its gateway');
      assert.equal((await pingFrom('host', a1.privateIp)).code, 0, 'the host reaches a task in VPC A');
      assert.equal((await pingFrom('host', b1.privateIp)).code, 0, 'the host reaches a task in VPC B');

      assert.notEqual((await pingFrom(b1, a1.privateIp)).code, 0, 'VPC B must not reach VPC A');
      assert.notEqual((await pingFrom(b1, a2.privateIp)).code, 0, 'VPC B must not reach VPC A (other subnet)');
      assert.notEqual((await pingFrom(a1, b1.privateIp)).code, 0, 'VPC A must not reach VPC B');
      // What keeps them apart even where net.ipv4.ip_forward=1: no routing for packets arriving on a VPC bridge.
      for (const vpcId of [VPC_A, VPC_B]) assert.equal(await kernel.readForwarding(bridgeName(vpcId)), false);
    });

    test('attachTask is idempotent and a restarted server adopts what exists', async () => {
      const again = await network.attachTask(a1);
      assert.equal(again.namespace, namespaceName(a1.taskId));
      assert.equal((await pingFrom(a2, a1.privateIp)).code, 0, 'still reachable after a repeated attach');

      const restarted = new TaskNetwork(new IpRouteKernel());
      const observed = await restarted.adopt();
      const ours = observed.tasks.filter((entry) => tasks.some((spec) => spec.taskId === entry.taskId));
      assert.equal(ours.length, 3);
      const desired = { vpcs: [{ vpcId: VPC_A, subnets: [a1, a2] }], tasks };
      const mine = { ...observed, bridges: observed.bridges.filter((bridge) => ourLinks.includes(bridge.name)), tasks: ours, strayLinks: [] };
      assert.ok(isEmptyPlan(planNetwork(desired, mine)), 'everything in place: nothing to do');

      // The store now wants only a1: reconcile removes a2, b1 and VPC B's bridge and keeps a1 working.
      const { errors, handles } = await restarted.reconcile({ vpcs: [], tasks: [a1] });
      assert.deepEqual(errors, []);
      assert.deepEqual(handles.map((handle) => handle.taskId), [a1.taskId]);
      assert.equal((await pingFrom('host', a1.privateIp)).code, 0);
      assert.deepEqual(await leftovers(), [namespaceName(a1.taskId), bridgeName(VPC_A), hostVethName(a1.taskId)]);
    });

    test('a partial attachment left by a crash is rebuilt', async () => {
      // Simulate a crash: the host veth gone (and with it eth0), the namespace still there.
      await kernel.deleteLink(hostVethName(a1.taskId));
      const handle = await network.attachTask(a1);
      assert.equal(handle.hostVeth, hostVethName(a1.taskId));
      assert.equal((await pingFrom('host', a1.privateIp)).code, 0);
    });

    test('detaching every task and removing the VPCs leaves nothing behind', async () => {
      for (const spec of tasks) await network.detachTask(spec);
      await network.detachTask(a1); // already gone: a no-op
      await network.removeVpc(VPC_A);
      await network.removeVpc(VPC_B);
      assert.deepEqual(await leftovers(), []);
    });
  });
}
