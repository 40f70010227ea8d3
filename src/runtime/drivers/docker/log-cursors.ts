// The acknowledged log cursor of each Docker container, kept in a small file per container under
// `<dataDir>/runtime/docker/cursors/` so that a restarted Berth resumes shipping after the last
// delivered line. Writes are throttled (a chatty container acknowledges thousands of lines a second):
// after a crash at most the last `throttleMs` of lines are shipped twice, never lost.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { comparePositions, parseCursor } from './log-stream.ts';

const DEFAULT_THROTTLE_MS = 1_000;

export class LogCursors {
  readonly #dir: string;
  readonly #throttleMs: number;
  /** Per container: the newest acknowledged cursor not yet written, and the timer that will write it. */
  readonly #pending = new Map<string, { cursor: string; timer: NodeJS.Timeout }>();
  /** Writes in flight per container, so a remove waits for them and a write never resurrects a removed file. */
  readonly #writing = new Map<string, Promise<void>>();
  readonly #removed = new Set<string>();

  constructor(dataDir: string, options: { throttleMs?: number } = {}) {
    this.#dir = join(dataDir, 'runtime', 'docker', 'cursors');
    this.#throttleMs = options.throttleMs ?? DEFAULT_THROTTLE_MS;
  }

  /** The last cursor written for the container, or undefined when none was. */
  async read(containerId: string): Promise<string | undefined> {
    const text = await readFile(this.#file(containerId), 'utf8').catch(() => undefined);
    return text !== undefined && parseCursor(text.trim()) ? text.trim() : undefined;
  }

  /** Records `cursor` as delivered; written within `throttleMs`. Older cursors than the pending one are ignored. */
  acknowledge(containerId: string, cursor: string): void {
    this.#file(containerId); // a name that is no file name throws here, not later in a timer
    const position = parseCursor(cursor);
    if (!position) return;
    this.#removed.delete(containerId);
    const pending = this.#pending.get(containerId);
    if (pending) {
      const current = parseCursor(pending.cursor);
      if (!current || comparePositions(position, current) > 0) pending.cursor = cursor;
      return;
    }
    const timer = setTimeout(() => this.#write(containerId), this.#throttleMs);
    // A pending write never keeps Berth alive; stop() flushes what is pending.
    timer.unref();
    this.#pending.set(containerId, { cursor, timer });
  }

  /** Writes what is pending for the container now. */
  async flush(containerId: string): Promise<void> {
    const pending = this.#pending.get(containerId);
    if (pending) {
      clearTimeout(pending.timer);
      this.#write(containerId);
    }
    await this.#writing.get(containerId);
  }

  /** Writes everything pending (server shutdown). */
  async flushAll(): Promise<void> {
    await Promise.all([...this.#pending.keys()].map((id) => this.flush(id)));
  }

  /** Forgets the container's cursor (it is removed). */
  async remove(containerId: string): Promise<void> {
    const pending = this.#pending.get(containerId);
    if (pending) clearTimeout(pending.timer);
    this.#pending.delete(containerId);
    this.#removed.add(containerId);
    await this.#writing.get(containerId);
    await rm(this.#file(containerId), { force: true });
  }

  /** Removes the cursor files of every container whose name starts with `prefix` (a task's leftovers). */
  async removeMatching(prefix: string): Promise<void> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    await Promise.all(names.filter((name) => name.startsWith(prefix) && !name.endsWith('.tmp')).map((name) => this.remove(name)));
    await Promise.all(names.filter((name) => name.startsWith(prefix) && name.endsWith('.tmp')).map((name) => rm(join(this.#dir, name), { force: true })));
  }

  #write(containerId: string): void {
    const pending = this.#pending.get(containerId);
    if (!pending) return;
    this.#pending.delete(containerId);
    const previous = this.#writing.get(containerId) ?? Promise.resolve();
    const write = previous.then(async () => {
      if (this.#removed.has(containerId)) return;
      await mkdir(this.#dir, { recursive: true });
      // Write beside, then rename: the file always holds a whole cursor, even after a crash mid-write.
      const tmp = `${this.#file(containerId)}.tmp`;
      await writeFile(tmp, pending.cursor);
      await rename(tmp, this.#file(containerId));
    }).catch(() => undefined).finally(() => {
      if (this.#writing.get(containerId) === write) this.#writing.delete(containerId);
    });
    this.#writing.set(containerId, write);
  }

  #file(containerId: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(containerId)) throw new RangeError(`not a container name: ${containerId}`);
    return join(this.#dir, containerId);
  }
}
