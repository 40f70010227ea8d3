// Property tests of the restart-safety planner, applied through TaskNetwork to the fake kernel: from any mix of
// complete, stale, half-built and stray objects, one reconcile reaches the desired set, and the next plan is empty.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FakeNetworkKernel } from '../platform/netlink-fake.ts';
import type { LinkState, RouteState } from '../platform/netlink.ts';
import type { TaskAttachment } from './model.ts';
import { bridgeName, hostVethName, namespaceName } from './names.ts';
import { desiredVpcs, interpretListing, isEmptyPlan, planNetwork } from './reconcile.ts';
import { TaskNetwork } from './task-network.ts';

const HOST_LINKS: LinkState[] = [{ name: 'eth0', kind: '', mac: '02:fc:00:00:00:01', up: true, addresses: ['192.0.2.2/24'] }];
const HOST_ROUTES: RouteState[] = [{ destination: 'default', device: 'eth0', via: '192.0.2.1' }];
const VPCS = [
  { vpcId: 'vpc-aaaaaaaaaaaaaaaa1', block: '10.1' },
  { vpcId: 'vpc-bbbbbbbbbbbbbbbb2', block: '10.2' },
];

/** Task n of the pool: its VPC and subnet follow from n, so addresses never clash. */
function poolTask(n: number, vpc: number, subnet: number, variant: number): TaskAttachment {
  const { vpcId, block } = VPCS[vpc] ?? assert.fail('no such VPC');
  return {
    taskId: `${n}`.padStart(2, '0').repeat(16), vpcId, vpcCidrBlocks: [`${block}.0.0/16`], subnetCidr: `${block}.${subnet}.0/24`,
    gatewayIp: `${block}.${subnet}.1`, privateIp: `${block}.${subnet}.${10 + n + variant * 50}`,
    macAddress: `02:00:00:00:${variant}${vpc}:${`${n}`.padStart(2, '0')}`, assignPublicIp: 'ENABLED',
  };
}

const taskArb = fc.record({ vpc: fc.nat(1), subnet: fc.integer({ min: 1, max: 3 }), variant: fc.nat(1) });
const damageArb = fc.oneof(
  fc.record({ kind: fc.constant('veth' as const), n: fc.nat(5) }),
  fc.record({ kind: fc.constant('namespace' as const), n: fc.nat(5) }),
  fc.record({ kind: fc.constant('gateway' as const), vpc: fc.nat(1) }),
  fc.record({ kind: fc.constant('forwarding' as const) }),
  fc.record({ kind: fc.constant('stray' as const), n: fc.nat(5) }),
);

const scenarioArb = fc.record({
  pool: fc.array(taskArb, { minLength: 6, maxLength: 6 }),
  before: fc.subarray([0, 1, 2, 3, 4, 5]),
  /** Tasks whose existing attachment is stale (another address than the store's). */
  stale: fc.subarray([0, 1, 2, 3, 4, 5]),
  damage: fc.array(damageArb, { maxLength: 6 }),
  wanted: fc.subarray([0, 1, 2, 3, 4, 5]),
  emptyVpcs: fc.subarray([0, 1]),
});

test('reconcile converges from any host state and then plans nothing', async () => {
  await fc.assert(fc.asyncProperty(scenarioArb, async (scenario) => {
    const kernel = new FakeNetworkKernel({ hostLinks: HOST_LINKS, hostRoutes: HOST_ROUTES });
    const network = new TaskNetwork(kernel);
    const task = (n: number, variant = 0): TaskAttachment => {
      const shape = scenario.pool[n] ?? assert.fail('no such task');
      return poolTask(n, shape.vpc, shape.subnet, variant);
    };
    for (const n of scenario.before) await network.attachTask(task(n, scenario.stale.includes(n) ? 1 : 0));
    for (const damage of scenario.damage) {
      const links = await kernel.listLinks();
      if (damage.kind === 'veth' && links.some((link) => link.name === hostVethName(task(damage.n).taskId))) {
        await kernel.deleteLink(hostVethName(task(damage.n).taskId));
      } else if (damage.kind === 'namespace' && (await kernel.listNamespaces()).includes(namespaceName(task(damage.n).taskId))) {
        await kernel.deleteNamespace(namespaceName(task(damage.n).taskId));
      } else if (damage.kind === 'gateway') {
        const bridge = links.find((link) => link.name === bridgeName(VPCS[damage.vpc]?.vpcId ?? ''));
        const address = bridge?.addresses[0];
        if (bridge && address !== undefined) await kernel.deleteAddress(bridge.name, address);
      } else if (damage.kind === 'forwarding') {
        kernel.writeGlobalForwarding(true);
      } else if (damage.kind === 'stray' && !links.some((link) => link.name === `bthvstray${damage.n}`)) {
        // A veth left without its label by a crash between creating and labelling it.
        await kernel.createNamespace(`stray${damage.n}`);
        await kernel.createVethPair({ hostName: `bthvstray${damage.n}`, peerName: 'eth0', peerNamespace: `stray${damage.n}`, peerMac: '02:00:00:00:00:99' });
      }
    }

    const desired = {
      vpcs: scenario.emptyVpcs.map((vpc) => ({ vpcId: VPCS[vpc]?.vpcId ?? '', subnets: [] })),
      tasks: scenario.wanted.map((n) => task(n)),
    };
    const { errors, handles } = await network.reconcile(desired);
    assert.deepEqual(errors, []);
    assert.deepEqual(handles.map((handle) => handle.taskId).sort(), desired.tasks.map((spec) => spec.taskId).sort());

    const observed = await network.adopt();
    assert.ok(isEmptyPlan(planNetwork(desired, observed)), 'a second plan is empty');
    assert.deepEqual(observed.tasks.map((entry) => entry.taskId).sort(), desired.tasks.map((spec) => spec.taskId).sort());
    assert.deepEqual(observed.bridges.map((bridge) => bridge.vpcId).sort(), desiredVpcs(desired).map((vpc) => vpc.vpcId).sort());
    // The host's own interface and routes are untouched, and so are namespaces that are not Berth's.
    const hostLinks = await kernel.listLinks();
    assert.deepEqual(hostLinks.find((link) => link.name === 'eth0'), HOST_LINKS[0]);
    assert.deepEqual((await kernel.listRoutes()).filter((route) => route.device === 'eth0'),
      [{ destination: '192.0.2.0/24', device: 'eth0' }, ...HOST_ROUTES]);
    for (const damage of scenario.damage) {
      if (damage.kind === 'stray') assert.ok((await kernel.listNamespaces()).includes(`stray${damage.n}`));
    }
  }), { numRuns: 150 });
});

test('the planner only ever deletes what it observed under a bth name', () => {
  fc.assert(fc.property(
    fc.array(fc.record({ name: fc.string({ maxLength: 15 }), kind: fc.constantFrom('bridge', 'veth', ''), alias: fc.option(fc.string(), { nil: undefined }) })),
    fc.array(fc.string({ maxLength: 40 })),
    (links, namespaces) => {
      const hostLinks = links.map((link) => ({ ...link, mac: '02:00:00:00:00:01', up: true, addresses: [] }));
      const observed = interpretListing({ namespaces, hostLinks, forwarding: new Map(), inside: new Map() });
      const plan = planNetwork({ vpcs: [], tasks: [] }, observed);
      for (const name of [...plan.deleteLinks, ...plan.deleteBridges, ...plan.detachTasks.flatMap((entry) => [entry.hostVeth ?? 'bth'])]) {
        assert.ok(name.startsWith('bth'), name);
        assert.ok(links.some((link) => link.name === name) || name === 'bth');
      }
      for (const entry of plan.detachTasks) {
        if (entry.namespace !== undefined) assert.ok(entry.namespace.startsWith('bth-') && namespaces.includes(entry.namespace));
      }
    },
  ));
});
