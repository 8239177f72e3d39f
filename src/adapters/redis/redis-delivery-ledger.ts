import type { Redis } from 'ioredis';
import { replyDigest } from '../../domain/reply-digest.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { DeliveryLedger, PostAttempt } from '../../ports/delivery-ledger.js';
import type { JobLock } from '../../ports/job-lock.js';
import { deleteOwnAttempt } from './delete-own-attempt.js';
import { feelbotKey } from './redis-connection.js';
import { setWhileHeld, type TimedWrite } from './set-while-held.js';

/** Longer than any job can stay queued or be retried. */
const ANSWERED_TTL_SECONDS = 7 * 24 * 3_600;
/**
 * As long: the job of a worker that died mid-post waits, stalled, for another worker, and a retry
 * may run after the workers were down for hours; either must still find the post. Gone sooner once
 * the messages are noted answered.
 */
const BEGUN_TTL_SECONDS = ANSWERED_TTL_SECONDS;
/** How long the previous release kept an attempt with its text: longer than a job's retries and rate-limit delays take. */
const TEXT_ATTEMPT_TTL_SECONDS = 60 * 60;

/** An attempt as the previous release notes and reads it: with the reply's text, for an hour. */
interface TextAttempt extends Omit<PostAttempt, 'digest'> {
  readonly content: string;
}

export class RedisDeliveryLedger implements DeliveryLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async find(messageIds: readonly string[]): Promise<string | undefined> {
    return this.first(messageIds.map((id) => this.key(id)));
  }

  async record(messageIds: readonly string[], replyId: string): Promise<void> {
    const batch = this.redis.multi();
    for (const id of messageIds) batch.set(this.key(id), replyId, 'EX', ANSWERED_TTL_SECONDS);
    // As long as an attempt: another job's retry may find this reply in the history, and must know it is not its own.
    batch.set(this.replyKey(replyId), JSON.stringify(messageIds), 'EX', BEGUN_TTL_SECONDS);
    // The answer is looked up before any attempt, so the attempt is no longer needed: its week in Redis is spared.
    if (messageIds.length > 0) batch.del(...this.attemptKeys(messageIds));
    await batch.exec();
  }

  async recordAttempt(messageIds: readonly string[], attempt: PostAttempt, content: string, whileHeld?: JobLock): Promise<void> {
    const writes = this.attemptWrites(messageIds, attempt, content);
    if (whileHeld) {
      if (await setWhileHeld(this.redis, whileHeld, writes)) return;
      throw new FeelbotError(ErrorCodes.JobLost, 'This run lost its job before noting its reply: nothing was noted, and nothing is sent.', { details: { messageIds } });
    }
    const batch = this.redis.multi();
    for (const { key, value, ttlSeconds } of writes) batch.set(key, value, 'EX', ttlSeconds);
    // Unnoted, a post its worker died sending would be sent again: better not to send it now.
    if ((await batch.exec()) === null) throw new FeelbotError(ErrorCodes.RedisUnavailable, `Redis aborted the transaction noting the reply to ${messageIds.length} messages.`);
  }

  /**
   * The latest attempt noted, this release's or the previous one's (for an hour), read at once:
   * during a rolling upgrade a worker of the previous release notes its attempt beside an older
   * note of this release's, which it never touches, and a retry must look for the later post.
   */
  async findAttempt(messageIds: readonly string[]): Promise<PostAttempt | undefined> {
    if (messageIds.length === 0) return undefined;
    const raw = await this.redis.mget(...messageIds.flatMap((id) => [this.notedKey(id), this.textAttemptKey(id)]));
    let latest: PostAttempt | undefined;
    raw.forEach((value, index) => {
      if (value === null) return;
      const attempt = index % 2 === 0 ? (JSON.parse(value) as PostAttempt) : fromText(value);
      if (latest === undefined || attempt.startedAt > latest.startedAt) latest = attempt;
    });
    return latest;
  }

  async findBegun(messageIds: readonly string[]): Promise<number | undefined> {
    const raw = await this.first(messageIds.map((id) => this.begunKey(id)));
    return raw === undefined ? undefined : Number(raw);
  }

  async answeredWith(replyId: string): Promise<readonly string[] | undefined> {
    const raw = await this.redis.get(this.replyKey(replyId));
    return raw === null ? undefined : (JSON.parse(raw) as string[]);
  }

  async forgetOwnAttempt(messageIds: readonly string[], attempt: PostAttempt): Promise<void> {
    if (messageIds.length === 0) return;
    await deleteOwnAttempt(this.redis, this.attemptKeys(messageIds), notedJson(attempt), attempt.startedAt);
  }

  private async first(keys: readonly string[]): Promise<string | undefined> {
    if (keys.length === 0) return undefined;
    return (await this.redis.mget(...keys)).find((value): value is string => value !== null);
  }

  /** The keys an attempt is noted under, with what each holds and for how long. */
  private attemptWrites(messageIds: readonly string[], attempt: PostAttempt, content: string): TimedWrite[] {
    const { persona, personaKey, startedAt } = attempt;
    // The digest and the persona's name, never the text: kept a week. The begun time stays a bare number, which the previous release reads.
    const noted = notedJson(attempt);
    // A worker of the previous release (120e196) still running during a rolling upgrade finds an
    // attempt only as it noted one, text and all, for an hour; without it, its retry of a post this
    // release sent and Discord answered 5xx would post the reply again. Written for it alone: drop
    // this write (and the reading of the key in findAttempt) in the release after next.
    const forPreviousRelease = JSON.stringify({ content, persona, personaKey, startedAt } satisfies TextAttempt);
    return messageIds.flatMap((id) => [
      { key: this.notedKey(id), value: noted, ttlSeconds: BEGUN_TTL_SECONDS },
      { key: this.begunKey(id), value: String(startedAt), ttlSeconds: BEGUN_TTL_SECONDS },
      { key: this.textAttemptKey(id), value: forPreviousRelease, ttlSeconds: TEXT_ATTEMPT_TTL_SECONDS },
    ]);
  }

  /** Every key an attempt at these messages is noted under, the previous release's too. */
  private attemptKeys(messageIds: readonly string[]): string[] {
    return messageIds.flatMap((id) => [this.notedKey(id), this.begunKey(id), this.textAttemptKey(id)]);
  }

  /** The attempt as this release notes it: a digest of the text, the persona, the time. */
  private notedKey(messageId: string): string {
    return feelbotKey(this.prefix, 'post-noted', messageId);
  }

  /** When the post was begun (epoch ms), a bare number, as the previous release notes and reads it too. */
  private begunKey(messageId: string): string {
    return feelbotKey(this.prefix, 'post-begun', messageId);
  }

  /** Where the previous release notes and reads the attempt with its text, for an hour. */
  private textAttemptKey(messageId: string): string {
    return feelbotKey(this.prefix, 'post-attempt', messageId);
  }

  private key(messageId: string): string {
    return feelbotKey(this.prefix, 'answered', messageId);
  }

  private replyKey(replyId: string): string {
    return feelbotKey(this.prefix, 'answers', replyId);
  }
}

/** The attempt as noted under post-noted, its fields in one order, so the run that noted it can tell its own note from another's. */
function notedJson({ digest, persona, personaKey, startedAt }: PostAttempt): string {
  return JSON.stringify({ digest, persona, personaKey, startedAt } satisfies PostAttempt);
}

/** An attempt the previous release noted, its text turned into the digest this release matches. */
function fromText(raw: string): PostAttempt {
  const { content, ...rest } = JSON.parse(raw) as TextAttempt;
  return { ...rest, digest: replyDigest(content) };
}
