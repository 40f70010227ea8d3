// The image of the per-task sandbox container, which owns the task's network namespace as ECS's "pause"
// container does: a rootfs of one file, a program that only waits, built here and imported into the engine
// (`POST /images/create?fromSrc=-`) once. Berth cannot pull a pause image (it may have no network) and
// cannot count on a binary of the right architecture on the host (Docker Desktop runs its engine in a VM),
// so the program is written out as the few machine instructions it is.
import { createHash } from 'node:crypto';
import { Header } from 'tar';
import { DockerEngineError, type DockerEngine } from './engine-client.ts';

/** Where the program sits in the sandbox's rootfs, and what the image runs. */
export const PAUSE_PATH = '/pause';
const REPOSITORY = 'berth-sandbox';

// ELF constants (System V ABI, ELF-64 Object File Format 1.5): a 64-byte file header, then one 56-byte
// program header that loads the whole file read+execute at a fixed address; the code follows them.
const ELF_HEADER_BYTES = 64;
const PROGRAM_HEADER_BYTES = 56;
const LOAD_ADDRESS = 0x400000n;
const ET_EXEC = 2;
const PT_LOAD = 1;
const PF_R_X = 5;
/** Page alignment that suits 4 KiB and 64 KiB page kernels alike (offset 0 and the address are multiples). */
const SEGMENT_ALIGN = 0x10000n;

/**
 * The wait loop per GOARCH, each checked with `llvm-mc -disassemble`:
 * - amd64 (EM_X86_64 = 62): `mov eax, 34` (pause(2)); `syscall`; `jmp` back to the mov.
 * - arm64 (EM_AARCH64 = 183), which has no pause(2): `mov x0..x3, #0`; `mov x8, #73` (ppoll(NULL, 0, NULL,
 *   NULL): waits for a signal forever); `svc #0`; `b` back six instructions.
 * A signal the program does not handle either kills it (SIGKILL) or is ignored (PID 1 ignores the rest), and
 * the loop resumes the wait.
 */
const PROGRAMS: Record<string, { machine: number; code: Buffer }> = {
  amd64: { machine: 62, code: Buffer.from([0xb8, 0x22, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xeb, 0xf7]) },
  arm64: {
    machine: 183,
    code: littleEndianWords([0xd2800000, 0xd2800001, 0xd2800002, 0xd2800003, 0xd2800928, 0xd4000001, 0x17fffffa]),
  },
};

/** AArch64 instructions are 32-bit little-endian words. */
function littleEndianWords(words: number[]): Buffer {
  const out = Buffer.alloc(words.length * 4);
  words.forEach((word, i) => out.writeUInt32LE(word, i * 4));
  return out;
}

/** The architectures the sandbox program exists for (GOARCH names, as the engine reports its host's). */
export const SANDBOX_ARCHITECTURES = Object.keys(PROGRAMS);

/** A static ELF executable that waits forever, for `arch`; undefined for an architecture Berth has none for. */
export function pauseProgram(arch: string): Buffer | undefined {
  const program = PROGRAMS[arch];
  if (!program) return undefined;
  const headers = ELF_HEADER_BYTES + PROGRAM_HEADER_BYTES;
  const size = headers + program.code.length;
  const elf = Buffer.alloc(size);
  // e_ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT (the OS ABI byte stays 0, System V).
  elf.write('\x7fELF', 0, 'latin1');
  elf[4] = 2;
  elf[5] = 1;
  elf[6] = 1;
  elf.writeUInt16LE(ET_EXEC, 16);
  elf.writeUInt16LE(program.machine, 18);
  elf.writeUInt32LE(1, 20); // e_version
  elf.writeBigUInt64LE(LOAD_ADDRESS + BigInt(headers), 24); // e_entry: the first instruction
  elf.writeBigUInt64LE(BigInt(ELF_HEADER_BYTES), 32); // e_phoff
  elf.writeBigUInt64LE(0n, 40); // e_shoff: no section headers
  elf.writeUInt32LE(0, 48); // e_flags
  elf.writeUInt16LE(ELF_HEADER_BYTES, 52); // e_ehsize
  elf.writeUInt16LE(PROGRAM_HEADER_BYTES, 54); // e_phentsize
  elf.writeUInt16LE(1, 56); // e_phnum
  elf.writeUInt16LE(64, 58); // e_shentsize
  elf.writeUInt16LE(0, 60); // e_shnum
  elf.writeUInt16LE(0, 62); // e_shstrndx
  const ph = ELF_HEADER_BYTES;
  elf.writeUInt32LE(PT_LOAD, ph);
  elf.writeUInt32LE(PF_R_X, ph + 4);
  elf.writeBigUInt64LE(0n, ph + 8); // p_offset
  elf.writeBigUInt64LE(LOAD_ADDRESS, ph + 16); // p_vaddr
  elf.writeBigUInt64LE(LOAD_ADDRESS, ph + 24); // p_paddr
  elf.writeBigUInt64LE(BigInt(size), ph + 32); // p_filesz
  elf.writeBigUInt64LE(BigInt(size), ph + 40); // p_memsz
  elf.writeBigUInt64LE(SEGMENT_ALIGN, ph + 48); // p_align
  program.code.copy(elf, headers);
  return elf;
}

/** A tar of one executable file, as `fromSrc` imports it (a rootfs). */
export function rootfsTar(path: string, content: Buffer): Buffer {
  const header = new Header({ path: path.replace(/^\/+/, ''), mode: 0o755, size: content.length, mtime: new Date(0), type: 'File', uid: 0, gid: 0 });
  header.encode();
  if (!header.block) throw new Error('tar header was not encoded');
  // Entries are padded to 512-byte blocks; two zero blocks end the archive.
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header.block, content, padding, Buffer.alloc(1024)]);
}

/** Makes the sandbox image exist in the engine, once per engine and program. */
export class SandboxImage {
  readonly #engine: DockerEngine;
  #ready: Promise<string> | undefined;

  constructor(engine: DockerEngine) {
    this.#engine = engine;
  }

  /** The image reference to create sandboxes from; imports it when the engine lacks it. */
  reference(): Promise<string> {
    // A failed import is retried on the next call rather than remembered.
    this.#ready ??= this.#ensure().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #ensure(): Promise<string> {
    const program = pauseProgram(this.#engine.info.arch);
    if (!program) {
      throw new Error(`the Docker driver has no sandbox program for ${this.#engine.info.arch} engines (it has ${SANDBOX_ARCHITECTURES.join(', ')})`);
    }
    const tar = rootfsTar(PAUSE_PATH, program);
    // Named by content: another program (a new Berth) is another image, never a stale one.
    const reference = `${REPOSITORY}:${createHash('sha256').update(tar).digest('hex').slice(0, 16)}`;
    try {
      await this.#engine.json('GET', `/images/${reference}/json`);
      return reference;
    } catch (error) {
      if (!(error instanceof DockerEngineError && error.statusCode === 404)) throw error;
    }
    const [repo, tag] = reference.split(':');
    const response = await this.#engine.stream('POST', '/images/create', {
      query: { fromSrc: '-', repo, tag, changes: `CMD ["${PAUSE_PATH}"]` },
      body: tar,
      headers: { 'content-type': 'application/x-tar' },
      timeoutMs: 60_000,
    });
    await readProgress(response, `import of ${reference}`);
    return reference;
  }
}

/**
 * Reads a progress stream (pull, import) to its end. The engine answers 200 before it knows the outcome,
 * so a failure arrives as a `{"error": …}` object in the stream; rejects with its message.
 */
export async function readProgress(stream: AsyncIterable<unknown>, what: string): Promise<void> {
  let text = '';
  let failure: string | undefined;
  const take = (line: string): void => {
    if (line.trim() === '') return;
    try {
      const message = JSON.parse(line) as { error?: unknown; errorDetail?: { message?: unknown } };
      const error = message.errorDetail?.message ?? message.error;
      if (typeof error === 'string') failure ??= error;
    } catch {
      // Not JSON: progress text.
    }
  };
  for await (const chunk of stream) {
    text += (chunk as Buffer).toString('utf8');
    const lines = text.split('\n');
    text = lines.pop() ?? '';
    for (const line of lines) take(line);
  }
  take(text);
  if (failure !== undefined) throw new DockerEngineError(what, 0, failure);
}
