import type { Redis } from 'ioredis';
import type { EditedMessages } from '../../ports/edited-messages.js';
import { feelbotKey } from './redis-connection.js';

/** As long as a deletion's mark (RedisDeletedMessages): longer than any reply stays queued or in generation. */
const EDITED_TTL_SECONDS = 60 * 60;

/** One short-lived key per edited message, holding its newest text. */
export class RedisEditedMessages implements EditedMessages {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async mark(messageId: string, content: string): Promise<void> {
    await this.redis.set(this.key(messageId), content, 'EX', EDITED_TTL_SECONDS);
  }

  async editsAmong(messageIds: readonly string[]): Promise<Map<string, string>> {
    if (messageIds.length === 0) return new Map();
    const texts = await this.redis.mget(...messageIds.map((id) => this.key(id)));
    const edits = new Map<string, string>();
    messageIds.forEach((id, index) => {
      const text = texts[index];
      if (typeof text === 'string') edits.set(id, text);
    });
    return edits;
  }

  async forget(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.redis.del(...messageIds.map((id) => this.key(id)));
  }

  private key(messageId: string): string {
    return feelbotKey(this.prefix, 'edited', messageId);
  }
}
