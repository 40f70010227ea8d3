import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRuntimeSpec, FARGATE_NOFILE, INIT_MOUNT_POINT, mergeEnvironment, processArgs, type BundleInput } from './bundle-config.ts';
import { resolveUser } from './users.ts';

const base: BundleInput = {
  image: { Env: ['PATH=/bin', 'A=image'], Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo hi'], WorkingDir: '/app' },
  definition: {}, rootfs: '/r', user: { uid: 0, gid: 0, additionalGids: [] }, hostname: 'h',
  hostsFile: '/b/hosts', resolvConfFile: '/b/resolv.conf', cgroupsPath: '/bth/t/c',
};

test('argv follows Docker: entryPoint drops the image Cmd; overrides replace command', () => {
  assert.deepEqual(processArgs(base.image, {}), ['/bin/sh', '-c', 'echo hi']);
  assert.deepEqual(processArgs(base.image, { command: ['x'] }), ['/bin/sh', '-c', 'x']);
  assert.deepEqual(processArgs(base.image, { entryPoint: ['/bin/e'] }), ['/bin/e']);
  assert.deepEqual(processArgs(base.image, { command: ['x'] }, { command: ['y'] }), ['/bin/sh', '-c', 'y']);
  assert.throws(() => processArgs({}, {}), /no command/);
});

test('environment: image, then definition, then overrides', () => {
  assert.deepEqual(mergeEnvironment(['A=1', 'B=1'], [{ name: 'B', value: '2' }, { name: 'C', value: '2' }], [{ name: 'C', value: '3' }]),
    ['A=1', 'B=2', 'C=3']);
});

test('defaults: Fargate nofile, Docker capabilities, no new privileges, a new netns, bind-mounted hosts files', () => {
  const spec = buildRuntimeSpec(base);
  assert.deepEqual(spec.process.rlimits, [{ type: 'RLIMIT_NOFILE', ...FARGATE_NOFILE }]);
  assert.equal(spec.process.noNewPrivileges, true);
  assert.ok(spec.process.capabilities.bounding.includes('CAP_NET_BIND_SERVICE'));
  assert.ok(!spec.process.capabilities.bounding.includes('CAP_SYS_ADMIN'));
  assert.deepEqual(spec.linux.namespaces.find((n) => n.type === 'network'), { type: 'network' });
  assert.equal(spec.process.cwd, '/app');
  assert.equal(spec.root.readonly, false);
  assert.deepEqual(spec.mounts.find((m) => m.destination === '/etc/hosts')?.source, '/b/hosts');
  assert.deepEqual(spec.linux.resources, { devices: [{ allow: false, access: 'rwm' }] });
});

test('definition settings: limits, ulimits, read-only root, netns path, capabilities, init', () => {
  const spec = buildRuntimeSpec({
    ...base, netnsPath: '/run/netns/x', initPath: '/usr/bin/tini-static', user: { uid: 1000, gid: 1000, additionalGids: [5] },
    definition: {
      cpu: 1, memory: 64, memoryReservation: 32, readonlyRootFilesystem: true, workingDirectory: '/w',
      ulimits: [{ name: 'nofile', softLimit: 10, hardLimit: 20 }, { name: 'nproc', softLimit: 5, hardLimit: 6 }],
      linuxParameters: { initProcessEnabled: true, capabilities: { add: ['SYS_PTRACE'], drop: ['NET_RAW'] } },
    },
  });
  assert.deepEqual(spec.linux.resources.memory, { limit: 64 << 20, swap: 64 << 20, reservation: 32 << 20 });
  assert.deepEqual(spec.linux.resources.cpu, { shares: 2 });
  assert.deepEqual(spec.process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 20 }, { type: 'RLIMIT_NPROC', soft: 5, hard: 6 }]);
  assert.equal(spec.root.readonly, true);
  assert.equal(spec.process.cwd, '/w');
  assert.deepEqual(spec.process.user, { uid: 1000, gid: 1000, additionalGids: [5] });
  assert.deepEqual(spec.process.capabilities.effective, [], 'non-root gets no effective capabilities');
  assert.ok(spec.process.capabilities.bounding.includes('CAP_SYS_PTRACE'));
  assert.ok(!spec.process.capabilities.bounding.includes('CAP_NET_RAW'));
  assert.deepEqual(spec.linux.namespaces.find((n) => n.type === 'network'), { type: 'network', path: '/run/netns/x' });
  assert.deepEqual(spec.process.args.slice(0, 2), [INIT_MOUNT_POINT, '--']);
  assert.ok(spec.mounts.some((m) => m.destination === INIT_MOUNT_POINT && m.source === '/usr/bin/tini-static'));
  assert.throws(() => buildRuntimeSpec({ ...base, definition: { linuxParameters: { initProcessEnabled: true } } }), /init binary/);
});

test('users resolve by name, uid and uid:gid against passwd and group', () => {
  const passwd = 'root:x:0:0::/:/bin/sh\napp:x:1000:1001::/:/bin/sh\n';
  const group = 'root:x:0:\napp:x:1001:\nextra:x:2000:app\n';
  assert.deepEqual(resolveUser(undefined, passwd, group), { uid: 0, gid: 0, additionalGids: [] });
  assert.deepEqual(resolveUser('app', passwd, group), { uid: 1000, gid: 1001, additionalGids: [2000] });
  assert.deepEqual(resolveUser('1000', passwd, group), { uid: 1000, gid: 1001, additionalGids: [2000] });
  assert.deepEqual(resolveUser('4242', passwd, group), { uid: 4242, gid: 0, additionalGids: [] });
  assert.deepEqual(resolveUser('app:extra', passwd, group), { uid: 1000, gid: 2000, additionalGids: [] });
  assert.deepEqual(resolveUser('5:6', passwd, group), { uid: 5, gid: 6, additionalGids: [] });
  assert.throws(() => resolveUser('ghost', passwd, group), { name: 'UserNotFoundError' });
});
