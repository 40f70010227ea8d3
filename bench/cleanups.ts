// What the benchmark must undo (servers, containers, mounts, daemons, temporary directories), in
// the reverse order it was set up: on the normal path, on error, on Ctrl-C and on process exit.
export interface Cleanup {
  /** Says what is undone, for the progress line and the error list. */
  readonly what: string;
  /** The thorough way, awaited on the normal path, on error and on a signal. */
  undo(): Promise<void>;
  /** For process exit, where nothing can be awaited: the synchronous last resort (kill by PID, rm). */
  undoNow?(): void;
}

export class Cleanups {
  readonly #stack: Cleanup[] = [];
  readonly #failures: string[] = [];

  /** Registers `cleanup`; returns a function that runs it now (once) and unregisters it. */
  add(cleanup: Cleanup): () => Promise<void> {
    this.#stack.push(cleanup);
    return async () => {
      const at = this.#stack.indexOf(cleanup);
      if (at < 0) return;
      this.#stack.splice(at, 1);
      await this.#undo(cleanup);
    };
  }

  /** Undoes everything still registered, newest first; a failure is recorded and the rest still run. */
  async undoAll(): Promise<void> {
    while (this.#stack.length > 0) {
      const cleanup = this.#stack.pop() as Cleanup;
      await this.#undo(cleanup);
    }
  }

  /** The synchronous variant of undoAll for process exit. */
  undoAllNow(): void {
    while (this.#stack.length > 0) {
      const cleanup = this.#stack.pop() as Cleanup;
      try {
        cleanup.undoNow?.();
      } catch {
        // Nothing can be reported at exit; the next cleanup still runs.
      }
    }
  }

  /** Cleanups that threw, as "what: message". */
  failures(): string[] {
    return [...this.#failures];
  }

  async #undo(cleanup: Cleanup): Promise<void> {
    try {
      await cleanup.undo();
    } catch (error) {
      this.#failures.push(`${cleanup.what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
