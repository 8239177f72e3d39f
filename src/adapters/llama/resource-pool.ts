/**
 * Hands out a fixed set of items (context sequences) one caller at a time; callers beyond
 * the set wait in arrival order until one is released or their signal aborts.
 */
export class ResourcePool<T> {
  private readonly idle: T[];
  private readonly waiters: Array<(item: T) => void> = [];

  constructor(items: readonly T[]) {
    this.idle = [...items];
  }

  acquire(signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const item = this.idle.pop();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(take);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      const take = (next: T): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(next);
      };
      this.waiters.push(take);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(item: T): void {
    const next = this.waiters.shift();
    if (next === undefined) this.idle.push(item);
    else next(item);
  }

  /** Items free right now. */
  get available(): number {
    return this.idle.length;
  }
}
