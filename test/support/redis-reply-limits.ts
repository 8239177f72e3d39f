import type { Redis } from 'ioredis';
import { RedisDeliveryLedger } from '../../src/adapters/redis/redis-delivery-ledger.js';
import { RedisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter.js';
import type { MessageJobDeps } from '../../src/jobs/handle-message-job.js';

/** A worker's Redis ledger (the start a reply claimed, what it posted) and rate limiter, on `prefix`. */
export function redisReplyLimits(connection: Redis, prefix: string): Pick<MessageJobDeps, 'ledger' | 'limiter'> {
  return { ledger: new RedisDeliveryLedger(connection, prefix), limiter: new RedisRateLimiter(connection, prefix) };
}
