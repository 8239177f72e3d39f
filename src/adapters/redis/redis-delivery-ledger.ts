import type { Redis } from 'ioredis';
import { replyDigest } from '../../domain/reply-digest.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { DeliveryLedger, PostAttempt } from '../../ports/delivery-ledger.js';
import { feelbotKey } from './redis-connection.js';

/** Longer than any job can stay queued or be retried. */
const ANSWERED_TTL_SECONDS = 7 * 24 * 3_600;
/**
 * As long: the job of a worker that died mid-post waits, stalled, for another worker, and a retry
 * may run after the workers were down for hours; either must still find the post. Gone sooner once
 * the messages are noted answered.
 */
const BEGUN_TTL_SECONDS = ANSWERED_TTL_SECONDS;

/** An attempt as an earlier version noted it, with the reply's text, for an hour (read until those have expired). */
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

  async recordAttempt(messageIds: readonly string[], attempt: PostAttempt): Promise<void> {
    const batch = this.redis.multi();
    // The digest and the persona's name, never the text: kept a week, under the key that says the post was begun.
    const noted = JSON.stringify({ digest: attempt.digest, persona: attempt.persona, personaKey: attempt.personaKey, startedAt: attempt.startedAt } satisfies PostAttempt);
    for (const id of messageIds) batch.set(this.begunKey(id), noted, 'EX', BEGUN_TTL_SECONDS);
    // Unnoted, a post its worker died sending would be sent again: better not to send it now.
    if ((await batch.exec()) === null) throw new FeelbotError(ErrorCodes.RedisUnavailable, `Redis aborted the transaction noting the reply to ${messageIds.length} messages.`);
  }

  async findAttempt(messageIds: readonly string[]): Promise<PostAttempt | undefined> {
    const begun = (await this.all(messageIds.map((id) => this.begunKey(id)))).map(parsed).find(isDigested);
    if (begun) return begun;
    const older = parsed(await this.first(messageIds.map((id) => this.olderAttemptKey(id))));
    if (older === undefined || isDigested(older)) return older;
    const { content, ...rest } = older;
    return { ...rest, digest: replyDigest(content) };
  }

  async findBegun(messageIds: readonly string[]): Promise<number | undefined> {
    const raw = await this.first(messageIds.map((id) => this.begunKey(id)));
    if (raw === undefined) return undefined;
    // An earlier version noted the time alone.
    const noted = parsed(raw);
    return noted ? noted.startedAt : Number(raw);
  }

  async answeredWith(replyId: string): Promise<readonly string[] | undefined> {
    const raw = await this.redis.get(this.replyKey(replyId));
    return raw === null ? undefined : (JSON.parse(raw) as string[]);
  }

  async forgetAttempt(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.redis.del(...this.attemptKeys(messageIds));
  }

  private async first(keys: readonly string[]): Promise<string | undefined> {
    return (await this.all(keys)).find((value): value is string => value !== undefined);
  }

  private async all(keys: readonly string[]): Promise<Array<string | undefined>> {
    if (keys.length === 0) return [];
    return (await this.redis.mget(...keys)).map((value) => value ?? undefined);
  }

  /** Every key an attempt at these messages may be noted under, an earlier version's too. */
  private attemptKeys(messageIds: readonly string[]): string[] {
    return messageIds.flatMap((id) => [this.begunKey(id), this.olderAttemptKey(id)]);
  }

  private begunKey(messageId: string): string {
    return feelbotKey(this.prefix, 'post-begun', messageId);
  }

  /** Where an earlier version noted the attempt with its text, for an hour; no longer written. */
  private olderAttemptKey(messageId: string): string {
    return feelbotKey(this.prefix, 'post-attempt', messageId);
  }

  private key(messageId: string): string {
    return feelbotKey(this.prefix, 'answered', messageId);
  }

  private replyKey(replyId: string): string {
    return feelbotKey(this.prefix, 'answers', replyId);
  }
}

/** A noted attempt, or undefined for a bare time (an earlier version's begun key) or nothing. */
function parsed(raw: string | undefined): PostAttempt | TextAttempt | undefined {
  if (raw === undefined || !raw.startsWith('{')) return undefined;
  return JSON.parse(raw) as PostAttempt | TextAttempt;
}

function isDigested(noted: PostAttempt | TextAttempt | undefined): noted is PostAttempt {
  return noted !== undefined && 'digest' in noted;
}
