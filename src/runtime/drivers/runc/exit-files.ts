// The exit statuses conmon writes, one file per container in one directory (`--exit-dir`), read as
// they appear: a directory watch for promptness and a slow poll as a safety net, which also notices
// a monitor that died without writing one (killed by hand, OOM-killed itself).
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const POLL_MS = 1000;

/** A container's end as its monitor reported it, or why no status will ever come. */
export type ExitReport = { status: number } | { lost: string };

interface Waiter {
  /** Undefined while the monitor is alive; the reason when it is gone without an exit file. */
  lost: () => Promise<string | undefined>;
  resolve: (report: ExitReport) => void;
  checking: boolean;
  /** An event came while a check ran: check once more after it. */
  again: boolean;
}

export class ExitFiles {
  readonly #dir: string;
  readonly #waiters = new Map<string, Waiter>();
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(dir: string) {
    this.#dir = dir;
  }

  pathOf(containerId: string): string {
    return join(this.#dir, containerId);
  }

  /** The status in the container's exit file, or undefined while there is none (or it is half written). */
  async read(containerId: string): Promise<number | undefined> {
    const text = await readFile(this.pathOf(containerId), 'utf8').catch(() => '');
    return /^-?\d+\s*$/.test(text) ? Number(text.trim()) : undefined;
  }

  /** Resolves once the container's exit file holds a status, or once `lost` says the monitor is gone. */
  wait(containerId: string, lost: () => Promise<string | undefined>): Promise<ExitReport> {
    return new Promise((resolve) => {
      this.#waiters.set(containerId, { lost, resolve, checking: false, again: false });
      this.#ensureWatching();
      void this.#check(containerId);
    });
  }

  /** Stops waiting for the container (its waiter never settles); the watch ends with the last waiter. */
  forget(containerId: string): void {
    this.#waiters.delete(containerId);
    if (this.#waiters.size === 0) this.#stopWatching();
  }

  #ensureWatching(): void {
    if (!this.#watcher) {
      try {
        this.#watcher = watch(this.#dir, (_event, name) => {
          if (name !== null) void this.#check(name);
        });
        this.#watcher.on('error', () => undefined);
      } catch {
        // The poll alone still finds every exit.
      }
    }
    if (!this.#timer) {
      this.#timer = setInterval(() => {
        for (const id of this.#waiters.keys()) void this.#check(id, true);
      }, POLL_MS);
    }
  }

  async #check(containerId: string, askLost = false): Promise<void> {
    const waiter = this.#waiters.get(containerId);
    if (!waiter) return;
    if (waiter.checking) {
      waiter.again = true;
      return;
    }
    waiter.checking = true;
    try {
      let report: ExitReport | undefined;
      const status = await this.read(containerId);
      if (status !== undefined) report = { status };
      else if (askLost) {
        const reason = await waiter.lost();
        // The monitor may have written the file just before it went.
        const late = await this.read(containerId);
        if (late !== undefined) report = { status: late };
        else if (reason !== undefined) report = { lost: reason };
      }
      if (report) {
        this.#waiters.delete(containerId);
        waiter.resolve(report);
        if (this.#waiters.size === 0) this.#stopWatching();
      }
    } finally {
      waiter.checking = false;
    }
    if (waiter.again && this.#waiters.get(containerId) === waiter) {
      waiter.again = false;
      await this.#check(containerId, askLost);
    }
  }

  #stopWatching(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
