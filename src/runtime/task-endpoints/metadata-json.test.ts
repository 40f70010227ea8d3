import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fakeTaskRecord, FAKE_TASK_ID } from './fake-task.ts';
import { containerMetadata, taskMetadata } from './metadata-json.ts';

const started = new Date('2020-10-08T20:09:11.445Z');
const facts = { startedAt: new Map([['curl', started]]) };

describe('task metadata v4 JSON', () => {
  test('a container has exactly the members of AWS Fargate example, in its formats', () => {
    const json = containerMetadata(fakeTaskRecord(), 'curl', facts);
    assert.ok(json);
    assert.deepEqual(Object.keys(json), [
      'DockerId', 'Name', 'DockerName', 'Image', 'ImageID', 'Labels', 'DesiredStatus', 'KnownStatus', 'Limits', 'CreatedAt',
      'StartedAt', 'Type', 'LogDriver', 'LogOptions', 'ContainerARN', 'Networks', 'Health', 'Snapshotter',
    ]);
    assert.equal(json['DockerId'], `bth-${FAKE_TASK_ID}-0`);
    assert.equal(json['DockerName'], 'curl');
    assert.equal(json['ImageID'], 'sha256:25f3695bedfb454a50f12d127839a68ad3caf91e451c1da073db34c542c4d2cb');
    assert.deepEqual(json['Labels'], {
      team: 'web',
      'com.amazonaws.ecs.cluster': 'arn:aws:ecs:us-west-2:111122223333:cluster/default',
      'com.amazonaws.ecs.container-name': 'curl',
      'com.amazonaws.ecs.task-arn': `arn:aws:ecs:us-west-2:111122223333:task/default/${FAKE_TASK_ID}`,
      'com.amazonaws.ecs.task-definition-family': 'curltest',
      'com.amazonaws.ecs.task-definition-version': '2',
    });
    assert.equal(json['KnownStatus'], 'RUNNING');
    assert.deepEqual(json['Limits'], { CPU: 10, Memory: 128 });
    assert.equal(json['CreatedAt'], '2020-10-08T20:09:11.445Z');
    assert.equal(json['StartedAt'], '2020-10-08T20:09:11.445Z');
    assert.equal(json['Type'], 'NORMAL');
    assert.equal(json['LogDriver'], 'awslogs');
    // The stream prefix becomes the stream: prefix/container/task id.
    assert.deepEqual(json['LogOptions'], {
      'awslogs-create-group': 'true', 'awslogs-group': '/ecs/metadata', 'awslogs-region': 'us-west-2', 'awslogs-stream': `ecs/curl/${FAKE_TASK_ID}`,
    });
    assert.deepEqual(json['Networks'], [{
      NetworkMode: 'awsvpc', IPv4Addresses: ['10.84.1.23'], AttachmentIndex: 0, MACAddress: '0a:de:f6:10:51:e5',
      IPv4SubnetCIDRBlock: '10.84.1.0/24', DomainNameServers: ['10.84.0.2'], DomainNameSearchList: ['us-west-2.compute.internal'],
      PrivateDNSName: 'ip-10-84-1-23.us-west-2.compute.internal', SubnetGatewayIpv4Address: '10.84.1.1/24',
    }]);
    assert.deepEqual(json['Health'], { status: 'HEALTHY' });
    assert.equal(json['Snapshotter'], 'overlayfs');
  });

  test('a stopped container has its exit code, no health without a health check, no start time once gone', () => {
    const record = fakeTaskRecord();
    record.task.executionStoppedAt = new Date('2020-10-08T21:00:00Z');
    const json = containerMetadata(record, 'sidecar', facts);
    assert.ok(json);
    assert.equal(json['KnownStatus'], 'STOPPED');
    assert.equal(json['ExitCode'], 0);
    assert.equal(json['FinishedAt'], '2020-10-08T21:00:00Z');
    assert.deepEqual(json['Limits'], { CPU: 0 });
    assert.equal('Health' in json, false);
    assert.equal('StartedAt' in json, false);
    assert.equal('LogDriver' in json, false);
  });

  test('an unknown container has no JSON', () => {
    assert.equal(containerMetadata(fakeTaskRecord(), 'nope', facts), undefined);
  });

  test('the task has the Fargate members: vCPU limits, pull times, launch type, every container', () => {
    const json = taskMetadata(fakeTaskRecord(), { ...facts, utilizedDiskBytes: 208 * 1024 * 1024 });
    assert.deepEqual(Object.keys(json), [
      'Cluster', 'TaskARN', 'Family', 'Revision', 'DesiredStatus', 'KnownStatus', 'Limits', 'PullStartedAt', 'PullStoppedAt',
      'AvailabilityZone', 'LaunchType', 'Containers', 'EphemeralStorageMetrics',
    ]);
    assert.equal(json['Cluster'], 'arn:aws:ecs:us-west-2:111122223333:cluster/default');
    assert.equal(json['Revision'], '2');
    assert.deepEqual(json['Limits'], { CPU: 0.25, Memory: 512 });
    assert.equal(json['PullStartedAt'], '2020-10-08T20:09:01.123Z');
    assert.equal(json['PullStoppedAt'], '2020-10-08T20:09:10.5Z');
    assert.equal(json['LaunchType'], 'FARGATE');
    assert.equal((json['Containers'] as unknown[]).length, 2);
    assert.deepEqual(json['EphemeralStorageMetrics'], { Utilized: 208, Reserved: 20480 });
  });

  test('a service task names its service; a stopped one has ExecutionStoppedAt; no disk figure, no metric', () => {
    const record = fakeTaskRecord();
    record.service = {
      serviceArn: 'arn:aws:ecs:us-west-2:111122223333:service/default/MyService', serviceName: 'MyService',
      deploymentId: 'ecs-svc/1234567890123456789', loadBalancers: [], healthCheckGracePeriodSeconds: 0,
    };
    record.task.lastStatus = 'STOPPED';
    record.task.desiredStatus = 'STOPPED';
    record.task.executionStoppedAt = new Date('2020-10-08T21:00:00.250Z');
    const json = taskMetadata(record, facts);
    assert.equal(json['ServiceName'], 'MyService');
    assert.equal(json['KnownStatus'], 'STOPPED');
    assert.equal(json['DesiredStatus'], 'STOPPED');
    assert.equal(json['ExecutionStoppedAt'], '2020-10-08T21:00:00.25Z');
    assert.equal('EphemeralStorageMetrics' in json, false);
  });

  test('known statuses follow the lifecycle', () => {
    const record = fakeTaskRecord();
    const statuses = ['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED']
      .map((lastStatus) => taskMetadata({ ...record, task: { ...record.task, lastStatus } }, facts)['KnownStatus']);
    assert.deepEqual(statuses, ['NONE', 'NONE', 'CREATED', 'RUNNING', 'RUNNING', 'RUNNING', 'STOPPED', 'STOPPED']);
    const pending = { ...record, task: { ...record.task, containers: [{ ...record.task.containers?.[0], lastStatus: 'PENDING' }] } };
    assert.equal(containerMetadata(pending, 'curl', facts)?.['KnownStatus'], 'PULLED');
  });
});
