import type { Redis } from 'ioredis';
import { feelbotKey } from '../redis/redis-connection.js';
import { setAllWithTtl } from '../redis/set-all.js';
import { DELETION_MARKER_SECONDS } from '../../ports/deletion-markers.js';

/** The carrier of a message lives as long as the deleted-message marker the worker checks. */
const CARRIER_TTL_SECONDS = DELETION_MARKER_SECONDS;

/**
 * Which job holds each message's text (its carrier), kept in Redis for an hour: a burst's job
 * holds all of its messages, and the rest of a burst queued again holds those left. It is what
 * keeps a message from being queued twice, and what a deletion or an edit looks up.
 */
export class MessageCarriers {
  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  /** Records `jobId` as the carrier of every one of `messageIds`. */
  async record(messageIds: readonly string[], jobId: string): Promise<void> {
    await setAllWithTtl(this.connection, messageIds.map((id) => this.key(id)), jobId, CARRIER_TTL_SECONDS);
  }

  /** The job that holds this message's text, when it was queued in the last hour. */
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

  private key(messageId: string): string {
    return feelbotKey(this.prefix, 'carrier', messageId);
  }
}
