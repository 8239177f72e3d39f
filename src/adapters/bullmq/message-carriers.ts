import type { ChainableCommander, Redis } from 'ioredis';
import { feelbotKey } from '../redis/redis-connection.js';
import { INDEX_ENTRY_TTL_SECONDS, RenewedJobIndex } from './renewed-job-index.js';
import { arrayOf, isRecord, parsedJobData } from './stored-job-data.js';

/**
 * Which job holds each message's text (its carrier), kept in Redis while that job is: a burst's
 * job holds all of its messages, and the rest of a burst queued again holds those left. It is what
 * keeps a message from being queued twice, and what a deletion or an edit looks up. Each carrier
 * expires unless renewed (`renew`), which a job's carriers are while the job is in Redis.
 */
export class MessageCarriers {
  private readonly index: RenewedJobIndex;

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    /** The Redis key of a job's hash, whose data `renew` reads. */
    jobKey: (jobId: string) => string,
  ) {
    this.index = new RenewedJobIndex(connection, feelbotKey(prefix, 'carriers-renewed'), jobKey, {
      namedIn: carriedIn,
      writeIn: (batch, messageIds, jobId) => this.setIn(batch, messageIds, jobId),
    });
  }

  /** Records `jobId` as the carrier of every one of `messageIds`, until renewed or INDEX_ENTRY_TTL_SECONDS have passed. */
  record(messageIds: readonly string[], jobId: string): Promise<void> {
    return this.index.record(messageIds, jobId);
  }

  /**
   * Records again the jobs still in Redis as the carriers of the messages whose text their stored
   * data holds, once unrenewed a while (RenewedJobIndex); forgets those gone. Returns how many it
   * renewed. A job due (recorded 30 minutes ago) is past any burst window, so no newer job of its
   * burst has taken its messages since.
   */
  renew(): Promise<number> {
    return this.index.renew();
  }

  /** The job that holds this message's text, while that job is in Redis (and up to two hours after). */
  async of(messageId: string): Promise<string | undefined> {
    return (await this.connection.get(this.key(messageId))) ?? undefined;
  }

  /** The carriers known of these messages, in one read; `messageIds` must not be empty. */
  async ofEach(messageIds: readonly string[]): Promise<string[]> {
    const carriers = await this.connection.mget(...messageIds.map((id) => this.key(id)));
    return carriers.filter((id): id is string => id !== null);
  }

  /** Forgets which jobs held these messages (their jobs removed with the server that removed the bot). */
  async forget(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length > 0) await this.connection.del(...messageIds.map((id) => this.key(id)));
  }

  private setIn(batch: ChainableCommander, messageIds: readonly string[], jobId: string): void {
    for (const id of messageIds) batch.set(this.key(id), jobId, 'EX', INDEX_ENTRY_TTL_SECONDS);
  }

  private key(messageId: string): string {
    return feelbotKey(this.prefix, 'carrier', messageId);
  }
}

/**
 * The messages whose text a reply job's stored data holds: its own and its burst's earlier ones,
 * read as plain JSON; none when `stored` (a job hash's `data`) is missing or not JSON.
 */
function carriedIn(stored: unknown): string[] {
  const data = parsedJobData(stored);
  if (!isRecord(data)) return [];
  return [data.messageId, ...arrayOf(data.burst)].filter((id): id is string => typeof id === 'string');
}
