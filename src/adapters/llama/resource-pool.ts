/** Whose turn comes first: the bot's own work (`high`), or work no Discord user waits on (`low`, the HTTP API's). */
export type Priority = 'high' | 'low';

/**
 * Releases in a row that go to high-priority callers while a low-priority one waits, before the
 * longest-waiting low one gets the next: a steady stream of replies delays an API text by a few
 * completions, not forever, and costs a reply at most one completion in this many.
 */
export const HIGH_TURNS_WHILE_LOW_WAITS = 4;

/** What every priority's view of one pool shares. */
interface PoolState<T> {
  readonly idle: T[];
  readonly waiters: Record<Priority, Array<(item: T) => void>>;
  /** Releases in a row that went to a high-priority caller while a low-priority one waited. */
  highTurns: number;
}

/**
 * Hands out a fixed set of items (context sequences) one caller at a time; callers beyond the set
 * wait until one is released or their signal aborts. A released item goes to the longest-waiting
 * high-priority caller, and to the longest-waiting low-priority one when no high one waits or
 * after HIGH_TURNS_WHILE_LOW_WAITS releases in a row went to high ones while low ones waited, so
 * a low-priority caller waits longer, but never without end.
 */
export class ResourcePool<T> {
  private state: PoolState<T>;
  /** The priority `acquire` waits at on this view; `new ResourcePool` is the high one. */
  private priority: Priority = 'high';

  constructor(items: readonly T[]) {
    this.state = { idle: [...items], waiters: { high: [], low: [] }, highTurns: 0 };
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
    const next = this.nextWaiter();
    if (next === undefined) this.state.idle.push(item);
    else next(item);
  }

  /** Items free right now. */
  get available(): number {
    return this.state.idle.length;
  }

  private nextWaiter(): ((item: T) => void) | undefined {
    const { waiters } = this.state;
    const lowWaits = waiters.low.length > 0;
    if (waiters.high.length > 0 && !(lowWaits && this.state.highTurns >= HIGH_TURNS_WHILE_LOW_WAITS)) {
      this.state.highTurns = lowWaits ? this.state.highTurns + 1 : 0;
      return waiters.high.shift();
    }
    this.state.highTurns = 0;
    return waiters.low.shift();
  }
}
