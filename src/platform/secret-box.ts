// Seals secret values (Secrets Manager secrets, SSM SecureString parameters) before they reach the store: AES-256-GCM
// under a key kept in its own file, outside the database, so the database file alone never holds a value in clear.
// The key is made on first use (32 random bytes, mode 0600) and never rotates by itself.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const KEY_BYTES = 32;
/** GCM's recommended nonce size (NIST SP 800-38D §8.2). */
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Sealed values start with their format's name, so a later format can sit beside this one. */
const PREFIX = 'bsb1:';

/** A sealed value could not be opened: another key, or the bytes were changed. */
export class SealedValueError extends Error {
  override readonly name = 'SealedValueError';
  readonly code = 'BERTH_SEALED_VALUE';
}

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new RangeError(`a sealing key has ${KEY_BYTES} bytes, this one ${key.length}`);
    this.#key = key;
  }

  /** Reads the key at `keyFile`, making it (and its folder, mode 0700) first if there is none. */
  static async open(keyFile: string): Promise<SecretBox> {
    try {
      return new SecretBox(await readFile(keyFile));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
    const key = randomBytes(KEY_BYTES);
    // 'wx': two processes starting at once must not each write a key and seal under different ones.
    try {
      await writeFile(keyFile, key, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return new SecretBox(await readFile(keyFile));
      throw error;
    }
    await chmod(keyFile, 0o600);
    return new SecretBox(key);
  }

  /** The value sealed, as text fit for a JSON body. */
  seal(value: string | Buffer): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(typeof value === 'string' ? Buffer.from(value, 'utf8') : value), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** The bytes `seal` was given; throws SealedValueError when they cannot be recovered. */
  open(sealed: string): Buffer {
    if (!sealed.startsWith(PREFIX)) throw new SealedValueError('not a sealed value');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SealedValueError('a sealed value too short to hold one');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new SealedValueError('a sealed value does not open with this key (another key, or changed bytes)');
    }
  }

  openText(sealed: string): string {
    return this.open(sealed).toString('utf8');
  }
}
