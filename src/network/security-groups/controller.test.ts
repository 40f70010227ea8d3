import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { systemClock } from '../../platform/clock.ts';
import type { Nftables } from '../../platform/nftables.ts';
import { putNetworkInterface, putSecurityGroupRule, type SecurityGroupRuleRecord } from '../../services/ec2/records.ts';
import { putTaskRecord, type TaskRecord } from '../../services/ecs/task-records.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import type { Scope, Store } from '../../store/store.ts';
import { FirewallController } from './controller.ts';
import { sealedScript } from './nft-script.ts';

const SCOPE: Scope = { account: '123456789012', region: 'us-east-1' };
const VPC = 'vpc-0a1b2c3d4e5f60718';
const TASK = '0123456789abcdef0123456789abcdef';
const OTHER = 'fedcba9876543210fedcba9876543210';

class FakeNft implements Nftables {
  readonly applied: { path: string; script: string }[] = [];
  failing = false;
  constructor(readonly missing?: string) {}
  async unavailable(): Promise<string | undefined> {
    return this.missing;
  }
  async apply(netnsPath: string, script: string): Promise<void> {
    if (this.failing) throw new Error('nft: kernel said no');
    this.applied.push({ path: netnsPath, script });
  }
  async listTable(): Promise<string | undefined> {
    return undefined;
  }
}

class FakeNamespaces {
  names = new Set<string>();
  async listNamespaces(): Promise<string[]> {
    return [...this.names];
  }
  namespacePath(name: string): string {
    return `/var/run/netns/${name}`;
  }
}

async function withController(fn: (parts: { store: Store; nft: FakeNft; namespaces: FakeNamespaces; controller: FirewallController; logs: string[] }) => Promise<void>, missing?: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-sg-'));
  const store = await openSqliteStore(dir, systemClock);
  const nft = new FakeNft(missing);
  const namespaces = new FakeNamespaces();
  const logs: string[] = [];
  const controller = new FirewallController({
    store, clock: systemClock, log: (m) => logs.push(m), nft, namespaces, scopes: async () => [SCOPE], intervalMs: 60_000,
  });
  try {
    await fn({ store, nft, namespaces, controller, logs });
  } finally {
    await controller.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function rule(id: string, fields: Partial<SecurityGroupRuleRecord>): SecurityGroupRuleRecord {
  return { SecurityGroupRuleId: id, GroupId: 'sg-task', IsEgress: false, ...fields };
}

async function seed(store: Store, taskId: string, lastStatus = 'RUNNING'): Promise<void> {
  await store.write(async (tx) => {
    await putNetworkInterface(tx, SCOPE, {
      NetworkInterfaceId: `eni-${taskId.slice(0, 17)}`, SubnetId: 'subnet-1', VpcId: VPC, PrivateIpAddress: '10.75.1.4', OwnerId: SCOPE.account,
      Groups: [{ GroupId: 'sg-task' }],
    });
    await putNetworkInterface(tx, SCOPE, {
      NetworkInterfaceId: 'eni-0000000000000lb0', SubnetId: 'subnet-1', VpcId: VPC, PrivateIpAddress: '10.75.1.200', OwnerId: SCOPE.account,
      Groups: [{ GroupId: 'sg-lb' }], Description: 'ELB app/web/0123456789abcdef',
    });
    await putSecurityGroupRule(tx, SCOPE, rule('sgr-egress', { IsEgress: true, IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' }));
    await putSecurityGroupRule(tx, SCOPE, rule('sgr-lb', { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, ReferencedGroupInfo: { GroupId: 'sg-lb' } }));
    const record: TaskRecord = {
      task: { taskArn: `arn:aws:ecs:us-east-1:123456789012:task/default/${taskId}`, clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default', lastStatus, desiredStatus: 'RUNNING' },
      taskDefinition: { family: 'web', revision: 1 },
      overrides: {},
      network: {
        networkInterfaceId: `eni-${taskId.slice(0, 17)}`, subnetId: 'subnet-1', vpcId: VPC, subnetCidr: '10.75.1.0/24', vpcCidrBlocks: ['10.75.0.0/16'],
        gatewayIp: '10.75.1.1', privateIpv4Address: '10.75.1.4', macAddress: '02:00:00:00:00:01', securityGroupIds: ['sg-task'], assignPublicIp: false,
      },
    };
    await putTaskRecord(tx, SCOPE, record);
  });
}

test('seal installs drop-everything first, then the task\'s rules; a pass then changes nothing', async () => {
  await withController(async ({ store, nft, namespaces, controller }) => {
    await seed(store, TASK);
    namespaces.names.add(`bth-${TASK}`);
    await controller.seal(TASK, `/var/run/netns/bth-${TASK}`);
    assert.equal(nft.applied.length, 2);
    assert.equal(nft.applied[0]?.script, sealedScript());
    assert.match(nft.applied[1]?.script ?? '', /set in0 \{\n.*\n {4}elements = \{ 10\.75\.1\.200 \}/);
    assert.match(nft.applied[1]?.script ?? '', /ip saddr @in0 tcp dport 8080 accept/);
    await controller.reconcile();
    assert.equal(nft.applied.length, 2, 'nothing changed: nothing applied');
  });
});

test('a revoked rule is applied at the next pass; a gone namespace is forgotten; stopped and unknown tasks are left alone', async () => {
  await withController(async ({ store, nft, namespaces, controller }) => {
    await seed(store, TASK);
    await seed(store, OTHER, 'STOPPED');
    namespaces.names.add(`bth-${TASK}`).add(`bth-${OTHER}`).add('bth-99999999999999999999999999999999').add('unrelated');
    await controller.reconcile();
    assert.deepEqual(nft.applied.map((a) => a.path), [`/var/run/netns/bth-${TASK}`]);
    await store.write((tx) => tx.delete('ec2.security-group-rule', SCOPE, 'sgr-lb'));
    await controller.reconcile();
    assert.equal(nft.applied.length, 2);
    assert.doesNotMatch(nft.applied[1]?.script ?? '', /dport 8080/);
    namespaces.names.delete(`bth-${TASK}`);
    await controller.reconcile();
    namespaces.names.add(`bth-${TASK}`);
    await controller.reconcile();
    assert.equal(nft.applied.length, 3, 'a namespace that comes back is written again');
  });
});

test('a failing apply is logged once and retried at the next pass', async () => {
  await withController(async ({ store, nft, namespaces, controller, logs }) => {
    await seed(store, TASK);
    namespaces.names.add(`bth-${TASK}`);
    nft.failing = true;
    await controller.reconcile();
    await controller.reconcile();
    assert.equal(logs.filter((line) => line.includes('kernel said no')).length, 1);
    nft.failing = false;
    await controller.reconcile();
    assert.equal(nft.applied.length, 1);
  });
});

test('without nft, sealing refuses (the task then fails to start) and start says why', async () => {
  await withController(async ({ controller, logs }) => {
    controller.start();
    await assert.rejects(controller.seal(TASK, `/var/run/netns/bth-${TASK}`), /security groups cannot be enforced: nft is not installed/);
    assert.ok(logs.some((line) => line.includes('security groups: cannot be enforced: nft is not installed')));
  }, 'nft is not installed (apt-get install nftables)');
});
