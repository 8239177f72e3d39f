import type { Redis } from 'ioredis';
import type { DeliveryLedger } from '../../ports/delivery-ledger.js';
import { feelbotKey } from './redis-connection.js';

/** Longer than any job can stay queued or be retried. */
const ANSWERED_TTL_SECONDS = 7 * 24 * 3_600;

export class RedisDeliveryLedger implements DeliveryLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async find(messageId: string): Promise<string | undefined> {
    return (await this.redis.get(this.key(messageId))) ?? undefined;
  }

  async record(messageId: string, replyId: string): Promise<void> {
    await this.redis.set(this.key(messageId), replyId, 'EX', ANSWERED_TTL_SECONDS);
  }

  private key(messageId: string): string {
    return feelbotKey(this.prefix, 'answered', messageId);
  }
}
