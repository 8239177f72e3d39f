import type { Redis } from 'ioredis';
import { markRedisData } from './redis-data-sentinel.js';

/**
 * One per process, made by the code that runs its start-up checks and given to its long-lived
 * logged connections (createRedis's `dataWatch`): what start-up found at Redis, so the process warns
 * once when Redis keeps no data across a restart (AOF off), and tells a Redis that came back without
 * its data once, not once per connection.
 */
export class RedisDataWatch {
  /** Redis's `appendonly`; undefined when it could not be asked (a managed Redis refusing CONFIG). */
  #appendOnly: boolean | undefined;
  #notPersistentTold = false;
  /** The data sentinel by prefix, as this process last saw it. */
  readonly #sentinels = new Map<string, string>();
  /** Checks of the sentinels one at a time: the first after a loss writes them anew, the next finds them kept. */
  #checking: Promise<unknown> = Promise.resolve();

  /** Redis's `appendonly`, as checkRedisReachable found it. */
  noteAppendOnly(appendOnly: boolean): void {
    this.#appendOnly = appendOnly;
  }

  /** The data sentinel claimQueuePrefix read or wrote under the prefix it claimed. */
  noteDataSentinel(prefix: string, value: string): void {
    this.#sentinels.set(prefix, value);
  }

  /** True once, when start-up found Redis running without AOF: the warning's turn. */
  takeNotPersistentNotice(): boolean {
    if (this.#appendOnly !== false || this.#notPersistentTold) return false;
    this.#notPersistentTold = true;
    return true;
  }

  /**
   * After a reconnect: the prefixes whose sentinel this process saw at start-up (or at the last
   * check) and Redis no longer holds, or holds written anew; each is written again, so the next
   * loss is seen too.
   */
  prefixesWithDataLost(redis: Redis): Promise<string[]> {
    const run = this.#checking.then(async () => {
      const now = new Map<string, string>();
      const lost: string[] = [];
      for (const [prefix, before] of new Map(this.#sentinels)) {
        const value = await markRedisData(redis, prefix);
        now.set(prefix, value);
        if (value !== before) lost.push(prefix);
      }
      // Only a check that ran to its end replaces them: one cut off midway leaves its loss to the next.
      for (const [prefix, value] of now) this.#sentinels.set(prefix, value);
      return lost;
    });
    this.#checking = run.catch(() => undefined);
    return run;
  }
}
