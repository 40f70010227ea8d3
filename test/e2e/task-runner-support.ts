// Helpers for the task runner's end-to-end tests: push the busybox test images to Berth's registry,
// create a VPC and subnet, and write 'ecs.task' records the way RunTask does (task-records.ts).
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import {
  AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, type EC2Client,
} from '@aws-sdk/client-ec2';
import { cryptoIds } from '../../src/platform/ids.ts';
import { createNetworkInterface } from '../../src/services/ec2/network-interfaces.ts';
import type { TaskRecord } from '../../src/services/ecs/task-records.ts';
import type { Scope, Store } from '../../src/store/store.ts';
import { buildTestImages, busyboxAvailable, TEST_IMAGE_TAGS } from '../images/test-images.ts';
import { RegistryClient } from './registry-client.ts';

export const SCOPE: Scope = { account: '123456789012', region: 'us-east-1' };
export const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/default';

/** Builds the test images into `layoutDir` and pushes each, tagged by name, to `repository`. */
export async function pushTestImages(baseUrl: string, repository: string, layoutDir: string): Promise<void> {
  await buildTestImages(layoutDir);
  const registry = new RegistryClient(baseUrl);
  const index = JSON.parse(await readFile(join(layoutDir, 'index.json'), 'utf8')) as {
    manifests: { digest: string; mediaType: string; annotations?: Record<string, string> }[];
  };
  const blob = (digest: string) => readFile(join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length)));
  for (const tag of TEST_IMAGE_TAGS) {
    const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
    if (!entry) throw new Error(`test image ${tag} missing from the layout`);
    const manifestBytes = await blob(entry.digest);
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as { config: { digest: string }; layers: { digest: string }[] };
    for (const digest of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
      const response = await registry.pushBlob(repository, await blob(digest));
      if (response.status !== 201) throw new Error(`blob push answered ${response.status}`);
    }
    const put = await registry.putManifest(repository, tag, manifestBytes.toString('utf8'), entry.mediaType);
    if (put.status !== 201) throw new Error(`manifest push answered ${put.status}`);
  }
}

export interface TestSubnet {
  vpcId: string;
  vpcCidr: string;
  subnetId: string;
  subnetCidr: string;
  gatewayIp: string;
  /** A group that lets the host in (hostAccessGroup): what writeTask gives its tasks. */
  hostAccessGroupId: string;
}

export async function createSubnet(ec2: EC2Client, vpcCidr: string, subnetCidr: string): Promise<TestSubnet> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: vpcCidr }));
  const vpcId = vpc.Vpc?.VpcId ?? '';
  const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: subnetCidr }));
  const gatewayIp = subnetCidr.replace(/\.0\/\d+$/, '.1');
  const hostAccessGroupId = await hostAccessGroup(ec2, vpcId, vpcCidr);
  return { vpcId, vpcCidr, subnetId: subnet.Subnet?.SubnetId ?? '', subnetCidr, gatewayIp, hostAccessGroupId };
}

/**
 * A security group of the VPC that allows TCP on every port and ICMP from the VPC's block. Security groups are
 * enforced, and the host reaches a task from the gateway address of the task's subnet (on the VPC's bridge):
 * the VPC's default group, which only lets its own members in, would refuse the tests' requests, as on AWS.
 */
export async function hostAccessGroup(ec2: EC2Client, vpcId: string, vpcCidr: string): Promise<string> {
  const group = await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'host-access', Description: 'the host, through the VPC gateways' }));
  const groupId = group.GroupId ?? '';
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: groupId,
    IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: vpcCidr }] },
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: vpcCidr }] },
    ],
  }));
  return groupId;
}

/** Writes a PROVISIONING task with its ENI (in `groupIds`, the host-access group by default), as RunTask does; returns the task id. */
export async function writeTask(store: Store, subnet: TestSubnet, family: string, containers: ContainerDefinition[],
  options: { groupIds?: string[] } = {}): Promise<string> {
  const taskId = cryptoIds.bytes(16).toString('hex');
  const taskArn = `arn:aws:ecs:us-east-1:123456789012:task/default/${taskId}`;
  await store.write(async (tx) => {
    const eni = await createNetworkInterface(tx, SCOPE, {
      subnetId: subnet.subnetId, groupIds: options.groupIds ?? [subnet.hostAccessGroupId], requesterId: 'ecs', description: `task ${taskId}`,
    }, cryptoIds);
    const record: TaskRecord = {
      task: {
        taskArn, clusterArn: CLUSTER_ARN, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING', createdAt: new Date(), version: 1,
        launchType: 'FARGATE', cpu: '256', memory: '512', taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:1`,
        containers: containers.map((c) => ({ name: c.name, image: c.image, lastStatus: 'PENDING', taskArn })),
        attachments: [{ id: cryptoIds.uuid(), type: 'ElasticNetworkInterface', status: 'PRECREATED', details: [
          { name: 'networkInterfaceId', value: eni.NetworkInterfaceId }, { name: 'privateIPv4Address', value: eni.PrivateIpAddress },
        ] }],
      },
      taskDefinition: { family, revision: 1, cpu: '256', memory: '512', networkMode: 'awsvpc', containerDefinitions: containers },
      overrides: {},
      network: {
        networkInterfaceId: eni.NetworkInterfaceId ?? '', subnetId: subnet.subnetId, vpcId: subnet.vpcId, subnetCidr: subnet.subnetCidr,
        vpcCidrBlocks: [subnet.vpcCidr], gatewayIp: subnet.gatewayIp, privateIpv4Address: eni.PrivateIpAddress ?? '',
        macAddress: eni.MacAddress ?? '', securityGroupIds: (eni.Groups ?? []).map((g) => g.GroupId ?? ''), assignPublicIp: true,
      },
    };
    await tx.put('ecs.task', SCOPE, { id: taskId, parent: CLUSTER_ARN, name: `${family}:1`, state: 'RUNNING', body: record });
  });
  return taskId;
}

/** StopTask's write: desiredStatus STOPPED with UserInitiated. */
export async function stopTask(store: Store, taskId: string): Promise<void> {
  await store.write(async (tx) => {
    const record = await tx.get('ecs.task', SCOPE, taskId);
    if (!record) throw new Error(`no task ${taskId}`);
    const task = { ...record.task, desiredStatus: 'STOPPED', stopCode: 'UserInitiated' as const, stoppedReason: 'Task stopped by user' };
    await tx.put('ecs.task', SCOPE, { id: taskId, parent: CLUSTER_ARN, name: `${record.taskDefinition.family ?? ''}:1`, state: 'STOPPED', body: { ...record, task } });
  });
}

/** Polls the record until `done` holds (bounded). */
export async function waitForTask(store: Store, taskId: string, done: (record: TaskRecord) => boolean, ms = 30_000): Promise<TaskRecord> {
  const deadline = Date.now() + ms;
  let last: TaskRecord | undefined;
  while (Date.now() < deadline) {
    last = await store.read((tx) => tx.get('ecs.task', SCOPE, taskId));
    if (last && done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`task ${taskId} did not get there in ${ms} ms; last: ${JSON.stringify(last?.task)}`);
}

/** true when `command args…` runs and exits 0. */
export function commandWorks(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether tini's static binary is there to be PID 1 (exit codes differ with and without it). */
export function tiniInstalled(): boolean {
  return commandWorks('test', ['-x', '/usr/bin/tini-static']);
}

/**
 * Why real tasks cannot run on this host, or undefined when they can. In CI a missing
 * prerequisite fails loudly (throws); elsewhere the reason is printed and the caller skips.
 */
export async function taskHostSkipReason(subject: string): Promise<string | undefined> {
  let reason: string | undefined;
  if (process.platform !== 'linux') reason = 'tasks need Linux';
  else if (process.getuid?.() !== 0) reason = 'tasks need root (namespaces, runc, overlay mounts)';
  else if (!commandWorks('runc', ['--version'])) reason = 'runc is not installed (apt-get install runc)';
  else if (!commandWorks('ip', ['netns', 'list'])) reason = 'iproute2 is not installed';
  else if (!commandWorks('setfattr', ['--version'])) reason = 'setfattr is not installed (apt-get install attr)';
  else if (!commandWorks('conmon', ['--version'])) reason = 'conmon is not installed (apt-get install conmon)';
  else if (!(await busyboxAvailable())) reason = 'busybox-static is not installed';
  if (reason && process.env['CI'] === 'true') throw new Error(`${subject} cannot run in CI: ${reason}`);
  if (reason) console.log(`# skipping ${subject}: ${reason}`);
  return reason;
}
