import type { Redis } from 'ioredis';
import type { DeliveryLedger, PostAttempt } from '../../ports/delivery-ledger.js';
import { feelbotKey } from './redis-connection.js';

/** Longer than any job can stay queued or be retried. */
const ANSWERED_TTL_SECONDS = 7 * 24 * 3_600;
/** Longer than a job's retries and rate-limit delays (10 minutes at most) take. */
const ATTEMPT_TTL_SECONDS = 60 * 60;

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

  async recordAttempt(messageId: string, attempt: PostAttempt): Promise<void> {
    await this.redis.set(this.attemptKey(messageId), JSON.stringify(attempt), 'EX', ATTEMPT_TTL_SECONDS);
  }

  async findAttempt(messageId: string): Promise<PostAttempt | undefined> {
    const raw = await this.redis.get(this.attemptKey(messageId));
    return raw ? (JSON.parse(raw) as PostAttempt) : undefined;
  }

  private attemptKey(messageId: string): string {
    return feelbotKey(this.prefix, 'post-attempt', messageId);
  }

  private key(messageId: string): string {
    return feelbotKey(this.prefix, 'answered', messageId);
  }
}
