import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { Parser } from 'tar';
import { pauseProgram, readProgress, rootfsTar, SANDBOX_ARCHITECTURES } from './sandbox-image.ts';

test('the pause program is a static ELF64 executable for amd64 and arm64, and for nothing else', () => {
  assert.deepEqual(SANDBOX_ARCHITECTURES.sort(), ['amd64', 'arm64']);
  for (const [arch, machine] of [['amd64', 62], ['arm64', 183]] as const) {
    const elf = pauseProgram(arch);
    assert.ok(elf);
    assert.equal(elf.subarray(0, 4).toString('latin1'), '\x7fELF');
    assert.equal(elf.readUInt16LE(18), machine);
    // The entry point is the first byte after the two headers, inside the one loaded segment.
    assert.equal(elf.readBigUInt64LE(24), 0x400000n + 120n);
    assert.equal(elf.readBigUInt64LE(64 + 32), BigInt(elf.length));
  }
  assert.equal(pauseProgram('s390x'), undefined);
});

test('on an amd64 Linux host the program runs and waits until killed', { skip: !(process.platform === 'linux' && process.arch === 'x64') && 'needs an amd64 Linux host' }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bth-pause-'));
  try {
    const path = join(dir, 'pause');
    await writeFile(path, pauseProgram('amd64') ?? Buffer.alloc(0));
    await chmod(path, 0o755);
    const child = spawn(path, [], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await sleep(300);
    assert.equal(child.exitCode, null, 'still waiting');
    child.kill('SIGTERM');
    assert.equal(await exited, 'SIGTERM', 'a signal it does not handle ends it when it is not PID 1');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the rootfs tar holds the one executable file', async () => {
  const content = Buffer.from('#!/bin/true\n');
  const entries: { path: string; mode: number | undefined; size: number | undefined }[] = [];
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({ onReadEntry: (entry) => { entries.push({ path: entry.path, mode: entry.mode, size: entry.size }); entry.resume(); } });
    parser.on('end', resolve);
    parser.on('error', reject);
    parser.end(rootfsTar('/pause', content));
  });
  assert.deepEqual(entries, [{ path: 'pause', mode: 0o755, size: content.length }]);
});

test('a progress stream with an error object rejects with the engine\'s message', async () => {
  const ok = Readable.from([Buffer.from('{"status":"Pulling"}\n{"status":"Dig'), Buffer.from('est: sha256:1"}\n')]);
  await readProgress(ok, 'pull');
  const failed = Readable.from([Buffer.from('{"status":"Pulling"}\n{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}\n')]);
  await assert.rejects(readProgress(failed, 'pull of x'), { name: 'DockerEngineError', engineMessage: 'manifest unknown' });
});
