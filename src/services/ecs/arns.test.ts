// ECS ARNs: what Berth mints and which references name the caller's own resources.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestContext } from '../../aws/context.ts';
import { capacityProviderArn, capacityProviderNameOf, clusterArn, clusterNameOf, parseEcsArn, parseTaskReference, taskArn } from './arns.ts';

const ctx: RequestContext = {
  requestId: 'r',
  region: 'eu-west-1',
  now: new Date(0),
  principal: { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root', userId: '123456789012', accessKeyId: 'test', kind: 'root' },
};

test('cluster and capacity provider ARNs have AWS\'s form', () => {
  assert.equal(clusterArn(ctx, 'web'), 'arn:aws:ecs:eu-west-1:123456789012:cluster/web');
  assert.equal(capacityProviderArn(ctx, 'FARGATE'), 'arn:aws:ecs:eu-west-1:123456789012:capacity-provider/FARGATE');
  assert.equal(clusterArn({ ...ctx, region: 'cn-north-1' }, 'web'), 'arn:aws-cn:ecs:cn-north-1:123456789012:cluster/web');
});

test('parseEcsArn splits the resource type from an id that may hold more slashes', () => {
  assert.deepEqual(parseEcsArn('arn:aws:ecs:us-east-1:123456789012:service/prod/web'), {
    partition: 'aws', region: 'us-east-1', accountId: '123456789012', resourceType: 'service', resourceId: 'prod/web',
  });
  assert.equal(parseEcsArn('arn:aws:ecr:us-east-1:123456789012:repository/x'), undefined);
  assert.equal(parseEcsArn('web'), undefined);
});

test('a cluster reference names a cluster only in the caller\'s account and Region', () => {
  assert.equal(clusterNameOf('web', ctx), 'web');
  assert.equal(clusterNameOf('arn:aws:ecs:eu-west-1:123456789012:cluster/web', ctx), 'web');
  assert.equal(clusterNameOf('arn:aws:ecs:us-east-1:123456789012:cluster/web', ctx), undefined);
  assert.equal(clusterNameOf('arn:aws:ecs:eu-west-1:999999999999:cluster/web', ctx), undefined);
  assert.equal(clusterNameOf('arn:aws:ecs:eu-west-1:123456789012:service/web/x', ctx), undefined);
  assert.equal(capacityProviderNameOf('arn:aws:ecs:eu-west-1:123456789012:capacity-provider/FARGATE', ctx), 'FARGATE');
  assert.equal(capacityProviderNameOf('arn:aws:ecs:eu-west-1:123456789012:cluster/FARGATE', ctx), undefined);
});

test('task references: a bare id, the short and the long ARN; others name nothing', () => {
  const id = 'a'.repeat(32);
  assert.equal(taskArn(ctx, 'web', id), `arn:aws:ecs:eu-west-1:123456789012:task/web/${id}`);
  assert.deepEqual(parseTaskReference(id, ctx), { taskId: id });
  assert.deepEqual(parseTaskReference(taskArn(ctx, 'web', id), ctx), { clusterName: 'web', taskId: id });
  assert.deepEqual(parseTaskReference(`arn:aws:ecs:eu-west-1:123456789012:task/${id}`, ctx), { taskId: id });
  assert.equal(parseTaskReference(`arn:aws:ecs:us-east-1:123456789012:task/web/${id}`, ctx), undefined);
  assert.equal(parseTaskReference(clusterArn(ctx, 'web'), ctx), undefined);
  assert.equal(parseTaskReference('', ctx), undefined);
  assert.equal(parseTaskReference('a/b', ctx), undefined);
});
