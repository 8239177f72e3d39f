import type { Redis } from 'ioredis';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { DeletedMessages } from '../../ports/deleted-messages.js';
import { feelbotKey } from './redis-connection.js';
import { setAllWithTtl } from './set-all.js';
import { DELETION_MARKER_SECONDS } from '../../ports/deletion-markers.js';

/** Then the marker goes; a reply that waited longer asks Discord whether its message is still there (goneFromDiscord). */
const DELETED_TTL_SECONDS = DELETION_MARKER_SECONDS;

/** One short-lived key per deleted message. */
export class RedisDeletedMessages implements DeletedMessages {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async mark(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    // Nothing was marked when Redis aborted the MULTI: the deletion must not pass for recorded.
    if (!(await setAllWithTtl(this.redis, messageIds.map((id) => this.key(id)), '1', DELETED_TTL_SECONDS))) {
      throw new FeelbotError(ErrorCodes.RedisUnavailable, `Redis aborted the transaction marking ${messageIds.length} deleted messages.`);
    }
  }

  async deletedAmong(messageIds: readonly string[]): Promise<string[]> {
    if (messageIds.length === 0) return [];
    const marks = await this.redis.mget(...messageIds.map((id) => this.key(id)));
    return messageIds.filter((_, index) => marks[index] !== null);
  }

  private key(messageId: string): string {
    return feelbotKey(this.prefix, 'deleted', messageId);
  }
}
