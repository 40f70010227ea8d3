// A task record as RunTask and the task runner leave it (run-task-shape.ts, host-work.ts), for the task
// endpoints' unit tests: two containers, the first running with awslogs and a health check.
import type { TaskRecord } from '../../services/ecs/task-records.ts';

export const FAKE_TASK_ID = 'cd189a933e5849daa93386466019ab50';

export function fakeTaskRecord(options: { privateIp?: string; taskId?: string } = {}): TaskRecord {
  const taskId = options.taskId ?? FAKE_TASK_ID;
  const privateIp = options.privateIp ?? '10.84.1.23';
  const taskArn = `arn:aws:ecs:us-west-2:111122223333:task/default/${taskId}`;
  const clusterArn = 'arn:aws:ecs:us-west-2:111122223333:cluster/default';
  return {
    task: {
      taskArn, clusterArn, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', launchType: 'FARGATE', cpu: '256', memory: '512',
      availabilityZone: 'us-west-2a', createdAt: new Date('2020-10-08T20:09:00.000Z'),
      pullStartedAt: new Date('2020-10-08T20:09:01.123Z'), pullStoppedAt: new Date('2020-10-08T20:09:10.500Z'),
      taskDefinitionArn: 'arn:aws:ecs:us-west-2:111122223333:task-definition/curltest:2',
      ephemeralStorage: { sizeInGiB: 20 },
      containers: [
        {
          name: 'curl', image: '111122223333.dkr.ecr.us-west-2.amazonaws.com/curltest:latest', lastStatus: 'RUNNING', taskArn,
          containerArn: `arn:aws:ecs:us-west-2:111122223333:container/default/${taskId}/7095f5f9-6a0a-425c-bcd0-ed8bdea0c802`,
          runtimeId: `bth-${taskId}-0`, imageDigest: 'sha256:25f3695bedfb454a50f12d127839a68ad3caf91e451c1da073db34c542c4d2cb',
          cpu: '10', memory: '128', healthStatus: 'HEALTHY',
          networkInterfaces: [{ attachmentId: 'a1b2', privateIpv4Address: privateIp }],
        },
        {
          name: 'sidecar', image: 'busybox:latest', lastStatus: 'STOPPED', taskArn, exitCode: 0, cpu: '0',
          containerArn: `arn:aws:ecs:us-west-2:111122223333:container/default/${taskId}/1c0e7d66-3e0a-4a2b-9f4e-6f0d1f2a3b4c`,
          runtimeId: `bth-${taskId}-1`, healthStatus: 'UNKNOWN',
          networkInterfaces: [{ attachmentId: 'a1b2', privateIpv4Address: privateIp }],
        },
      ],
      attachments: [{
        id: 'a1b2', type: 'ElasticNetworkInterface', status: 'ATTACHED',
        details: [
          { name: 'subnetId', value: 'subnet-0123456789abcdef0' },
          { name: 'networkInterfaceId', value: 'eni-0123456789abcdef0' },
          { name: 'macAddress', value: '0a:de:f6:10:51:e5' },
          { name: 'privateDnsName', value: `ip-${privateIp.replaceAll('.', '-')}.us-west-2.compute.internal` },
          { name: 'privateIPv4Address', value: privateIp },
        ],
      }],
    },
    taskDefinition: {
      family: 'curltest', revision: 2, cpu: '256', memory: '512', networkMode: 'awsvpc',
      containerDefinitions: [
        {
          name: 'curl', image: '111122223333.dkr.ecr.us-west-2.amazonaws.com/curltest:latest', cpu: 10, memory: 128,
          dockerLabels: { team: 'web' },
          healthCheck: { command: ['CMD-SHELL', 'true'] },
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-create-group': 'true', 'awslogs-group': '/ecs/metadata', 'awslogs-region': 'us-west-2', 'awslogs-stream-prefix': 'ecs' },
          },
        },
        { name: 'sidecar', image: 'busybox:latest', essential: false },
      ],
    },
    overrides: {},
    network: {
      networkInterfaceId: 'eni-0123456789abcdef0', subnetId: 'subnet-0123456789abcdef0', vpcId: 'vpc-0123456789abcdef0',
      subnetCidr: '10.84.1.0/24', vpcCidrBlocks: ['10.84.0.0/16'], gatewayIp: '10.84.1.1', privateIpv4Address: privateIp,
      macAddress: '0a:de:f6:10:51:e5', securityGroupIds: ['sg-0123456789abcdef0'], assignPublicIp: false,
    },
  };
}
