import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RequestContext } from '../../aws/context.ts';
import { spec } from '../../controllers/service-scheduler/test-fixtures.ts';
import { deploymentRecord } from './deployments.ts';
import type { ServiceRecord } from './service-records.ts';
import { parseServiceChildArn, revisionSource, serviceRevisionView } from './service-revisions.ts';

const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/prod/web';
const T0 = new Date('2025-03-01T10:00:00Z');
const T1 = new Date('2025-03-01T11:00:00Z');
const ctx = { region: 'us-east-1', principal: { accountId: '123456789012' } } as RequestContext;

function record(): ServiceRecord {
  const origin = deploymentRecord('ecs-svc/1000000000000000001', T0, spec('arn:aws:ecs:us-east-1:123456789012:task-definition/web:1'), 2, 'x');
  origin.history = { serviceDeploymentId: 'aaaaaaaaaaaaaaaaaaaaa', revisionId: '1000000000000000001', sourceRevisionIds: [] };
  const rollback = deploymentRecord('ecs-svc/1000000000000000003', T1, origin.spec, 2, 'y');
  rollback.history = { serviceDeploymentId: 'bbbbbbbbbbbbbbbbbbbbb', revisionId: '1000000000000000001', rollbackReason: 'y', sourceRevisionIds: [] };
  return {
    service: { serviceArn: SERVICE_ARN, clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod', serviceName: 'web' },
    status: 'ACTIVE', deployments: [rollback], pastDeployments: [origin], generation: 1, accountedTasks: [], startFailures: 0,
  };
}

describe('service revisions', () => {
  test('a revision shows the configuration its deployment launches tasks with, from the deployment that introduced it', () => {
    const r = record();
    const source = revisionSource(r, '1000000000000000001');
    assert.equal(source?.deployment.id, 'ecs-svc/1000000000000000001', 'the origin, not the rollback that runs it again');
    assert.equal(revisionSource(r, '1000000000000000009'), undefined);
    if (!source) return;
    const view = serviceRevisionView(r, '1000000000000000001', source, [{ containerName: 'web', image: 'nginx:1' }]);
    assert.deepEqual(view, {
      serviceRevisionArn: 'arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/1000000000000000001',
      serviceArn: SERVICE_ARN,
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
      taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      platformFamily: 'Linux',
      loadBalancers: [],
      serviceRegistries: [],
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: [], assignPublicIp: 'DISABLED' } },
      containerImages: [{ containerName: 'web', image: 'nginx:1' }],
      guardDutyEnabled: false,
      createdAt: T0,
    });
  });

  test('ARNs: only service-deployment / service-revision ARNs of the caller’s account and Region, with cluster, service and id', () => {
    assert.deepEqual(parseServiceChildArn('arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/123', 'service-revision', ctx),
      { clusterName: 'prod', serviceName: 'web', id: '123' });
    assert.equal(parseServiceChildArn('arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/123', 'service-deployment', ctx), undefined);
    assert.equal(parseServiceChildArn('arn:aws:ecs:us-west-2:123456789012:service-revision/prod/web/123', 'service-revision', ctx), undefined);
    assert.equal(parseServiceChildArn('arn:aws:ecs:us-east-1:210987654321:service-revision/prod/web/123', 'service-revision', ctx), undefined);
    assert.equal(parseServiceChildArn('arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web', 'service-revision', ctx), undefined);
    assert.equal(parseServiceChildArn('arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/1/2', 'service-revision', ctx), undefined);
    assert.equal(parseServiceChildArn('not-an-arn', 'service-revision', ctx), undefined);
  });
});
