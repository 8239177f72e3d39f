import type { Redis } from 'ioredis';

/** Moves every entry of sorted set KEYS[1] into KEYS[2] (the higher score wins), which then lives ARGV[1] seconds. */
const MOVE_ENTRIES = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('ZUNIONSTORE', KEYS[2], 2, KEYS[2], KEYS[1], 'AGGREGATE', 'MAX')
  redis.call('DEL', KEYS[1])
  redis.call('EXPIRE', KEYS[2], ARGV[1])
end
`;

/**
 * Moves a sorted set's entries into another, in one step: whatever is added to `from` afterwards
 * stays there. Safe to repeat (a try Redis ran but never answered): a second move adds only what came since.
 */
export async function moveEntries(redis: Redis, from: string, to: string, ttlSeconds: number): Promise<void> {
  await redis.eval(MOVE_ENTRIES, 2, from, to, ttlSeconds);
}
