// The containers-common profile narrowed to one container: by architecture and by capabilities.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seccompFor, type SeccompProfile } from './seccomp.ts';

const profile: SeccompProfile = {
  defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38,
  archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }, { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] }],
  syscalls: [
    { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
    { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } },
    { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_PTRACE'] } },
    { names: ['setns'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, excludes: { caps: ['CAP_SYS_ADMIN'] } },
    { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
  ],
};

test('rules follow the host architecture and the container\'s capabilities', () => {
  const plain = seccompFor(profile, ['CAP_CHOWN'], 'x64');
  assert.deepEqual(plain.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.deepEqual(plain.syscalls.map((s) => s.names[0]), ['read', 'arch_prctl', 'setns', 'personality']);
  assert.deepEqual(plain.syscalls[2], { names: ['setns'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 });
  assert.deepEqual(plain.syscalls[3]?.args, [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }]);
  assert.equal(plain.defaultErrnoRet, 38);
  const traced = seccompFor(profile, ['CAP_SYS_PTRACE', 'CAP_SYS_ADMIN'], 'arm64');
  assert.deepEqual(traced.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.deepEqual(traced.syscalls.map((s) => s.names[0]), ['read', 'ptrace', 'personality']);
});
