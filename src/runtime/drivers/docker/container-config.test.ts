import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PulledImage } from '../../images/image-store.ts';
import type { ImageRunDefaults } from '../../images/oci.ts';
import { DEFAULT_CAPABILITIES, type ContainerDefinitionInput, type ContainerOverrideInput } from '../runc/bundle-config.ts';
import { containerCreateBody, effectiveCapabilities, type CreateBodyInput } from './container-config.ts';

function image(config: ImageRunDefaults): PulledImage {
  return {
    manifestDigest: 'sha256:1', layerDirs: [], engineReference: '127.0.0.1:4566/app@sha256:1',
    config: { architecture: 'amd64', os: 'linux', config, rootfs: { type: 'layers', diff_ids: [] } },
  };
}

function body(definition: ContainerDefinitionInput, config: ImageRunDefaults = { Cmd: ['serve'] }, extra: Partial<CreateBodyInput> & { overrides?: ContainerOverrideInput } = {}) {
  const { overrides, ...rest } = extra;
  return containerCreateBody({
    launch: { taskId: 't1', containerId: 'bth-t1-0', image: image(config), definition, ...(overrides ? { overrides } : {}) },
    networkMode: 'container:sandbox', ...rest,
  });
}

test('the process is the whole argv with Docker\'s rules, as the Entrypoint, with Cmd empty', () => {
  assert.deepEqual([body({}, { Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo hi'] }).Entrypoint], [['/bin/sh', '-c', 'echo hi']]);
  // A definition entryPoint drops the image's Cmd; a command (the override first) replaces it.
  assert.deepEqual(body({ entryPoint: ['/app'] }, { Entrypoint: ['/bin/sh'], Cmd: ['x'] }).Entrypoint, ['/app']);
  assert.deepEqual(body({ command: ['a'] }, { Entrypoint: ['/e'], Cmd: ['x'] }, { overrides: { command: ['b'] } }).Entrypoint, ['/e', 'b']);
  assert.deepEqual(body({}).Cmd, []);
  assert.throws(() => body({}, {}), /container has no command/);
});

test('environment: image, then definition, then overrides; working directory and user from the definition first', () => {
  const b = body({ environment: [{ name: 'B', value: 'def' }, { name: 'C', value: 'def' }], workingDirectory: '/w', user: '1000:1000' },
    { Cmd: ['x'], Env: ['A=img', 'B=img'], WorkingDir: '/img', User: 'app' }, { overrides: { environment: [{ name: 'C', value: 'ovr' }] } });
  assert.deepEqual(b.Env, ['A=img', 'B=def', 'C=ovr']);
  assert.equal(b.WorkingDir, '/w');
  assert.equal(b.User, '1000:1000');
  const plain = body({}, { Cmd: ['x'], WorkingDir: '', User: 'app' });
  assert.equal(plain.WorkingDir, '/');
  assert.equal(plain.User, 'app');
});

test('capabilities: the default set exactly (drop ALL, add the list); drop and add as the runc bundle does them', () => {
  assert.deepEqual(body({}).HostConfig.CapDrop, ['ALL']);
  assert.deepEqual(body({}).HostConfig.CapAdd, DEFAULT_CAPABILITIES);
  const caps = effectiveCapabilities({ linuxParameters: { capabilities: { add: ['SYS_PTRACE'], drop: ['NET_RAW', 'CAP_KILL'] } } });
  assert.ok(caps.includes('CAP_SYS_PTRACE'));
  assert.ok(!caps.includes('CAP_NET_RAW') && !caps.includes('CAP_KILL'));
  assert.deepEqual(effectiveCapabilities({ linuxParameters: { capabilities: { drop: ['ALL'], add: ['net_bind_service'] } } }), ['CAP_NET_BIND_SERVICE']);
});

test('ulimits: Fargate\'s nofile 1024/4096 unless the definition sets it; other names added', () => {
  assert.deepEqual(body({}).HostConfig.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 4096 }]);
  assert.deepEqual(body({ ulimits: [{ name: 'nofile', softLimit: 10, hardLimit: 20 }, { name: 'NPROC', softLimit: 5, hardLimit: 6 }] }).HostConfig.Ulimits,
    [{ Name: 'nofile', Soft: 10, Hard: 20 }, { Name: 'nproc', Soft: 5, Hard: 6 }]);
});

test('limits: container memory (no swap), reservation and cpu shares; the envelope as cgroup parent', () => {
  const h = body({ memory: 64, memoryReservation: 32, cpu: 1 }, undefined, { cgroupParent: '/bth-docker/t1' }).HostConfig;
  assert.equal(h.Memory, 64 * 1024 * 1024);
  assert.equal(h.MemorySwap, 64 * 1024 * 1024);
  assert.equal(h.MemoryReservation, 32 * 1024 * 1024);
  assert.equal(h.CpuShares, 2, 'raised to the kernel minimum');
  assert.equal(h.CgroupParent, '/bth-docker/t1');
  assert.equal(h.NanoCpus, undefined);
});

test('without an envelope the task\'s limits cap each container: memory when it has none, cpu always', () => {
  const own = body({ memory: 64 }, undefined, { perContainerTaskLimits: { cpu: 512, memory: 1024 } }).HostConfig;
  assert.equal(own.Memory, 64 * 1024 * 1024);
  assert.equal(own.NanoCpus, 500_000_000);
  const none = body({}, undefined, { perContainerTaskLimits: { memory: 1024 } }).HostConfig;
  assert.equal(none.Memory, 1024 * 1024 * 1024);
  assert.equal(none.CgroupParent, undefined);
});

test('init, read-only rootfs, no new privileges, labels, the network to share, the local log driver', () => {
  const b = body({ readonlyRootFilesystem: true, linuxParameters: { initProcessEnabled: true } });
  assert.equal(b.HostConfig.Init, true);
  assert.equal(b.HostConfig.ReadonlyRootfs, true);
  assert.deepEqual(b.HostConfig.SecurityOpt, ['no-new-privileges']);
  assert.equal(b.HostConfig.NetworkMode, 'container:sandbox');
  assert.deepEqual(b.Labels, { 'berth.task': 't1', 'berth.container': 'bth-t1-0', 'berth.role': 'container' });
  assert.equal(b.HostConfig.LogConfig.Type, 'local');
  assert.equal(b.Hostname, undefined, 'a container sharing a network takes its hostname');
  assert.equal(body({}, undefined, { networkMode: 'none', ownHostname: 'h' }).Hostname, 'h');
});
