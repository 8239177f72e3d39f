/**
 * Runs tasks one at a time per key, in the order they were handed in; tasks under different keys
 * run side by side. discord.js emits one author's messages in order, but an async handler lets a
 * later message overtake an earlier one at its first await, so the gateway runs each
 * (channel, author) pair through here; the settings store runs each guild's updates through here.
 */
export class SerialByKey {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Settles once every task handed in so far, and any handed in meanwhile, has settled. */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }

  /** Keys with a task queued or running; empty once every task has settled. */
  get busyKeys(): number {
    return this.tails.size;
  }
}
