import type { Redis } from 'ioredis';
import { feelbotKey } from '../redis/redis-connection.js';
import { withRedisLock, type HeldLock, type RedisLockOptions } from '../redis/redis-lock.js';

/** Runs `work` under the channel's one lock for every change to its webhooks on Discord. */
export function withChannelWebhookLock<T>(redis: Redis, prefix: string, channelId: string, work: (lock: HeldLock) => Promise<T>, options: RedisLockOptions): Promise<T> {
  return withRedisLock(redis, feelbotKey(prefix, 'webhook-lock', channelId), work, options);
}
