import type { Redis } from 'ioredis';

/** Keys SCAN looks at per call: a hint that keeps each call short however many keys Redis holds. */
const SCAN_COUNT = 1_000;

/**
 * Every key that starts with `head`, a batch per SCAN call (a batch may be empty); `head` is
 * matched literally, glob characters in a prefix included. Keys written meanwhile may be missed.
 * Once `signal` is aborted no further SCAN is sent, and the listing ends where it is.
 */
export async function* scanKeys(redis: Redis, head: string, signal?: AbortSignal): AsyncIterable<readonly string[]> {
  const match = `${head.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  do {
    if (signal?.aborted) return;
    const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
    cursor = next;
    yield keys;
  } while (cursor !== '0');
}
