// Follows a container's k8s-file log as conmon writes it and hands out one OutputLine per line.
// Format (CRI's, conmon ctr_logging.c): `<RFC3339Nano time> <stdout|stderr> <F|P> <text>\n`, where P
// marks a partial record of a longer line that continues in the next record. The cursor of a line is
// `<inode>:<byte offset after it>`; a tail started from a cursor resumes there when the file is the same
// one, and from the start when conmon has since truncated it (it renames a fresh file over the log).
import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { OutputLine } from '../driver.ts';

const READ_CHUNK = 64 * 1024;
/** A safety net under the directory watch (inotify can overflow): read at least this often. */
const POLL_MS = 1000;

interface Position {
  inode: number;
  offset: number;
}

export function parseCursor(cursor: string | undefined): Position | undefined {
  const match = /^(\d+):(\d+)$/.exec(cursor ?? '');
  return match?.[1] && match[2] ? { inode: Number(match[1]), offset: Number(match[2]) } : undefined;
}

/** One k8s-file record, or undefined for a line that is not one (never expected from conmon). */
export function parseRecord(record: string): { timestamp: Date; stream: 'stdout' | 'stderr'; partial: boolean; text: string } | undefined {
  const match = /^(\S+) (stdout|stderr) ([FP]) ?(.*)$/s.exec(record);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  const timestamp = new Date(match[1]);
  if (Number.isNaN(timestamp.getTime())) return undefined;
  return { timestamp, stream: match[2] as 'stdout' | 'stderr', partial: match[3] === 'P', text: match[4] ?? '' };
}

export class LogTail {
  readonly #path: string;
  readonly #onLine: (line: OutputLine) => void;
  #start: Position | undefined;
  #handle: FileHandle | undefined;
  #position: Position | undefined;
  /** Bytes read after the last complete record. */
  #rest = Buffer.alloc(0);
  #partial = '';
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reading: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(path: string, from: string | undefined, onLine: (line: OutputLine) => void) {
    this.#path = path;
    this.#start = parseCursor(from);
    this.#onLine = onLine;
  }

  /** Reads what is there and follows the file until close(). */
  follow(): void {
    try {
      this.#watcher = watch(dirname(this.#path), (_event, name) => {
        if (name === null || name === basename(this.#path)) this.#kick();
      });
      this.#watcher.on('error', () => undefined);
    } catch {
      // Without inotify the poll below still reads, only later.
    }
    this.#timer = setInterval(() => this.#kick(), POLL_MS);
    this.#timer.unref();
    this.#kick();
  }

  /** Reads everything written so far (call after the container exited, before reporting it). */
  async drain(): Promise<void> {
    await this.#idle();
    this.#kick();
    await this.#idle();
  }

  async #idle(): Promise<void> {
    while (this.#reading) await this.#reading;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#watcher?.close();
    if (this.#timer) clearInterval(this.#timer);
    await this.#idle();
    await this.#handle?.close();
    this.#handle = undefined;
  }

  #kick(): void {
    if (this.#closed) return;
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = this.#read().catch(() => undefined).finally(() => {
      this.#reading = undefined;
      if (this.#again) {
        this.#again = false;
        this.#kick();
      }
    });
  }

  async #read(): Promise<void> {
    const current = await stat(this.#path).catch(() => undefined);
    if (!this.#handle) {
      if (!current) return;
      this.#handle = await open(this.#path, 'r');
      const inode = (await this.#handle.stat()).ino;
      const offset = this.#start?.inode === inode ? this.#start.offset : 0;
      this.#position = { inode, offset };
      this.#start = undefined;
    }
    await this.#readToEnd();
    // conmon truncated: the old file is fully read (its handle stays valid after the rename); go on with the new one.
    if (current && this.#position && current.ino !== this.#position.inode) {
      await this.#handle.close();
      this.#handle = undefined;
      this.#rest = Buffer.alloc(0);
      await this.#read();
    }
  }

  async #readToEnd(): Promise<void> {
    const handle = this.#handle;
    const position = this.#position;
    if (!handle || !position) return;
    const buffer = Buffer.alloc(READ_CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, position.offset + this.#rest.length);
      if (bytesRead === 0) return;
      this.#consume(Buffer.concat([this.#rest, buffer.subarray(0, bytesRead)]), position);
    }
  }

  /** Emits every complete record of `data` (which starts at position.offset) and keeps the rest. */
  #consume(data: Buffer, position: Position): void {
    // `data` starts where the last whole line ended, so partial records are collected afresh each time.
    this.#partial = '';
    let start = 0;
    for (let newline = data.indexOf(10); newline >= 0; newline = data.indexOf(10, start)) {
      const record = parseRecord(data.subarray(start, newline).toString('utf8'));
      start = newline + 1;
      if (!record) continue;
      if (record.partial) {
        this.#partial += record.text;
        continue;
      }
      const text = this.#partial + record.text;
      this.#partial = '';
      position.offset += start;
      data = data.subarray(start);
      start = 0;
      this.#onLine({ stream: record.stream, text, timestamp: record.timestamp, cursor: `${position.inode}:${position.offset}` });
    }
    this.#rest = Buffer.from(data);
  }
}
