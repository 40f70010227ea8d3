// Runs async operations one at a time per key (a VPC, a task) and in parallel across keys.

export class KeyedSerial {
  /** The tail of each key's queue; removed when the queue drains so the map does not grow with every task. */
  #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(operation, operation);
    const tail = result.then(() => undefined, () => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
