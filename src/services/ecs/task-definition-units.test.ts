// Task cpu/memory strings ("1 vCPU", "2GB") → CPU units and MiB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { parseTaskCpu, parseTaskMemory, taskCpuUnits, taskMemoryMiB } from './task-definition-units.ts';

void test('cpu in units or vCPUs', () => {
  assert.equal(parseTaskCpu('256'), 256);
  assert.equal(parseTaskCpu('1 vCPU'), 1024);
  assert.equal(parseTaskCpu('1 vcpu'), 1024);
  assert.equal(parseTaskCpu('0.5 vCPU'), 512);
  assert.equal(parseTaskCpu('0.25vCPU'), 256);
  assert.equal(parseTaskCpu('16 vCPU'), 16384);
  assert.equal(parseTaskCpu('two'), undefined);
  assert.equal(parseTaskCpu('1.5'), undefined, 'units are whole numbers');
  assert.equal(parseTaskCpu(''), undefined);
});

void test('memory in MiB or GB', () => {
  assert.equal(parseTaskMemory('512'), 512);
  assert.equal(parseTaskMemory('1 GB'), 1024);
  assert.equal(parseTaskMemory('2GB'), 2048);
  assert.equal(parseTaskMemory('0.5GB'), 512);
  assert.equal(parseTaskMemory('120 gb'), 122880);
  assert.equal(parseTaskMemory('1 TB'), undefined);
  assert.equal(parseTaskMemory('-1'), undefined);
});

void test('whole GB and vCPU values convert by 1024 (property)', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 192 }), (n) =>
    parseTaskCpu(`${n} vCPU`) === n * 1024 && parseTaskMemory(`${n}GB`) === n * 1024 && parseTaskMemory(`${n} GB`) === n * 1024));
});

void test('unusable task values are ClientException', () => {
  assert.equal(taskCpuUnits(undefined), undefined);
  assert.equal(taskMemoryMiB(undefined), undefined);
  assert.throws(() => taskCpuUnits('lots'), { code: 'ClientException', message: "Invalid 'cpu' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide." });
  assert.throws(() => taskCpuUnits('0'), { code: 'ClientException' });
  assert.throws(() => taskMemoryMiB('lots'), { code: 'ClientException', message: /Invalid 'memory' setting for task/ });
});
