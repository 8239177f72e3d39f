/** Whose turn comes first: the bot's own work (`high`), or work no Discord user waits on (`low`, the HTTP API's). */
export type Priority = 'high' | 'low';

/** What every priority's view of one pool shares. */
interface PoolState<T> {
  readonly idle: T[];
  readonly waiters: Record<Priority, Array<(item: T) => void>>;
}

/**
 * Hands out a fixed set of items (context sequences) one caller at a time; callers beyond the set
 * wait until one is released or their signal aborts. A released item goes to the longest-waiting
 * high-priority caller, and only when none waits to the longest-waiting low-priority one, so
 * low-priority callers wait for as long as high-priority ones keep every item busy.
 */
export class ResourcePool<T> {
  private state: PoolState<T>;
  /** The priority `acquire` waits at on this view; `new ResourcePool` is the high one. */
  private priority: Priority = 'high';

  constructor(items: readonly T[]) {
    this.state = { idle: [...items], waiters: { high: [], low: [] } };
  }

  /**
   * This pool's items, acquired at `priority`: for code that is handed a pool to take an item from,
   * not a priority (completeWithGrammar). Items taken from either view are released to either.
   */
  withPriority(priority: Priority): ResourcePool<T> {
    const view = new ResourcePool<T>([]);
    view.state = this.state;
    view.priority = priority;
    return view;
  }

  acquire(signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const item = this.state.idle.pop();
    if (item !== undefined) return Promise.resolve(item);
    const waiters = this.state.waiters[this.priority];
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const index = waiters.indexOf(take);
        if (index >= 0) waiters.splice(index, 1);
        reject(signal?.reason);
      };
      const take = (next: T): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(next);
      };
      waiters.push(take);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(item: T): void {
    const next = this.state.waiters.high.shift() ?? this.state.waiters.low.shift();
    if (next === undefined) this.state.idle.push(item);
    else next(item);
  }

  /** Items free right now. */
  get available(): number {
    return this.state.idle.length;
  }
}
