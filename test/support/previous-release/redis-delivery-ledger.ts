// Frozen: the previous release's delivery ledger, `git show 120e196:src/adapters/redis/redis-delivery-ledger.ts`,
// for the tests of a rolling upgrade (its workers still run beside the new ones for a while).
// Changed only where it must: the imports point at today's modules, its PostAttempt (then with the
// reply's text) is declared here, and it no longer claims today's DeliveryLedger port. Do not update
// it; delete it with the compatibility write in src/adapters/redis/redis-delivery-ledger.ts.
import type { Redis } from 'ioredis';
import type { Emotion } from '../../../src/domain/emotions.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { feelbotKey } from '../../../src/adapters/redis/redis-connection.js';
import { setAllWithTtl } from '../../../src/adapters/redis/set-all.js';

/** A reply as it was sent to Discord: its text, whose voice, and when (epoch ms). */
export interface PostAttempt {
  readonly content: string;
  /** The name it was posted under, which finding it in the history matches. */
  readonly persona: string;
  /** The persona that wrote it ('joy'), noted for the reply once found; absent in attempts an older version noted. */
  readonly personaKey?: Emotion;
  readonly startedAt: number;
}

/** Longer than any job can stay queued or be retried. */
const ANSWERED_TTL_SECONDS = 7 * 24 * 3_600;
/** As long: the job of a worker that died mid-post waits, stalled, for another worker, however long that takes. */
const BEGUN_TTL_SECONDS = ANSWERED_TTL_SECONDS;
/** Longer than a job's retries and rate-limit delays (10 minutes at most) take. */
const ATTEMPT_TTL_SECONDS = 60 * 60;

export class RedisDeliveryLedger {
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
