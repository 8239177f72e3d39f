import type { Redis } from 'ioredis';
import type { DeliveryLedger, PostAttempt } from '../../ports/delivery-ledger.js';
import { feelbotKey } from './redis-connection.js';
import { setAllWithTtl } from './set-all.js';

/** Longer than any job can stay queued or be retried. */
const ANSWERED_TTL_SECONDS = 7 * 24 * 3_600;
/** Longer than a job's retries and rate-limit delays (10 minutes at most) take. */
const ATTEMPT_TTL_SECONDS = 60 * 60;

export class RedisDeliveryLedger implements DeliveryLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async find(messageIds: readonly string[]): Promise<string | undefined> {
    return this.first(messageIds.map((id) => this.key(id)));
  }

  async record(messageIds: readonly string[], replyId: string): Promise<void> {
    await setAllWithTtl(this.redis, messageIds.map((id) => this.key(id)), replyId, ANSWERED_TTL_SECONDS);
  }

  async recordAttempt(messageIds: readonly string[], attempt: PostAttempt): Promise<void> {
    await setAllWithTtl(this.redis, messageIds.map((id) => this.attemptKey(id)), JSON.stringify(attempt), ATTEMPT_TTL_SECONDS);
  }

  async findAttempt(messageIds: readonly string[]): Promise<PostAttempt | undefined> {
    const raw = await this.first(messageIds.map((id) => this.attemptKey(id)));
    return raw ? (JSON.parse(raw) as PostAttempt) : undefined;
  }

  private async first(keys: readonly string[]): Promise<string | undefined> {
    if (keys.length === 0) return undefined;
    return (await this.redis.mget(...keys)).find((value): value is string => value !== null);
  }

  private attemptKey(messageId: string): string {
    return feelbotKey(this.prefix, 'post-attempt', messageId);
  }

  private key(messageId: string): string {
    return feelbotKey(this.prefix, 'answered', messageId);
  }
}
