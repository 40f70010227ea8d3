// Runs work for one key at a time, in arrival order (one ECR layer upload's parts and completion):
// the check "does this part start where the upload stands?" and the append must not interleave.
// One instance per ECR service (made in createEcrService), never module-level.

export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `work` once every earlier `run` for `key` has settled; its result or error passes through. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(() => undefined, () => undefined);
    this.#tails.set(key, tail);
    try {
      return await result;
    } finally {
      // The last waiter for a key removes it, so finished uploads leave nothing behind.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
