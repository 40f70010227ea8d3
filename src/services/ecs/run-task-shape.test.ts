import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { mergeOverrides, taskSize } from './run-task-shape.ts';

const definition: TaskDefinition = {
  family: 'web', revision: 1, cpu: '256', memory: '512',
  containerDefinitions: [{ name: 'app', image: 'a' }, { name: 'log', image: 'b' }],
};

test('overrides list every container by name, in definition order, with what the caller gave', () => {
  const merged = mergeOverrides(definition, { containerOverrides: [{ name: 'log', command: ['x'] }], taskRoleArn: 'arn:aws:iam::1:role/r' });
  assert.deepEqual(merged, {
    containerOverrides: [{ name: 'app' }, { name: 'log', command: ['x'] }],
    taskRoleArn: 'arn:aws:iam::1:role/r',
    inferenceAcceleratorOverrides: [],
  });
  assert.deepEqual(mergeOverrides(definition, undefined).containerOverrides, [{ name: 'app' }, { name: 'log' }]);
});

test('an override for no container, or a task size Fargate lacks, is refused', () => {
  assert.throws(() => mergeOverrides(definition, { containerOverrides: [{ name: 'ghost' }] }), { name: 'InvalidParameterException' });
  assert.throws(() => mergeOverrides(definition, { cpu: '256', memory: '4096' }), { name: 'InvalidParameterException' });
});

test('task size: overrides win and "1 vCPU" / "2GB" forms are converted', () => {
  assert.deepEqual(taskSize(definition, {}), { cpu: '256', memory: '512' });
  assert.deepEqual(taskSize(definition, { cpu: '1 vCPU', memory: '2GB' }), { cpu: '1024', memory: '2048' });
});
