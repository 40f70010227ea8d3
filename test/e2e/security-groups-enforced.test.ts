// Security groups enforced on real tasks: busybox httpd tasks in three groups, requests from one task's
// namespace to another, from the host (through the VPC's gateway) and from a load-balancer-like address on the
// VPC's bridge; rules revoked and authorized while the tasks run. Needs root, runc, iproute2, busybox-static and
// nft; skips with the reason, except under CI=true, where a missing prerequisite fails.
// Traffic goes only to the namespaces and bridge addresses this file creates, in 10.75.0.0/16.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, EC2Client,
  RevokeSecurityGroupEgressCommand, RevokeSecurityGroupIngressCommand, type IpPermission,
} from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { BridgeLoadBalancerAddresses } from '../../src/network/lb-addresses.ts';
import { bridgeName, namespaceName } from '../../src/network/names.ts';
import { IpRouteKernel } from '../../src/platform/netlink.ts';
import { createNetworkInterface, deleteNetworkInterface } from '../../src/services/ec2/network-interfaces.ts';
import { cryptoIds } from '../../src/platform/ids.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/store.ts';
import { startTestServer, type TestServer } from './harness.ts';
import {
  commandWorks, createSubnet, pushTestImages, SCOPE, stopTask, taskHostSkipReason, waitForTask, writeTask, type TestSubnet,
} from './task-runner-support.ts';

let reason = await taskHostSkipReason('security group enforcement tests');
if (!reason && !commandWorks('nft', ['--version'])) {
  if (process.env['CI'] === 'true') throw new Error('security group enforcement tests cannot run in CI: nft is not installed (apt-get install nftables)');
  reason = 'nft is not installed (apt-get install nftables)';
  console.log(`# skipping security group enforcement tests: ${reason}`);
}

const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/sg-images';
/** httpd on 8080 (what the rules allow) and on 8081 (what they do not). */
const WEB = [{
  name: 'web', image: `${REPO}:httpd`, essential: true, stopTimeout: 2,
  command: ['/bin/sh', '-c', 'httpd -p 8081 -h /www && exec httpd -f -p 8080 -h /www'],
}];
const BODY = 'hello from bth httpd\n';
const tcp = (port: number, peer: Pick<IpPermission, 'IpRanges' | 'UserIdGroupPairs'>): IpPermission => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, ...peer });
const ALL_OUT: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

/** An HTTP GET bounded in time; the body, or undefined when the connection was refused, dropped or timed out. */
function get(url: string, localAddress?: string, timeoutMs = 1500): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: timeoutMs, ...(localAddress ? { localAddress } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/**
 * The same GET made from inside a task's namespace (busybox wget), as the task itself would. Bounded by killing
 * it: busybox 1.35's `wget -T` crashes.
 */
function getFromTask(taskId: string, url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('nsenter', [`--net=/var/run/netns/${namespaceName(taskId)}`, '--', 'busybox', 'wget', '-q', '-O', '-', url],
      { timeout: 2000, killSignal: 'SIGKILL', encoding: 'utf8' }, (error, stdout) => resolve(error ? undefined : stdout));
  });
}

/** Polls `probe` until it answers as `wanted` says (bounded); returns the milliseconds it took. */
async function until(what: string, probe: () => Promise<string | undefined>, wanted: (body: string | undefined) => boolean, ms = 6000): Promise<number> {
  const start = Date.now();
  let last: string | undefined;
  while (Date.now() - start < ms) {
    last = await probe();
    if (wanted(last)) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: not so after ${ms} ms (last answer: ${JSON.stringify(last)})`);
}

describe('security groups enforced with nftables', { skip: reason ?? false }, () => {
  let server: TestServer;
  let store: Store;
  let ec2: EC2Client;
  let layoutDir = '';
  let subnet: TestSubnet;
  const groups = { server: '', client: '', stranger: '', lb: '' };
  const tasks = { server: '', client: '', stranger: '' };
  const ips = { server: '', client: '', stranger: '' };
  const addresses = new BridgeLoadBalancerAddresses(new IpRouteKernel());
  let lbEni = '';
  let lbIp = '';

  const newGroup = async (name: string) => (await ec2.send(new CreateSecurityGroupCommand({ VpcId: subnet.vpcId, GroupName: name, Description: name }))).GroupId ?? '';

  before(async () => {
    server = await startTestServer({}, { taskRunnerIntervalMs: 100 });
    store = await openSqliteStore(server.dataDir);
    const ecr = new ECRClient(server.clientConfig);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'sg-images' }));
    ecr.destroy();
    layoutDir = await mkdtemp(join(tmpdir(), 'bth-sg-layout-'));
    await pushTestImages(server.url, 'sg-images', layoutDir);
    ec2 = new EC2Client(server.clientConfig);
    subnet = await createSubnet(ec2, '10.75.0.0/16', '10.75.1.0/24');
    groups.server = await newGroup('server');
    groups.client = await newGroup('client');
    groups.stranger = await newGroup('stranger');
    groups.lb = await newGroup('load-balancer');
    // The server lets in the client's group and the host (the subnet's gateway), on 8080 only.
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: groups.server,
      IpPermissions: [tcp(8080, { UserIdGroupPairs: [{ GroupId: groups.client }] }), tcp(8080, { IpRanges: [{ CidrIp: `${subnet.gatewayIp}/32` }] })],
    }));
    // A load balancer's interface: an ENI in the load balancer's group, as ELBv2 makes one per subnet.
    const eni = await store.write((tx) => createNetworkInterface(tx, SCOPE, {
      subnetId: subnet.subnetId, groupIds: [groups.lb], interfaceType: 'interface', requesterId: 'amazon-elb', description: 'ELB app/sg-test/0123456789abcdef',
    }, cryptoIds));
    lbEni = eni.NetworkInterfaceId ?? '';
    lbIp = eni.PrivateIpAddress ?? '';

    for (const name of ['server', 'client', 'stranger'] as const) {
      tasks[name] = await writeTask(store, subnet, `sg-${name}`, WEB, { groupIds: [groups[name]] });
    }
    for (const name of ['server', 'client', 'stranger'] as const) {
      const running = await waitForTask(store, tasks[name], (r) => r.task.lastStatus === 'RUNNING' || r.task.lastStatus === 'STOPPED', 60_000);
      assert.equal(running.task.lastStatus, 'RUNNING', running.task.stoppedReason);
      ips[name] = running.network.privateIpv4Address;
    }
  });

  after(async () => {
    if (lbIp) await addresses.release(lbIp);
    for (const taskId of Object.values(tasks)) {
      if (!taskId) continue;
      await stopTask(store, taskId).catch(() => undefined);
      await waitForTask(store, taskId, (r) => r.task.lastStatus === 'STOPPED', 30_000).catch(() => undefined);
    }
    if (lbEni) await store.write((tx) => deleteNetworkInterface(tx, SCOPE, lbEni)).catch(() => undefined);
    ec2?.destroy();
    await store?.close();
    await server?.stop();
    await rm(layoutDir, { recursive: true, force: true });
  });

  test('each task namespace holds Berth\'s table with drop policies', () => {
    const table = execFileSync('nsenter', [`--net=/var/run/netns/${namespaceName(tasks.server)}`, '--', 'nft', 'list', 'table', 'inet', 'berth'], { encoding: 'utf8' });
    assert.match(table, /hook input priority filter; policy drop;/);
    assert.match(table, /hook output priority filter; policy drop;/);
    assert.match(table, /tcp dport 8080 accept/);
  });

  test('task to task: allowed from the source group, denied from another group', async () => {
    assert.equal(await getFromTask(tasks.client, `http://${ips.server}:8080/`), BODY);
    assert.equal(await getFromTask(tasks.stranger, `http://${ips.server}:8080/`), undefined);
    assert.equal(await getFromTask(tasks.client, `http://${ips.server}:8081/`), undefined, 'the group rule names 8080 only');
  });

  test('a CIDR rule lets the host (the gateway) in on its port and no other', async () => {
    assert.equal(await get(`http://${ips.server}:8080/`), BODY);
    assert.equal(await get(`http://${ips.server}:8081/`), undefined);
    assert.equal(await get(`http://${ips.stranger}:8080/`), undefined, 'a group with no ingress rule lets nothing in');
    // The port really is served: from inside the server's own namespace (loopback) 8081 answers.
    assert.equal(await getFromTask(tasks.server, 'http://127.0.0.1:8081/'), BODY);
  });

  test('revoking a rule denies within about a second and authorizing it again allows', async () => {
    const hostRule = tcp(8080, { IpRanges: [{ CidrIp: `${subnet.gatewayIp}/32` }] });
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groups.server, IpPermissions: [hostRule] }));
    const denied = await until('revoked rule denies', () => get(`http://${ips.server}:8080/`, undefined, 500), (body) => body === undefined);
    assert.ok(denied < 2500, `denied after ${denied} ms`);
    assert.equal(await getFromTask(tasks.client, `http://${ips.server}:8080/`), BODY, 'the group rule still allows the client');
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groups.server, IpPermissions: [hostRule] }));
    const allowed = await until('authorized rule allows', () => get(`http://${ips.server}:8080/`, undefined, 500), (body) => body === BODY);
    assert.ok(allowed < 2500, `allowed after ${allowed} ms`);
  });

  test('with its egress rule revoked a task cannot connect out, even where the peer would let it in', async () => {
    await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groups.client, IpPermissions: [ALL_OUT] }));
    try {
      await until('egress denied', () => getFromTask(tasks.client, `http://${ips.server}:8080/`), (body) => body === undefined);
      assert.equal(await get(`http://${ips.client}:8080/`), undefined, 'nor can it answer new inbound flows it has no rule for');
    } finally {
      await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groups.client, IpPermissions: [ALL_OUT] }));
    }
    await until('egress allowed again', () => getFromTask(tasks.client, `http://${ips.server}:8080/`), (body) => body === BODY);
  });

  test('a load balancer address on the bridge: denied until the task\'s group allows the load balancer\'s group', async () => {
    assert.equal(await addresses.ensure({ vpcId: subnet.vpcId, subnetCidr: subnet.subnetCidr, ip: lbIp }), true);
    assert.equal(await addresses.ensure({ vpcId: subnet.vpcId, subnetCidr: subnet.subnetCidr, ip: lbIp }), true, 'idempotent');
    const bridge = execFileSync('ip', ['-br', 'addr', 'show', 'dev', bridgeName(subnet.vpcId)], { encoding: 'utf8' });
    assert.match(bridge, new RegExp(`${lbIp.replaceAll('.', '\\.')}/32`));
    assert.equal(await get(`http://${ips.server}:8080/`, lbIp), undefined, 'the server\'s group does not name the load balancer\'s');
    const fromLb = tcp(8080, { UserIdGroupPairs: [{ GroupId: groups.lb }] });
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groups.server, IpPermissions: [fromLb] }));
    await until('load balancer allowed', () => get(`http://${ips.server}:8080/`, lbIp, 500), (body) => body === BODY);
    assert.equal(await get(`http://${ips.stranger}:8080/`, lbIp), undefined, 'another task\'s group does not');
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groups.server, IpPermissions: [fromLb] }));
    await until('load balancer denied again', () => get(`http://${ips.server}:8080/`, lbIp, 500), (body) => body === undefined);
    await addresses.release(lbIp);
    assert.doesNotMatch(execFileSync('ip', ['-br', 'addr', 'show', 'dev', bridgeName(subnet.vpcId)], { encoding: 'utf8' }), new RegExp(`${lbIp.replaceAll('.', '\\.')}/32`));
  });

  test('stopped tasks leave no namespace (their tables go with it) and no load balancer address', async () => {
    for (const taskId of Object.values(tasks)) await stopTask(store, taskId);
    for (const taskId of Object.values(tasks)) await waitForTask(store, taskId, (r) => r.task.lastStatus === 'STOPPED', 30_000);
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    for (const taskId of Object.values(tasks)) assert.doesNotMatch(namespaces, new RegExp(namespaceName(taskId)));
    assert.ok(!(await addresses.list()).some((held) => held.ip === lbIp));
  });
});
