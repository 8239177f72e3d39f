import type { Redis } from 'ioredis';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { DeliveryLedger, PostAttempt } from '../../ports/delivery-ledger.js';
import { feelbotKey } from './redis-connection.js';
import { setAllWithTtl } from './set-all.js';

/** Longer than any job can stay queued or be retried. */
const ANSWERED_TTL_SECONDS = 7 * 24 * 3_600;
/** As long: the job of a worker that died mid-post waits, stalled, for another worker, however long that takes. */
const BEGUN_TTL_SECONDS = ANSWERED_TTL_SECONDS;
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
    const batch = this.redis.multi();
    for (const id of messageIds) {
      batch.set(this.attemptKey(id), JSON.stringify(attempt), 'EX', ATTEMPT_TTL_SECONDS);
      batch.set(this.begunKey(id), String(attempt.startedAt), 'EX', BEGUN_TTL_SECONDS);
    }
    // Unnoted, a post its worker died sending would be sent again: better not to send it now.
    if ((await batch.exec()) === null) throw new FeelbotError(ErrorCodes.RedisUnavailable, `Redis aborted the transaction noting the reply to ${messageIds.length} messages.`);
  }

  async findAttempt(messageIds: readonly string[]): Promise<PostAttempt | undefined> {
    const raw = await this.first(messageIds.map((id) => this.attemptKey(id)));
    return raw ? (JSON.parse(raw) as PostAttempt) : undefined;
  }

  async findBegun(messageIds: readonly string[]): Promise<number | undefined> {
    const raw = await this.first(messageIds.map((id) => this.begunKey(id)));
    return raw === undefined ? undefined : Number(raw);
  }

  async forgetAttempt(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.redis.del(...messageIds.flatMap((id) => [this.attemptKey(id), this.begunKey(id)]));
  }

  private async first(keys: readonly string[]): Promise<string | undefined> {
    if (keys.length === 0) return undefined;
    return (await this.redis.mget(...keys)).find((value): value is string => value !== null);
  }

  private begunKey(messageId: string): string {
    return feelbotKey(this.prefix, 'post-begun', messageId);
  }

  private attemptKey(messageId: string): string {
    return feelbotKey(this.prefix, 'post-attempt', messageId);
  }

  private key(messageId: string): string {
    return feelbotKey(this.prefix, 'answered', messageId);
  }
}
