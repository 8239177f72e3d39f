import { setTimeout as sleep } from 'node:timers/promises';
import { isConnectionError } from '../adapters/redis/redis-connection-error.js';
import { ErrorCodes, FeelbotError } from '../errors.js';
import type { Logger } from '../ports/logger.js';

export interface RetryOptions {
  /** How long a message may wait for Redis to come back before it is given up. Defaults to 120 s. */
  readonly maxWaitMs?: number;
  /** First retry delay, doubled up to `maxDelayMs`. Defaults to 100 ms. */
  readonly initialDelayMs?: number;
  /** Defaults to 2 s. */
  readonly maxDelayMs?: number;
  /** Aborted at shutdown: the connection was closed on purpose and will not come back, so stop waiting. */
  readonly signal?: AbortSignal;
  /** Told at debug level of each try that found Redis down. Defaults to no logs. */
  readonly logger?: Logger;
}

const DEFAULTS = { maxWaitMs: 120_000, initialDelayMs: 100, maxDelayMs: 2_000 } as const satisfies Required<Omit<RetryOptions, 'signal' | 'logger'>>;

/**
 * The gateway's producer fails fast while Redis is down (no offline queue), so a message in hand
 * is retried here until Redis is back: a Redis restart delays replies but loses none.
 */
export async function retryWhileRedisDown<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const settings = { ...DEFAULTS, ...options };
  const deadline = Date.now() + settings.maxWaitMs;
  let delay = settings.initialDelayMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      if (options.signal?.aborted) {
        throw new FeelbotError(ErrorCodes.RedisUnavailable, 'Redis was unreachable when the process stopped.', { cause: error });
      }
      if (Date.now() + delay > deadline) {
        throw new FeelbotError(ErrorCodes.RedisUnavailable, `Redis stayed unreachable for ${settings.maxWaitMs} ms.`, { cause: error });
      }
      options.logger?.debug({ err: error, delayMs: delay }, 'redis down; retrying');
      // An abort cuts the pause short; the next failed try then gives up.
      await sleep(delay, undefined, { signal: options.signal }).catch(() => undefined);
      delay = Math.min(delay * 2, settings.maxDelayMs);
    }
  }
}
