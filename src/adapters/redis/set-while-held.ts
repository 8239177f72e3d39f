import type { Redis } from 'ioredis';
import type { JobLock } from '../../ports/job-lock.js';
import { IF_HELD } from './redis-lock.js';

/** One key to set, and for how long. */
export interface TimedWrite {
  readonly key: string;
  readonly value: string;
  readonly ttlSeconds: number;
}

/** KEYS[1] the lock, ARGV[1] its holder's token; then each further key with its value and TTL (ARGV in pairs). */
const SET_WHILE_HELD = `${IF_HELD}for i = 2, #KEYS do
  redis.call('SET', KEYS[i], ARGV[2 * i - 2], 'EX', ARGV[2 * i - 1])
end
return 1
`;

/**
 * Sets every key in one step, only while `lock` still holds its run's token: false, with nothing
 * set, once it does not. A write that waited out a network split lands after the lock lapsed (and
 * another worker took the job) only to be refused.
 */
export async function setWhileHeld(redis: Redis, lock: JobLock, writes: readonly TimedWrite[]): Promise<boolean> {
  const keys = writes.map((write) => write.key);
  const values = writes.flatMap((write) => [write.value, String(write.ttlSeconds)]);
  return (await redis.eval(SET_WHILE_HELD, 1 + keys.length, lock.key, ...keys, lock.token, ...values)) === 1;
}
